// @ref fields resolve through the referenced entity's lookup: to an entity of the same source
// (Book.author, with the source's own @batch/@lookup), and to another source's entity whose
// batch endpoint omits unknown ids (GET /products?ids= of the demo catalog): an unknown key is a
// null entity (or a coded RESOURCE_NOT_FOUND for a non-null reference), never an object of nulls.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { json, parseIds } from '../../demo/rest/http-server.js';
import { productById } from '../../demo/data.js';
import { startCustomBackendStack, type CustomBackendStack } from '../helpers/custom-backend.js';
import { createFixtureConfig } from '../helpers/fixture-config.js';
import { errorsWithCode } from '../helpers/gateway.js';
import { buildGateway } from '../../src/server/index.js';
import { ConfigError } from '../../src/config/index.js';

const BOOKS: Record<string, { id: string; title: string; authorId: string; publisherId: string }> = {
  b1: { id: 'b1', title: 'Notes', authorId: 'a1', publisherId: 'pub1' },
  b2: { id: 'b2', title: 'Engines', authorId: 'a2', publisherId: 'gone' },
  b3: { id: 'b3', title: 'Lost', authorId: 'ghost', publisherId: 'pub1' },
};
const PUBLISHERS: Record<string, { id: string; name: string }> = { pub1: { id: 'pub1', name: 'Babbage & Co' } };
const AUTHORS: Record<string, { id: string; name: string }> = {
  a1: { id: 'a1', name: 'Ada' },
  a2: { id: 'a2', name: 'Charles' },
};
const WISHES = [
  { note: 'want', productId: 'p1' },
  { note: 'gone', productId: 'p404' },
];

const librarySource = /* GraphQL */ `
extend schema @source(name: "library", protocol: REST, url: "\${BACKEND_URL}")

type Book @key(fields: "id") {
  id: ID!
  title: String!
  authorId: ID!
  author: Author @ref(key: { id: "{root.authorId}" })
  writer: Author! @ref(key: { id: "{root.authorId}" })
  publisherId: ID!
  publisher: Publisher @ref(key: { id: "{root.publisherId}" })
}

type Publisher @key(fields: "id") {
  id: ID!
  name: String!
}

type Author @key(fields: "id") {
  id: ID!
  name: String!
}

type Query {
  book(id: ID!): Book @http(GET: "/books/{args.id}")
  authors(ids: [ID!]!): [Author]! @http(GET: "/authors", query: { ids: "{args.ids}" }, result: "items") @batch(key: "id") @lookup
  publisher(id: ID!): Publisher @http(GET: "/publishers/{args.id}") @lookup
}
`;

const wishlistSource = /* GraphQL */ `
extend schema @source(name: "wishlists", protocol: REST, url: "\${BACKEND_URL}")

type Wish {
  note: String!
  productId: ID!
  product: Product @ref(key: { id: "{root.productId}" })
  mustHave: Product! @ref(key: { id: "{root.productId}" })
}

type Product @key(fields: "id") {
  id: ID!
}

type Query {
  wishes: [Wish]! @http(GET: "/wishes", result: "items")
}
`;

const clientSchema = /* GraphQL */ `
type Query { book(id: ID!): Book wishes: [Wish]! }
type Book { id: ID! title: String! author: Author writer: Author! publisher: Publisher }
type Publisher { id: ID! name: String! }
type Author { id: ID! name: String! }
type Wish { note: String! product: Product mustHave: Product! }
type Product { id: ID! name: String! }
`;

describe('@ref', () => {
  let app: CustomBackendStack;
  before(async () => {
    app = await startCustomBackendStack({
      routes: [
        {
          method: 'GET',
          path: '/books/{id}',
          handle: (req) => (BOOKS[req.params['id'] ?? ''] ? json(200, BOOKS[req.params['id'] ?? '']) : json(404, {})),
        },
        // like many batch endpoints: unknown ids are left out of the answer
        {
          method: 'GET',
          path: '/authors',
          batchIds: (req) => parseIds(req.query),
          handle: (req) => json(200, { items: parseIds(req.query).flatMap((id) => AUTHORS[id] ?? []) }),
        },
        {
          method: 'GET',
          path: '/publishers/{id}',
          handle: (req) =>
            PUBLISHERS[req.params['id'] ?? ''] ? json(200, PUBLISHERS[req.params['id'] ?? '']) : json(404, {}),
        },
        { method: 'GET', path: '/wishes', handle: () => json(200, { items: WISHES }) },
      ],
      sources: ['catalog.graphql'],
      sourceFiles: { 'library.graphql': librarySource, 'wishlists.graphql': wishlistSource },
      clientSchema,
    });
  });
  after(() => app.close());
  beforeEach(() => {
    app.backend.calls.reset();
    app.stack.demo.resetCounters();
  });

  describe('to an entity of the same source', () => {
    it("resolves Book.author through the source's own @batch lookup, one call for all books", async () => {
      const res = await app.query(
        '{ x: book(id: "b1") { title author { id name } } y: book(id: "b2") { author { name } } }',
      );
      assert.equal(res.body.errors, undefined, res.text);
      assert.deepEqual(res.body.data, {
        x: { title: 'Notes', author: { id: 'a1', name: 'Ada' } },
        y: { author: { name: 'Charles' } },
      });
      assert.deepEqual(
        app.backend.calls.batches('GET /authors').map((ids) => ids.sort()),
        [['a1', 'a2']],
      );
    });

    it('gives null for a nullable reference whose key the lookup omits', async () => {
      const res = await app.query('{ book(id: "b3") { title author { name } } }');
      assert.equal(res.body.errors, undefined, res.text);
      assert.deepEqual(res.body.data, { book: { title: 'Lost', author: null } });
    });

    it("resolves Book.publisher through the source's own single-key @lookup; an unknown (404) key gives null", async () => {
      const res = await app.query(
        '{ x: book(id: "b1") { publisher { id name } } y: book(id: "b2") { publisher { name } } }',
      );
      assert.equal(res.body.errors, undefined, res.text);
      assert.deepEqual(res.body.data, {
        x: { publisher: { id: 'pub1', name: 'Babbage & Co' } },
        y: { publisher: null },
      });
    });

    it('gives RESOURCE_NOT_FOUND naming the source and key for a non-null reference', async () => {
      const res = await app.query('{ book(id: "b3") { title writer { name } } }');
      assert.deepEqual(res.body.data, { book: null });
      const [error] = errorsWithCode(res.body, 'RESOURCE_NOT_FOUND');
      assert.ok(error, res.text);
      assert.equal(error.extensions?.source, 'library');
      assert.equal(error.extensions?.['key'], 'ghost');
      assert.deepEqual(error.path, ['book', 'writer']);
      assert.equal(errorsWithCode(res.body, 'INTERNAL_SERVER_ERROR').length, 0, res.text);
    });
  });

  describe('to an entity of another source whose batch endpoint omits unknown ids', () => {
    it('gives null for the unknown product and the product for the known one, with one catalog call', async () => {
      const res = await app.query('{ wishes { note product { id name } } }');
      assert.equal(res.body.errors, undefined, res.text);
      assert.deepEqual(res.body.data, {
        wishes: [
          { note: 'want', product: { id: 'p1', name: productById('p1')?.name } },
          { note: 'gone', product: null },
        ],
      });
      assert.equal(app.stack.demo.catalog.calls.total(), 1, JSON.stringify(app.stack.demo.catalog.calls.byOperation()));
    });

    it('gives RESOURCE_NOT_FOUND naming the catalog and the key for a non-null reference', async () => {
      const res = await app.query('{ wishes { note mustHave { name } } }');
      assert.deepEqual(res.body.data, {
        wishes: [{ note: 'want', mustHave: { name: productById('p1')?.name } }, null],
      });
      const [error] = errorsWithCode(res.body, 'RESOURCE_NOT_FOUND');
      assert.ok(error, res.text);
      assert.equal(error.extensions?.source, 'catalog');
      assert.equal(error.extensions?.['key'], 'p404');
      assert.deepEqual(error.path, ['wishes', 1, 'mustHave']);
      assert.equal(res.body.errors?.length, 1, res.text);
    });

    it('while the catalog fails, references still show their keys and only the catalog fields fail (coded, naming the catalog)', async () => {
      app.stack.demo.catalog.setFault('error');
      try {
        const ids = await app.query('{ wishes { product { id } } }');
        assert.equal(ids.body.errors, undefined, ids.text);
        assert.deepEqual(ids.body.data, { wishes: [{ product: { id: 'p1' } }, { product: { id: 'p404' } }] });
        const names = await app.query('{ wishes { note product { name } } }');
        assert.ok(names.body.errors?.length, names.text);
        for (const error of names.body.errors ?? []) assert.equal(error.extensions?.source, 'catalog', names.text);
        assert.equal(errorsWithCode(names.body, 'INTERNAL_SERVER_ERROR').length, 0, names.text);
      } finally {
        app.stack.demo.catalog.setFault(null);
      }
    });
  });
});

describe('@ref to an entity of the same source without a lookup', () => {
  it('is refused at load with the file, the line and the way out (a lookup for the type)', () => {
    const fixture = createFixtureConfig({
      sources: [],
      sourceFiles: { 'library.graphql': librarySource.replace(/\n {2}authors\(ids.*\n/, '\n') },
      clients: { app: { schema: 'type Query { book(id: ID!): Book }\ntype Book { id: ID! }' } },
    });
    try {
      assert.throws(
        () => buildGateway(fixture.dir, { BACKEND_URL: 'http://127.0.0.1:9' }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          const problems = error.problems.filter((p) => p.path === 'Book.author' || p.path === 'Book.writer');
          assert.equal(problems.length, 2, JSON.stringify(error.problems));
          for (const problem of problems) {
            assert.match(problem.file, /library\.graphql$/);
            assert.ok(problem.line && problem.line > 1);
            assert.match(problem.message, /no @lookup for.*Author\.name.*Add a lookup for Author/);
          }
          return true;
        },
      );
    } finally {
      fixture.cleanup();
    }
  });
});
