import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildGateway, type BuiltGateway } from './build-gateway.js';
import { adminStatus, type BuildInfo } from './admin-status.js';
import { createAdminServer } from './admin-routes.js';
import { createClientEndpoint, type ClientEndpoint, type EndpointDeps } from './client-endpoint.js';
import { createCacheStore, RedisCacheStore, type CacheStore } from '../cache/index.js';
import type { GatewayFileOptions } from '../config/gateway-options.js';
import { createRateLimitStore } from '../directives/rate-limit/create-store.js';
import { createFacadeHandler } from '../facade/index.js';
import { createHttpServer, type Routes } from './http-server.js';
import { createLogger, createMetrics, logUpstreamFailures } from '../observability/index.js';
import { ConfigError, formatProblem } from '../config/index.js';
import { watchConfigFolder } from './watch-config-folder.js';
import { startTracing } from '../observability/tracing/index.js';

export interface GatewayOptions {
  /** Configuration folder holding schema/ and clients/. */
  dir: string;
  /** @default 4000 */
  port?: number;
  /** @default 127.0.0.1 — bind 0.0.0.0 explicitly to serve other hosts. */
  host?: string;
  /** Environment used for `${VAR}` in sources. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  /** Rebuild when files under dir change; a broken change is logged and the old build keeps serving. @default false */
  watch?: boolean;
  /** How long shutdown waits for in-flight requests before closing their connections. @default 10000 */
  shutdownTimeoutMs?: number;
  /**
   * On close, how long to keep accepting requests while /readyz answers 503 before the listener
   * closes, so that load balancers (a Kubernetes Service) stop routing here first. @default 0
   */
  readinessDelayMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** The admin listener's URL, when gateway.yaml `admin.listen` gives it one. */
  adminUrl?: string;
  /** The current build (sources, graph, clients). */
  current(): BuiltGateway;
  /** Rebuilds from the folder and swaps atomically; throws ConfigError and keeps serving the old build. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** How long a replaced build's backend clients stay open for requests still using them. */
const retiredBuildGraceMs = 30_000;

/** Doubtful parts of a valid configuration, one line each with file:line (what `facet check` prints). */
function logConfigWarnings(log: Logger, built: BuiltGateway): void {
  for (const warning of built.warnings)
    log.warn(
      { file: warning.file, line: warning.line, path: warning.path },
      `configuration warning: ${formatProblem(warning)}`,
    );
}

/** Builds everything once, then serves it; the only place that owns process-level resources. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const log = options.log ?? createLogger({ level: env['LOG_LEVEL'] ?? 'info' });
  const metrics = createMetrics();
  const stopUpstreamLog = logUpstreamFailures(log);

  // One cache store per process, made from the first build's gateway.yaml and kept across reloads.
  let cacheStore: CacheStore | undefined;
  const cacheStoreFor = (cache: GatewayFileOptions['cache']) => {
    cacheStore ??= createCacheStore(cache, env, log);
    return cacheStore;
  };
  let built = buildGateway(options.dir, env, cacheStoreFor);
  logConfigWarnings(log, built);
  log.info({ store: cacheStore!.kind }, 'cache store');
  // connected before the first request; one that does not answer now is bypassed (logged) until it does
  if (cacheStore instanceof RedisCacheStore) await cacheStore.connect();
  // One store per process, kept across reloads so counts survive a configuration change.
  const { store: rateLimitStore, kind: storeKind } = createRateLimitStore(
    built.config.gateway.rateLimitStore,
    env,
    log,
  );
  log.info({ store: storeKind }, 'rate-limit store');
  // Connect before the first request, so a burst at start-up does not wait on the handshake (and
  // fall back to per-instance counts). A store that does not answer now is not fatal: it is
  // asked again on use, under gateway.yaml rateLimitStore.
  if (storeKind === 'redis')
    await rateLimitStore
      .ping()
      .catch((err: unknown) =>
        log.warn(
          { err: { message: (err as Error).message } },
          'rate-limit store not answering at start-up; requests will try it',
        ),
      );
  const routesFor = (b: BuiltGateway) =>
    endpointsFor(b, {
      log,
      rateLimitStore,
      globalQuotas: b.config.gateway.quotas.global,
      production: env['NODE_ENV'] === 'production',
    });
  let routes = routesFor(built);
  let draining = false;
  const retired = new Set<NodeJS.Timeout>();

  const buildInfo: BuildInfo = { loadedAt: Date.now() };
  const adminListen = built.config.gateway.admin.listen;
  const admin = {
    adminKey: built.config.gateway.admin.key || env['FACET_ADMIN_KEY'] || undefined,
    cacheStore: () => cacheStore,
    status: () => adminStatus(built, metrics.live, buildInfo),
    log,
    ownListener: adminListen !== undefined,
  };
  // admin.listen: the admin paths on their own address, and never on the client port
  const adminServer = adminListen === undefined ? undefined : createAdminServer(admin);
  if (adminServer && adminListen) {
    const colon = adminListen.lastIndexOf(':');
    await new Promise<void>((resolve, reject) => {
      adminServer.once('error', reject);
      adminServer.listen(Number(adminListen.slice(colon + 1)), adminListen.slice(0, colon), () => resolve());
    });
    log.info({ address: adminListen, key: admin.adminKey ? 'required' : 'none' }, 'admin listener');
  }
  // OTEL_* from this gateway's env; undefined (and no SDK loaded) unless an OTLP endpoint is set
  const tracing = await startTracing(env, log);
  const server = createHttpServer({
    log,
    metrics,
    routes: () => routes,
    ready: () => !draining,
    admin: adminServer ? undefined : admin,
    tracing,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '127.0.0.1', () => resolve());
  }).catch(async (error: unknown) => {
    adminServer?.close();
    await tracing?.shutdown().catch(() => undefined); // its export timer would keep the process alive
    throw error;
  });
  const port = (server.address() as AddressInfo).port;

  async function reload(): Promise<void> {
    let next: BuiltGateway;
    try {
      next = buildGateway(options.dir, env, cacheStoreFor);
    } catch (error) {
      const message =
        error instanceof ConfigError ? error.problems.map(formatProblem).join('; ') : (error as Error).message;
      buildInfo.reloadError = { at: Date.now(), message };
      throw error;
    }
    buildInfo.loadedAt = Date.now();
    buildInfo.reloadError = undefined;
    logConfigWarnings(log, next);
    const previous = built;
    built = next;
    routes = routesFor(next);
    const timer = setTimeout(() => {
      retired.delete(timer);
      void previous.close();
    }, retiredBuildGraceMs);
    timer.unref();
    retired.add(timer);
    log.info(
      { clients: next.clients.map((c) => c.definition.name), sources: next.sources.map((s) => s.name) },
      'configuration reloaded',
    );
  }

  const watcher = options.watch
    ? watchConfigFolder(options.dir, () => {
        reload().catch((error) => {
          if (error instanceof ConfigError)
            log.error(
              { problems: error.problems },
              'reload refused: configuration invalid; still serving the previous one',
            );
          else log.error({ err: error }, 'reload failed; still serving the previous configuration');
        });
      })
    : undefined;

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      draining = true;
      watcher?.close();
      if (options.readinessDelayMs) await new Promise((resolve) => setTimeout(resolve, options.readinessDelayMs));
      adminServer?.close();
      adminServer?.closeAllConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection whose request finishes during the drain would otherwise stay open
      // until the client's idle timeout (seconds); close each as soon as it is idle.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timeout = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs ?? 10_000);
      await closed;
      clearInterval(sweep);
      clearTimeout(timeout);
      for (const timer of retired) clearTimeout(timer);
      await built.close();
      await rateLimitStore.close();
      await cacheStore?.close();
      stopUpstreamLog();
      metrics.close();
      // the spans still buffered are exported before the gateway is closed
      await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'tracing: final export failed'));
    })();
    return closing;
  }

  const adminAddress = adminServer?.address() as AddressInfo | undefined;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    ...(adminAddress
      ? { adminUrl: `http://${adminListen!.slice(0, adminListen!.lastIndexOf(':'))}:${adminAddress.port}` }
      : {}),
    current: () => built,
    reload,
    close,
  };
}

function endpointsFor(built: BuiltGateway, deps: EndpointDeps): Routes {
  const endpoints = new Map<string, ClientEndpoint>();
  const facades: Routes['facades'] = new Map();
  for (const client of built.clients) {
    const endpoint = createClientEndpoint(client, deps);
    endpoints.set(client.definition.endpoint, endpoint);
    if (client.facade) {
      const auth = client.definition.options.auth;
      const security = { apiKeyHeader: auth.apiKeys?.header, bearer: Boolean(auth.jwt) };
      facades.set(`/${client.definition.name}`, {
        endpoint,
        handle: createFacadeHandler(client.facade, endpoint, client.schema, security),
      });
    }
  }
  return { endpoints, facades };
}
