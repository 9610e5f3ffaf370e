/**
 * A Redis connection whose every command is bounded in time, shared by the stores that use Redis
 * (rate limits, cache). Connects on first use, never queues commands while disconnected, and
 * gives each call `timeoutMs` to get a connection, then `timeoutMs` for the answer counted from
 * when the command is sent (so a gateway busy with a burst does not blame its own event-loop lag
 * on the store).
 */
import { Redis } from 'ioredis';

export interface BoundedRedisOptions {
  /** Used when no `client` is given. @default 'redis://127.0.0.1:6379' */
  url?: string;
  /** An existing connection to use; it is not closed by `close`. */
  client?: Redis;
  timeoutMs: number;
}

/** Marks when a bounded call sends its command, and tells it whether its caller gave up. */
export interface BoundedCall {
  gaveUp: () => boolean;
  sending: () => void;
}

export interface BoundedRedis {
  readonly client: Redis;
  /** Runs `work` once connected, within the time budget; rejects with why it could not. */
  bounded<T>(work: (call: BoundedCall) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function connectBounded(options: BoundedRedisOptions): BoundedRedis {
  const { timeoutMs } = options;
  const owned = options.client === undefined;
  let lastError: unknown;
  const client =
    options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true, // connect on first use; a call waits for it within its time budget
      enableOfflineQueue: false, // never queue commands while disconnected: fail now, not later
      // Only a backstop that frees a command Redis never answers; `bounded` below is the budget.
      // ioredis's own timer would also count our event loop's lag against the store.
      commandTimeout: Math.max(10 * timeoutMs, 2000),
      maxRetriesPerRequest: 1,
      disconnectTimeout: timeoutMs, // close() destroys a socket that does not close by then (default 2 s keeps the process alive)
      // connectTimeout stays at its default: a slow handshake should still end up connected for later calls.
    });
  if (owned)
    client.on('error', (err: unknown) => {
      lastError = err;
    }); // reported via the calls' errors; avoids "Unhandled error event"

  // One shared promise per connection attempt, so a burst of calls adds two listeners, not hundreds.
  let ready: Promise<void> | undefined;
  const whenReady = (): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve();
    if (client.status === 'end') return Promise.reject(new Error('the Redis connection is closed'));
    if (client.status === 'wait') client.connect().catch(() => {}); // failures surface as a timeout below
    ready ??= new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        client.off('ready', onReady);
        client.off('end', onEnd);
        ready = undefined;
      };
      const onReady = (): void => {
        settle();
        resolve();
      };
      const onEnd = (): void => {
        settle();
        reject(new Error('the Redis connection is closed'));
      };
      client.on('ready', onReady);
      client.on('end', onEnd);
    });
    return ready;
  };

  const bounded = async <T>(work: (call: BoundedCall) => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    let lastLook: NodeJS.Immediate | undefined;
    let timedOut = false;
    let sentAt: number | undefined;
    const deadline = new Promise<never>((_, reject) => {
      const check = (): void => {
        // A command sent late (the event loop was busy) still gets its full budget.
        const left = sentAt === undefined ? 0 : sentAt + timeoutMs - Date.now();
        if (left > 0) {
          timer = setTimeout(check, left);
          return;
        }
        // Timers run before the event loop reads sockets: after a long synchronous stretch a reply
        // that came in time is still unread. setImmediate runs after that read: look once more.
        lastLook = setImmediate(() => {
          timedOut = true;
          reject(
            new Error(
              sentAt === undefined ? `no connection within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`,
            ),
          );
        });
      };
      timer = setTimeout(check, timeoutMs);
    });
    const call: BoundedCall = {
      gaveUp: () => timedOut,
      sending: () => {
        sentAt = Date.now();
      },
    };
    try {
      return await Promise.race([whenReady().then(() => work(call)), deadline]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const last =
        lastError instanceof Error && client.status !== 'ready' ? ` (last connection error: ${lastError.message})` : '';
      throw new Error(`${reason}${last}`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (lastLook) clearImmediate(lastLook);
    }
  };

  return {
    client,
    bounded,
    async ping() {
      await bounded(({ sending }) => {
        sending();
        return client.ping();
      });
    },
    async close() {
      if (!owned || client.status === 'end') return;
      if (client.status !== 'ready') return client.disconnect(); // also stops reconnect attempts
      try {
        // QUIT is answered after any command still waiting on a silent Redis: bounded like the rest
        await bounded(({ sending }) => {
          sending();
          return client.quit();
        });
      } catch {
        client.disconnect();
      }
    },
  };
}
