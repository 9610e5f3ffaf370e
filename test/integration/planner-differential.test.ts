// Differential test of the query planner: one set of demo backends, two gateways over it, one with
// FACET_EXECUTOR=planner and one with FACET_EXECUTOR=delegation (the reference). Every request
// goes to both, with the same variables, credentials and backend state, and the answers must be
// the same: HTTP status, `data` byte for byte (JSON.stringify, key order included), and `errors` as
// a multiset (sorted by their JSON). Three allowances (the third: stitching drops the list index
// from the path of an error in entities merged through a subgraph's `_entities`). The first two: when two non-null siblings fail, graphql-js
// reports the first failure to reach their parent, a race in either executor, so errors may
// differ in which sibling they name (same data, same errors once paths are cut to the parent);
// and when two failures from anywhere bubble up to the root (data null), the one reported may be
// either (same code, source and message; another path).
//
// The requests: the integration suite's corpus (test/fixtures/differential-corpus.ts), then
// FACET_DIFF_COUNT (default 500) seeded random queries per client (test/helpers/random-query.ts),
// some of them with a backend failing (error, malformed, gRPC unavailable). Each case draws from
// its own PRNG, seeded by FACET_DIFF_SEED, the client and the case number, so a case replays
// alone: FACET_DIFF_SEED=<seed> FACET_DIFF_ONLY=<client>#<case>.
//
// Circuit breakers: a case with a failing backend runs alone, with every breaker of both gateways
// closed, and is kept small (a few calls); afterwards the fault is cleared and a healthy request
// through both gateways resets the failure counts, so every case starts from the same state.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { GraphQLSchema } from 'graphql';
import { parseDocument } from 'yaml';
import type { BackendName, Fault } from '../../demo/index.js';
import { corpus, type CorpusAuth, type CorpusEntry } from '../fixtures/differential-corpus.js';
import {
  ALL_USER_SCOPES,
  HOME_QUERY,
  PARTNER_KEY,
  repoRoot,
  startStack,
  type GqlResponse,
  type Stack,
} from '../helpers/gateway.js';
import { defaultGeneratorOptions, faultGeneratorOptions, generateQuery, Random } from '../helpers/random-query.js';
import { validToken } from '../helpers/tokens.js';

const SEED = Number(process.env['FACET_DIFF_SEED'] ?? 20250611);
const COUNT = Number(process.env['FACET_DIFF_COUNT'] ?? 500);
/** `client#case` (e.g. web#17): only that generated case (and no corpus). */
const ONLY = process.env['FACET_DIFF_ONLY'];
/** A file to write every mismatch to (the assertion messages show the first few). */
const REPORT = process.env['FACET_DIFF_REPORT'];
/** Share of generated cases run with a failing backend. */
const FAULT_RATE = 0.06;
/** Generated cases without a fault that run at the same time. */
const CONCURRENCY = 4;

/**
 * Why the planner may leave an operation to delegation. Generated queries never need it (they are
 * queries without introspection); the corpus has introspection queries. Mutations are planned.
 */
const ALLOWED_FALLBACKS: Readonly<Record<string, string>> = {
  introspection: 'the corpus introspection queries (__schema, __type)',
};

const CLIENTS = ['mobile', 'web', 'partner'] as const;
type Client = (typeof CLIENTS)[number];
const BACKENDS_OF: Record<Client, BackendName[]> = {
  mobile: ['users', 'catalog', 'orders', 'recommendations'],
  web: ['users', 'catalog', 'orders', 'recommendations', 'ratings'],
  partner: ['users', 'catalog', 'orders'],
};
const GRPC_BACKENDS: readonly BackendName[] = ['orders', 'recommendations'];

assert.ok(Number.isInteger(SEED), `FACET_DIFF_SEED must be an integer, got ${process.env['FACET_DIFF_SEED']}`);
assert.ok(
  Number.isInteger(COUNT) && COUNT >= 0,
  `FACET_DIFF_COUNT must be a count, got ${process.env['FACET_DIFF_COUNT']}`,
);

/**
 * A copy of the configuration folder with every request quota and @rateLimit lifted: thousands of
 * requests from one user and one key must not meet a 429 (the two gateways count separately, and
 * a sliding window could refuse one and not the other).
 */
function liftedConfigDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'facet-differential-'));
  for (const entry of ['schema', 'clients', 'gateway.yaml']) {
    if (existsSync(join(repoRoot, entry))) cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
  }
  const lifted = [{ max: 10_000_000, window: '1m' }];
  for (const client of readdirSync(join(dir, 'clients'))) {
    const yamlFile = join(dir, 'clients', client, 'client.yaml');
    const doc = parseDocument(readFileSync(yamlFile, 'utf8'));
    if (doc.hasIn(['quotas', 'perCaller'])) doc.setIn(['quotas', 'perCaller'], lifted);
    const plans = doc.getIn(['quotas', 'plans']) as { items?: { key: { value: string } }[] } | undefined;
    for (const plan of plans?.items ?? []) doc.setIn(['quotas', 'plans', plan.key.value], lifted);
    writeFileSync(yamlFile, doc.toString());
    const schemaFile = join(dir, 'clients', client, 'schema.graphql');
    const sdl = readFileSync(schemaFile, 'utf8');
    writeFileSync(schemaFile, sdl.replace(/@rateLimit\(max: \d+/g, '@rateLimit(max: 10000000'));
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------- answers

interface Answer {
  status: number;
  data: string;
  errors: string[];
  /**
   * The errors with each path cut to its parent and no locations. When two non-null siblings fail,
   * graphql-js reports only the first failure to reach their nullable parent: which one is a race
   * between the two calls, in either executor. Same data and same errors up to that are a match.
   */
  errorsUpToSiblings: string[];
  /**
   * With `data: null`, the one error without path and locations. Two failures that both bubble
   * to the root, from any depth, are the same race: only the first to arrive is reported.
   */
  rootFailure: string | undefined;
  /**
   * The errors with the list indexes cut from their paths. Stitching loses the index of an error
   * in a list of entities merged through a subgraph's `_entities` (it reports
   * `items.averageRating` for `items.0.averageRating`): same data and the same errors but for
   * those indexes are a match.
   */
  errorsWithoutIndexes: string[];
  /** Other top-level keys of the body. */
  rest: string;
}

function answerOf(res: GqlResponse): Answer {
  const { data, errors, ...rest } = res.body;
  return {
    status: res.status,
    data: 'data' in res.body ? JSON.stringify(data) : '(no data)',
    errors: errors === undefined ? ['(no errors)'] : errors.map((e) => JSON.stringify(e)).sort(),
    errorsUpToSiblings:
      errors === undefined
        ? ['(no errors)']
        : errors
            .map((error) => {
              const { locations: _locations, path, ...rest } = error as typeof error & { locations?: unknown };
              return JSON.stringify({ ...rest, parent: path?.slice(0, -1) });
            })
            .sort(),
    errorsWithoutIndexes:
      errors === undefined
        ? ['(no errors)']
        : errors
            .map((error) => JSON.stringify({ ...error, path: error.path?.filter((key) => typeof key === 'string') }))
            .sort(),
    rootFailure:
      data === null && errors?.length === 1
        ? JSON.stringify({ ...errors[0], locations: undefined, path: undefined })
        : undefined,
    rest: JSON.stringify(rest),
  };
}

function differences(planner: Answer, delegation: Answer): string[] {
  const out: string[] = [];
  if (planner.status !== delegation.status) out.push('status');
  if (planner.data !== delegation.data) out.push('data');
  const sameErrors = JSON.stringify(planner.errors) === JSON.stringify(delegation.errors);
  const sameUpToSiblings =
    planner.data === delegation.data &&
    JSON.stringify(planner.errorsUpToSiblings) === JSON.stringify(delegation.errorsUpToSiblings);
  const sameRootFailure =
    planner.rootFailure !== undefined &&
    planner.data === delegation.data &&
    planner.rootFailure === delegation.rootFailure;
  const sameButIndexes =
    planner.data === delegation.data &&
    JSON.stringify(planner.errorsWithoutIndexes) === JSON.stringify(delegation.errorsWithoutIndexes);
  if (!sameErrors && !sameUpToSiblings && !sameRootFailure && !sameButIndexes) out.push('errors');
  if (planner.rest !== delegation.rest) out.push('other keys');
  return out;
}

// ---------------------------------------------------------------- cases

interface Case {
  /** e.g. "corpus #12 (batching.test.ts:160)" or "web #17" */
  label: string;
  client: Client;
  query: string;
  variables?: Record<string, unknown>;
  auth: CorpusAuth;
  fault?: { backend: BackendName; fault: Fault };
  /** How to replay it alone. */
  replay: string;
}

function describeAuth(auth: CorpusAuth): string {
  if (typeof auth === 'string') return auth;
  if ('headers' in auth) return `headers ${JSON.stringify(auth.headers)}`;
  return `token ${JSON.stringify(auth.token)}`;
}

function defaultAuth(client: Client): CorpusAuth {
  return client === 'partner' ? 'partner' : { token: { sub: 'u1', scope: ALL_USER_SCOPES } };
}

/** The credentials of a generated case: mostly u1 with every scope, sometimes another user or fewer scopes. */
function generatedAuth(r: Random, client: Client): CorpusAuth {
  if (client === 'partner') return 'partner';
  return r.weighted<CorpusAuth>([
    [60, { token: { sub: 'u1', scope: ALL_USER_SCOPES } }],
    [10, { token: { sub: 'u1', scope: `${ALL_USER_SCOPES} users:read` } }],
    [12, { token: { sub: `u${r.int(1, 100)}`, scope: ALL_USER_SCOPES } }],
    [5, { token: { sub: 'u1', scope: 'orders:read' } }],
    [5, { token: { sub: 'u1', scope: 'payments:read' } }],
    [4, { token: { sub: 'nope-user', scope: ALL_USER_SCOPES } }],
    [4, { token: { sub: 'u2', scope: '' } }],
  ]);
}

function generatedFault(r: Random, client: Client): Case['fault'] {
  if (!r.chance(FAULT_RATE)) return undefined;
  const backend = r.pick(BACKENDS_OF[client]);
  // REST 'unavailable' is retried after the backend's Retry-After (1 s): the corpus has it, the
  // generator keeps to the faults that answer at once. 'hang' and 'huge' are left out (slow).
  const faults: Fault[] = GRPC_BACKENDS.includes(backend)
    ? ['error', 'malformed', 'unavailable']
    : ['error', 'malformed'];
  return { backend, fault: r.pick(faults) };
}

interface GenerationStats {
  invalid: number;
  invalidReasons: Map<string, number>;
}

function generatedCase(client: Client, index: number, schema: GraphQLSchema, stats: GenerationStats): Case {
  const r = new Random(`${SEED}:${client}:${index}`);
  const fault = generatedFault(r, client);
  const auth = generatedAuth(r, client);
  const generated = generateQuery(schema, r, fault ? faultGeneratorOptions : defaultGeneratorOptions);
  stats.invalid += generated.invalid;
  for (const reason of generated.invalidReasons) {
    const key = reason.replace(/"[^"]*"/g, '"…"');
    stats.invalidReasons.set(key, (stats.invalidReasons.get(key) ?? 0) + 1);
  }
  return {
    label: `${client} #${index}`,
    client,
    query: generated.query,
    variables: generated.variables,
    auth,
    ...(fault ? { fault } : {}),
    replay: `FACET_DIFF_SEED=${SEED} FACET_DIFF_ONLY=${client}#${index}`,
  };
}

function corpusCase(entry: CorpusEntry, index: number): Case {
  return {
    label: `corpus #${index} (${entry.from})`,
    client: entry.client,
    query: entry.query,
    ...(entry.variables ? { variables: entry.variables } : {}),
    auth: entry.auth ?? defaultAuth(entry.client),
    ...(entry.fault ? { fault: entry.fault } : {}),
    replay: `the corpus entry ${entry.from} (test/fixtures/differential-corpus.ts)`,
  };
}

// ---------------------------------------------------------------- the run

describe('the query planner answers exactly like delegation (seeded differential test)', () => {
  let config: { dir: string; cleanup: () => void };
  let delegation: Stack;
  let planner: Stack;
  const tokens = new Map<string, Promise<string>>();
  const mismatches: string[] = [];
  const tally = { cases: 0, faultCases: 0, status: new Map<number, number>(), breakerWaits: 0 };

  before(async () => {
    config = liftedConfigDir();
    delegation = await startStack({ dir: config.dir, env: { FACET_EXECUTOR: 'delegation' } });
    planner = await startStack({ dir: config.dir, demo: delegation.demo, env: { FACET_EXECUTOR: 'planner' } });
  });
  after(async () => {
    if (REPORT) writeFileSync(REPORT, `${mismatches.join('\n\n')}\n`);
    await planner?.close();
    await delegation?.close();
    config?.cleanup();
  });

  async function headersOf(auth: CorpusAuth): Promise<Record<string, string>> {
    if (auth === 'anonymous') return {};
    if (auth === 'partner') return { 'x-api-key': PARTNER_KEY };
    if ('headers' in auth) return auth.headers;
    const key = JSON.stringify(auth.token);
    let token = tokens.get(key);
    if (!token) {
      token = validToken(auth.token);
      tokens.set(key, token);
    }
    return { authorization: `Bearer ${await token}` };
  }

  const sources = (stack: Stack) => stack.gateway.current().sources;
  const breakerStates = (stack: Stack) => sources(stack).map((s) => `${s.name}:${s.breaker.state}`);
  const allClosed = () =>
    [planner, delegation].every((stack) => sources(stack).every((s) => s.breaker.state === 'closed'));

  /** A healthy request through both gateways: a success resets each source's consecutive failures. */
  async function heal(): Promise<void> {
    const headers = await headersOf(defaultAuth('mobile'));
    for (let attempt = 0; ; attempt++) {
      await Promise.all([planner, delegation].map((stack) => stack.gql('mobile', HOME_QUERY, { headers })));
      if (allClosed()) return;
      // a breaker opened: wait for its half-open probe (10 s cool-down)
      assert.ok(attempt < 30, `breakers stay open: ${breakerStates(planner)} / ${breakerStates(delegation)}`);
      if (attempt === 0) tally.breakerWaits++;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function runCase(c: Case): Promise<void> {
    const headers = await headersOf(c.auth);
    const options = { headers, ...(c.variables ? { variables: c.variables } : {}) };
    if (c.fault) {
      if (!allClosed()) await heal();
      delegation.demo[c.fault.backend].setFault(c.fault.fault);
    }
    let answers: [GqlResponse, GqlResponse];
    let breakers: [string[], string[]] | undefined;
    try {
      answers = await Promise.all([
        planner.gql(c.client, c.query, options),
        delegation.gql(c.client, c.query, options),
      ]);
    } finally {
      if (c.fault) {
        delegation.demo[c.fault.backend].setFault(null);
        breakers = [breakerStates(planner), breakerStates(delegation)];
      }
    }
    tally.cases++;
    if (c.fault) tally.faultCases++;
    const [p, d] = [answerOf(answers[0]), answerOf(answers[1])];
    tally.status.set(d.status, (tally.status.get(d.status) ?? 0) + 1);
    const diff = differences(p, d);
    if (breakers && breakers[0].join() !== breakers[1].join()) diff.push('breaker states after the case');
    if (diff.length) {
      mismatches.push(
        [
          `MISMATCH (${diff.join(', ')}) — seed ${SEED}, client ${c.client}, ${c.label}`,
          `replay: ${c.replay} node --import tsx --test test/integration/planner-differential.test.ts`,
          `auth: ${describeAuth(c.auth)}`,
          `fault: ${c.fault ? `${c.fault.backend} ${c.fault.fault}` : 'none'}`,
          `query: ${c.query}`,
          `variables: ${JSON.stringify(c.variables ?? {})}`,
          `status: planner ${p.status}, delegation ${d.status}`,
          `data (planner):    ${p.data}`,
          `data (delegation): ${d.data}`,
          `errors (planner, sorted):    ${p.errors.join('\n  ')}`,
          `errors (delegation, sorted): ${d.errors.join('\n  ')}`,
          ...(p.rest !== d.rest ? [`other keys: planner ${p.rest}, delegation ${d.rest}`] : []),
          ...(breakers ? [`breakers: planner ${breakers[0].join(' ')}, delegation ${breakers[1].join(' ')}`] : []),
        ].join('\n'),
      );
    }
    if (c.fault) await heal();
  }

  /** Cases in order: those without a fault a few at a time, each one with a fault alone. */
  async function runAll(cases: readonly Case[]): Promise<void> {
    let batch: Case[] = [];
    const flush = async () => {
      await Promise.all(batch.map(runCase));
      batch = [];
    };
    for (const c of cases) {
      if (c.fault) {
        await flush();
        await runCase(c);
      } else {
        batch.push(c);
        if (batch.length >= CONCURRENCY) await flush();
      }
    }
    await flush();
  }

  function assertNoMismatch(t: TestContext, what: string, from: number): void {
    const found = mismatches.slice(from);
    const shown = found.slice(0, 8);
    assert.equal(
      found.length,
      0,
      `${found.length} of the ${what} answered differently (seed ${SEED}):\n\n${shown.join('\n\n')}${
        found.length > shown.length
          ? `\n\n… and ${found.length - shown.length} more: ${found
              .slice(shown.length)
              .map((m) => m.split('\n')[0])
              .join('; ')}`
          : ''
      }`,
    );
    t.diagnostic(`${what}: no difference`);
  }

  async function fallbackCounts(): Promise<Map<string, number>> {
    const text = await (await fetch(`${planner.url}/metrics`)).text();
    const counts = new Map<string, number>();
    for (const match of text.matchAll(/^facet_planner_fallback_total\{([^}]*)\} (\S+)$/gm)) {
      const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      counts.set(`${labels['client']}/${labels['reason']}`, Number(match[2]));
    }
    return counts;
  }

  it('runs the planner in one gateway and delegation in the other, over the same backends', () => {
    assert.ok(
      planner.gateway.current().clients.every((c) => c.planner),
      'FACET_EXECUTOR=planner: every client has the planner',
    );
    assert.ok(
      delegation.gateway.current().clients.every((c) => !c.planner),
      'FACET_EXECUTOR=delegation: no client has it',
    );
    assert.equal(planner.demo, delegation.demo);
  });

  it(`the integration suite's corpus (${corpus.length} requests)`, { skip: ONLY !== undefined }, async (t) => {
    const from = mismatches.length;
    // in order and one at a time: some entries set faults, some depend on the ones before
    for (const [index, entry] of corpus.entries()) await runCase(corpusCase(entry, index));
    assertNoMismatch(t, `${corpus.length} corpus requests`, from);
  });

  const generatedBefore = new Map<string, number>();
  for (const client of CLIENTS) {
    const only = ONLY?.split('#');
    const skip = only !== undefined && only[0] !== client;
    it(`${COUNT} generated queries for ${client}`, { skip }, async (t) => {
      if (generatedBefore.size === 0) for (const [k, v] of await fallbackCounts()) generatedBefore.set(k, v);
      const schema = delegation.gateway.current().clients.find((c) => c.definition.name === client)?.schema;
      assert.ok(schema, `no client ${client}`);
      const stats: GenerationStats = { invalid: 0, invalidReasons: new Map() };
      const indexes = only ? [Number(only[1])] : Array.from({ length: COUNT }, (_, i) => i);
      const cases = indexes.map((i) => generatedCase(client, i, schema, stats));
      const from = mismatches.length;
      const casesBefore = tally.cases;
      const ok = tally.status.get(200) ?? 0;
      const started = performance.now();
      await runAll(cases);
      const answered200 = (tally.status.get(200) ?? 0) - ok;
      t.diagnostic(
        `${client}: ${tally.cases - casesBefore} cases in ${Math.round(performance.now() - started)} ms, ` +
          `${cases.filter((c) => c.fault).length} with a failing backend, ${answered200} answered 200, ` +
          `${stats.invalid} invalid documents redrawn ${JSON.stringify([...stats.invalidReasons])}`,
      );
      // the generator must not degrade silently: few redrawn documents, mostly executable queries
      assert.ok(
        stats.invalid <= cases.length * 0.2,
        `${stats.invalid} invalid documents for ${cases.length} cases: ${JSON.stringify([...stats.invalidReasons])}`,
      );
      if (!only) assert.ok(answered200 >= cases.length * 0.9, `only ${answered200} of ${cases.length} answered 200`);
      assertNoMismatch(t, `${cases.length} generated ${client} queries`, from);
    });
  }

  it('the planner executed the generated queries itself: fallbacks only for the reasons listed', async (t) => {
    const counts = await fallbackCounts();
    const byReason = new Map<string, number>();
    for (const [key, n] of counts) {
      const reason = key.split('/')[1]!;
      byReason.set(reason, (byReason.get(reason) ?? 0) + n);
    }
    t.diagnostic(`planner fallbacks by client/reason: ${JSON.stringify(Object.fromEntries(counts))}`);
    t.diagnostic(
      `cases: ${tally.cases} (${tally.faultCases} with a failing backend), statuses ${JSON.stringify(
        Object.fromEntries(tally.status),
      )}, breaker cool-downs waited: ${tally.breakerWaits}`,
    );
    const unexpected = [...byReason.keys()].filter((reason) => !(reason in ALLOWED_FALLBACKS));
    assert.deepEqual(unexpected, [], `fallbacks for unlisted reasons: ${JSON.stringify(Object.fromEntries(counts))}`);
    // the generated queries (no introspection, no mutation) all ran through the planner
    const generated = [...counts].filter(([key, n]) => n !== (generatedBefore.get(key) ?? 0));
    assert.deepEqual(generated, [], 'generated queries fell back to delegation');
  });
});
