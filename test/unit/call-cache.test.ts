// The cache of @cacheControl calls over the memory store: keys per caller for PRIVATE (hashed),
// copies per hit, maxAge, tags of the entities an answer holds, purges, the byte bound.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import { cacheChannelName, EntityTagger, MemoryCacheStore, type CacheEvent } from '../../src/cache/index.js';
import { CallCache } from '../../src/sources/runtime/call-cache.js';
import { parseSourceFile } from '../../src/sources/parse-source.js';
import type { FieldBinding, SourceDefinition } from '../../src/sources/model.js';
import type { SourceCallContext } from '../../src/sources/call-context.js';
import { ProblemList } from '../../src/config/index.js';

const context = (headers: Record<string, string>): SourceCallContext => ({
  requestId: 'r',
  identity: null,
  upstreamHeaders: { 'x-request-id': String(Math.random()), ...headers },
});

const catalogSdl = `extend schema @source(name: "catalog", protocol: REST, url: "http://127.0.0.1:1")
type Product @key(fields: "id") {
  id: ID! @map(from: "product_id")
  name: String!
  seller: Seller!
  related: [Product!]! @http(GET: "/products/{root.product_id}/related")
}
type Seller @key(fields: "id") { id: ID! name: String! }
type Page { items: [Product!]! @map(from: "data.items") total: Int! }
type Query {
  product(id: ID!): Product @http(GET: "/products/{args.id}") @cacheControl(maxAge: 60)
  page: Page! @http(GET: "/products") @cacheControl(maxAge: 60)
}
`;

function catalog(): { def: SourceDefinition; binding: (coordinate: string) => FieldBinding } {
  const problems = new ProblemList();
  const def = parseSourceFile('schema/catalog.graphql', catalogSdl, {}, problems)!;
  assert.deepEqual(problems.items, []);
  return {
    def,
    binding: (coordinate) => def.bindings.find((b) => `${b.typeName}.${b.fieldName}` === coordinate)!,
  };
}

const pub = { maxAgeMs: 60_000, scope: 'PUBLIC' as const };

describe('CallCache', () => {
  it('PRIVATE keys hold a hash of the identity headers a call forwards (not the request id); PUBLIC keys do not', async () => {
    const { def, binding } = catalog();
    const cache = new CallCache('users', new MemoryCacheStore(), new EntityTagger(def));
    const u1 = context({ 'x-user-id': 'u1' });
    const u2 = context({ 'x-user-id': 'u2' });
    const priv = { maxAgeMs: 60_000, scope: 'PRIVATE' as const };
    assert.notEqual(cache.keyOf(priv, 'GET /me', u1), cache.keyOf(priv, 'GET /me', u2));
    assert.equal(cache.keyOf(priv, 'GET /me', u1), cache.keyOf(priv, 'GET /me', context({ 'x-user-id': 'u1' })));
    assert.equal(cache.keyOf(pub, 'GET /me', u1), cache.keyOf(pub, 'GET /me', u2));
    assert.doesNotMatch(cache.keyOf(priv, 'GET /me', u1), /u1/, 'the identity is not stored in clear');
    const key = cache.keyOf(priv, 'GET /me', u1);
    cache.set([{ key, raw: { name: 'Ann' }, value: { name: 'Ann' } }], priv, binding('Query.product'), u1, 0);
    assert.deepEqual(await cache.get([key], u1), [{ name: 'Ann' }]);
    assert.deepEqual(
      await cache.get([cache.keyOf(priv, 'GET /me', u2)], u2),
      [undefined],
      'another caller never gets it',
    );
  });

  it('hands out a fresh copy per hit, keeps no null, and forgets after maxAge', async () => {
    const { def, binding } = catalog();
    const cache = new CallCache('catalog', new MemoryCacheStore(), new EntityTagger(def));
    const hint = { maxAgeMs: 30, scope: 'PUBLIC' as const };
    const c = context({});
    const p1 = { product_id: 'p1', tags: ['a'] };
    cache.set(
      [
        { key: 'k', raw: p1, value: p1 },
        { key: 'none', raw: null, value: null },
      ],
      hint,
      binding('Query.product'),
      c,
      0,
    );
    const [first] = (await cache.get(['k'], c)) as [{ tags: string[] }];
    first.tags.push('changed');
    assert.deepEqual(await cache.get(['k', 'none'], c), [{ product_id: 'p1', tags: ['a'] }, undefined]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(await cache.get(['k'], c), [undefined]);
  });

  it('tags an answer with the entities it holds, at any depth, and a purge by entity drops exactly those', async () => {
    const { def, binding } = catalog();
    const store = new MemoryCacheStore();
    const cache = new CallCache('catalog', store, new EntityTagger(def));
    const c = context({});
    c.cacheTags = new Set<string>();
    const page = {
      data: {
        items: [
          { product_id: 'p1', seller: { id: 's1' } },
          { product_id: 'p2', seller: { id: 's2' } },
        ],
      },
    };
    const p3 = { product_id: 'p3', seller: { id: 's1' } };
    cache.set([{ key: 'page', raw: page, value: page }], pub, binding('Query.page'), c, 0);
    cache.set([{ key: 'p3', raw: p3, value: p3 }], pub, binding('Query.product'), c, 0);
    assert.deepEqual(
      [...c.cacheTags].sort(),
      ['Product', 'Product:p1', 'Product:p2', 'Product:p3', 'Seller', 'Seller:s1', 'Seller:s2'],
      'the request collects the tags of what it used',
    );
    assert.equal(await store.purge(['Product:p2']), 1);
    assert.deepEqual((await cache.get(['page', 'p3'], c)).map(Boolean), [false, true]);
    assert.equal(await store.purge(['Seller:s1']), 1, 'p3 holds seller s1');
    assert.deepEqual(await cache.get(['p3'], c), [undefined]);
  });

  it('tags a call on an entity with that entity (Product.related of Product:p9)', async () => {
    const { def, binding } = catalog();
    const store = new MemoryCacheStore();
    const cache = new CallCache('catalog', store, new EntityTagger(def));
    const c = context({});
    cache.set([{ key: 'rel', raw: [], value: [], root: { product_id: 'p9' } }], pub, binding('Product.related'), c, 0);
    assert.equal(await store.purge(['Product:p9']), 1);
  });
});

describe('MemoryCacheStore', () => {
  it('does not store an answer asked of the backend before a purge that happened meanwhile', async () => {
    const store = new MemoryCacheStore();
    const epoch = store.epoch; // a read starts, asks the backend …
    await store.purge(['Order:o1']); // … a mutation purges …
    store.set([
      { key: 'o1', text: '{"status":"PLACED"}', ttlMs: 60_000, tags: ['Order:o1'], owner: 'source:s', epoch },
    ]);
    assert.deepEqual(await store.get(['o1']), [undefined], 'the possibly stale answer was not kept');
    store.set([{ key: 'o1', text: '{}', ttlMs: 60_000, tags: [], owner: 'source:s', epoch: store.epoch }]);
    assert.equal((await store.get(['o1']))[0]?.text, '{}');
  });

  it('stays under its byte bound: least recently used go first, reported as evictions', async () => {
    const events: CacheEvent[] = [];
    const listen = (message: unknown) => events.push(message as CacheEvent);
    subscribe(cacheChannelName, listen);
    try {
      const store = new MemoryCacheStore(1000);
      const text = 'x'.repeat(300);
      for (const key of ['a', 'b', 'c'])
        store.set([{ key, text, ttlMs: 60_000, tags: ['T'], owner: 'source:s', epoch: 0 }]);
      await store.get(['a']); // a is now more recent than b
      store.set([{ key: 'd', text, ttlMs: 60_000, tags: ['T'], owner: 'source:s', epoch: 0 }]);
      assert.deepEqual((await store.get(['a', 'b', 'c', 'd'])).map(Boolean), [true, false, true, true]);
      assert.ok(store.bytes <= 1000);
      assert.deepEqual(
        events.filter((e) => e.outcome === 'evict'),
        [{ owner: 'source:s', outcome: 'evict', bytes: 301 }],
      );
      assert.equal(await store.purge(['T']), 3, 'the evicted entry left the tag index');
    } finally {
      unsubscribe(cacheChannelName, listen);
    }
  });
});

describe('@cacheControl and @invalidates in a source file', () => {
  const parse = (field: string, type = 'Query') => {
    const problems = new ProblemList();
    parseSourceFile(
      'schema/catalog.graphql',
      `extend schema @source(name: "catalog", protocol: REST, url: "http://127.0.0.1:1")\ntype ${type} {\n  ${field}\n}\n`,
      {},
      problems,
    );
    return problems.items.map((p) => `${p.line} ${p.message}`);
  };
  it('takes maxAge in seconds and a scope', () => {
    assert.deepEqual(
      parse('p(id: ID!): String @http(GET: "/p/{args.id}") @cacheControl(maxAge: 60, scope: PRIVATE)'),
      [],
    );
  });
  it('refuses a bad maxAge or scope, and a field without a call, with the line', () => {
    assert.deepEqual(parse('p(id: ID!): String @http(GET: "/p/{args.id}") @cacheControl(maxAge: -1)'), [
      '3 @cacheControl maxAge must be a whole number of seconds from 0 to 86400',
    ]);
    assert.deepEqual(parse('p(id: ID!): String @http(GET: "/p/{args.id}") @cacheControl(maxAge: 5, scope: SHARED)'), [
      '3 @cacheControl scope must be PUBLIC or PRIVATE',
    ]);
  });
  it('@invalidates: on mutations, with one key field and a template of its arguments', () => {
    const field = (directive: string) => `cancel(id: ID!): String @http(POST: "/p/{args.id}/cancel") ${directive}`;
    assert.deepEqual(parse(field('@invalidates(type: "Product", key: { id: "{args.id}" })'), 'Mutation'), []);
    assert.deepEqual(parse(field('@invalidates(type: "Product", key: { id: "{args.id}" })')), [
      '3 @invalidates goes on Mutation fields',
    ]);
    assert.deepEqual(parse(field('@invalidates(type: "Product", key: { id: "{args.nope}" })'), 'Mutation'), [
      '3 template uses {args.nope} but Mutation.cancel has no argument "nope"',
    ]);
    assert.deepEqual(parse(field('@invalidates(type: "Product", key: "{args.id}")'), 'Mutation'), [
      '3 @invalidates needs key: { <key field>: "<template>" }, e.g. key: { id: "{args.id}" }',
    ]);
  });
});

describe('@cacheControl on a source type', () => {
  it('is the policy of the calls returning it that declare none of their own', () => {
    const problems = new ProblemList();
    const def = parseSourceFile(
      'schema/catalog.graphql',
      `extend schema @source(name: "catalog", protocol: REST, url: "http://127.0.0.1:1")
type Product @key(fields: "id") @cacheControl(maxAge: 30, scope: PRIVATE) { id: ID! }
type Query {
  product(id: ID!): Product @http(GET: "/products/{args.id}")
  products(ids: [ID!]!): [Product]! @http(GET: "/products") @batch(key: "id") @lookup @cacheControl(maxAge: 5)
  count: Int @http(GET: "/count")
}
`,
      {},
      problems,
    );
    assert.deepEqual(problems.items, []);
    const cacheOf = (field: string) => def!.bindings.find((b) => b.fieldName === field)?.cache;
    assert.deepEqual(cacheOf('product'), { maxAgeMs: 30_000, scope: 'PRIVATE' });
    assert.deepEqual(cacheOf('products'), { maxAgeMs: 5000, scope: 'PUBLIC' }, 'its own hint wins');
    assert.equal(cacheOf('count'), undefined);
  });
});
