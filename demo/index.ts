// Demo backends of the e-commerce shop: start/stop API used by `npm start`,
// the integration tests and the benchmark.
import type { CallCounter } from './counter.js';
import type { Fault } from './faults.js';
import { startCatalog } from './rest/catalog.js';
import { startUsers } from './rest/users.js';
import { startOrders } from './grpc/orders.js';
import { startRecommendations } from './grpc/recommendations.js';

export type { CallCounter, CallSnapshot } from './counter.js';
export type { Fault } from './faults.js';
export { FAULTS, INTERNAL_ERROR_DETAILS } from './faults.js';

export type BackendName = 'users' | 'catalog' | 'orders' | 'recommendations';

export interface DemoOptions {
  host?: string;
  latencyMs?: number;
  /** Missing entries use DEFAULT_PORTS; 0 = ephemeral. */
  ports?: Partial<Record<BackendName, number>>;
}

export interface DemoBackend {
  name: string;
  protocol: 'REST' | 'GRPC';
  /** REST: 'http://127.0.0.1:PORT', gRPC: '127.0.0.1:PORT'. */
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
  /** USERS_URL, CATALOG_URL, ORDERS_ADDR, RECOMMENDATIONS_ADDR. */
  env: Record<string, string>;
  resetCounters(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORTS: Readonly<Record<BackendName, number>> = {
  users: 4101,
  catalog: 4102,
  orders: 4201,
  recommendations: 4202,
};
export const EPHEMERAL_PORTS: Readonly<Record<BackendName, number>> = {
  users: 0,
  catalog: 0,
  orders: 0,
  recommendations: 0,
};

const STARTERS: Record<BackendName, (o: { host: string; port: number; latencyMs?: number }) => Promise<DemoBackend>> = {
  users: startUsers,
  catalog: startCatalog,
  orders: startOrders,
  recommendations: startRecommendations,
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
  const [users, catalog, orders, recommendations] = started as [DemoBackend, DemoBackend, DemoBackend, DemoBackend];
  const all = [users, catalog, orders, recommendations];
  return {
    users,
    catalog,
    orders,
    recommendations,
    env: {
      USERS_URL: users.address,
      CATALOG_URL: catalog.address,
      ORDERS_ADDR: orders.address,
      RECOMMENDATIONS_ADDR: recommendations.address,
    },
    resetCounters: () => {
      for (const b of all) b.calls.reset();
    },
    close: async () => {
      await Promise.all(all.map((b) => b.close()));
    },
  };
}
