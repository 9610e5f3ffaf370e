// REST facade configuration errors: `facet check` (exit 1, `file:line: message` on stderr, no stack
// trace) refuses each broken configuration built below — an endpoint operation invalid against the
// partner schema, a path template using a variable the operation lacks, two endpoints on the same
// method and path shape — and accepts the repository's own configuration.
// Each broken configuration holds exactly one problem: the rest of it is a valid minimal partner
// facade over the repository's catalog source.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

interface Fixture {
  name: string;
  /** File of the problem, relative to the configuration folder. */
  file: string;
  line: number;
  message: RegExp;
  /** Files of clients/partner/ added to (or replacing those of) the valid facade. */
  files: Record<string, string>;
}

/** The valid minimal partner facade: clients/<client>/ files besides schema.graphql. */
const validFacade: Record<string, string> = {
  'rest/rest.yaml': 'defaultVersion: v1\n',
  'rest/v1/version.yaml': 'naming: snake_case\nmoney: cents\n',
  'rest/v1/get-product.graphql': `query GetProduct($id: ID!) @rest(GET: "/products/{id}") {
  product(id: $id) { id name priceCents currency }
}
`,
  'rest/v1/list-products.graphql': `query ListProducts($ids: [ID!]!) @rest(GET: "/products", summary: "Products by id") {
  products(ids: $ids) { id name priceCents currency }
}
`,
};

const partnerSchema = `"Partners: the catalog only."
type Query {
  product(id: ID!): Product
  products(ids: [ID!]!): [Product]!
}

type Product {
  id: ID!
  name: String!
  priceCents: Int!
  currency: String!
}
`;

const v1 = 'clients/partner/rest/v1';
const fixtures: Fixture[] = [
  {
    name: 'facade-invalid-operation',
    file: `${v1}/get-product.graphql`,
    line: 3,
    message: /operation is not valid for the partner schema: Cannot query field "weightGrams" on type "Product"/,
    files: {
      'rest/v1/get-product.graphql': `# Product.weightGrams is not in the partner schema.
query GetProduct($id: ID!) @rest(GET: "/products/{id}") {
  product(id: $id) { id name weightGrams }
}
`,
    },
  },
  {
    name: 'facade-missing-variable',
    file: `${v1}/get-product.graphql`,
    line: 2,
    message: /path \/products\/\{productId\} uses \{productId\} but the operation has no variable \$productId/,
    files: {
      'rest/v1/get-product.graphql': `# The path names {productId}, the operation only has $id.
query GetProduct($id: ID!) @rest(GET: "/products/{productId}") {
  product(id: $id) { id name priceCents currency }
}
`,
    },
  },
  {
    // the other file of the pair is named in the message
    name: 'facade-route-collision',
    file: `${v1}/get-product.graphql`,
    line: 1,
    message: /GET \/products\/\{id\} collides with GET \/products\/\{sku\} in \S*get-product-by-sku\.graphql/,
    files: {
      'rest/v1/get-product-by-sku.graphql': `# Same method and path shape as get-product.graphql: GET /products/{}.
query GetProductBySku($sku: ID!) @rest(GET: "/products/{sku}") {
  product(id: $sku) { id name }
}
`,
    },
  },
];

/** A configuration folder with the valid facade under clients/<client>/, plus `files` there. */
const facadeConfig = (files: Record<string, string>, client = 'partner'): FixtureConfig =>
  createFixtureConfig({
    sources: ['catalog.graphql'],
    clients: { [client]: { schema: partnerSchema, files: { ...validFacade, ...files } } },
  });

const problemLines = (stderr: string) =>
  stderr.split('\n').filter((l) => /^\s+\S+:\d+: /.test(l) || /^\s+\S+\.(graphql|ya?ml): /.test(l));
const stackFrame = /^\s+at .+/m;

async function runAll(jobs: Record<string, string[]>, concurrency = 3): Promise<Map<string, CliResult>> {
  const results = new Map<string, CliResult>();
  const queue = Object.entries(jobs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = queue.shift(); job; job = queue.shift())
        results.set(job[0], await runCli(job[1], { timeoutMs: 30_000 }));
    }),
  );
  return results;
}

describe('REST facade configuration errors (facet check)', () => {
  let results: Map<string, CliResult>;
  const configs: FixtureConfig[] = [];

  before(async () => {
    const jobs: Record<string, string[]> = { repo: ['check', '--dir', '.'] };
    for (const f of fixtures) {
      const config = facadeConfig(f.files);
      configs.push(config);
      jobs[f.name] = ['check', '--dir', config.dir];
    }
    // facade-invalid-operation with the client named "acme"
    const acme = facadeConfig(fixtures.find((f) => f.name === 'facade-invalid-operation')!.files, 'acme');
    configs.push(acme);
    jobs['acme'] = ['check', '--dir', acme.dir];
    results = await runAll(jobs, Object.keys(jobs).length);
  });
  after(() => {
    for (const config of configs) config.cleanup();
  });

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
      const where = `${f.file}:${f.line}: `; // relative to the configuration folder
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
    assert.match(
      r.stderr,
      /clients\/acme\/rest\/v1\/get-product\.graphql:3: operation is not valid for the acme schema/,
    );
  });
});
