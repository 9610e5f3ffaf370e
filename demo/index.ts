// Demo backends of the e-commerce shop: start/stop API used by `npm start`,
// the integration tests and the benchmark. Users and catalog speak REST, orders and recommendations
// gRPC, ratings is an Apollo Federation v2 subgraph (GraphQL over HTTP).
import type { CallCounter } from './counter.js';
import { startRestartable, type DemoInstance } from './instances.js';
import type { Fault } from './faults.js';
import { startCatalog } from './rest/catalog.js';
import { startUsers } from './rest/users.js';
import { startOrders } from './grpc/orders.js';
import { startRecommendations } from './grpc/recommendations.js';

export type { CallCounter, CallSnapshot } from './counter.js';
export type { Fault } from './faults.js';
export type { DemoInstance } from './instances.js';
export { FAULTS, INTERNAL_ERROR_DETAILS } from './faults.js';

export type BackendName = 'users' | 'catalog' | 'orders' | 'recommendations' | 'ratings';

export interface DemoOptions {
  host?: string;
  latencyMs?: number;
  /** Missing entries use DEFAULT_PORTS; 0 = ephemeral. */
  ports?: Partial<Record<BackendName, number>>;
  /** How many catalog instances (the first on the catalog port, the others ephemeral). @default 1 */
  catalogInstances?: number;
}

export interface DemoBackend {
  name: string;
  protocol: 'REST' | 'GRPC' | 'GRAPHQL';
  /** REST: 'http://127.0.0.1:PORT', gRPC: '127.0.0.1:PORT', GraphQL: 'http://127.0.0.1:PORT/graphql'. */
  address: string;
  calls: CallCounter;
  setFault(f: Fault | null): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface Demo {
  users: DemoBackend;
  catalog: DemoBackend;
  orders: DemoBackend;
  recommendations: DemoBackend;
  ratings: DemoBackend;
  /** Every catalog instance (`catalog` is the first): same data, a counter each, each can be closed and restarted. */
  catalogInstances: DemoInstance[];
  /** USERS_URL, CATALOG_URL, ORDERS_ADDR, RECOMMENDATIONS_ADDR, RATINGS_URL; with several catalog instances CATALOG_URLS (all of them, comma-separated). */
  env: Record<string, string>;
  resetCounters(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORTS: Readonly<Record<BackendName, number>> = {
  users: 4101,
  catalog: 4102,
  orders: 4201,
  recommendations: 4202,
  ratings: 4301,
};
export const EPHEMERAL_PORTS: Readonly<Record<BackendName, number>> = {
  users: 0,
  catalog: 0,
  orders: 0,
  recommendations: 0,
  ratings: 0,
};

/** Loaded on start only: @apollo/subgraph is not needed by modules that only import types or constants from here. */
async function startRatingsBackend(o: { host: string; port: number; latencyMs?: number }): Promise<DemoBackend> {
  const [{ startRatings }, { toDemoBackend }] = await Promise.all([
    import('./federation/ratings.js'),
    import('./federation/graphql-server.js'),
  ]);
  return toDemoBackend(await startRatings(o));
}

type StartOptions = { host: string; port: number; latencyMs?: number };

const STARTERS: Record<Exclude<BackendName, 'catalog'>, (o: StartOptions) => Promise<DemoBackend>> = {
  users: startUsers,
  orders: startOrders,
  recommendations: startRecommendations,
  ratings: startRatingsBackend,
};

/** Runs every start; when one fails, closes those that started and throws its error. */
async function startAll<B extends DemoBackend>(starts: Array<() => Promise<B>>): Promise<B[]> {
  const results = await Promise.allSettled(starts.map((start) => start()));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return started;
  await Promise.all(started.map((b) => b.close()));
  throw failed.reason;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1';
  const optionsOf = (name: BackendName): StartOptions => {
    const opts = { host, port: options.ports?.[name] ?? DEFAULT_PORTS[name] };
    return options.latencyMs === undefined ? opts : { ...opts, latencyMs: options.latencyMs };
  };
  // the first catalog instance on the catalog port, the others on ephemeral ones
  const catalog = optionsOf('catalog');
  const catalogPorts = [catalog.port, ...Array.from({ length: (options.catalogInstances ?? 1) - 1 }, () => 0)];
  const catalogInstances = startAll(
    catalogPorts.map(
      (port) => () => startRestartable((p, counter) => startCatalog({ ...catalog, port: p, counter }), port),
    ),
  );
  const names = Object.keys(STARTERS) as Array<keyof typeof STARTERS>;
  const others = startAll(names.map((name) => () => STARTERS[name](optionsOf(name))));
  const [instances, backends] = await Promise.allSettled([catalogInstances, others]);
  if (instances.status === 'rejected' || backends.status === 'rejected') {
    for (const r of [instances, backends])
      if (r.status === 'fulfilled') await Promise.all(r.value.map((b) => b.close()));
    throw instances.status === 'rejected' ? instances.reason : (backends as PromiseRejectedResult).reason;
  }
  const [users, orders, recommendations, ratings] = backends.value as [
    DemoBackend,
    DemoBackend,
    DemoBackend,
    DemoBackend,
  ];
  const all = [users, ...instances.value, orders, recommendations, ratings];
  const first = instances.value[0]!;
  return {
    users,
    catalog: first,
    catalogInstances: instances.value,
    orders,
    recommendations,
    ratings,
    env: {
      USERS_URL: users.address,
      CATALOG_URL: first.address,
      ...(instances.value.length > 1 ? { CATALOG_URLS: instances.value.map((b) => b.address).join(',') } : {}),
      ORDERS_ADDR: orders.address,
      RECOMMENDATIONS_ADDR: recommendations.address,
      RATINGS_URL: ratings.address,
    },
    resetCounters: () => {
      for (const b of all) b.calls.reset();
    },
    close: async () => {
      await Promise.all(all.map((b) => b.close()));
    },
  };
}
