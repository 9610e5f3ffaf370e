/**
 * Started by src/main.ts (`npm start`): the demo shop's backends (users and catalog over REST, orders and recommendations
 * over gRPC) on ephemeral ports, then the gateway over this repository's schema/ and clients/.
 */
import { fileURLToPath } from 'node:url';
import { startDemo, EPHEMERAL_PORTS } from '../demo/index.js';
import { startGateway } from './server/index.js';
import { ConfigError, formatProblem } from './config/index.js';
import { installShutdownHandlers } from './cli/shutdown.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const latencyMs = Number(process.env['DEMO_LATENCY_MS'] ?? 0);
const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs });
try {
  const gateway = await startGateway({
    dir: root,
    port: Number(process.env['PORT'] ?? 4000),
    host: process.env['HOST'] ?? '127.0.0.1',
    env: { ...process.env, ...demo.env },
    watch: process.env['FACET_WATCH'] === '1',
    readinessDelayMs: Number(process.env['FACET_READINESS_DELAY_MS'] ?? 0) || 0,
  });
  installShutdownHandlers(async () => {
    await gateway.close();
    await demo.close();
  });
  console.log(
    `Facet demo listening on ${gateway.url}  (backends: ${Object.values(demo.env).join(', ')}${latencyMs ? `, ${latencyMs} ms latency` : ''})`,
  );
  for (const client of gateway.current().clients)
    console.log(`  ${client.definition.name.padEnd(8)} ${gateway.url}${client.definition.endpoint}`);
  console.log(`  health   ${gateway.url}/healthz    metrics ${gateway.url}/metrics`);
} catch (error) {
  if (error instanceof ConfigError) for (const p of error.problems) console.error(formatProblem(p));
  else console.error(error);
  await demo.close();
  process.exit(1);
}
