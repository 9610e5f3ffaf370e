// Configuration errors: each broken fixture under test/fixtures/configs/ is refused by
// `facet check` (exit 1, file:line and the problem on stderr, no stack trace), by buildGateway
// (ConfigError with structured problems) and by `facet start`; the repository's own config passes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ConfigError, type ConfigProblem } from '../../src/config/index.js';
import { buildGateway } from '../../src/server/index.js';
import { repoRoot, runCli, type CliResult } from '../helpers/run-cli.js';

interface Fixture {
  name: string;
  /** File of the problem, relative to the fixture folder. */
  file: string;
  /** Line of the problem in that file, where it has one. */
  line?: number;
  /** Distinctive part of the message. */
  message: RegExp;
}

const fixtures: Fixture[] = [
  {
    name: 'client-field-missing',
    file: 'clients/app/schema.graphql',
    line: 8,
    message: /Product\.weightGrams is not in the graph/,
  },
  {
    name: 'unknown-source',
    file: 'clients/app/schema.graphql',
    line: 4,
    message: /the graph has no query field stockLevel/,
  },
  { name: 'malformed-sdl', file: 'schema/catalog.graphql', line: 7, message: /malformed SDL: Syntax Error/ },
  { name: 'missing-proto', file: 'schema/orders.graphql', line: 1, message: /proto file "orders\.proto" not found/ },
  {
    name: 'invalid-proto',
    file: 'schema/orders.proto',
    line: 29,
    message: /cannot load the proto for source orders: illegal id ';'/,
  },
  {
    name: 'bad-url',
    file: 'schema/catalog.graphql',
    line: 1,
    message: /url "ftp:\/\/catalog\.internal:21" is not an http\(s\) URL/,
  },
  {
    name: 'bad-url-list',
    file: 'schema/catalog.graphql',
    line: 1,
    message: /url lists "http:\/\/catalog-1:8080" twice/,
  },
  {
    name: 'duplicate-type',
    file: 'schema/catalog.graphql',
    line: 3,
    message: /type Money is defined by catalog .* and pricing .*must be an entity with @key/,
  },
  {
    name: 'subgraph-unknown-directive',
    file: 'schema/subgraphs/reviews.graphql',
    line: 5,
    message: /unknown directive @cacheable \(federation directives read: @key/,
  },
  {
    name: 'subgraph-requires-missing',
    file: 'schema/subgraphs/inventory.graphql',
    line: 6,
    message: /@requires names "weight", which Product does not declare here/,
  },
  {
    name: 'subgraph-not-shareable',
    file: 'schema/search.graphql',
    line: 6,
    message:
      /Product\.name is also declared by subgraph products \(schema\/products\.graphql:6\); mark it @shareable in both/,
  },
  {
    name: 'subgraph-unreachable',
    file: 'schema/reviews.graphql',
    line: 2,
    message: /sdl: "service": the SDL of the running service could not be fetched: cannot reach it \(ECONNREFUSED\)/,
  },
  {
    name: 'unknown-directive',
    file: 'schema/catalog.graphql',
    line: 5,
    message: /unknown directive @rename on a field/,
  },
  {
    name: 'missing-env',
    file: 'schema/catalog.graphql',
    line: 1,
    message: /url uses \$\{NOPE_URL\} but no such environment variable is set/,
  },
  { name: 'bad-client-yaml', file: 'clients/app/client.yaml', line: 5, message: /maxAliasses/ },
];

const fixturesDir = join(repoRoot, 'test', 'fixtures', 'configs');
const fixtureDir = (name: string) => join(fixturesDir, name);
/** How the CLI prints a fixture's file: relative to the configuration folder. */
const displayed = (f: Fixture) => f.file;
/** Env of every run: NOPE_URL must be unset for missing-env. */
const cliEnv = { NOPE_URL: undefined };

const stackFrame = /^\s+at .+/m;

/** Runs CLI invocations a few at a time (each one starts a Node process with tsx). */
async function runAll(jobs: Record<string, string[]>, concurrency = 3): Promise<Map<string, CliResult>> {
  const results = new Map<string, CliResult>();
  const queue = Object.entries(jobs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        results.set(job[0], await runCli(job[1], { env: cliEnv, timeoutMs: 30_000 }));
      }
    }),
  );
  return results;
}

function result(results: Map<string, CliResult>, key: string): CliResult {
  const r = results.get(key);
  assert.ok(r, `no result for ${key}`);
  assert.equal(r.timedOut, false, `${key} timed out`);
  return r;
}

describe('config errors', () => {
  let cli: Map<string, CliResult>;
  before(async () => {
    const jobs: Record<string, string[]> = {
      'check .': ['check', '--dir', '.'],
      'start bad-url': ['start', '--dir', fixtureDir('bad-url'), '--port', '0'],
      'check missing folder': ['check', '--dir', join(fixturesDir, 'no-such-config')],
      'unknown command': ['frobnicate'],
    };
    for (const f of fixtures) jobs[`check ${f.name}`] = ['check', '--dir', fixtureDir(f.name)];
    cli = await runAll(jobs);
  });

  describe('facet check', () => {
    for (const f of fixtures) {
      it(`${f.name}: exit 1, names ${f.file}${f.line ? `:${f.line}` : ''} and the problem, no stack trace`, () => {
        const r = result(cli, `check ${f.name}`);
        assert.equal(r.code, 1, `exit ${r.code}\n${r.stderr}`);
        const line = r.stderr.split('\n').find((l) => l.includes(displayed(f)) && f.message.test(l));
        assert.ok(line, `no line naming ${displayed(f)} with ${f.message}:\n${r.stderr}`);
        if (f.line !== undefined)
          assert.ok(line.includes(`${displayed(f)}:${f.line}`), `line ${f.line} missing: ${line}`);
        assert.doesNotMatch(r.stderr, stackFrame, r.stderr);
        assert.doesNotMatch(r.stdout, /^OK/m);
      });
    }

    it('the repository config (.) is valid: exit 0 and an OK summary', () => {
      const r = result(cli, 'check .');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^OK: 5 sources \(catalog, orders, ratings, recommendations, users\), 3 clients/m);
      assert.equal(r.stderr.trim(), '');
    });

    it('a folder that does not exist: exit 1, says so', () => {
      const r = result(cli, 'check missing folder');
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /no-such-config: configuration folder not found/);
      assert.doesNotMatch(r.stderr, stackFrame);
    });

    it('an unknown command: exit 2 with the usage', () => {
      const r = result(cli, 'unknown command');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /unknown command "frobnicate"/);
      assert.match(r.stderr, /Usage:/);
    });
  });

  describe('facet start', () => {
    for (const name of ['bad-url']) {
      it(`${name}: exits non-zero with the problem, without listening`, () => {
        const f = fixtures.find((x) => x.name === name);
        assert.ok(f);
        const r = result(cli, `start ${name}`);
        assert.notEqual(r.code, 0);
        assert.notEqual(r.code, null, 'start did not exit by itself');
        assert.match(r.stderr, f.message);
        assert.doesNotMatch(r.stdout, /listening/i);
        assert.doesNotMatch(r.stderr, stackFrame, r.stderr);
      });
    }
  });

  describe('buildGateway', () => {
    for (const f of fixtures) {
      it(`${f.name}: throws ConfigError with one problem located in ${f.file}`, () => {
        let problems: ConfigProblem[] | undefined;
        assert.throws(
          () => buildGateway(fixtureDir(f.name), {}),
          (error: unknown) => {
            assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
            assert.equal(error.code, 'CONFIG_INVALID');
            problems = error.problems;
            return true;
          },
        );
        assert.ok(problems);
        assert.equal(problems.length, 1, JSON.stringify(problems, null, 2));
        const [problem] = problems;
        assert.ok(problem);
        assert.equal(problem.file, f.file);
        assert.equal(problem.line, f.line);
        assert.match(problem.message, f.message);
      });
    }

    it('invalid-proto: the problem points at the .proto file and its line', () => {
      try {
        buildGateway(fixtureDir('invalid-proto'), {});
        assert.fail('no ConfigError');
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        const [problem] = error.problems;
        assert.ok(problem?.file.endsWith('orders.proto'), `file ${problem?.file}`);
        assert.equal(problem?.line, 29);
      }
    });

    it('duplicate-type: the problem has the line of the conflicting type', () => {
      try {
        buildGateway(fixtureDir('duplicate-type'), {});
        assert.fail('no ConfigError');
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems[0]?.line, 3);
      }
    });

    it('missing-env builds once NOPE_URL is set (only the variable was missing)', async () => {
      const built = buildGateway(fixtureDir('missing-env'), { NOPE_URL: 'http://127.0.0.1:4102' });
      try {
        assert.deepEqual(
          built.sources.map((s) => s.definition.url),
          ['http://127.0.0.1:4102'],
        );
      } finally {
        await built.close();
      }
    });
  });

  describe('FACET_EXECUTOR', () => {
    it('the query planner is the default; delegation on request; anything else is a start-up problem naming the choices', async () => {
      const byDefault = buildGateway(repoRoot, {});
      const delegation = buildGateway(repoRoot, { FACET_EXECUTOR: 'delegation' });
      try {
        assert.ok(byDefault.clients.length > 0 && byDefault.clients.every((c) => c.planner));
        assert.ok(delegation.clients.every((c) => !c.planner));
      } finally {
        await Promise.all([byDefault.close(), delegation.close()]);
      }
      assert.throws(
        () => buildGateway(repoRoot, { FACET_EXECUTOR: 'fast' }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.problems.length === 1 &&
          error.problems[0]!.file === 'FACET_EXECUTOR' &&
          /unknown executor "fast"; use planner or delegation/.test(error.problems[0]!.message),
      );
    });
  });
});
