// Starts the processes `npm run bench` measures, each on its own so that /proc tells their CPU
// and memory apart: the demo backends, the gateway (`facet start`) and the hand-written
// aggregator. Every process started here is stopped by stopAll(), also on error or Ctrl-C.
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { facetBin } from '../test/helpers/run-cli.js';
import { spawnServer, type ServerProcess } from '../test/helpers/server-process.js';

const tsxEntry = (file: string) => ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))];
const running = new Set<ServerProcess>();

export interface BenchProcess {
  pid: number;
  /** The URL the load generator drives. */
  url: string;
  stop(): Promise<void>;
}

export interface BackendsProcess extends BenchProcess {
  /** USERS_URL, CATALOG_URL, ORDERS_ADDR, RECOMMENDATIONS_ADDR. */
  env: Record<string, string>;
  /** Calls each backend received since the last reset. */
  calls(): Promise<Record<string, number>>;
  resetCalls(): Promise<void>;
}

function spawnTracked(args: string[], env: Record<string, string>): ServerProcess {
  const server = spawnServer(process.execPath, args, env);
  running.add(server);
  return server;
}

/** SIGTERM, then SIGKILL for whatever of its process group is left after 5 s. */
async function stop(server: ServerProcess): Promise<void> {
  try {
    process.kill(server.child.pid!, 'SIGTERM');
  } catch {
    /* already gone */
  }
  await Promise.race([server.exited, sleep(5_000)]);
  server.kill();
  running.delete(server);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stop));
}

/** The demo backends (`./backends-process.ts`), or the federation benchmark's subgraphs (`./federation-subgraphs-process.ts`). */
export async function startBackendsProcess(
  latencyMs: number,
  entry = './backends-process.ts',
): Promise<BackendsProcess> {
  const server = spawnTracked(tsxEntry(entry), { DEMO_LATENCY_MS: String(latencyMs) });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    server.child.stdout!.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    void server.exited.then(() => reject(new Error(`demo backends exited before listening:\n${server.output()}`)));
  });
  const { env, control } = JSON.parse(line) as { env: Record<string, string>; control: string };
  return {
    pid: server.child.pid!,
    url: control,
    env,
    calls: async () => (await (await fetch(`${control}/calls`)).json()) as Record<string, number>,
    resetCalls: async () => void (await fetch(`${control}/reset`, { method: 'POST' })),
    stop: () => stop(server),
  };
}

async function started(server: ServerProcess, path = ''): Promise<BenchProcess> {
  return { pid: server.child.pid!, url: `${await server.url}${path}`, stop: () => stop(server) };
}

/** `facet start` with one worker (the pid measured is the server), driven at `path`; FACET_EXECUTOR passes through. */
export function startGatewayProcess(
  dir: string,
  backendsEnv: Record<string, string>,
  path = '/mobile/graphql',
): Promise<BenchProcess> {
  const args = [facetBin, 'start', '--dir', dir, '--port', '0', '--workers', '1'];
  return started(spawnTracked(args, { ...backendsEnv, NODE_ENV: 'production' }), path);
}

/** The hand-written aggregator (`./aggregator-process.ts`), or the federation floor (`./federation-floor-process.ts`). */
export function startAggregatorProcess(
  backendsEnv: Record<string, string>,
  entry = './aggregator-process.ts',
): Promise<BenchProcess> {
  return started(spawnTracked(tsxEntry(entry), { ...backendsEnv, NODE_ENV: 'production' }));
}
