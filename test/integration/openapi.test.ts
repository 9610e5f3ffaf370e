// The generated OpenAPI 3.1 documents of the partner REST facade (/partner/v1/openapi.json,
// /partner/v2/openapi.json) and the API reference page (/partner/docs):
// - each document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator) and lists exactly the
//   endpoints of clients/partner/rest/<version>/*.graphql;
// - every documented operation is served, and its real answer (example parameters from
//   demo/data.ts, a POST body built from the documented request schema) validates against the
//   documented success schema (Ajv, JSON Schema 2020-12), with the documented response headers;
// - problem answers validate against the documented Problem schema;
// - v1 and v2 differ in property naming and money format;
// - the docs page is self-contained: local assets only, all of them served.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Kind, parse, valueFromASTUntyped, type OperationDefinitionNode } from 'graphql';
import { FIXTURE_USER_ID, ORDERS, PRODUCTS, PRODUCT_COUNT, USERS } from '../../demo/data.js';
import {
  asObject,
  mediaType,
  repoRoot,
  startFacadeStack,
  type FacadeStack,
  type RestResponse,
} from '../helpers/facade.js';

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  style?: string;
  explode?: boolean;
}
interface ResponseObject {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, ResponseObject>;
  deprecated?: boolean;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

const VERSIONS = ['v1', 'v2'] as const;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

// ---------------------------------------------------------------- example requests

const sampleOrder = ORDERS.find((o) => o.user_id !== FIXTURE_USER_ID && o.items.length >= 2) ?? ORDERS[0]!;
const unknownProduct = `p${PRODUCT_COUNT + 1}`;
const buyer = USERS.find((u) => u.id !== FIXTURE_USER_ID)!.id;

/**
 * Example parameters per documented `METHOD /path` (names as documented; v1 and v2 share them).
 * A documented operation without an entry fails the test: add one when adding an endpoint.
 */
const EXAMPLES: Record<string, { path?: Record<string, string>; query?: Record<string, string> }> = {
  'GET /products/{id}': { path: { id: PRODUCTS[0]!.id } },
  // an unknown id among known ones: the list answer holds a null
  'GET /products': { query: { ids: [PRODUCTS[1]!.id, unknownProduct, PRODUCTS[2]!.id].join(',') } },
  'GET /products/search': { query: { q: PRODUCTS[0]!.category.toLowerCase(), limit: '3' } },
  'GET /orders/{id}': { path: { id: sampleOrder.id } },
  // limit below the user's order count: there is a next page (and a Link header)
  'GET /users/{id}/orders': { path: { id: FIXTURE_USER_ID }, query: { limit: '3' } },
  'POST /orders': {},
};

/** Values for request body properties, by name without underscores, lower case. */
const BODY_VALUES: Record<string, unknown> = { userid: buyer, productid: PRODUCTS[3]!.id, quantity: 2 };
const normalize = (name: string) => name.replace(/_/g, '').toLowerCase();

function schemaTypes(schema: Schema): string[] {
  const type = schema['type'];
  return (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string' && t !== 'null');
}

/** A valid value for a documented request schema: required properties only, one array item. */
function exampleFor(schema: Schema, name: string): unknown {
  const [type] = schemaTypes(schema);
  if (type === 'object') {
    const properties = asObject(schema['properties'] ?? {}, `${name}.properties`) as Record<string, Schema>;
    const required = (schema['required'] ?? []) as string[];
    return Object.fromEntries(required.map((key) => [key, exampleFor(properties[key] ?? {}, key)]));
  }
  if (type === 'array') return [exampleFor(asObject(schema['items'], `${name}.items`), name)];
  const value = BODY_VALUES[normalize(name)];
  assert.ok(value !== undefined, `no example value for body property "${name}"; add one to BODY_VALUES`);
  return value;
}

function exampleRequest(path: string, method: string, operation: Operation): { url: string; body?: unknown } {
  const example = EXAMPLES[`${method.toUpperCase()} ${path}`];
  assert.ok(example, `no example for ${method.toUpperCase()} ${path}; add one to EXAMPLES`);
  let url = path;
  const query = new URLSearchParams();
  for (const p of operation.parameters ?? []) {
    if (p.in === 'path') {
      const value = example.path?.[p.name];
      assert.ok(value !== undefined, `no example for path parameter ${p.name} of ${method} ${path}`);
      url = url.replace(`{${p.name}}`, encodeURIComponent(value));
    } else if (p.in === 'query') {
      const value = example.query?.[p.name];
      if (value !== undefined) query.set(p.name, value);
      else assert.ok(!p.required, `no example for required query parameter ${p.name} of ${method} ${path}`);
    }
  }
  assert.ok(!/\{[^}]*\}/.test(url), `unfilled path parameter in ${url}`);
  const qs = query.toString().replace(/%2C/gi, ',');
  const schema = operation.requestBody?.content['application/json']?.schema;
  return { url: qs ? `${url}?${qs}` : url, ...(schema ? { body: exampleFor(schema, 'body') } : {}) };
}

/** Every documented operation: [path, method, operation]. */
function operations(doc: OpenApiDocument): Array<[string, string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => HTTP_METHODS.includes(m))
      .map(([m, op]): [string, string, Operation] => [path, m, op]),
  );
}

/** The documented success response (2xx) of an operation. */
function success(operation: Operation): [string, ResponseObject] {
  const entries = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
  assert.equal(entries.length, 1, `one documented success response: ${Object.keys(operation.responses).join(', ')}`);
  return entries[0]!;
}

/** Every property name in a schema, recursively. */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const s of schema) propertyNames(s, out);
  } else if (schema && typeof schema === 'object') {
    const record = schema as Record<string, unknown>;
    if (record['properties'] && typeof record['properties'] === 'object')
      for (const key of Object.keys(record['properties'])) out.add(key);
    for (const value of Object.values(record)) propertyNames(value, out);
  }
  return out;
}

/** METHOD and path of each `@rest(METHOD: "/path")` operation file of a version. */
function declaredEndpoints(version: string): string[] {
  const dir = join(repoRoot, 'clients', 'partner', 'rest', version);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .map((file) => {
      const doc = parse(readFileSync(join(dir, file), 'utf8'));
      const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      const rest = op?.directives?.find((d) => d.name.value === 'rest');
      const arg = rest?.arguments?.find((a) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(a.name.value));
      assert.ok(arg, `${file} has @rest(METHOD: "/path")`);
      return `${arg.name.value} ${String(valueFromASTUntyped(arg.value))}`;
    })
    .sort();
}

describe('OpenAPI documents and API reference of the partner REST facade', () => {
  let stack: FacadeStack;
  const docs = new Map<string, OpenApiDocument>();
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  before(async () => {
    stack = await startFacadeStack();
    for (const version of VERSIONS) {
      const res = await stack.rest('GET', `/partner/${version}/openapi.json`, { auth: false });
      assert.equal(res.status, 200, res.text);
      assert.equal(mediaType(res.headers), 'application/json');
      docs.set(version, res.json as OpenApiDocument);
    }
  });
  after(async () => {
    await stack?.close();
  });

  const doc = (version: string): OpenApiDocument => {
    const d = docs.get(version);
    assert.ok(d, `openapi.json of ${version}`);
    return d;
  };

  /** Validates a JSON answer against a documented schema ($refs resolve within the document's components). */
  function assertMatchesSchema(value: unknown, schema: Schema, document: OpenApiDocument, what: string): void {
    const validate = ajv.compile({ ...schema, components: document.components });
    const ok = validate(value);
    assert.ok(
      ok,
      `${what} does not match its documented schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(value).slice(0, 600)}`,
    );
  }

  for (const version of VERSIONS) {
    describe(version, () => {
      it('is a valid OpenAPI 3.1 document for this version', async () => {
        const d = doc(version);
        assert.match(d.openapi, /^3\.1\./);
        assert.equal(d.info.version, version);
        assert.deepEqual(
          d.servers?.map((s) => s.url),
          [`/partner/${version}`],
        );
        const result = await new Validator().validate(d as unknown as Record<string, unknown>);
        assert.ok(result.valid, `invalid OpenAPI: ${JSON.stringify(result.errors, null, 1)}`);
      });

      it(`documents exactly the endpoints of clients/partner/rest/${version}`, () => {
        const documented = operations(doc(version))
          .map(([path, method]) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`)
          .sort();
        assert.deepEqual(
          documented,
          declaredEndpoints(version).map((e) => e.replace(/\{[^}]+\}/g, '{}')),
        );
      });

      it('v1 operations are marked deprecated, v2 operations are not', () => {
        for (const [path, method, op] of operations(doc(version))) {
          assert.equal(op.deprecated === true, version === 'v1', `${method} ${path} deprecated: ${op.deprecated}`);
        }
      });

      it('every documented path and method is served (routed: 401 without a key, never 404/405)', async () => {
        for (const [path, method, op] of operations(doc(version))) {
          const { url, body } = exampleRequest(path, method, op);
          const res = await stack.rest(method.toUpperCase(), `/partner/${version}${url}`, {
            auth: false,
            ...(body === undefined ? {} : { body }),
          });
          assert.equal(res.status, 401, `${method.toUpperCase()} ${path}: ${res.status} ${res.text}`);
        }
      });

      it('every documented endpoint answers its documented success status, content type, headers and schema', async () => {
        const checked: string[] = [];
        for (const [path, method, op] of operations(doc(version))) {
          const what = `${version} ${method.toUpperCase()} ${path}`;
          const { url, body } = exampleRequest(path, method, op);
          const before = stack.demo.orders.calls.count('CreateOrder');
          const res: RestResponse = await stack.rest(
            method.toUpperCase(),
            `/partner/${version}${url}`,
            body === undefined ? {} : { body },
          );
          const [status, response] = success(op);
          assert.equal(String(res.status), status, `${what} → ${res.status} ${res.text}`);
          const [contentType, media] = Object.entries(response.content ?? {})[0] ?? [];
          assert.ok(contentType && media?.schema, `${what}: documented content schema`);
          assert.equal(mediaType(res.headers), contentType, what);
          assertMatchesSchema(res.json, media.schema, doc(version), what);
          for (const header of Object.keys(response.headers ?? {})) {
            assert.ok(
              res.headers.has(header),
              `${what}: documented header ${header} missing (has ${[...res.headers.keys()].join(', ')})`,
            );
          }
          if (method === 'post')
            assert.equal(stack.demo.orders.calls.count('CreateOrder'), before + 1, `${what} created an order`);
          checked.push(what);
        }
        assert.equal(checked.length, Object.keys(EXAMPLES).length, `checked: ${checked.join('; ')}`);
      });

      it('a 404 and a 400 answer match the documented Problem schema', async () => {
        const d = doc(version);
        const get = d.paths['/products/{id}']?.['get'];
        assert.ok(get, 'GET /products/{id} is documented');
        const notFound = await stack.rest('GET', `/partner/${version}/products/${unknownProduct}`);
        assert.equal(notFound.status, 404, notFound.text);
        const schema404 = get.responses['404']?.content?.['application/problem+json']?.schema;
        assert.ok(schema404, '404 is documented as application/problem+json');
        assertMatchesSchema(notFound.json, schema404, d, `${version} 404`);

        const invalid = await stack.rest('GET', `/partner/${version}/products/${PRODUCTS[0]!.id}?unknown=1`);
        assert.equal(invalid.status, 400, invalid.text);
        const schema400 = get.responses['400']?.content?.['application/problem+json']?.schema;
        assert.ok(schema400, '400 is documented as application/problem+json');
        assertMatchesSchema(invalid.json, schema400, d, `${version} 400`);
        assert.ok(Array.isArray(asObject(invalid.json)['errors']));
      });

      it('the documented security scheme is the partner API key header', () => {
        const schemes = doc(version).components?.securitySchemes ?? {};
        assert.deepEqual(Object.values(schemes), [{ type: 'apiKey', in: 'header', name: 'X-API-Key' }]);
      });
    });
  }

  describe('v1 and v2 differ in naming and money format', () => {
    const schemaOf = (version: string, path: string, method: string) => {
      const op = doc(version).paths[path]?.[method];
      assert.ok(op, `${version} documents ${method} ${path}`);
      const [, response] = success(op);
      return response.content?.['application/json']?.schema ?? {};
    };
    const allNames = (version: string) => {
      const names = new Set<string>();
      for (const [, , op] of operations(doc(version))) {
        propertyNames(success(op)[1].content, names);
        propertyNames(op.requestBody?.content, names);
      }
      return names;
    };

    it('the same paths and methods in both', () => {
      const list = (v: string) =>
        operations(doc(v))
          .map(([p, m]) => `${m} ${p}`)
          .sort();
      assert.deepEqual(list('v1'), list('v2'));
    });

    it('v1 property names are snake_case (some with _), v2 camelCase (some with capitals, none with _)', () => {
      const v1 = [...allNames('v1')];
      const v2 = [...allNames('v2')];
      assert.ok(
        v1.every((n) => /^[a-z][a-z0-9_]*$/.test(n)),
        `v1: ${v1.join(', ')}`,
      );
      assert.ok(
        v1.some((n) => n.includes('_')),
        `v1: ${v1.join(', ')}`,
      );
      assert.ok(
        v2.every((n) => /^[a-z][A-Za-z0-9]*$/.test(n)),
        `v2: ${v2.join(', ')}`,
      );
      assert.ok(
        v2.some((n) => /[A-Z]/.test(n)),
        `v2: ${v2.join(', ')}`,
      );
      assert.notDeepEqual(v1.sort(), v2.sort());
    });

    it('product: v1 price_cents integer + currency; v2 price { amount: decimal string, currency }', () => {
      const v1 = asObject(schemaOf('v1', '/products/{id}', 'get')['properties']);
      const v2 = asObject(schemaOf('v2', '/products/{id}', 'get')['properties']);
      assert.deepEqual(v1['price_cents'], { type: 'integer' });
      assert.ok(v1['currency']);
      assert.equal(v1['price'], undefined);
      const price = asObject(v2['price']);
      assert.equal(price['type'], 'object');
      assert.deepEqual(asObject(asObject(price['properties'])['amount'])['type'], 'string');
      assert.equal(v2['priceCents'], undefined);
      assert.equal(v2['price_cents'], undefined);
      assert.equal(v2['currency'], undefined);
    });

    it('order request body: v1 user_id/product_id, v2 userId/productId', () => {
      const body = (v: string) => propertyNames(doc(v).paths['/orders']?.['post']?.requestBody);
      assert.deepEqual([...body('v1')].sort(), ['items', 'product_id', 'quantity', 'user_id']);
      assert.deepEqual([...body('v2')].sort(), ['items', 'productId', 'quantity', 'userId']);
    });
  });

  describe('API reference page /partner/docs', () => {
    let html = '';
    before(async () => {
      const res = await fetch(`${stack.url}/partner/docs`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      html = await res.text();
    });

    it('is an HTML page that only references local assets (no URL to another host)', () => {
      assert.match(html, /^<!doctype html>/i);
      const absolute = html.match(/\b(?:https?:)?\/\/[^\s"'<>)]+/gi) ?? [];
      assert.deepEqual(absolute, [], `absolute URLs in the docs page: ${absolute.join(', ')}`);
      const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
      assert.ok(refs.length >= 3, `asset references: ${refs.join(', ')}`);
      for (const ref of refs) assert.ok(ref.startsWith('/partner/docs/'), `non-local asset ${ref}`);
    });

    it('every referenced asset is served, the JS bundle as JavaScript', async () => {
      const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
      const scripts = [...html.matchAll(/<script\b[^>]*\bsrc\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
      assert.ok(
        scripts.some((s) => /swagger-ui-bundle\.js$/.test(s)),
        `scripts: ${scripts.join(', ')}`,
      );
      for (const ref of refs) {
        const res = await fetch(new URL(ref, stack.url));
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.equal(res.status, 200, ref);
        assert.ok(bytes.length > 0, `${ref} is empty`);
        if (ref.endsWith('.js')) {
          assert.match(res.headers.get('content-type') ?? '', /javascript/, ref);
          assert.ok(bytes.length > 10_000, `${ref}: ${bytes.length} bytes`);
        }
        if (ref.endsWith('.css')) assert.match(res.headers.get('content-type') ?? '', /^text\/css/, ref);
      }
    });

    it('lists the openapi.json of every version, each served', async () => {
      const urls = [...html.matchAll(/"url"\s*:\s*"([^"]+)"/g)].map((m) => m[1]!).sort();
      assert.deepEqual(urls, VERSIONS.map((v) => `/partner/${v}/openapi.json`).sort());
      for (const url of urls) {
        const res = await fetch(new URL(url, stack.url));
        assert.equal(res.status, 200, url);
        assert.match(asObject(await res.json())['openapi'] as string, /^3\.1\./);
      }
    });

    // Swagger UI's default validatorUrl makes the browser load https://validator.swagger.io/validator?url=<spec URL>
    // on any host other than localhost: the page must switch it off to stay self-contained.
    it("turns off Swagger UI's online validator badge (validatorUrl: null)", () => {
      assert.match(html, /validatorUrl\s*:\s*(null|["']none["'])/);
    });

    it('unknown docs assets → 404', async () => {
      const res = await fetch(`${stack.url}/partner/docs/package.json`);
      await res.arrayBuffer();
      assert.equal(res.status, 404);
    });
  });
});
