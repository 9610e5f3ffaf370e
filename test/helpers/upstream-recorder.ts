// A recording reverse proxy for a REST demo backend: point the gateway's USERS_URL / CATALOG_URL
// at it to see exactly what the gateway sent upstream (path, query, headers).
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface UpstreamRecorder {
  /** http://127.0.0.1:<port> */
  url: string;
  calls: RecordedCall[];
  /** Where calls are forwarded (set once the demo is up). */
  setTarget(url: string): void;
  close(): Promise<void>;
}

export async function startUpstreamRecorder(): Promise<UpstreamRecorder> {
  const calls: RecordedCall[] = [];
  let target: URL | undefined;
  const server = createServer((req, res) => {
    calls.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers } });
    if (!target) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"recorder has no target"}');
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":"recorder upstream failed"}');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setTarget(url) { target = new URL(url); },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
