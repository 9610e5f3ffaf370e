import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { createGatewayError } from '../errors/index.js';
import { jsonNestsDeeperThan } from '../limits/index.js';

/** Request bodies the GraphQL endpoints accept on POST (anything else is 415 at the front door). */
export const graphqlBodyTypes = ['application/json', 'application/graphql-response+json'];

const badRequest = (message: string) => createGatewayError('BAD_REQUEST', { message, requestLevel: true });

/** JSON scanned for nesting before JSON.parse; a failure is BAD_REQUEST with a fixed message. */
function parseBoundedJson(text: string, what: string, maxJsonNesting: number): unknown {
  if (jsonNestsDeeperThan(text, maxJsonNesting)) throw badRequest(`${what} nests deeper than ${maxJsonNesting} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`${what} is not valid JSON`);
  }
}

/** A POST body: a JSON object (its GraphQL parameters are checked by yoga, or by the direct path). */
export function parseRequestBody(text: string, maxJsonNesting: number): GraphQLParams {
  const body = parseBoundedJson(text, 'The request body', maxJsonNesting);
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('The request body must be a JSON object');
  return body as GraphQLParams;
}

/** The GraphQL parameters of a GET's query string; throws BAD_REQUEST on JSON that does not parse. */
export function parseSearchParams(search: URLSearchParams, maxJsonNesting: number): GraphQLParams {
  const parseJson = (text: string, what: string) => parseBoundedJson(text, what, maxJsonNesting);
  const variables = search.get('variables');
  const extensions = search.get('extensions');
  return {
    query: search.get('query') || undefined,
    operationName: search.get('operationName') || undefined,
    variables: variables ? (parseJson(variables, 'The variables parameter') as Record<string, unknown>) : undefined,
    extensions: extensions ? (parseJson(extensions, 'The extensions parameter') as Record<string, unknown>) : undefined,
  };
}

/**
 * Replaces yoga's GET and JSON POST parsers: the JSON (body, or `variables`/`extensions` in a query
 * string) is scanned for nesting before JSON.parse, and a parse failure answers BAD_REQUEST with a
 * fixed message — never the parser's message or an echo of the input.
 */
export function useRequestParser(maxJsonNesting: number): Plugin {
  const parseGet = (request: Request): GraphQLParams =>
    parseSearchParams(new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1)), maxJsonNesting);
  const parsePost = async (request: Request): Promise<GraphQLParams> =>
    parseRequestBody(await request.text(), maxJsonNesting);
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method === 'GET') setRequestParser(parseGet);
      else if (request.method === 'POST') setRequestParser(parsePost);
    },
  };
}
