import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { sendJsonError } from '../errors/index.js';
import { identityHeaders, type Identity } from '../auth/index.js';
import { readOrCreateRequestId, requestIdHeader, type Metrics } from '../observability/index.js';
import type { ClientEndpoint } from './client-endpoint.js';
import type { GatewayContext } from './context.js';
import type { FacadeRequest } from '../facade/index.js';
import { sendProblem } from '../facade/problem.js';
import { csrfMessage, isPreflighted, mediaTypeOf } from './csrf.js';
import { graphqlBodyTypes } from './use-request-parser.js';
import { adminPrefix, handleAdmin, type AdminOptions } from './admin-routes.js';
import { handToYoga, jsonMediaTypeFor, readBody } from './direct-execution.js';
import type { RequestTrace, Tracing } from '../observability/tracing/index.js';

/** What the listener serves right now; replaced whole on hot reload. */
export interface Routes {
  endpoints: Map<string, ClientEndpoint>;
  /** `/<client>` → the client's REST facade, for paths under the prefix other than its GraphQL endpoint. */
  facades: Map<string, { endpoint: ClientEndpoint; handle: (request: FacadeRequest) => Promise<void> }>;
}

export interface HttpServerOptions {
  log: Logger;
  metrics: Metrics;
  routes: () => Routes;
  /** False while starting or draining: /readyz answers 503. */
  ready: () => boolean;
  /** The admin endpoints (cache purge): off unless an admin key is set. */
  admin?: AdminOptions;
  /** Largest request head Node accepts; beyond it Node answers 431. @default 16384 */
  maxHeaderBytes?: number;
  /** OpenTelemetry: a server span per client request (GraphQL endpoint or facade); absent when tracing is off. */
  tracing?: Tracing;
}

/**
 * The front door: node:http with bounded timeouts, then per request — request id, health and
 * metrics routes, path → client, method and body-size checks, authentication — and finally the
 * client's yoga. One log line and the metrics are recorded when the response finishes.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { log, metrics, tracing } = options;
  const server = createServer(
    {
      maxHeaderSize: options.maxHeaderBytes ?? 16_384,
      requestTimeout: 30_000,
      headersTimeout: 10_000,
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      const started = performance.now();
      const requestId = readOrCreateRequestId(req.headers[requestIdHeader]);
      res.setHeader(requestIdHeader, requestId);
      const path = (req.url ?? '/').split('?', 1)[0]!;
      let client = '-';
      let trace: RequestTrace | undefined;
      res.once('finish', () => {
        const seconds = (performance.now() - started) / 1000;
        metrics.observeRequest(client, res.statusCode, seconds);
        const line: Record<string, unknown> = {
          requestId,
          method: req.method,
          path,
          client,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
        };
        if (trace) {
          line['trace_id'] = trace.traceId;
          trace.end({ 'http.response.status_code': res.statusCode }, res.statusCode >= 500);
        }
        log.info(line, 'request');
      });

      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (path === '/readyz')
        return options.ready() ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: 'not ready' });
      if (path === '/metrics' && req.method === 'GET') {
        void metrics.registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        });
        return;
      }

      const routes = options.routes();
      const endpoint = routes.endpoints.get(path);
      const ip = req.socket.remoteAddress ?? 'unknown';
      if (!endpoint && (path === '/admin' || path.startsWith(adminPrefix)) && options.admin) {
        client = 'admin';
        return handleAdmin(req, res, path, options.admin);
      }
      if (!endpoint) {
        const prefix = path.slice(0, path.indexOf('/', 1) >>> 0);
        const facade = routes.facades.get(prefix);
        if (!facade) return sendJsonError(res, 'NOT_FOUND');
        client = facade.endpoint.name;
        if (tracing) trace = startServerSpan(tracing, req, `${prefix}/*`, path, client, requestId);
        for (const header of facade.endpoint.forgeableHeaders) delete req.headers[header];
        const query = new URLSearchParams((req.url ?? '').slice(path.length + 1));
        return void facade
          .handle({
            req,
            res,
            path: path.slice(prefix.length),
            query,
            requestId,
            ip,
            context: (identity) => contextFor(facade.endpoint, requestId, identity, ip, trace),
          })
          .catch((error) => {
            // a bug, not a coded error: the stack goes to the log, the caller gets the facade's problem+json
            log.error({ err: error, requestId, client }, 'facade request failed');
            if (!res.headersSent) sendProblem(res, { code: 'INTERNAL_SERVER_ERROR', instance: path, requestId });
            else res.destroy();
          });
      }
      client = endpoint.name;
      if (tracing) trace = startServerSpan(tracing, req, path, path, client, requestId);
      if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'OPTIONS')
        return sendJsonError(res, 'METHOD_NOT_ALLOWED', { headers: { allow: 'GET, POST, OPTIONS' } });
      if (req.method === 'POST') {
        // only JSON bodies: form and text bodies are what a foreign page can post without a preflight
        if (!graphqlBodyTypes.includes(mediaTypeOf(req.headers['content-type']) ?? ''))
          return sendJsonError(res, 'UNSUPPORTED_MEDIA_TYPE', {
            message: `A POST body must be ${graphqlBodyTypes.join(' or ')}`,
          });
        const length = req.headers['content-length'];
        if (length === undefined) return sendJsonError(res, 'LENGTH_REQUIRED');
        if (Number(length) > endpoint.maxBodyBytes)
          return sendJsonError(res, 'PAYLOAD_TOO_LARGE', { extensions: { maxBodyBytes: endpoint.maxBodyBytes } });
      }
      for (const header of endpoint.forgeableHeaders) delete req.headers[header];
      if (req.method === 'OPTIONS') return void endpoint.yoga(req, res, contextFor(endpoint, requestId, null, ip));

      // GraphiQL is a static page: a browser opening it sends no credentials; its requests do.
      if (
        endpoint.graphiqlPage &&
        req.method === 'GET' &&
        !(req.url ?? '').includes('?') &&
        /text\/html/.test(req.headers.accept ?? '')
      ) {
        return void endpoint.graphiqlPage.send(req, res).catch((error) => {
          log.error({ err: error, requestId }, 'GraphiQL page failed');
          if (!res.headersSent) sendJsonError(res, 'INTERNAL_SERVER_ERROR');
        });
      }
      if (endpoint.csrfHeaders && !isPreflighted(req.headers, endpoint.csrfHeaders)) {
        return sendJsonError(res, 'CSRF_ERROR', { message: csrfMessage(endpoint.csrfHeaders) });
      }
      void (async () => {
        const admission = await endpoint.admit(req.headers, ip);
        if (!admission.ok) return sendJsonError(res, admission.code, admission);
        for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
        const context = contextFor(endpoint, requestId, admission.identity, ip, trace);
        // a JSON POST or a GET query from a caller with no CORS to answer (no Origin) skips yoga's fetch shell
        const mediaType = !req.headers.origin && jsonMediaTypeFor(req.headers.accept);
        const search = (req.url ?? '').slice(path.length + 1);
        if (mediaType && req.method === 'GET' && search) {
          if (!(await endpoint.executeDirectly.get(req, res, context, new URLSearchParams(search), mediaType)))
            endpoint.yoga(req, res, context);
          return;
        }
        if (!mediaType || req.method !== 'POST') return void endpoint.yoga(req, res, context);
        const body = await readBody(req);
        if (!(await endpoint.executeDirectly.post(req, res, context, body, mediaType)))
          await handToYoga(endpoint.yoga, req, res, context, body);
      })().catch((error) => {
        if (!req.complete) return void res.destroy(); // the caller went away while sending its body
        log.error({ err: error, requestId }, 'request failed unexpectedly');
        if (!res.headersSent) sendJsonError(res, 'INTERNAL_SERVER_ERROR');
        else res.destroy();
      });
    },
  );

  function contextFor(
    endpoint: ClientEndpoint,
    requestId: string,
    identity: Identity | null,
    ip: string,
    trace?: RequestTrace,
  ): GatewayContext {
    return {
      requestId,
      client: endpoint.name,
      identity,
      // the per-request logger carries the trace id, so that its lines can be found from the trace
      log: trace ? log.child({ trace_id: trace.traceId }) : log,
      ip,
      trace,
      maxUpstreamCalls: endpoint.maxUpstreamCalls,
      caching: {},
      upstreamHeaders: { [requestIdHeader]: requestId, ...identityHeaders(identity, endpoint.forward) },
    };
  }
  return server;
}

/** The server span of a client's request (not health, metrics, admin or a 404). */
function startServerSpan(
  tracing: Tracing,
  req: IncomingMessage,
  route: string,
  path: string,
  client: string,
  requestId: string,
): RequestTrace {
  return tracing.startRequest(`${req.method} ${route}`, req.headers, {
    'http.request.method': req.method,
    'http.route': route,
    'url.path': path,
    'facet.client': client,
    'facet.request_id': requestId,
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
