// Tiny JSON router over node:http shared by the REST demo backends: route
// templates ('/products/{id}'), call counting, latency, fault injection,
// GET /__calls, GET /healthz, and a close() that does not wait on keep-alive sockets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter } from '../counter.js';
import { Control, hugeJsonBody, INTERNAL_ERROR_DETAILS } from '../faults.js';
import type { DemoBackend } from '../index.js';

export interface RestRequest {
  params: Record<string, string>;
  query: URLSearchParams;
}
export interface RestResponse {
  status: number;
  body: unknown;
}
export interface Route {
  method: 'GET' | 'POST';
  /** Template such as '/products/{id}'; also the counter's operation key with the method. */
  path: string;
  /** For batch routes: the ids a call carries, recorded by the counter. */
  batchIds?: (req: RestRequest) => string[];
  handle(req: RestRequest): RestResponse;
}
export interface RestServerOptions {
  name: string;
  host: string;
  port: number;
  latencyMs?: number;
  routes: Route[];
  /** The counter to record calls in: a restarted instance keeps counting in its own. @default a new one */
  counter?: Counter;
}

/** Counter key of requests that match no route. */
export const UNMATCHED_OPERATION = 'UNMATCHED';

export const json = (status: number, body: unknown): RestResponse => ({ status, body });

/** `?ids=a,b,c` → ['a','b','c'] (trimmed, empty entries dropped, duplicates kept). */
export function parseIds(query: URLSearchParams): string[] {
  return (query.get('ids') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** First occurrence of each id, in request order. */
export const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

interface Match {
  route: Route;
  params: Record<string, string>;
}

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | null {
  const parts = template.split('/').filter((s) => s !== '');
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const seg = segments[i] as string;
    if (part.startsWith('{') && part.endsWith('}')) params[part.slice(1, -1)] = seg;
    else if (part !== seg) return null;
  }
  return params;
}

/** Routes matching the path; static segments win over parameters. */
function findRoutes(routes: readonly Route[], pathname: string): Match[] {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return [];
  }
  const matches: Match[] = [];
  for (const route of routes) {
    const params = matchTemplate(route.path, segments);
    if (params) matches.push({ route, params });
  }
  return matches.sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length);
}

/** Answers with a JSON body (a response already ended is left alone). */
export function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

/** Host part of an address clients can dial (wildcard binds map to loopback). */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startRestServer(opts: RestServerOptions): Promise<DemoBackend> {
  const counter = opts.counter ?? new Counter();
  const control = new Control(opts.latencyMs);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://demo.local');
    if (url.pathname === '/__calls' && method === 'GET') {
      send(res, 200, JSON.stringify(counter.snapshot()));
      return;
    }
    // the gateway's active health check: not counted; unhealthy while a fault is injected
    if (url.pathname === '/healthz' && method === 'GET') {
      send(res, control.fault ? 503 : 200, JSON.stringify({ status: control.fault ? 'failing' : 'ok' }));
      return;
    }
    const candidates = findRoutes(opts.routes, url.pathname);
    const match = candidates.find((m) => m.route.method === method);
    const request: RestRequest = { params: match?.params ?? {}, query: url.searchParams };
    const template = match?.route.path ?? candidates[0]?.route.path;
    counter.record(
      template ? `${method} ${template}` : UNMATCHED_OPERATION,
      match?.route.batchIds?.(request),
      req.headers.traceparent as string | undefined,
    );

    await control.delay();
    switch (control.fault) {
      case 'hang':
        return; // never answered; close() destroys the socket
      case 'error':
        send(res, 500, JSON.stringify({ error: 'internal server error', detail: INTERNAL_ERROR_DETAILS(opts.name) }));
        return;
      case 'malformed':
        send(res, 200, '{"items": [');
        return;
      case 'unavailable':
        send(res, 503, JSON.stringify({ error: 'service unavailable' }), { 'retry-after': '1' });
        return;
      case 'huge':
        control.setFault(null);
        send(res, 200, hugeJsonBody());
        return;
      case null:
        break;
    }

    if (!match) {
      if (candidates.length > 0) {
        const allow = [...new Set(candidates.map((m) => m.route.method))].join(', ');
        send(res, 405, JSON.stringify({ error: 'method not allowed' }), { allow });
      } else {
        send(res, 404, JSON.stringify({ error: 'not found' }));
      }
      return;
    }
    const out = match.route.handle(request);
    send(res, out.status, JSON.stringify(out.body));
  };

  const server = http.createServer((req, res) => {
    req.resume(); // bodies are ignored
    handle(req, res).catch((err: unknown) => {
      console.error(`[demo:${opts.name}]`, err);
      send(res, 500, JSON.stringify({ error: 'internal server error' }));
    });
  });

  const port = await listenOn(server, opts.host, opts.port);

  let closing: Promise<void> | undefined;
  return {
    name: opts.name,
    protocol: 'REST',
    address: `http://${displayHost(opts.host)}:${port}`,
    calls: counter,
    setFault: (f) => control.setFault(f),
    setLatency: (ms) => control.setLatency(ms),
    close() {
      if (!closing) {
        control.close();
        closing = closeServer(server);
      }
      return closing;
    },
  };
}

/** Listens on host:port (0: an ephemeral port); resolves to the port it got. */
export async function listenOn(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and drops the keep-alive connections, so close does not wait for clients. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
