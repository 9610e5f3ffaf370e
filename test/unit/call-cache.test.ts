// The cache of @cacheControl calls: keys per caller for PRIVATE, copies per hit, maxAge.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallCache } from '../../src/sources/runtime/call-cache.js';
import { parseSourceFile } from '../../src/sources/parse-source.js';
import { ProblemList } from '../../src/config/index.js';

const context = (headers: Record<string, string>) => ({
  requestId: 'r',
  identity: null,
  upstreamHeaders: { 'x-request-id': String(Math.random()), ...headers },
});

describe('CallCache', () => {
  it('PRIVATE keys hold the identity headers a call forwards (not the request id); PUBLIC keys do not', () => {
    const cache = new CallCache('users');
    const u1 = context({ 'x-user-id': 'u1' });
    const u2 = context({ 'x-user-id': 'u2' });
    const priv = { maxAgeMs: 60_000, scope: 'PRIVATE' as const };
    const pub = { maxAgeMs: 60_000, scope: 'PUBLIC' as const };
    assert.notEqual(cache.keyOf(priv, 'GET /me', u1), cache.keyOf(priv, 'GET /me', u2));
    assert.equal(cache.keyOf(priv, 'GET /me', u1), cache.keyOf(priv, 'GET /me', context({ 'x-user-id': 'u1' })));
    assert.equal(cache.keyOf(pub, 'GET /me', u1), cache.keyOf(pub, 'GET /me', u2));
    cache.set(cache.keyOf(priv, 'GET /me', u1), priv, { name: 'Ann' });
    assert.equal(cache.get(cache.keyOf(priv, 'GET /me', u2)), undefined, 'another caller never gets it');
  });

  it('hands out a fresh copy per hit, keeps no null, and forgets after maxAge', async () => {
    const cache = new CallCache('catalog');
    const hint = { maxAgeMs: 30, scope: 'PUBLIC' as const };
    cache.set('k', hint, { id: 'p1', tags: ['a'] });
    const first = cache.get('k') as { tags: string[] };
    first.tags.push('changed');
    assert.deepEqual(cache.get('k'), { id: 'p1', tags: ['a'] });
    cache.set('none', hint, null);
    assert.equal(cache.get('none'), undefined);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(cache.get('k'), undefined);
  });
});

describe('@cacheControl in a source file', () => {
  const parse = (field: string) => {
    const problems = new ProblemList();
    parseSourceFile(
      'schema/catalog.graphql',
      `extend schema @source(name: "catalog", protocol: REST, url: "http://127.0.0.1:1")\ntype Query {\n  ${field}\n}\n`,
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
});
