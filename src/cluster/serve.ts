import cluster from 'node:cluster';
import { installShutdownHandlers } from '../cli/shutdown.js';
import { startGateway, type GatewayOptions } from '../server/index.js';
import { runPrimary } from './primary.js';
import { runWorker } from './worker.js';
import { defaultHeapGrowthPercent, setHeapGrowth } from './heap-growth.js';

export interface ServeOptions {
  /** Worker processes sharing the port; 1 serves in this process, as without the option. @default 1 */
  workers: number;
  gateway: GatewayOptions;
  /** Called once the port is served (by every worker): the URL and each client's endpoint. */
  announce(url: string, clients: Array<{ name: string; endpoint: string }>): void;
  /** After the gateway has stopped (every worker exited), in this process only: e.g. the demo backends. */
  afterClose?: () => Promise<void>;
  /** Old-generation growth past the live heap, in percent (see heap-growth.ts); 0: V8's own. @default 100 */
  heapGrowthPercent?: number;
}

/**
 * Serves a configuration folder until SIGTERM/SIGINT, in one process or, with `workers` > 1, in
 * a cluster. The workers run the same entry point again (node's cluster re-executes the script
 * with the same arguments) and land in `runWorker` here.
 */
export async function serveGateway(options: ServeOptions): Promise<void> {
  setHeapGrowth(options.heapGrowthPercent ?? defaultHeapGrowthPercent);
  if (cluster.isWorker) return runWorker(options.gateway);
  if (options.workers > 1) return runPrimary(options);
  const gateway = await startGateway(options.gateway);
  installShutdownHandlers(async () => {
    await gateway.close();
    await options.afterClose?.();
  }, options.gateway.env);
  options.announce(
    gateway.url,
    gateway.current().clients.map((c) => ({ name: c.definition.name, endpoint: c.definition.endpoint })),
  );
}
