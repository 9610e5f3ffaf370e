import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { installShutdownHandlers } from '../cli/shutdown.js';
import { createLogger } from '../observability/index.js';
import { buildGateway } from '../server/index.js';
import { shutdownMessage } from './messages.js';
import { RestartBudget } from './restart-budget.js';
import type { ServeOptions } from './serve.js';
import { declaredLimits, declaredCaches, sharedStoreMissing } from './shared-limits.js';

function ignoreSendError(): void {}

/** A start-up refusal the CLI prints as it is (no stack): the problem and its fix. */
export class StartRefused extends Error {
  override name = 'StartRefused';
}

/**
 * The primary of `--workers N`: checks the configuration once (so a broken one fails once, with
 * file:line, not N times), refuses per-process rate-limit counts, forks the workers (cluster
 * shares the port between them), restarts one that dies, and on SIGTERM/SIGINT tells each to
 * drain and exits once all have: 0 when every worker exited 0. It serves no request itself.
 */
export async function runPrimary(options: ServeOptions): Promise<void> {
  const { workers, gateway } = options;
  const env = gateway.env ?? process.env;
  const log = createLogger({ level: env['LOG_LEVEL'] ?? 'info' });
  const built = buildGateway(gateway.dir, env);
  const clients = built.clients.map((c) => ({ name: c.definition.name, endpoint: c.definition.endpoint }));
  const limits = declaredLimits(built.config);
  const caches = built.config.gateway.cache.store === 'memory' || !env['REDIS_URL'] ? declaredCaches(built.config) : [];
  await built.close();
  if ((limits.length && !env['REDIS_URL']) || caches.length)
    throw new StartRefused(sharedStoreMissing(workers, env['REDIS_URL'] ? [] : limits, caches));

  const forkEnv = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
  const budget = new RestartBudget();
  const pendingRestarts = new Set<NodeJS.Timeout>();
  let started = false;
  let stopping = false;
  let failedExits = 0;
  let onStopped = () => {};
  // Our own count: cluster.workers drops a worker on exit or on disconnect, whichever comes last.
  const alive = new Set<Worker>();
  const live = () => alive.size;
  // Workers ask for the port as given: with --port 0, cluster keys the shared handle by that, so a
  // restarted worker joins the port the others hold (pinning the chosen number would collide with it).
  const fork = () => {
    const worker = cluster.fork(forkEnv);
    // an IPC failure towards one worker is logged, never an uncaught exception in the primary
    worker.on('error', (err: Error) =>
      log.warn({ worker: worker.process.pid, err: err.message }, 'worker channel error'),
    );
    alive.add(worker);
  };

  // before forking: a signal while the workers start stops them too, instead of orphaning them
  installShutdownHandlers(async () => {
    await stopWorkers();
    await options.afterClose?.();
    if (failedExits) throw new Error(`${failedExits} worker(s) did not stop cleanly`);
  }, env);

  const port = await new Promise<number>((resolve, reject) => {
    const listening = new Set<number>();
    cluster.on('listening', (worker: Worker, address: AddressInfo) => {
      log.info({ worker: worker.process.pid, port: address.port }, 'worker listening');
      listening.add(worker.id);
      if (!started && listening.size === workers) {
        started = true;
        resolve(address.port);
      }
    });
    cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
      const pid = worker.process.pid;
      alive.delete(worker);
      listening.delete(worker.id);
      if (stopping) {
        if (code !== 0) failedExits++;
        log.info({ worker: pid, code, signal }, 'worker stopped');
        if (live() === 0) onStopped();
        return;
      }
      if (!started) {
        // a start-up failure (port taken, backend config): every worker would hit it, so stop
        log.error({ worker: pid, code, signal }, 'worker exited before listening; stopping');
        void stopWorkers().finally(() =>
          reject(new StartRefused(`a worker exited (code ${code ?? signal}) before listening; see its output above`)),
        );
        return;
      }
      const delayMs = budget.next();
      if (delayMs === undefined) {
        log.error(
          { worker: pid, code, signal, workersLeft: live() },
          'worker exited; restart limit reached, not restarting',
        );
        if (live() === 0) {
          log.fatal('no worker left; exiting');
          process.exit(1);
        }
        return;
      }
      log.error({ worker: pid, code, signal, restartInMs: delayMs }, 'worker exited unexpectedly; restarting it');
      const timer = setTimeout(() => {
        pendingRestarts.delete(timer);
        if (!stopping) fork();
      }, delayMs);
      pendingRestarts.add(timer);
    });
    for (let i = 0; i < workers; i++) fork();
  });

  function stopWorkers(): Promise<void> {
    stopping = true;
    for (const timer of pendingRestarts) clearTimeout(timer);
    const stopped = new Promise<void>((resolve) => {
      onStopped = resolve;
    });
    if (live() === 0) return Promise.resolve();
    for (const worker of alive) {
      // A worker whose channel is closed is already exiting; its exit event still arrives. The
      // callback keeps node from turning the closed channel into an unhandled 'error' event.
      if (worker.isConnected()) worker.send(shutdownMessage, undefined, ignoreSendError);
    }
    return stopped;
  }

  const url = `http://${gateway.host ?? '127.0.0.1'}:${port}`;
  log.info({ workers: [...alive].map((w) => w.process.pid) }, `${workers} workers serving`);
  options.announce(url, clients);
}
