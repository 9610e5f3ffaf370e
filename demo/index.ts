// Demo backends of the e-commerce shop: start/stop API used by `npm start`,
// the integration tests and the benchmark. Users and catalog speak REST, orders and recommendations
// gRPC, ratings is an Apollo Federation v2 subgraph (GraphQL over HTTP).
import type { CallCounter } from './counter.js';
import type { Fault } from './faults.js';
import { startCatalog } from './rest/catalog.js';
import { startUsers } from './rest/users.js';
import { startOrders } from './grpc/orders.js';
import { startRecommendations } from './grpc/recommendations.js';

export type { CallCounter, CallSnapshot } from './counter.js';
export type { Fault } from './faults.js';
export { FAULTS, INTERNAL_ERROR_DETAILS } from './faults.js';

export type BackendName = 'users' | 'catalog' | 'orders' | 'recommendations' | 'ratings';

export interface DemoOptions {
  host?: string;
  latencyMs?: number;
  /** Missing entries use DEFAULT_PORTS; 0 = ephemeral. */
  ports?: Partial<Record<BackendName, number>>;
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
  /** USERS_URL, CATALOG_URL, ORDERS_ADDR, RECOMMENDATIONS_ADDR, RATINGS_URL. */
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

const STARTERS: Record<BackendName, (o: { host: string; port: number; latencyMs?: number }) => Promise<DemoBackend>> = {
  users: startUsers,
  catalog: startCatalog,
  orders: startOrders,
  recommendations: startRecommendations,
  ratings: startRatingsBackend,
};

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1';
  const names = Object.keys(STARTERS) as BackendName[];
  const results = await Promise.allSettled(
    names.map((name) => {
      const opts = { host, port: options.ports?.[name] ?? DEFAULT_PORTS[name] };
      return STARTERS[name](options.latencyMs === undefined ? opts : { ...opts, latencyMs: options.latencyMs });
    }),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((b) => b.close()));
    throw failed.reason;
  }
  const [users, catalog, orders, recommendations, ratings] = started as [
    DemoBackend,
    DemoBackend,
    DemoBackend,
    DemoBackend,
    DemoBackend,
  ];
  const all = [users, catalog, orders, recommendations, ratings];
  return {
    users,
    catalog,
    orders,
    recommendations,
    ratings,
    env: {
      USERS_URL: users.address,
      CATALOG_URL: catalog.address,
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
