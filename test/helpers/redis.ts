// Live-Redis helpers for gateway tests: is Redis there (tests that need it are skipped locally when
// it is not, never in CI), and removal of the keys a test's unique client wrote.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const IN_CI = process.env['CI'] === 'true';

/** One quick PING with no retries. */
export async function redisReachable(url = REDIS_URL): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** `false` when Redis answers (or in CI, where a missing Redis must fail), else the skip message. */
export async function skipUnlessRedis(): Promise<string | false> {
  if (IN_CI || (await redisReachable())) return false;
  const message = `Redis not reachable at ${REDIS_URL}: skipping the live-Redis tests (set REDIS_URL, or CI=true to make this fail)`;
  console.warn(`# ${message}`);
  return message;
}

/** Keys of the gateway's store (fixed prefix facet:rl:) that mention `fragment`. */
export async function rateLimitKeysWith(fragment: string, url = REDIS_URL): Promise<string[]> {
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  try {
    await admin.connect();
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `facet:rl:*${fragment}*`, count: 200 }))
      keys.push(...(batch as string[]));
    return keys;
  } finally {
    admin.disconnect();
  }
}

/** Deletes the gateway store's keys that mention `fragment` (a run-unique client name). */
export async function deleteRateLimitKeys(fragment: string, url = REDIS_URL): Promise<number> {
  const keys = await rateLimitKeysWith(fragment, url).catch(() => []);
  if (keys.length === 0) return 0;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  try {
    await admin.connect();
    return await admin.del(...keys);
  } finally {
    admin.disconnect();
  }
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: a crash, not a clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
}

/**
 * A redis-server of the test's own (no persistence) on `port`, or on a free ephemeral port: for
 * outage tests, which must never stop the shared Redis. Resolves once it answers PING.
 */
export async function startPrivateRedis(port?: number): Promise<PrivateRedis> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${chosen}`;
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 5000;
  while (!(await redisReachable(url))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await kill();
      throw new Error(`redis-server did not start on port ${chosen}`);
    }
    await sleep(50);
  }
  return { url, port: chosen, kill };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
