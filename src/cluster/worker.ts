import { installShutdownHandlers } from '../cli/shutdown.js';
import { createLogger } from '../observability/index.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../server/index.js';
import { isShutdownMessage } from './messages.js';

/**
 * One cluster worker: the whole gateway (its own build, watcher and backend clients) on the port
 * the primary shares, with `worker: <pid>` on every log line. It drains like a single process, on
 * its own signals (Ctrl-C reaches the whole process group) or on its primary's message.
 */
export async function runWorker(options: GatewayOptions): Promise<void> {
  const env = options.env ?? process.env;
  // Listen before building: a shutdown asked for while the gateway is still starting is kept.
  let drain: ((reason: string) => void) | undefined;
  let shutdownAsked = false;
  const onMessage = (message: unknown) => {
    if (!isShutdownMessage(message)) return;
    shutdownAsked = true;
    drain?.('primary stopping');
  };
  process.on('message', onMessage);
  const log = options.log ?? createLogger({ level: env['LOG_LEVEL'] ?? 'info' }).child({ worker: process.pid });
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ ...options, log });
  } catch (error) {
    // cluster's own listeners hold the IPC channel (and so the process) open: let a failed worker
    // exit once its error is printed, and the primary see that exit
    process.off('message', onMessage);
    process.channel?.unref();
    throw error;
  }
  drain = installShutdownHandlers(() => gateway.close(), env);
  if (shutdownAsked) drain('primary stopping');
}
