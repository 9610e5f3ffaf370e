/**
 * npm run bench — not a test: shows where performance stands, against a hand-written aggregator.
 * The demo backends, the gateway (`facet start`, one worker) and the aggregator each run in a
 * process of their own, and autocannon drives the mobile `home` query from a fourth. For the
 * gateway and the aggregator in turn (each a fresh process): warm-up, then a measured run that
 * reads the process's CPU time (utime + stime from /proc/<pid>/stat) and samples its RSS every
 * 100 ms, and counts the backends' calls.
 * Options (env): BENCH_CONNECTIONS (20), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), DEMO_LATENCY_MS (0),
 * BENCH_ROUNDS (1: gateway and aggregator measured in turn that many times, then the median ratios),
 * BENCH_ACCEPT_ENCODING (unset: answers uncompressed; e.g. "br, gzip"), BENCH_SUITE (all: the mobile home
 * query against the aggregator, then the same with the catalog's lookups cached and the cache warm, then the
 * federation benchmark query against its floor; home; home-cached; federation). FACET_EXECUTOR is passed to
 * the gateway process as it is (unset: the query planner; "delegation": stitching only) and printed.
 * home-cached: the gateway over a copy of the configuration whose catalog lookups (`product`, `products`) are
 * `@cacheControl(maxAge: 600)` (PUBLIC; nothing user-private is cached), warmed with a few home queries; the
 * cache's hits and misses in the measured window (facet_source_cache_total) are printed with its figures.
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BENCH_QUERY } from '../demo/federation/bench/query.js';
import { mintToken } from '../src/cli/token.js';
import { homeQuery, load, type LoadResult } from './autocannon.js';
import { benchConfigDir, cacheCatalogLookups } from './bench-config.js';
import {
  type BackendsProcess,
  type BenchProcess,
  startAggregatorProcess,
  startBackendsProcess,
  startGatewayProcess,
  stopAll,
} from './bench-processes.js';
import { measureProcess, peakRssBytes, waitUntilIdle } from './proc-stats.js';
import { metricSum } from '../test/helpers/gateway.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** A whole number from the environment; anything else stops the benchmark before it starts anything. */
function option(name: string, fallback: number, min: number): number {
  const text = process.env[name] ?? String(fallback);
  if (!/^\d+$/.test(text) || Number(text) < min) throw new Error(`${name}="${text}": expected a whole number ≥ ${min}`);
  return Number(text);
}
const connections = option('BENCH_CONNECTIONS', 20, 1);
const seconds = option('BENCH_SECONDS', 10, 1);
const warmup = option('BENCH_WARMUP_SECONDS', 3, 0);
const latencyMs = option('DEMO_LATENCY_MS', 0, 0);
const rounds = option('BENCH_ROUNDS', 1, 1);
const executor = process.env['FACET_EXECUTOR'] || 'planner (default)';
const suites = ['all', 'home', 'home-cached', 'federation'];
const suite = process.env['BENCH_SUITE'] || 'all';
if (!suites.includes(suite)) throw new Error(`BENCH_SUITE="${suite}": expected one of ${suites.join(', ')}`);
const federationConfigDir = fileURLToPath(new URL('../demo/federation/bench/config/', import.meta.url));
const MB = 1024 * 1024;
/** The 1-minute load average against the cores: a busy machine widens the spread of every figure. */
const loadAverage = () => `${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`;

interface Measured {
  name: string;
  result: LoadResult;
  cpuMsPerQuery: number;
  peakRssMb: number;
  /** VmHWM at the end: start-up and warm-up included. */
  highWaterMb: number;
  backendsCpuMsPerQuery: number;
  callsPerQuery: Record<string, number>;
  /** What a WindowProbe said of the measured window. */
  note?: string;
}

/**
 * Looks at a gateway around its measured window: called once the warm-up is over and the process
 * idle, just before the window; the function it returns is called after the window, and its text
 * is printed with the figures.
 */
type WindowProbe = (target: BenchProcess) => Promise<() => Promise<string>>;

async function measure(
  name: string,
  backends: BackendsProcess,
  start: () => Promise<BenchProcess>,
  token: string,
  body?: string,
  probe?: WindowProbe,
): Promise<Measured> {
  const target = await start();
  try {
    if (warmup) await load({ url: target.url, body, seconds: warmup, connections, token });
    await waitUntilIdle(target.pid);
    const probed = await probe?.(target);
    await backends.resetCalls();
    const usage = measureProcess(target.pid);
    const backendsUsage = measureProcess(backends.pid);
    const result = await load({ url: target.url, body, seconds, connections, token });
    // The requests in flight when the run ended are still answered: counted (sent) and measured.
    await waitUntilIdle(target.pid);
    const used = usage.stop();
    const backendsUsed = backendsUsage.stop();
    if (!result.requests.total) throw new Error(`${name}: no answer in ${seconds} s`);
    const queries = result.requests.sent;
    const calls = await backends.calls();
    return {
      name,
      result,
      cpuMsPerQuery: used.cpuMs / queries,
      peakRssMb: used.peakRssBytes / MB,
      highWaterMb: peakRssBytes(target.pid) / MB,
      backendsCpuMsPerQuery: backendsUsed.cpuMs / queries,
      callsPerQuery: Object.fromEntries(Object.entries(calls).map(([b, n]) => [b, Number((n / queries).toFixed(2))])),
      note: await probed?.(),
    };
  } finally {
    await target.stop();
  }
}

/**
 * The home-cached suite's probe: a few home queries (as the load generator sends them) fill the
 * cache, then facet_source_cache_total before and after the window tells how warm it stayed. A
 * window without a hit stops the benchmark: the cache was not in effect.
 */
function warmCache(token: string, body: string): WindowProbe {
  return async (target) => {
    const headers = { 'content-type': 'application/json', 'x-user-id': 'u1', authorization: `Bearer ${token}` };
    for (let i = 0; i < 3; i++) {
      const res = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (!res.ok || text.includes('"errors"'))
        throw new Error(`warming the cache: ${res.status} ${text.slice(0, 500)}`);
    }
    const origin = new URL(target.url).origin;
    const counts = async () => ({
      hits: await metricSum(origin, 'facet_source_cache_total', { source: 'catalog', outcome: 'hit' }),
      misses: await metricSum(origin, 'facet_source_cache_total', { source: 'catalog', outcome: 'miss' }),
    });
    const before = await counts();
    return async () => {
      const after = await counts();
      const hits = after.hits - before.hits;
      const misses = after.misses - before.misses;
      if (!hits) throw new Error(`no catalog cache hit in the measured window (${misses} misses): no cache in effect`);
      return `catalog cache lookups (one per product id) in the measured window: ${hits} hits, ${misses} misses, hit ratio ${(hits / (hits + misses)).toFixed(4)}`;
    };
  };
}

/** Upstream calls per query, all backends together. */
const totalCalls = (m: Measured) => Object.values(m.callsPerQuery).reduce((sum, n) => sum + n, 0);

const row = (m: Measured) =>
  [
    m.name.padEnd(24),
    `${m.result.requests.average.toFixed(0).padStart(6)} req/s`,
    `p50 ${String(m.result.latency.p50).padStart(4)} ms`,
    `p99 ${String(m.result.latency.p99).padStart(4)} ms`,
    `CPU ${m.cpuMsPerQuery.toFixed(2).padStart(5)} ms/query`,
    `peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB (VmHWM ${m.highWaterMb.toFixed(0)} MB)`,
    `errors ${m.result.errors + m.result.non2xx}`,
    `backends CPU ${m.backendsCpuMsPerQuery.toFixed(2)} ms/query`,
    `upstream calls/query ${JSON.stringify(m.callsPerQuery)}`,
  ].join('   ');

const runs = (name: string) => suite === name || suite === 'all';
// made first, so that an SDL the catalog edit no longer matches stops the benchmark before it starts or copies anything else
const cachedConfig = runs('home-cached') ? benchConfigDir(root, (dir) => cacheCatalogLookups(dir)) : undefined;
const config = benchConfigDir(root);
const cleanupConfigs = () => {
  config.cleanup();
  cachedConfig?.cleanup();
};
const interrupt = (signal: NodeJS.Signals) => {
  void stopAll()
    .finally(cleanupConfigs)
    .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);
/** Measures a gateway against its yardstick, `rounds` times in alternating order, and prints the ratios. */
async function compare(
  title: string,
  measureGateway: () => Promise<Measured>,
  measureYardstick: () => Promise<Measured>,
  yardstick: string,
): Promise<void> {
  console.log(
    `\n${title} — ${connections} connections, ${seconds} s after ${warmup} s warm-up, backend latency ${latencyMs} ms, gateway executor ${executor}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average before ${loadAverage()}`,
  );
  const ratios: Array<{ rps: number; p50: number; cpu: number; rss: number; calls: number }> = [];
  for (let round = 1; round <= rounds; round++) {
    // alternate who goes first, so a drift in the machine's load does not always favour one side
    const yardstickFirst = round % 2 === 0;
    const first = yardstickFirst ? await measureYardstick() : await measureGateway();
    const second = yardstickFirst ? await measureGateway() : await measureYardstick();
    const [gateway, other] = yardstickFirst ? [second, first] : [first, second];
    if (rounds > 1) console.log(`\nround ${round} of ${rounds}`);
    console.log(`\n${row(gateway)}\n${row(other)}`);
    for (const m of [gateway, other]) if (m.note) console.log(`${m.name}: ${m.note}`);
    const backends = [...new Set([...Object.keys(gateway.callsPerQuery), ...Object.keys(other.callsPerQuery)])];
    console.log(
      `upstream calls per query by backend, gateway / ${yardstick}: ${backends.map((b) => `${b} ${gateway.callsPerQuery[b] ?? 0} / ${other.callsPerQuery[b] ?? 0}`).join('   ')}`,
    );
    const r = {
      rps: gateway.result.requests.average / other.result.requests.average,
      p50: gateway.result.latency.p50 / other.result.latency.p50,
      cpu: gateway.cpuMsPerQuery / other.cpuMsPerQuery,
      rss: gateway.peakRssMb / other.peakRssMb,
      calls: totalCalls(gateway) / totalCalls(other),
    };
    ratios.push(r);
    console.log(
      `\ngateway ÷ ${yardstick}: req/s ${r.rps.toFixed(2)}   p50 ${r.p50.toFixed(2)}   CPU per query ${r.cpu.toFixed(2)}   peak RSS ${r.rss.toFixed(2)}   upstream calls per query ${r.calls.toFixed(2)}`,
    );
  }
  if (rounds > 1) {
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const span = (values: number[]) =>
      `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
    console.log(
      `\nmedian of ${rounds} rounds (range): req/s ${span(ratios.map((r) => r.rps))}   p50 ${span(ratios.map((r) => r.p50))}   CPU per query ${span(ratios.map((r) => r.cpu))}   peak RSS ${span(ratios.map((r) => r.rss))}   upstream calls per query ${span(ratios.map((r) => r.calls))}`,
    );
  }
}

/**
 * The mobile home screen over the demo's REST and gRPC backends, against the hand-written aggregator;
 * the gateway over the configuration at `dir`, and with `cached` its catalog cache warmed and watched.
 */
async function homeScenario(title: string, name: string, dir: string, cached = false): Promise<void> {
  const backends = await startBackendsProcess(latencyMs);
  try {
    const token = await mintToken({ dir: root, env: { ...process.env, ...backends.env }, sub: 'u1', expiresIn: '1h' });
    const body = JSON.stringify({ query: homeQuery });
    await compare(
      title,
      () =>
        measure(
          name,
          backends,
          () => startGatewayProcess(dir, backends.env),
          token,
          body,
          cached ? warmCache(token, body) : undefined,
        ),
      () => measure('hand-written aggregator', backends, () => startAggregatorProcess(backends.env), token),
      'aggregator',
    );
  } finally {
    await backends.stop();
  }
}

/**
 * The federation benchmark's heavy query over four Apollo Federation subgraphs (a configuration
 * folder of their SDLs only), against the hand-written floor making the fewest subgraph requests.
 */
async function federationScenario(): Promise<void> {
  const subgraphs = await startBackendsProcess(latencyMs, './federation-subgraphs-process.ts');
  try {
    const body = JSON.stringify({ query: BENCH_QUERY });
    await compare(
      'federation benchmark query (accounts, inventory, products, reviews subgraphs)',
      () =>
        measure(
          'facet federation',
          subgraphs,
          () => startGatewayProcess(federationConfigDir, subgraphs.env, '/bench/graphql'),
          '',
          body,
        ),
      () =>
        measure(
          'hand-written floor',
          subgraphs,
          () => startAggregatorProcess(subgraphs.env, './federation-floor-process.ts'),
          '',
          body,
        ),
      'floor',
    );
  } finally {
    await subgraphs.stop();
  }
}

try {
  if (runs('home')) await homeScenario('mobile home query', 'facet mobile home', config.dir);
  if (cachedConfig)
    await homeScenario(
      'mobile home query, catalog lookups @cacheControl(maxAge: 600), cache warm',
      'facet home, cache warm',
      cachedConfig.dir,
      true,
    );
  if (runs('federation')) await federationScenario();
} finally {
  await stopAll();
  cleanupConfigs();
}
