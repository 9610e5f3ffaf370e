// A recording reverse proxy for a REST demo backend: point the gateway's USERS_URL / CATALOG_URL
// at it to see exactly what the gateway sent upstream (path, query, headers); startStackRecording
// starts a test stack that way.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStack, type Stack, type StackOptions } from './gateway.js';

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
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
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
    setTarget(url) {
      target = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface RecordingStack extends Stack {
  /** Sees what the gateway sends the recorded backend. */
  recorder: UpstreamRecorder;
}

/**
 * A test stack whose gateway reaches the demo's `backend` (a REST one) through an upstream recorder
 * (USERS_URL / CATALOG_URL point at it). `close()` closes the stack, then the recorder.
 */
export async function startStackRecording(
  backend: 'users' | 'catalog',
  options: StackOptions = {},
): Promise<RecordingStack> {
  const recorder = await startUpstreamRecorder();
  let stack: Stack;
  try {
    stack = await startStack({ ...options, env: { ...options.env, [`${backend.toUpperCase()}_URL`]: recorder.url } });
  } catch (error) {
    await recorder.close();
    throw error;
  }
  recorder.setTarget(stack.demo[backend].address);
  return {
    ...stack,
    recorder,
    async close() {
      await stack.close();
      await recorder.close();
    },
  };
}
