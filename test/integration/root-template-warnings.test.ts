// A {root.…} template naming a field the parent type does not declare reads nothing at query time:
// `facet check` prints a warning with file:line (and still exits 0), start-up logs it, and names
// that a @map renames get a hint. The demo configuration has none.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { runCli, repoRoot } from '../helpers/run-cli.js';
import { captureLog } from '../helpers/captured-log.js';
import { buildGateway, startGateway } from '../../src/server/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const source = /* GraphQL */ `extend schema @source(name: "library", protocol: REST, url: "\${BACKEND_URL:-http://127.0.0.1:9}")

type Author @key(fields: "id") {
  id: ID!
  name: String!
  books: [Book!] @http(GET: "/authors/{root.authorId}/books", result: "items")
}

type Book {
  id: ID!
  writerId: ID! @map(from: "writer_id")
  writer: Author @ref(key: { id: "{root.writerId}" })
}

type Query {
  author(id: ID!): Author @http(GET: "/authors/{args.id}")
  authors(ids: [ID!]!): [Author]! @http(GET: "/authors", query: { ids: "{args.ids}" }, result: "items") @batch(key: "id") @lookup
}
`;
const lineOf = (text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('{root.…} naming a field the parent does not declare', () => {
  let fixture: FixtureConfig;
  before(() => {
    fixture = createFixtureConfig({
      sources: [],
      sourceFiles: { 'library.graphql': source },
      clients: { app: { schema: 'type Query { author(id: ID!): Author }\ntype Author { id: ID! name: String! }' } },
    });
  });
  after(() => fixture.cleanup());

  it('facet check prints a warning with file:line and exits 0', async () => {
    const result = await runCli(['check', '--dir', fixture.dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^OK: 1 sources/m);
    const warnings = result.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    assert.equal(warnings.length, 2, result.stderr);
    assert.ok(
      warnings[0]!.startsWith(
        `warning: schema/library.graphql:${lineOf('books: [Book!]')} (Author.books): {root.authorId} names "authorId", which Author has no field for`,
      ),
      warnings[0],
    );
    assert.ok(
      warnings[1]!.startsWith(
        `warning: schema/library.graphql:${lineOf('writer: Author')} (Book.writer): {root.writerId}`,
      ),
      warnings[1],
    );
    assert.match(warnings[1]!, /Book\.writerId reads "writer_id" \(@map\): write \{root\.writer_id\}/);
  });

  it('start-up logs the warning and serves', async () => {
    const { log, lines } = captureLog('warn');
    const gateway = await startGateway({
      dir: fixture.dir,
      port: 0,
      host: '127.0.0.1',
      env: { ...process.env, REDIS_URL: undefined },
      log,
      watch: false,
      shutdownTimeoutMs: 1_000,
    });
    try {
      const logged = lines.filter((l) => String(l['msg']).startsWith('configuration warning: '));
      assert.equal(logged.length, 2, JSON.stringify(lines));
      assert.equal(logged[0]!['file'], 'schema/library.graphql');
      assert.equal(logged[0]!['line'], lineOf('books: [Book!]'));
    } finally {
      await gateway.close();
    }
  });

  it('the demo configuration checks without warnings', async () => {
    const result = await runCli(['check', '--dir', repoRoot]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /warning/);
  });
});

describe('{root.…} in a gRPC source', () => {
  it('is checked against the proto message of the same name: a typo warns, the proto3 JSON name does not', async () => {
    const orders = readFileSync(join(repoRoot, 'schema', 'orders.graphql'), 'utf8');
    assert.ok(orders.includes('{root.productId}'));
    const fixture = createFixtureConfig({
      sources: ['orders.proto', 'catalog.graphql', 'users.graphql'],
      sourceFiles: { 'orders.graphql': orders.replace('{root.productId}', '{root.productID}') },
      clients: { app: { schema: 'type Query { order(id: ID!): Order }\ntype Order { id: ID! }' } },
    });
    try {
      const built = buildGateway(fixture.dir, {});
      await built.close();
      assert.deepEqual(
        built.warnings.map((w) => [w.file, w.path]),
        [['schema/orders.graphql', 'OrderItem.product']],
      );
      assert.match(
        built.warnings[0]?.message ?? '',
        /\{root\.productID\} names "productID", which OrderItem has no field for/,
      );
    } finally {
      fixture.cleanup();
    }
  });
});
