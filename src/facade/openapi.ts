import {
  GraphQLNonNull,
  Kind,
  isNonNullType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { RestEndpoint, RestFacade, RestVersion } from './model.js';
import { externalName } from './shape.js';
import { outputSchema, type JsonSchema } from './json-schema.js';
import { errorResponses, problemSchema, rateLimitHeaders } from './error-responses.js';

export interface FacadeSecurity {
  apiKeyHeader?: string;
  bearer: boolean;
}

/** OpenAPI 3.1 for one version, generated from its operations, the schema and the version's shape. */
export function createOpenApiDocument(
  facade: RestFacade,
  version: RestVersion,
  schema: GraphQLSchema,
  base: string,
  security: FacadeSecurity,
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of version.endpoints) {
    const openapiPath = endpoint.path.replace(
      /\{([^}]+)\}/g,
      (_m, p: string) => `{${externalName(p, version.shape.naming)}}`,
    );
    paths[openapiPath] ??= {};
    paths[openapiPath]![endpoint.method.toLowerCase()] = operationObject(endpoint, version, schema);
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
        Problem: problemSchema,
      },
    },
  };
}

function operationObject(endpoint: RestEndpoint, version: RestVersion, schema: GraphQLSchema): Record<string, unknown> {
  const parameters: unknown[] = [];
  const bodyProperties: Record<string, JsonSchema> = {};
  const bodyRequired: string[] = [];
  const fromBody = endpoint.method !== 'GET' && endpoint.method !== 'DELETE';
  for (const { external, in: location, required, schema: valueSchema } of endpoint.parameters) {
    if (location === 'body') {
      bodyProperties[external] = valueSchema;
      if (required) bodyRequired.push(external);
    } else {
      // lists: comma-separated (repeating the parameter works too)
      parameters.push({
        name: external,
        in: location,
        required: location === 'path' || required,
        schema: valueSchema,
        ...(valueSchema['type'] === 'array' ? { style: 'form', explode: false } : {}),
      });
    }
  }
  const responseHeaders: Record<string, unknown> = { ...rateLimitHeaders };
  if (endpoint.method === 'GET')
    responseHeaders['ETag'] = { description: 'Send back in If-None-Match for a 304', schema: { type: 'string' } };
  if (endpoint.nextCursor)
    responseHeaders['Link'] = {
      description: 'rel="next" link to the next page, absent on the last page',
      schema: { type: 'string' },
    };
  if (version.deprecated) {
    responseHeaders['Deprecation'] = { schema: { type: 'string' } };
    responseHeaders['Sunset'] = { schema: { type: 'string' } };
  }
  const success = endpoint.method === 'POST' ? '201' : '200';
  const responses: Record<string, unknown> = {
    [success]: {
      description: 'Success',
      headers: responseHeaders,
      content: { 'application/json': { schema: resultSchema(endpoint, version, schema) } },
    },
  };
  if (endpoint.method === 'GET') responses['304'] = { description: 'Not modified (If-None-Match matched the ETag)' };
  Object.assign(responses, errorResponses(endpoint));
  return {
    operationId: `${version.name}_${endpoint.operation.name?.value ?? endpoint.path}`,
    summary: endpoint.summary,
    description: `Runs the GraphQL operation:\n\n\`\`\`graphql\n${endpoint.query.trim()}\n\`\`\``,
    deprecated: version.deprecated || undefined,
    parameters,
    ...(fromBody
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: bodyProperties,
                  required: bodyRequired,
                  additionalProperties: false,
                },
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/** Follows the endpoint's result path through the operation's selections to the answer's schema. */
function resultSchema(endpoint: RestEndpoint, version: RestVersion, schema: GraphQLSchema): JsonSchema {
  let parent: GraphQLObjectType | undefined =
    endpoint.operation.operation === 'mutation'
      ? (schema.getMutationType() ?? undefined)
      : (schema.getQueryType() ?? undefined);
  let selectionSet: SelectionSetNode | undefined = endpoint.operation.selectionSet;
  let type: GraphQLOutputType | undefined;
  for (const key of endpoint.result) {
    const field: SelectionSetNode['selections'][number] | undefined = selectionSet?.selections.find(
      (s) => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === key,
    );
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
