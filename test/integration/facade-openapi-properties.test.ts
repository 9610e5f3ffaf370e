// Schemathesis-style property test of the partner REST facade against its own OpenAPI documents
// (v1 and v2): requests are generated from each documented operation — valid values from the
// documented schemas, and invalid ones (wrong types, out-of-range integers, empty and oversized
// lists, nulls, unknown and malformed cursors, unknown parameters, broken bodies, no credentials)
// — and every answer must
//   (a) have a status documented for that operation,
//   (b) validate against the documented schema of that status and media type (Ajv),
//   (c) never be a 5xx other than the documented upstream ones,
//   (d) never carry a stack trace or a source path,
//   (e) be a 4xx when the document rules the request out (a parameter or body that does not match).
// Bounded and deterministic: a fixed seed, 100 runs per version. The partner's quotas are raised in
// a copy of the configuration so that the runs explore parameters rather than the 429 path.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { ORDERS, PRODUCTS, PRODUCT_COUNT, USERS } from '../../demo/data.js';
import { encodeCursor } from '../../demo/grpc/orders.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import {
  assertProblem,
  mediaType,
  problemFields,
  repoRoot,
  startFacadeStack,
  type FacadeStack,
  type RestOptions,
} from '../helpers/facade.js';

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}
interface GeneratedRequest {
  method: string;
  url: string;
  options: RestOptions;
  /** Path and query values as written in the URL, for checking them against the document. */
  written: Record<string, string>;
}

const VERSIONS = ['v1', 'v2'] as const;
const RUNS_PER_VERSION = 100;
const SEED = 20261203;
const UPSTREAM_5XX = new Set([502, 503, 504]);
/** What a stack trace or an internal path looks like in a body. */
const LEAK = /\n\s+at |\bat [\w.<>]+ \(|node:internal|node_modules|\/src\/|\.ts:\d+|Error: .*\n/;

// ---------------------------------------------------------------- values from schemas

const knownIds: Record<string, string[]> = {
  id: [PRODUCTS[0]!.id, ORDERS[0]!.id, USERS[0]!.id, USERS[1]!.id],
  userid: USERS.slice(0, 3).map((u) => u.id),
  productid: PRODUCTS.slice(0, 3).map((p) => p.id),
  ids: PRODUCTS.slice(0, 5).map((p) => p.id),
  q: [PRODUCTS[0]!.category.toLowerCase(), 'a'],
  cursor: [encodeCursor(2), encodeCursor(9)],
};
const hintFor = (name: string) => knownIds[name.replace(/_/g, '').toLowerCase()];

const typesOf = (schema: Schema): string[] =>
  (Array.isArray(schema['type']) ? schema['type'] : [schema['type']]).filter((t): t is string => typeof t === 'string');

/** A value the schema accepts; demo ids for id-like names, so that valid requests reach real data. */
function validValue(schema: Schema, name: string): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const nonNull = types.filter((t) => t !== 'null');
  const value = (() => {
    if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
    switch (nonNull[0]) {
      case 'integer':
        return fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
          fc.integer({ min: -2, max: 60 }),
          fc.integer({ min: schema['minimum'] as number, max: schema['maximum'] as number }),
        );
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(validValue(schema['items'] as Schema, name), {
          minLength: (schema['minItems'] as number | undefined) ?? 0,
          maxLength: 4,
        });
      case 'object': {
        const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
        const required = new Set((schema['required'] ?? []) as string[]);
        return fc.record(Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, validValue(s, key)])), {
          requiredKeys: [...required],
        });
      }
      default: {
        const hint = hintFor(name);
        return hint
          ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...hint) }, fc.string({ maxLength: 12 }))
          : fc.string({ maxLength: 12 });
      }
    }
  })();
  return types.includes('null') ? fc.oneof(value, fc.constant(null)) : value;
}

/** A JSON value the schema refuses: the wrong type, null where null is not allowed, bounds, item counts. */
function invalidValue(schema: Schema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const wrong: fc.Arbitrary<unknown>[] = [
    fc.constantFrom<unknown>({ unexpected: true }, 'not-a-number', 1.5, true, []),
  ];
  if (!types.includes('null')) wrong.push(fc.constant(null));
  if (types.includes('integer'))
    wrong.push(fc.constantFrom((schema['maximum'] as number) + 1, (schema['minimum'] as number) - 1, 1e20));
  if (types.includes('array'))
    wrong.push(
      fc.constant([]),
      fc.array(fc.constant({ productId: PRODUCTS[0]!.id, quantity: 1 }), { minLength: 150, maxLength: 200 }),
    );
  return fc.oneof(...wrong);
}

/** A path or query value as text (lists comma-separated, as documented with explode: false). */
const asText = (value: unknown): string =>
  Array.isArray(value) ? value.map(asText).join(',') : value === null ? 'null' : String(value);

/** Query or path text the schema refuses (or that a backend does: unknown and malformed cursors). */
function invalidText(schema: Schema, name: string): fc.Arbitrary<string> {
  if (typesOf(schema).includes('array'))
    return fc.constantFrom(
      '',
      ',,',
      'null',
      '%E0%A4%A',
      PRODUCTS.slice(0, 150)
        .map((p) => p.id)
        .concat(`p${PRODUCT_COUNT + 7}`)
        .join(','),
    );
  const texts = ['', 'null', 'abc', '1.5', '2147483648', '-2147483649', '99999999999999999999', '%', '%E0%A4%A'];
  if (name === 'cursor')
    texts.push('garbage', encodeCursor(10_000), Buffer.from('offset:-1').toString('base64url'), '!!');
  return fc.constantFrom(...texts);
}

// ---------------------------------------------------------------- requests from operations

function requestFor(
  version: string,
  path: string,
  method: string,
  operation: Operation,
): fc.Arbitrary<GeneratedRequest> {
  const parameters = operation.parameters ?? [];
  const paramArbs = Object.fromEntries(
    parameters.map((p) => {
      const valid = validValue(p.schema, p.name).map(asText);
      const given = fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: invalidText(p.schema, p.name) });
      return [`${p.in}:${p.name}`, p.in === 'path' ? given : fc.option(given, { nil: undefined })];
    }),
  );
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const body: fc.Arbitrary<unknown> = bodySchema
    ? fc.oneof(
        { weight: 3, arbitrary: validValue(bodySchema, 'body') },
        {
          weight: 2,
          arbitrary: fc
            .tuple(
              validValue(bodySchema, 'body'),
              fc.constantFrom(...Object.keys((bodySchema['properties'] ?? {}) as object)),
              invalidValue({}),
            )
            .map(([b, key, bad]) => ({ ...(b as object), [key]: bad })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              validValue(bodySchema, 'body'),
              fc.constantFrom(...Object.keys((bodySchema['properties'] ?? {}) as object)),
            )
            .chain(([b, key]) =>
              invalidValue((bodySchema['properties'] as Record<string, Schema>)[key] ?? {}).map((bad) => ({
                ...(b as object),
                [key]: bad,
              })),
            ),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom<unknown>('{"truncated": ', '[]', 'null', '"text"', { unknown_property: 1 }),
        },
      )
    : fc.constant(undefined);
  // mostly none; else one of: an unknown parameter (400), no key or a revoked one (401), a wrong media type (415)
  const extra = fc.oneof(
    { weight: 8, arbitrary: fc.constant('none') },
    { weight: 2, arbitrary: fc.constantFrom('unknownParameter', 'noKey', 'revokedKey', 'textPlain') },
  );
  return fc.record({ params: fc.record(paramArbs), body, extra }).map(({ params, body: payload, extra: x }) => {
    let url = path;
    const query: string[] = [];
    const written: Record<string, string> = {};
    for (const p of parameters) {
      const value = params[`${p.in}:${p.name}`] as string | undefined;
      if (value === undefined) continue;
      // `%` kept as generated (malformed percent-encoding on purpose); dots encoded, or the URL's `..` would change the path
      const encoded = /%/.test(value)
        ? value
        : p.in === 'path'
          ? encodeURIComponent(value).replace(/\./g, '%2E')
          : encodeURIComponent(value).replace(/%2C/g, ',');
      written[`${p.in}:${p.name}`] = encoded;
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encoded);
      else query.push(`${p.name}=${encoded}`);
    }
    if (x === 'unknownParameter') query.push('unexpected=1');
    const headers: Record<string, string> = x === 'revokedKey' ? { 'x-api-key': 'demo-revoked-key' } : {};
    if (payload !== undefined && x === 'textPlain') headers['content-type'] = 'text/plain';
    const options: RestOptions = {
      auth: x !== 'noKey' && x !== 'revokedKey',
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    };
    return {
      method: method.toUpperCase(),
      url: `/partner/${version}${url}${query.length ? `?${query.join('&')}` : ''}`,
      options,
      written,
    };
  });
}

// ---------------------------------------------------------------- what the document says of a request

const requestAjv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const requestValidators = new Map<Schema, ValidateFunction>();
function matches(schema: Schema, value: unknown): boolean {
  let validate = requestValidators.get(schema);
  if (!validate) {
    validate = requestAjv.compile(schema);
    requestValidators.set(schema, validate);
  }
  return validate(value);
}

/** A URL value read as its schema's JSON type (numbers and booleans from their text, lists split on commas). */
function typedText(text: string, schema: Schema): unknown {
  const [type] = typesOf(schema).filter((t) => t !== 'null');
  if (type === 'array')
    return text
      .split(',')
      .filter((t) => t !== '')
      .map((t) => typedText(t, (schema['items'] ?? {}) as Schema));
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** Why the OpenAPI document says this request is invalid, or undefined when it conforms. */
function documentViolation(operation: Operation, request: GeneratedRequest): string | undefined {
  for (const p of operation.parameters ?? []) {
    const written = request.written[`${p.in}:${p.name}`];
    if (written === undefined) {
      if (p.required) return `${p.name} is required`;
      continue;
    }
    let text: string;
    try {
      text = p.in === 'path' ? decodeURIComponent(written) : new URLSearchParams(`v=${written}`).get('v')!;
    } catch {
      return `${p.name} is not percent-encoded`;
    }
    if (!matches(p.schema, typedText(text, p.schema)))
      return `${p.name}=${text} does not match ${JSON.stringify(p.schema)}`;
  }
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  if (bodySchema) {
    if (request.options.headers?.['content-type'] === 'text/plain') return 'the body is not application/json';
    let body = request.options.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        return 'the body is not JSON';
      }
    }
    if (!matches(bodySchema, body))
      return `the body does not match: ${requestAjv.errorsText(requestValidators.get(bodySchema)!.errors)}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- the test

/** The repository's configuration with the partner's quotas and field limits raised far above the run's size. */
function configWithoutQuotaPressure(): FixtureConfig {
  const partner = join(repoRoot, 'clients', 'partner');
  const rest = join(partner, 'rest');
  const files: Record<string, string> = {};
  for (const entry of readdirSync(rest, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      files[full.slice(partner.length + 1)] = readFileSync(full, 'utf8');
    }
  }
  const raise = (text: string) => text.replace(/max: \d+/g, 'max: 1000000');
  return createFixtureConfig({
    sources: readdirSync(join(repoRoot, 'schema')),
    clients: {
      partner: {
        yaml: raise(readFileSync(join(partner, 'client.yaml'), 'utf8')),
        schema: raise(readFileSync(join(partner, 'schema.graphql'), 'utf8')),
        files,
      },
    },
  });
}

describe('partner REST facade answers only what its OpenAPI documents say (generated requests, v1 and v2)', () => {
  let fixture: FixtureConfig;
  let stack: FacadeStack;
  const docs = new Map<string, OpenApiDocument>();
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();

  before(async () => {
    fixture = configWithoutQuotaPressure();
    stack = await startFacadeStack({ dir: fixture.dir });
    for (const version of VERSIONS)
      docs.set(
        version,
        (await stack.rest('GET', `/partner/${version}/openapi.json`, { auth: false })).json as OpenApiDocument,
      );
  });
  after(async () => {
    await stack?.close();
    fixture?.cleanup();
  });

  function validatorFor(version: string, key: string, schema: Schema): ValidateFunction {
    const cacheKey = `${version} ${key}`;
    let validate = validators.get(cacheKey);
    if (!validate) {
      validate = ajv.compile({ ...schema, components: docs.get(version)!.components });
      validators.set(cacheKey, validate);
    }
    return validate;
  }

  it('query parameters are documented as they are read: never null, Int within 32 bits, a required list with an item; a rejected cursor is a documented 422', async () => {
    const doc = docs.get('v2')!;
    const parameter = (path: string, name: string) =>
      doc.paths[path]?.['get']?.parameters?.find((p) => p.name === name);
    assert.deepEqual(parameter('/users/{id}/orders', 'limit')?.schema, {
      type: 'integer',
      format: 'int32',
      minimum: -2_147_483_648,
      maximum: 2_147_483_647,
      default: 10,
    });
    assert.deepEqual(parameter('/products', 'ids')?.schema, { type: 'array', items: { type: 'string' }, minItems: 1 });
    for (const [url, field] of [
      ['/users/u1/orders?limit=null', 'limit'],
      ['/users/u1/orders?limit=2147483648', 'limit'],
      ['/products?ids=', 'ids'],
      ['/products?ids=,', 'ids'],
    ] as const) {
      const problem = assertProblem(await stack.rest('GET', `/partner/v2${url}`), 400, 'BAD_USER_INPUT');
      assert.deepEqual(problemFields(problem), [`query:${field}`], url);
    }
    assert.equal((await stack.rest('GET', '/partner/v2/users/u1/orders?limit=2147483647')).status, 200);
    assertProblem(await stack.rest('GET', '/partner/v2/users/u1/orders?cursor=garbage'), 422, 'UPSTREAM_REJECTED');
    assert.ok(doc.paths['/users/{id}/orders']?.['get']?.responses['422'], '422 is documented');
  });

  it('body IDs are strings, as documented: a number is a 400 naming its place (graphql-js alone would take it)', async () => {
    const problem = assertProblem(
      await stack.rest('POST', '/partner/v2/orders', { body: { userId: 3, items: [{ productId: 7, quantity: 1 }] } }),
      400,
      'BAD_USER_INPUT',
    );
    assert.deepEqual(problemFields(problem), ['body:items[0].productId', 'body:userId']);
    const v1 = assertProblem(
      await stack.rest('POST', '/partner/v1/orders', {
        body: { user_id: 'u3', items: [{ product_id: 7, quantity: 1 }] },
      }),
      400,
      'BAD_USER_INPUT',
    );
    assert.deepEqual(problemFields(v1), ['body:items[0].product_id']);
  });

  for (const version of VERSIONS) {
    it(`${version}: every answer to generated requests has a documented status, matches its documented schema, is no undocumented 5xx, leaks no stack, and refuses what the document rules out`, async () => {
      const doc = docs.get(version);
      assert.ok(doc, `openapi.json of ${version}`);
      const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => ({ path, method, op })),
      );
      // the operation's index travels with the request, so a counterexample stays short
      const requests = fc.oneof(
        ...operations.map(({ path, method, op }, index) =>
          requestFor(version, path, method, op).map((request) => ({ request, index })),
        ),
      );
      const statuses = new Set<number>();
      let ruledOut = 0;

      await fc.assert(
        fc.asyncProperty(requests, async ({ request, index }) => {
          const { path, method, op } = operations[index]!;
          const res = await stack.rest(request.method, request.url, request.options);
          const what = `${request.method} ${request.url} ${JSON.stringify(request.options.body) ?? ''} → ${res.status} ${res.text.slice(0, 300)}`;
          statuses.add(res.status);
          const documented = op.responses[String(res.status)];
          assert.ok(documented, `(a) status ${res.status} is not documented for ${method} ${path}: ${what}`);
          assert.ok(res.status < 500 || UPSTREAM_5XX.has(res.status), `(c) undocumented server error: ${what}`);
          assert.doesNotMatch(res.text, LEAK, `(d) the answer leaks internals: ${what}`);
          const violation = documentViolation(op, request);
          if (violation) ruledOut++;
          if (violation)
            assert.ok(
              res.status >= 400 && res.status < 500,
              `(e) a request the document rules out (${violation}) was not refused: ${what}`,
            );
          if (!documented.content) return void assert.equal(res.text, '', `a ${res.status} has no body: ${what}`);
          const type = mediaType(res.headers);
          const media = documented.content[type];
          assert.ok(
            media,
            `(b) ${res.status} answered as ${type}, documented as ${Object.keys(documented.content).join(', ')}: ${what}`,
          );
          const validate = validatorFor(version, `${method} ${path} ${res.status} ${type}`, media.schema);
          assert.ok(
            validate(res.json),
            `(b) the answer does not match its documented schema: ${ajv.errorsText(validate.errors)}\n${what}`,
          );
        }),
        { seed: SEED, numRuns: RUNS_PER_VERSION, endOnFailure: true },
      );

      // the generator reaches both sides of the contract
      assert.ok(
        [...statuses].some((s) => s < 300),
        `no success among ${[...statuses].join(', ')}`,
      );
      assert.ok(ruledOut >= 10, `only ${ruledOut} requests the document rules out`);
      for (const status of [400, 401, 422])
        assert.ok(statuses.has(status), `no ${status} among ${[...statuses].join(', ')}`);
    });
  }
});
