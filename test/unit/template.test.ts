// Templates of source directives (src/sources/template.ts): compiled once, evaluated per call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TemplateSyntaxError,
  compileTemplate,
  compileValue,
  parseReference,
  readPath,
  readReference,
  referencesIn,
  splitPath,
  type TemplateScope,
} from '../../src/sources/template.js';
import { compileHttpCall } from '../../src/sources/rest/compile-http-call.js';
import type { HttpClient, HttpRequest } from '../../src/sources/rest/http-client.js';

const scope = (args: Record<string, unknown> = {}, root: unknown = null, identity: unknown = null): TemplateScope => ({
  args,
  root,
  identity,
});

describe('compileTemplate: a template that is exactly one {expr}', () => {
  it('keeps the value and its type (list, number, object, boolean)', () => {
    const ids = ['p1', 'p2'];
    assert.equal(compileTemplate('{args.ids}')(scope({ ids })), ids);
    assert.equal(compileTemplate('{args.limit}')(scope({ limit: 7 })), 7);
    const input = { a: 1 };
    assert.equal(compileTemplate('{args.input}')(scope({ input })), input);
    assert.equal(compileTemplate('{args.flag}')(scope({ flag: false })), false);
  });

  it('reads root and identity, and nested paths', () => {
    assert.equal(compileTemplate('{root.userId}')(scope({}, { userId: 'u7' })), 'u7');
    assert.equal(compileTemplate('{identity.userId}')(scope({}, null, { userId: 'u9' })), 'u9');
    assert.deepEqual(compileTemplate('{args.input.items}')(scope({ input: { items: [1, 2] } })), [1, 2]);
  });

  it('is undefined for a missing value, also below null or undefined', () => {
    assert.equal(compileTemplate('{args.missing}')(scope({})), undefined);
    assert.equal(compileTemplate('{root.a.b}')(scope({}, { a: null })), undefined);
    assert.equal(compileTemplate('{identity.userId}')(scope({}, null, null)), undefined);
  });

  it('trims spaces inside the braces', () => {
    assert.equal(compileTemplate('{ args.id }')(scope({ id: 'x' })), 'x');
  });
});

describe('compileTemplate: text mixed with expressions', () => {
  it('interpolates into a string', () => {
    assert.equal(compileTemplate('/users/{args.id}/orders/{args.n}')(scope({ id: 'u1', n: 3 })), '/users/u1/orders/3');
    assert.equal(compileTemplate('/products/{root.id}/reviews')(scope({}, { id: 'p4' })), '/products/p4/reviews');
  });

  it('joins lists with commas, writes objects as JSON and missing values as empty text', () => {
    assert.equal(compileTemplate('ids={args.ids}')(scope({ ids: ['a', 'b', 'c'] })), 'ids=a,b,c');
    assert.equal(compileTemplate('x={args.o}')(scope({ o: { k: 1 } })), 'x={"k":1}');
    assert.equal(compileTemplate('a{args.none}b{args.nul}c')(scope({ nul: null })), 'abc');
  });

  it('applies encode to interpolated values only, never to the literal text', () => {
    const t = compileTemplate('/users/{args.id}/x y', encodeURIComponent);
    assert.equal(t(scope({ id: 'a/b c?d' })), '/users/a%2Fb%20c%3Fd/x y');
  });

  it('applies encode after joining a list', () => {
    assert.equal(compileTemplate('/p/{args.ids}', encodeURIComponent)(scope({ ids: ['a b', 'c'] })), '/p/a%20b%2Cc');
  });

  it('returns text without expressions as is (also "{}" and an unclosed brace)', () => {
    assert.equal(compileTemplate('/health')(scope()), '/health');
    assert.equal(compileTemplate('/a/{}/b')(scope()), '/a/{}/b');
    assert.equal(compileTemplate('/a/{args.id')(scope({ id: 'x' })), '/a/{args.id');
  });
});

describe('parseReference and syntax errors', () => {
  it('parses root and path', () => {
    assert.deepEqual(parseReference('args.input.items'), { root: 'args', path: ['input', 'items'] });
    assert.deepEqual(parseReference('identity'), { root: 'identity', path: [] });
  });

  it('rejects unknown roots and empty segments with TemplateSyntaxError', () => {
    assert.throws(() => parseReference('parent.id'), TemplateSyntaxError);
    assert.throws(() => parseReference('args..id'), TemplateSyntaxError);
    assert.throws(() => parseReference('args.id.'), TemplateSyntaxError);
    assert.throws(
      () => compileTemplate('/x/{user.id}'),
      (e: unknown) => e instanceof TemplateSyntaxError && /must start with one of args, root, identity/.test(e.message),
    );
    assert.throws(() => compileTemplate('{ctx.id}'), TemplateSyntaxError);
  });

  it('readReference walks the scope', () => {
    assert.equal(readReference({ root: 'args', path: ['a', 'b'] }, scope({ a: { b: 5 } })), 5);
    assert.deepEqual(readReference({ root: 'args', path: [] }, scope({ a: 1 })), { a: 1 });
  });
});

describe('compileValue: nested values with template leaves', () => {
  it('compiles objects and arrays, keeping the types of whole-expression leaves', () => {
    const compiled = compileValue({
      userId: '{identity.userId}',
      limit: '{args.last}',
      items: '{args.items}',
      tag: 'v-{args.v}',
      fixed: 3,
      on: true,
      nested: ['{root.id}', 'x'],
    });
    const items = [{ productId: 'p1', quantity: 2 }];
    assert.deepEqual(compiled(scope({ last: 5, items, v: 2 }, { id: 'r1' }, { userId: 'u1' })), {
      userId: 'u1',
      limit: 5,
      items,
      tag: 'v-2',
      fixed: 3,
      on: true,
      nested: ['r1', 'x'],
    });
  });

  it('drops keys whose value is undefined (optional arguments) and keeps null', () => {
    const compiled = compileValue({ userId: '{root.id}', cursor: '{args.after}', limit: '{args.first}' });
    assert.deepEqual(compiled(scope({ first: 3 }, { id: 'u1' })), { userId: 'u1', limit: 3 });
    assert.deepEqual(compiled(scope({ first: 3, after: null }, { id: 'u1' })), {
      userId: 'u1',
      cursor: null,
      limit: 3,
    });
  });

  it('returns non-string scalars as they are', () => {
    assert.equal(compileValue(42)(scope()), 42);
    assert.equal(compileValue(null)(scope()), null);
  });
});

describe('referencesIn', () => {
  it('lists every reference of a nested value', () => {
    const refs = referencesIn(['/u/{args.id}/{root.x}', { a: '{identity.userId}', b: ['{args.items}', 'plain'] }, 4]);
    assert.deepEqual(refs, [
      { root: 'args', path: ['id'] },
      { root: 'root', path: ['x'] },
      { root: 'identity', path: ['userId'] },
      { root: 'args', path: ['items'] },
    ]);
  });

  it('throws TemplateSyntaxError for a bad reference anywhere', () => {
    assert.throws(() => referencesIn({ a: { b: '{nope.x}' } }), TemplateSyntaxError);
  });
});

describe('readPath and splitPath', () => {
  it('splits dotted paths, ignoring empty segments', () => {
    assert.deepEqual(splitPath('data.items'), ['data', 'items']);
    assert.deepEqual(splitPath(''), []);
    assert.deepEqual(splitPath(undefined), []);
    assert.deepEqual(splitPath('.a..b.'), ['a', 'b']);
  });

  it('reads a result path out of a payload; an empty path returns the payload', () => {
    const payload = { data: { items: [1, 2] } };
    assert.deepEqual(readPath(payload, ['data', 'items']), [1, 2]);
    assert.equal(readPath(payload, []), payload);
    assert.equal(readPath({ data: null }, ['data', 'items']), null);
    assert.equal(readPath(null, ['data']), null);
    assert.equal(readPath({}, ['data', 'items']), undefined);
  });
});

describe('path templates as used for REST calls (compileHttpCall)', () => {
  function pathFor(template: string, args: Record<string, unknown>): Promise<string> {
    let sent: HttpRequest | undefined;
    const client = {
      request: async (req: HttpRequest) => {
        sent = req;
        return { status: 200, json: {} };
      },
      close: async () => {},
    } as unknown as HttpClient;
    const call = compileHttpCall({ kind: 'http', method: 'GET', path: template, result: [] }, client);
    return call
      .prepare(scope(args), {})
      .send()
      .then(() => {
        assert.ok(sent);
        return sent.path;
      });
  }

  it('keeps slashes, spaces and query characters of a value inside its segment', async () => {
    assert.equal(
      await pathFor('/products/{args.id}/stock', { id: '../users/u1?x=1#f' }),
      '/products/..%2Fusers%2Fu1%3Fx%3D1%23f/stock',
    );
  });

  it('keeps "." and ".." values inside their segment (no dot-segment traversal to another route)', async () => {
    for (const id of ['..', '.']) {
      const path = await pathFor('/users/{args.id}/payment-methods', { id });
      const segments = path.split('/');
      assert.ok(!segments.includes('..') && !segments.includes('.'), `${JSON.stringify(id)} → ${path}`);
    }
  });
});
