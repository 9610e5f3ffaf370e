// The load generator shared by the benchmarks: autocannon in a child process, so that it does not
// share the event loop of the gateway it measures.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export const homeQuery = `{ home { me { id name tier } recentOrders(last: 10) { id status createdAt totalCents currency items { quantity product { id name priceCents currency } } } recommended(limit: 10) { reason product { id name priceCents currency } } } }`;

export interface LoadResult {
  /** total: answers received; sent: requests sent, those still in flight when the run ended included. */
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  /** POST body; GET without. */
  body?: string;
  seconds: number;
  connections: number;
  /** A bearer token; '' sends none. */
  token: string;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const args = [
    autocannon,
    '-c',
    String(options.connections),
    '-d',
    String(options.seconds),
    '-j',
    '-H',
    'content-type=application/json',
    '-H',
    'x-user-id=u1',
  ];
  // the federation benchmark's client takes no credentials
  if (options.token) args.push('-H', `authorization=Bearer ${options.token}`);
  // BENCH_ACCEPT_ENCODING="br, gzip" measures answers compressed (the aggregator never compresses)
  const acceptEncoding = process.env['BENCH_ACCEPT_ENCODING'];
  if (acceptEncoding) args.push('-H', `accept-encoding=${acceptEncoding}`);
  if (options.body) args.push('-m', 'POST', '-b', options.body);
  const { stdout } = await promisify(execFile)(process.execPath, [...args, options.url], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LoadResult;
}
