// Reading a source file (src/sources/parse-source.ts): directives read into a SourceDefinition,
// and every bad usage reported with file, line and coordinate.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { print } from 'graphql';
import { ProblemList, type ConfigProblem } from '../../src/config/config-error.js';
import { parseSourceFile } from '../../src/sources/parse-source.js';
import type { FieldBinding, SourceDefinition } from '../../src/sources/model.js';

const FILE = 'schema/test.graphql';
const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));
const REST_SOURCE = 'extend schema @source(name: "shop", protocol: REST, url: "http://127.0.0.1:4102")';

function parse(
  sdl: string,
  env: Record<string, string> = {},
  file = FILE,
): { def: SourceDefinition | undefined; problems: ConfigProblem[] } {
  const problems = new ProblemList();
  const def = parseSourceFile(file, sdl, env, problems);
  return { def, problems: problems.items };
}

/** 1-based line of the first line of `sdl` containing `needle`. */
function lineOf(sdl: string, needle: string): number {
  const index = sdl.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `"${needle}" not in the SDL`);
  return index + 1;
}

/** Directive arguments are read into null-prototype objects: compare their JSON. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

function binding(def: SourceDefinition | undefined, coordinate: string): FieldBinding {
  assert.ok(def, 'no definition');
  const found = def.bindings.find((b) => `${b.typeName}.${b.fieldName}` === coordinate);
  assert.ok(found, `no binding for ${coordinate}`);
  return found;
}

describe('parseSourceFile: reading directives', () => {
  const sdl = `# A REST source
extend schema @source(name: "catalog", protocol: REST, url: "\${CATALOG_URL:-http://127.0.0.1:4102}", timeoutMs: 1500, retries: 2, connections: 8)

type Product @key(fields: "id") {
  id: ID!
  priceCents: Int! @map(from: "price_cents")
  reviews(limit: Int = 5): [Review!]! @http(GET: "/products/{root.id}/reviews", query: { limit: "{args.limit}" }, result: "data.reviews")
  maker: Maker @ref(key: { id: "{root.makerId}" })
}

type Maker @key(fields: "id") {
  id: ID!
}

type Review {
  rating: Int!
}

type Query {
  product(id: ID!): Product @http(GET: "/products/{args.id}")
  products(ids: [ID!]!): [Product]! @http(GET: "/products", query: { ids: "{args.ids}" }, result: "items") @batch(key: "id") @lookup
  big(ids: [ID!]!, region: String): [Product]! @http(POST: "/lookup", body: { ids: "{args.ids}", region: "{args.region}" }, headers: { region: "{args.region}" }) @batch(key: "sku", arg: "ids", maxSize: 25)
}
`;

  it('reads @source: name, protocol, interpolated url, timeouts, retries, connections', () => {
    const { def, problems } = parse(sdl, { CATALOG_URL: 'http://catalog.internal:8080' });
    assert.deepEqual(problems, []);
    assert.ok(def);
    assert.equal(def.name, 'catalog');
    assert.equal(def.protocol, 'REST');
    assert.equal(def.url, 'http://catalog.internal:8080');
    assert.equal(def.file, FILE);
    assert.deepEqual([def.timeoutMs, def.retries, def.connections], [1500, 2, 8]);
    assert.equal(def.protoFile, undefined);
  });

  it('uses the url default and the documented defaults (5000 ms, 1 retry, 32 connections)', () => {
    const { def, problems } = parse(
      `extend schema @source(name: "c", protocol: REST, url: "\${CATALOG_URL:-http://127.0.0.1:4102}")\ntype Query { a: Int @http(GET: "/a") }`,
    );
    assert.deepEqual(problems, []);
    assert.equal(def?.url, 'http://127.0.0.1:4102');
    assert.deepEqual([def?.timeoutMs, def?.retries, def?.connections], [5000, 1, 32]);
  });

  it('reads maxResponseBytes (default 1 MiB); outside 256 B – 64 MiB it is a problem at the @source line', () => {
    const query = '\ntype Query { a: Int @http(GET: "/a") }';
    assert.equal(parse(`${REST_SOURCE}${query}`).def?.maxResponseBytes, 1024 * 1024);
    assert.equal(
      parse(`extend schema @source(name: "c", protocol: REST, url: "http://x", maxResponseBytes: 4096)${query}`).def
        ?.maxResponseBytes,
      4096,
    );
    const { problems } = parse(
      `extend schema @source(name: "c", protocol: REST, url: "http://x", maxResponseBytes: 100)${query}`,
    );
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [[1, 'maxResponseBytes must be an integer from 256 to 67108864']],
    );
  });

  it('reads @http calls: method, path, query, body, headers, result path', () => {
    const { def } = parse(sdl);
    assert.deepEqual(
      plain(binding(def, 'Query.product').call),
      plain({
        kind: 'http',
        method: 'GET',
        path: '/products/{args.id}',
        query: undefined,
        body: undefined,
        headers: undefined,
        result: [],
      }),
    );
    assert.deepEqual(
      plain(binding(def, 'Product.reviews').call),
      plain({
        kind: 'http',
        method: 'GET',
        path: '/products/{root.id}/reviews',
        query: { limit: '{args.limit}' },
        body: undefined,
        headers: undefined,
        result: ['data', 'reviews'],
      }),
    );
    const big = binding(def, 'Query.big');
    assert.deepEqual(
      plain(big.call),
      plain({
        kind: 'http',
        method: 'POST',
        path: '/lookup',
        query: undefined,
        body: { ids: '{args.ids}', region: '{args.region}' },
        headers: { region: '{args.region}' },
        result: [],
      }),
    );
  });

  it('reads @batch (key, inferred or explicit arg, maxSize default 100) and @lookup', () => {
    const { def } = parse(sdl);
    const products = binding(def, 'Query.products');
    assert.deepEqual(products.batch, { key: 'id', arg: 'ids', maxSize: 100 });
    assert.equal(products.lookup, true);
    assert.equal(products.nonNull, true);
    assert.deepEqual(binding(def, 'Query.big').batch, { key: 'sku', arg: 'ids', maxSize: 25 });
    assert.equal(binding(def, 'Query.big').lookup, false);
    assert.equal(binding(def, 'Query.product').nonNull, false);
  });

  it('reads @map, @ref and @key, with lines', () => {
    const { def } = parse(sdl);
    assert.equal(binding(def, 'Product.priceCents').mapFrom, 'price_cents');
    assert.deepEqual(plain(binding(def, 'Product.maker').ref), { id: '{root.makerId}' });
    assert.deepEqual(def?.entities, [
      { typeName: 'Product', field: 'id', line: lineOf(sdl, 'type Product') },
      { typeName: 'Maker', field: 'id', line: lineOf(sdl, 'type Maker') },
    ]);
    assert.equal(binding(def, 'Product.reviews').line, lineOf(sdl, 'reviews(limit'));
    assert.equal(binding(def, 'Query.products').line, lineOf(sdl, 'products(ids'));
  });

  it('keeps only fields with a directive (and root fields) as bindings', () => {
    const { def } = parse(sdl);
    const coordinates = def?.bindings.map((b) => `${b.typeName}.${b.fieldName}`).sort();
    assert.deepEqual(coordinates, [
      'Product.maker',
      'Product.priceCents',
      'Product.reviews',
      'Query.big',
      'Query.product',
      'Query.products',
    ]);
  });

  it('strips Facet directives and the @source schema extension from the document', () => {
    const { def } = parse(sdl);
    assert.ok(def);
    const printed = print(def.document);
    for (const directive of ['@source', '@http', '@batch', '@lookup', '@key', '@map', '@ref'])
      assert.ok(!printed.includes(directive), `${directive} left in:\n${printed}`);
    assert.doesNotMatch(printed, /extend schema/);
    assert.match(printed, /type Product/);
    assert.match(printed, /reviews\(limit: Int = 5\): \[Review!\]!/);
  });

  it('reads a gRPC source: proto resolved next to the file, service, @grpc calls', () => {
    const grpc = `extend schema @source(name: "orders", protocol: GRPC, url: "\${ORDERS_ADDR:-127.0.0.1:4201}", proto: "orders.proto", service: "shop.orders.v1.OrderService")

type Order { id: ID! }

type Query {
  ordersOfUser(userId: ID!, last: Int = 10): [Order!]! @grpc(method: "ListOrdersByUser", request: { userId: "{args.userId}", limit: "{args.last}" }, response: "orders")
}
`;
    const { def, problems } = parse(grpc, { ORDERS_ADDR: 'orders.internal:9090' }, join(schemaDir, 'orders.graphql'));
    assert.deepEqual(problems, []);
    assert.ok(def);
    assert.equal(def.protocol, 'GRPC');
    assert.equal(def.url, 'orders.internal:9090');
    assert.equal(def.protoFile, join(schemaDir, 'orders.proto'));
    assert.equal(def.service, 'shop.orders.v1.OrderService');
    assert.deepEqual(plain(binding(def, 'Query.ordersOfUser').call), {
      kind: 'grpc',
      method: 'ListOrdersByUser',
      request: { userId: '{args.userId}', limit: '{args.last}' },
      response: ['orders'],
    });
  });
});

interface BadCase {
  name: string;
  sdl: string;
  /** Text on the line the problem must point at. */
  at: string;
  path?: string;
  message: RegExp;
}

const badCases: BadCase[] = [
  {
    name: 'unknown directive argument',
    sdl: `${REST_SOURCE}\ntype Query {\n  a: Int @http(GET: "/a",\n    verb: "x")\n}`,
    at: 'verb: "x"',
    path: 'Query.a',
    message: /@http has no argument "verb" \(allowed: GET, POST/,
  },
  {
    name: 'missing required argument',
    sdl: `${REST_SOURCE}\ntype T {\n  a: Int @map\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'a: Int @map',
    path: 'T.a',
    message: /@map needs argument "from"/,
  },
  {
    name: '@http with two methods',
    sdl: `${REST_SOURCE}\ntype Query {\n  a: Int @http(GET: "/a", POST: "/a")\n}`,
    at: '@http(GET',
    path: 'Query.a',
    message: /@http needs exactly one of GET, POST, PUT, PATCH, DELETE/,
  },
  {
    name: '@http path without leading slash',
    sdl: `${REST_SOURCE}\ntype Query {\n  a: Int @http(GET: "a/b")\n}`,
    at: '@http(GET',
    path: 'Query.a',
    message: /@http path "a\/b" must start with "\/"/,
  },
  {
    name: 'template uses an argument the field does not have',
    sdl: `${REST_SOURCE}\ntype Query {\n  product(id: ID!): Int @http(GET: "/products/{args.sku}")\n}`,
    at: 'product(id',
    path: 'Query.product',
    message: /template uses \{args\.sku\} but Query\.product has no argument "sku"/,
  },
  {
    name: '{root.…} on a root field',
    sdl: `${REST_SOURCE}\ntype Query {\n  a: Int @http(GET: "/a/{root.id}")\n}`,
    at: '@http(GET',
    path: 'Query.a',
    message: /root fields have no parent/,
  },
  {
    name: 'bad template root',
    sdl: `${REST_SOURCE}\ntype Query {\n  a(id: ID): Int @http(GET: "/a/{ctx.id}")\n}`,
    at: '@http(GET',
    path: 'Query.a',
    message: /must start with one of args, root, identity/,
  },
  {
    name: '@lookup outside Query',
    sdl: `${REST_SOURCE}\ntype T {\n  id: ID!\n  other: T @http(GET: "/t") @lookup\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'other: T',
    path: 'T.other',
    message: /@lookup goes on Query fields/,
  },
  {
    name: '@batch without a list argument',
    sdl: `${REST_SOURCE}\ntype Query {\n  a(id: ID!): [Int] @http(GET: "/a") @batch(key: "id")\n}`,
    at: 'a(id',
    path: 'Query.a',
    message: /@batch needs exactly one list argument/,
  },
  {
    name: '@batch on a field that does not return a list',
    sdl: `${REST_SOURCE}\ntype Query {\n  a(ids: [ID!]!): Int @http(GET: "/a") @batch(key: "id")\n}`,
    at: 'a(ids',
    path: 'Query.a',
    message: /@batch fields must return a list/,
  },
  {
    name: '@batch without a call',
    sdl: `${REST_SOURCE}\ntype T {\n  id: ID!\n  list(ids: [ID!]!): [Int] @batch(key: "id")\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'list(ids',
    path: 'T.list',
    message: /@batch needs @http or @grpc on the same field/,
  },
  {
    name: 'root field without a call',
    sdl: `${REST_SOURCE}\ntype Query {\n  ok: Int @http(GET: "/ok")\n  lonely: Int\n}`,
    at: 'lonely',
    path: 'Query.lonely',
    message: /root field Query\.lonely needs @http or @grpc/,
  },
  {
    name: 'a call and @ref on one field',
    sdl: `${REST_SOURCE}\ntype T @key(fields: "id") {\n  id: ID!\n  next: T @http(GET: "/t") @ref(key: { id: "{root.nextId}" })\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'next: T',
    path: 'T.next',
    message: /either a call \(@http\/@grpc\) or @ref, not both/,
  },
  {
    name: '@ref with a non-object key',
    sdl: `${REST_SOURCE}\ntype T @key(fields: "id") {\n  id: ID!\n  next: T @ref(key: "{root.nextId}")\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'next: T',
    path: 'T.next',
    message: /@ref\(key: \{ <keyField>: "\{root\.…\}" \}\) needs an object/,
  },
  {
    name: 'unknown directive on a field',
    sdl: `${REST_SOURCE}\ntype Query {\n  a: Int @http(GET: "/a") @cached(ttl: 5)\n}`,
    at: '@cached',
    path: 'Query.a',
    message: /unknown directive @cached on a field \(allowed: @http/,
  },
  {
    name: 'unknown directive on a type',
    sdl: `${REST_SOURCE}\ntype T @entity {\n  id: ID!\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'type T',
    path: 'T',
    message: /unknown directive @entity on a type \(allowed: @key, @cacheControl\)/,
  },
  {
    name: 'compound @key',
    sdl: `${REST_SOURCE}\ntype T @key(fields: "id region") {\n  id: ID!\n  region: String\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'type T',
    path: 'T',
    message: /must name one field \(compound keys are not supported\)/,
  },
  {
    name: '@key on a field the type lacks',
    sdl: `${REST_SOURCE}\ntype T @key(fields: "sku") {\n  id: ID!\n}\ntype Query { t: T @http(GET: "/t") }`,
    at: 'type T',
    path: 'T',
    message: /@key field "sku" is not a field of T/,
  },
  {
    name: 'a directive definition',
    sdl: `${REST_SOURCE}\n\ndirective @mine on FIELD_DEFINITION\ntype Query { a: Int @http(GET: "/a") }`,
    at: 'directive @mine',
    path: '@mine',
    message: /source files may not define directives/,
  },
  {
    name: 'a second @source',
    sdl: `${REST_SOURCE}\nextend schema\n  @source(name: "other", protocol: REST, url: "http://127.0.0.1:1")\ntype Query { a: Int @http(GET: "/a") }`,
    at: '@source(name: "other"',
    path: 'schema',
    message: /a file declares one @source; found a second one/,
  },
  {
    name: 'source name that is not an identifier',
    sdl: `\nextend schema @source(name: "my shop", protocol: REST, url: "http://127.0.0.1:1")\ntype Query { a: Int @http(GET: "/a") }`,
    at: 'extend schema',
    path: 'schema @source',
    message: /source name "my shop" must be a simple identifier/,
  },
  {
    name: 'unknown protocol',
    sdl: `\n\nextend schema @source(name: "s", protocol: SOAP, url: "http://127.0.0.1:1")\ntype Query { a: Int @http(GET: "/a") }`,
    at: 'extend schema',
    path: 'schema @source',
    message: /protocol must be REST, GRPC or GRAPHQL, not "SOAP"/,
  },
  {
    name: 'REST url with a path',
    sdl: `extend schema @source(name: "s", protocol: REST, url: "http://127.0.0.1:1/api")\ntype Query { a: Int @http(GET: "/a") }`,
    at: 'extend schema',
    path: 'schema @source',
    message: /must be an origin \(scheme:\/\/host:port\); put paths in @http/,
  },
  {
    name: 'REST url that is not http(s)',
    sdl: `extend schema @source(name: "s", protocol: REST, url: "catalog:80")\ntype Query { a: Int @http(GET: "/a") }`,
    at: 'extend schema',
    path: 'schema @source',
    message: /url "catalog:80" is not an http\(s\) URL/,
  },
  {
    name: 'gRPC url that is not host:port',
    sdl: `extend schema @source(name: "s", protocol: GRPC, url: "http://orders:9090", proto: "orders.proto", service: "shop.orders.v1.OrderService")\ntype Query { a: Int @grpc(method: "GetOrder") }`,
    at: 'extend schema',
    path: 'schema @source',
    message: /url "http:\/\/orders:9090" is not a host:port address for gRPC/,
  },
  {
    name: 'url with a variable that is not set',
    sdl: `\nextend schema @source(name: "s", protocol: REST, url: "\${NOPE_URL}")\ntype Query { a: Int @http(GET: "/a") }`,
    at: 'extend schema',
    path: 'schema @source',
    message: /url uses \$\{NOPE_URL\} but no such environment variable is set and no default is given/,
  },
  {
    name: 'timeoutMs out of range',
    sdl: `extend schema @source(name: "s", protocol: REST, url: "http://127.0.0.1:1", timeoutMs: 0)\ntype Query { a: Int @http(GET: "/a") }`,
    at: 'extend schema',
    path: 'schema @source',
    message: /timeoutMs must be an integer from 1 to 120000/,
  },
];

describe('parseSourceFile: bad usages are reported with file, line and coordinate', () => {
  for (const c of badCases) {
    it(c.name, () => {
      const { def, problems } = parse(c.sdl);
      assert.equal(def, undefined, 'a file with problems yields no definition');
      const matching = problems.filter((p) => c.message.test(p.message));
      assert.equal(matching.length, 1, JSON.stringify(problems, null, 2));
      const [problem] = matching;
      assert.ok(problem);
      assert.equal(problem.file, FILE);
      const line = lineOf(c.sdl, c.at);
      assert.equal(problem.line, line, `line of ${JSON.stringify(c.at)}: ${JSON.stringify(problem)}`);
      if (c.path !== undefined) assert.equal(problem.path, c.path);
      // Nothing else in the file is wrong: any other problem is a consequence, on the same line.
      for (const other of problems) assert.equal(other.line, line, JSON.stringify(problems, null, 2));
    });
  }

  it('malformed SDL: line and column of the syntax error', () => {
    const sdl = `${REST_SOURCE}\n\ntype Query {\n  a: Int @http(GET: "/a"\n}\n`;
    const { def, problems } = parse(sdl);
    assert.equal(def, undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0]?.message ?? '', /^malformed SDL: Syntax Error/);
    assert.equal(problems[0]?.line, 5);
    assert.equal(typeof problems[0]?.column, 'number');
  });

  it('no @source: reported on line 1', () => {
    const { def, problems } = parse('type Query { a: Int }');
    assert.equal(def, undefined);
    assert.deepEqual(
      problems.map((p) => [p.file, p.line]),
      [[FILE, 1]],
    );
    assert.match(problems[0]?.message ?? '', /no @source/);
  });

  it('a gRPC source without proto and service: both reported', () => {
    const { problems } = parse(
      `extend schema @source(name: "s", protocol: GRPC, url: "127.0.0.1:1")\ntype Query { a: Int @grpc(method: "M") }`,
    );
    const messages = problems.map((p) => p.message);
    assert.ok(
      messages.some((m) => /needs proto: "<file>\.proto"/.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /needs service: "<package>\.<Service>"/.test(m)),
      messages.join('\n'),
    );
    assert.ok(problems.every((p) => p.line === 1));
  });

  it('a proto that does not exist: reported with the path looked at', () => {
    const { problems } = parse(
      `extend schema @source(name: "s", protocol: GRPC, url: "127.0.0.1:1", proto: "missing.proto", service: "a.B")\ntype Query { a: Int @grpc(method: "M") }`,
      {},
      join(schemaDir, 'x.graphql'),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]?.message ?? '', /proto file "missing\.proto" not found \(looked at .*missing\.proto\)/);
  });

  it('reports every problem of a file in one pass', () => {
    const sdl = `${REST_SOURCE}\ntype Query {\n  a: Int @http(GET: "a")\n  b: Int\n  c: Int @http(GET: "/c") @nope\n}`;
    const { problems } = parse(sdl);
    assert.deepEqual(
      problems.map((p) => p.line),
      [lineOf(sdl, 'a: Int'), lineOf(sdl, 'b: Int'), lineOf(sdl, '@nope')],
    );
  });

  it('@batch with an invalid maxSize is reported, not silently replaced', () => {
    const sdl = `${REST_SOURCE}\ntype Query {\n  a(ids: [ID!]!): [Int] @http(GET: "/a") @batch(key: "id", maxSize: 0)\n}`;
    const { problems } = parse(sdl);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]?.message ?? '', /maxSize/);
  });
});

describe('parseSourceFile: call checks added after review', () => {
  it('@http header names are written with underscores and sent with hyphens', () => {
    const sdl = `${REST_SOURCE}\ntype Query {\n  p(id: ID!): String @http(GET: "/p/{args.id}", headers: { accept_language: "de", X_Trace: "1" })\n}`;
    const { def, problems } = parse(sdl);
    assert.deepEqual(problems, []);
    const call = binding(def, 'Query.p').call;
    assert.equal(call?.kind, 'http');
    assert.deepEqual(plain(call?.kind === 'http' ? call.headers : null), { 'accept-language': 'de', 'x-trace': '1' });
  });

  it('@http query must be an object', () => {
    const sdl = `${REST_SOURCE}\ntype Query {\n  p(id: ID!): String @http(GET: "/p", query: "id={args.id}")\n}`;
    const { problems } = parse(sdl);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /@http query must be an object/);
    assert.equal(problems[0]!.line, lineOf(sdl, 'query:'));
  });

  it('@batch calls cannot use {root.…}: one call carries the keys of many parents', () => {
    const sdl = `${REST_SOURCE}\ntype Shop {\n  id: ID!\n  items(ids: [ID!]!): [String] @http(GET: "/shops/{root.id}/items", query: { ids: "{args.ids}" }) @batch(key: "id")\n}\ntype Query { shop: Shop @http(GET: "/shop") }`;
    const { problems } = parse(sdl);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /@batch calls cannot use \{root/);
    assert.equal(problems[0]!.path, 'Shop.items');
  });

  it('two HTTP methods on one field give one problem, not a misleading second one', () => {
    const sdl = `${REST_SOURCE}\ntype Query {\n  p: String @http(GET: "/a", POST: "/b")\n}`;
    const { problems } = parse(sdl);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /exactly one of GET, POST/);
  });
});
