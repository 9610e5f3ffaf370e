import { GraphQLNonNull, Kind, isNonNullType, typeFromAST, type GraphQLInputType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import type { RestEndpoint, RestFacade, RestVersion } from './model.js';
import { externalName } from './shape.js';
import { inputSchema, outputSchema, type JsonSchema } from './json-schema.js';

export interface FacadeSecurity {
  apiKeyHeader?: string;
  bearer: boolean;
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const rateLimitHeaders = {
  'RateLimit-Limit': { description: 'Requests allowed in the tightest window', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in that window', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window has fully reset', schema: { type: 'integer' } },
};
const errorResponses: Record<string, string> = {
  400: 'Invalid parameters (field-by-field in `errors`)', 401: 'Missing or invalid credentials', 403: 'The credentials lack a required scope',
  404: 'Not found', 429: 'Rate limit exceeded; see Retry-After', 502: 'A backend failed', 503: 'A backend is unavailable', 504: 'A backend timed out',
};

/** OpenAPI 3.1 for one version, generated from its operations, the schema and the version's shape. */
export function createOpenApiDocument(facade: RestFacade, version: RestVersion, schema: GraphQLSchema, base: string, security: FacadeSecurity): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of version.endpoints) {
    const openapiPath = endpoint.path.replace(/\{([^}]+)\}/g, (_m, p: string) => `{${externalName(p, version.shape.naming)}}`);
    (paths[openapiPath] ??= {})[endpoint.method.toLowerCase()] = operationObject(endpoint, version, schema);
  }
  const securitySchemes: Record<string, unknown> = {};
  if (security.apiKeyHeader) securitySchemes['apiKey'] = { type: 'apiKey', in: 'header', name: security.apiKeyHeader };
  if (security.bearer) securitySchemes['bearer'] = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
  return {
    openapi: '3.1.0',
    info: {
      title: `${facade.client} API`,
      version: version.name,
      description: `Version ${version.name} of the ${facade.client} REST API. Property names are ${version.shape.naming}; money is ${version.shape.money === 'cents' ? 'integer cents' : 'an object { amount (decimal string), currency }'}.${version.deprecated ? ` Deprecated${version.sunset ? `, sunset on ${version.sunset}` : ''}${version.successor ? `; use ${version.successor}` : ''}.` : ''}`,
    },
    servers: [{ url: `${base}/${version.name}` }],
    security: Object.keys(securitySchemes).map((name) => ({ [name]: [] })),
    paths,
    components: {
      securitySchemes,
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' },
            detail: { type: 'string' }, instance: { type: 'string' }, requestId: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, in: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'in', 'message'] } },
          },
          required: ['type', 'title', 'status', 'code'],
        },
      },
    },
  };
}

function operationObject(endpoint: RestEndpoint, version: RestVersion, schema: GraphQLSchema): Record<string, unknown> {
  const parameters: unknown[] = [];
  const bodyProperties: Record<string, JsonSchema> = {};
  const bodyRequired: string[] = [];
  const fromBody = endpoint.method !== 'GET' && endpoint.method !== 'DELETE';
  for (const definition of endpoint.operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType;
    const external = externalName(name, version.shape.naming);
    const required = isNonNullType(type) && !definition.defaultValue;
    if (endpoint.pathParams.includes(name)) parameters.push({ name: external, in: 'path', required: true, schema: inputSchema(type, version.shape) });
    else if (fromBody) { bodyProperties[external] = inputSchema(type, version.shape); if (required) bodyRequired.push(external); }
    else parameters.push({ name: external, in: 'query', required, schema: inputSchema(type, version.shape), ...(inputSchema(type, version.shape)['type'] === 'array' || String(type).startsWith('[') ? { style: 'form', explode: false } : {}) });
  }
  const responseHeaders: Record<string, unknown> = { ...rateLimitHeaders };
  if (endpoint.method === 'GET') responseHeaders['ETag'] = { description: 'Send back in If-None-Match for a 304', schema: { type: 'string' } };
  if (endpoint.nextCursor) responseHeaders['Link'] = { description: 'rel="next" link to the next page, absent on the last page', schema: { type: 'string' } };
  if (version.deprecated) {
    responseHeaders['Deprecation'] = { schema: { type: 'string' } };
    responseHeaders['Sunset'] = { schema: { type: 'string' } };
  }
  const success = endpoint.method === 'POST' ? '201' : '200';
  const responses: Record<string, unknown> = {
    [success]: { description: 'Success', headers: responseHeaders, content: { 'application/json': { schema: resultSchema(endpoint, version, schema) } } },
  };
  if (endpoint.method === 'GET') responses['304'] = { description: 'Not modified (If-None-Match matched the ETag)' };
  for (const [status, description] of Object.entries(errorResponses)) {
    responses[status] = { description, content: { 'application/problem+json': { schema: problemRef } }, ...(status === '429' ? { headers: { 'Retry-After': { schema: { type: 'integer' } }, ...rateLimitHeaders } } : {}) };
  }
  return {
    operationId: `${version.name}_${endpoint.operation.name?.value ?? endpoint.path}`,
    summary: endpoint.summary,
    description: `Runs the GraphQL operation:\n\n\`\`\`graphql\n${endpoint.query.trim()}\n\`\`\``,
    deprecated: version.deprecated || undefined,
    parameters,
    ...(fromBody ? { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: bodyProperties, required: bodyRequired, additionalProperties: false } } } } } : {}),
    responses,
  };
}

/** Follows the endpoint's result path through the operation's selections to the answer's schema. */
function resultSchema(endpoint: RestEndpoint, version: RestVersion, schema: GraphQLSchema): JsonSchema {
  let parent: GraphQLObjectType | undefined = endpoint.operation.operation === 'mutation' ? schema.getMutationType() ?? undefined : schema.getQueryType() ?? undefined;
  let selectionSet: SelectionSetNode | undefined = endpoint.operation.selectionSet;
  let type: GraphQLOutputType | undefined;
  for (const key of endpoint.result) {
    const field: SelectionSetNode['selections'][number] | undefined = selectionSet?.selections.find((s) => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === key);
    if (!field || field.kind !== Kind.FIELD || !parent) return {};
    type = parent.getFields()[field.name.value]?.type;
    selectionSet = field.selectionSet;
    let named: unknown = type;
    while (named && typeof named === 'object' && 'ofType' in named) named = (named as { ofType: unknown }).ofType;
    parent = named as GraphQLObjectType;
  }
  if (!type) return {};
  // a null answer is a 404, so the success schema is the non-null form
  return outputSchema(schema, isNonNullType(type) ? type : new GraphQLNonNull(type), selectionSet, version.shape);
}
