// REST facade configuration errors: `facet check` (exit 1, `file:line: message` on stderr, no stack
// trace) refuses each broken fixture under test/fixtures/configs/facade-*/ — an endpoint operation
// invalid against the partner schema, a path template using a variable the operation lacks, two
// endpoints on the same method and path shape — and accepts the repository's own configuration.
// Each fixture holds exactly one problem: the rest of it is a valid minimal partner facade.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli, type CliResult } from '../helpers/run-cli.js';

interface Fixture {
  name: string;
  /** File of the problem, relative to the fixture folder. */
  file: string;
  line: number;
  message: RegExp;
}

const v1 = 'clients/partner/rest/v1';
const fixtures: Fixture[] = [
  {
    name: 'facade-invalid-operation', file: `${v1}/get-product.graphql`, line: 3,
    message: /operation is not valid for the partner schema: Cannot query field "weightGrams" on type "Product"/,
  },
  {
    name: 'facade-missing-variable', file: `${v1}/get-product.graphql`, line: 2,
    message: /path \/products\/\{productId\} uses \{productId\} but the operation has no variable \$productId/,
  },
  {
    // the other file of the pair is named in the message
    name: 'facade-route-collision', file: `${v1}/get-product.graphql`, line: 1,
    message: /GET \/products\/\{id\} collides with GET \/products\/\{sku\} in \S*get-product-by-sku\.graphql/,
  },
];

const fixturesDir = join(repoRoot, 'test', 'fixtures', 'configs');
/** How the CLI (cwd = repository root) prints a file of a fixture. */
const displayed = (dir: string, file: string) => relative(repoRoot, join(dir, file)).split(sep).join('/');
const problemLines = (stderr: string) => stderr.split('\n').filter((l) => /^\s+\S+:\d+: /.test(l) || /^\s+\S+\.(graphql|ya?ml): /.test(l));
const stackFrame = /^\s+at .+/m;

async function runAll(jobs: Record<string, string[]>, concurrency = 3): Promise<Map<string, CliResult>> {
  const results = new Map<string, CliResult>();
  const queue = Object.entries(jobs);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) results.set(job[0], await runCli(job[1], { timeoutMs: 30_000 }));
  }));
  return results;
}

describe('REST facade configuration errors (facet check)', () => {
  let results: Map<string, CliResult>;
  /** facade-invalid-operation with the client renamed "acme". */
  let renamed: string;

  before(async () => {
    renamed = mkdtempSync(join(tmpdir(), 'facet-facade-acme-'));
    cpSync(join(fixturesDir, 'facade-invalid-operation'), renamed, { recursive: true });
    renameSync(join(renamed, 'clients', 'partner'), join(renamed, 'clients', 'acme'));
    const jobs: Record<string, string[]> = { repo: ['check', '--dir', '.'], acme: ['check', '--dir', renamed] };
    for (const f of fixtures) jobs[f.name] = ['check', '--dir', join(fixturesDir, f.name)];
    results = await runAll(jobs, Object.keys(jobs).length);
  });
  after(() => { if (renamed) rmSync(renamed, { recursive: true, force: true }); });

  const result = (key: string): CliResult => {
    const r = results.get(key);
    assert.ok(r, `no result for ${key}`);
    assert.equal(r.timedOut, false, `${key} timed out`);
    return r;
  };

  for (const f of fixtures) {
    it(`${f.name}: exit 1, ${f.file}:${f.line} and the problem on stderr, nothing else wrong, no stack trace`, () => {
      const r = result(f.name);
      assert.equal(r.code, 1, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const where = `${displayed(join(fixturesDir, f.name), f.file)}:${f.line}: `;
      const line = r.stderr.split('\n').find((l) => l.includes(where) && f.message.test(l));
      assert.ok(line, `no line "${where}…" matching ${f.message}:\n${r.stderr}`);
      assert.equal(problemLines(r.stderr).length, 1, `exactly one problem:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, stackFrame);
      assert.doesNotMatch(r.stdout, /^OK/m);
    });
  }

  it('the repository configuration (with its partner REST facade) passes: exit 0, OK', () => {
    const r = result('repo');
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
    assert.match(r.stdout, /^OK: .*\/partner\/graphql/m);
    assert.equal(r.stderr.trim(), '');
  });

  it('the invalid-operation message names the client the operation belongs to (not always "partner")', () => {
    const r = result('acme');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /clients\/acme\/rest\/v1\/get-product\.graphql:3: operation is not valid for the acme schema/);
  });
});
