// What the gateway reads of a subgraph's SDL: calls, entities and the federation directives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, print } from 'graphql';
import { readSubgraph } from '../../src/sources/graphql/read-subgraph.js';
import { applyOverrides } from '../../src/sources/graphql/overrides.js';
import type { SourceDefinition } from '../../src/sources/model.js';

function read(sdl: string) {
  const problems: string[] = [];
  const subgraph = readSubgraph(parse(sdl), (node, path, message) =>
    problems.push(`${node?.loc?.startToken.line ?? '-'} ${path}: ${message}`),
  );
  return { subgraph, problems };
}

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n';

describe('readSubgraph', () => {
  it('reads keys (several, compound, not resolvable), requires, provides and shareable', () => {
    const { subgraph, problems } = read(`${link}
type Product @key(fields: "upc") @key(fields: "sku region") {
  upc: String!
  sku: String!
  region: String!
  price: Int @external
  weight: Int @external
  shipping: Int @requires(fields: "price weight")
  seller: Seller @provides(fields: "name")
  title: String @shareable
}
type Seller @key(fields: "id", resolvable: false) { id: ID! name: String @external }
type Query { product(upc: String!): Product }
`);
    assert.deepEqual(problems, []);
    const federation = subgraph!.federation;
    assert.deepEqual(
      federation.keys.get('Product')!.map((k) => [k.fields, k.resolvable]),
      [
        [['upc'], true],
        [['sku', 'region'], true],
      ],
    );
    assert.deepEqual(
      federation.keys.get('Seller')!.map((k) => k.resolvable),
      [false],
    );
    assert.deepEqual(federation.requires.get('Product.shipping'), ['price', 'weight']);
    assert.deepEqual(federation.provides.get('Product.seller'), ['name']);
    assert.ok(federation.shareable.has('Product.title'));
    // entities by their first resolvable key; a reference-only type is none
    assert.deepEqual(
      subgraph!.entities.map((e) => [e.typeName, e.field]),
      [['Product', 'upc']],
    );
    // the calls: one per root field
    assert.deepEqual(
      subgraph!.bindings.map((b) => [b.typeName, b.fieldName, b.call]),
      [['Query', 'product', { kind: 'graphql', operation: 'query', field: 'product' }]],
    );
    // external fields are another subgraph's: not in this source's schema
    const printed = print(subgraph!.document);
    assert.doesNotMatch(printed, /price|weight|@key|@external|@link/);
    assert.match(printed, /shipping: Int/);
  });

  it('takes federation v1 `extend type` entities as definitions and leaves @inaccessible out', () => {
    const { subgraph, problems } = read(`
extend type User @key(fields: "id") { id: ID! @external secret: String @inaccessible reviews: [String] }
extend type Query { me: User }
`);
    assert.deepEqual(problems, []);
    const printed = print(subgraph!.document);
    assert.match(printed, /^type User \{/m);
    assert.match(printed, /id: ID!/, 'a key field stays, @external or not');
    assert.doesNotMatch(printed, /secret/);
  });

  it('refuses what it cannot honour, with the line', () => {
    const { problems } = read(`${link}
type A @key(fields: "owner { id }") { owner: B }
type B @interfaceObject { id: ID! }
type C @key(fields: "nope") { id: ID! x: Int @requires(fields: "missing") }
type Query { a: A }
`);
    assert.deepEqual(problems, [
      '3 A: @key(fields: "owner { id }"): only top-level fields are supported (no nested selections)',
      '4 B: @interfaceObject is a federation feature the gateway does not support',
      '5 C: @key field "nope" is not a field of C',
      '5 C.x: @requires names "missing", which C does not declare here (declare it with @external)',
    ]);
  });
});

describe('applyOverrides', () => {
  it('drops the field from the subgraph it moves from', () => {
    const source = (name: string, sdl: string): SourceDefinition => {
      const subgraph = readSubgraph(parse(sdl), () => assert.fail('no problem expected'))!;
      return { name, ...subgraph } as unknown as SourceDefinition;
    };
    const sources = [
      source('old', `${link} type Product @key(fields: "id") { id: ID! price: Int }`),
      source(
        'new',
        `${link} type Product @key(fields: "id") { id: ID! price: Int @override(from: "old") } type Query { p: Product }`,
      ),
    ];
    applyOverrides(sources);
    assert.doesNotMatch(print(sources[0]!.document), /price/);
    assert.match(print(sources[1]!.document), /price: Int/);
  });
});
