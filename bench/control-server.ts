/**
 * What a backends process of `npm run bench` shares: a small control server (GET /calls: calls per
 * backend since the last reset; POST /reset), one JSON line on stdout once listening
 * (`{ "env": …, "control": "http://…" }`, read by bench-processes.ts), and a stop on SIGTERM or
 * SIGINT that closes the backends.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ControlledBackends {
  env: Record<string, string>;
  calls(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function serveControl(backends: ControlledBackends): Promise<void> {
  const control = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/calls') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(backends.calls()));
    } else if (req.method === 'POST' && req.url === '/reset') {
      backends.reset();
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const { port } = control.address() as AddressInfo;
  console.log(JSON.stringify({ env: backends.env, control: `http://127.0.0.1:${port}` }));

  const stop = (): void => {
    control.close();
    backends.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
