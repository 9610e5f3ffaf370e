import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DocumentNode, type ExecutionResult, getOperationAST } from 'graphql';
import { type GraphQLParams, processRegularResult, type YogaServerInstance } from 'graphql-yoga';
import { setRequestErrorStatus } from '../errors/index.js';
import type { GatewayContext } from './context.js';
import { compressAnswer, negotiateEncoding, varyOnEncoding } from './compression.js';
import { parseRequestBody, parseSearchParams } from './use-request-parser.js';
import { textKeyedCache } from './text-keyed-cache.js';
import { cachingHeaders, etagOf, matchesEtag } from './http-caching.js';
import type { RequestTrace } from '../observability/tracing/index.js';

type Yoga = YogaServerInstance<GatewayContext, Record<string, never>>;

/** What yoga would answer for a JSON POST, given its Accept header: one of its two JSON media types, or undefined. */
export type JsonMediaType = 'application/json' | 'application/graphql-response+json';

/**
 * The hot path of a GraphQL POST. The body is read once; then parse and validate (cached by
 * yoga's plugin), the context and execution run through the client's envelop — the very plugins,
 * caches, limits, field gate, masking and executor yoga runs — and the answer is written straight
 * to node's response. What it skips is yoga's fetch-API shell around them: a Request and a
 * Response object per query, the header and body streams, the hook chains for parameters and
 * results (measured at about a tenth of the CPU of a planned `home`).
 *
 * It answers only what it answers exactly as yoga would: a body that yields a valid, executable
 * query. Anything else — malformed JSON, unknown parameters, a document that does not parse or
 * validate, a subscription — returns false before anything has run, and the caller hands the
 * same body to yoga, which gives its usual answer.
 */
export function createDirectExecution(yoga: Yoga, maxJsonNesting: number) {
  // Parsing and validation depend on the text and the schema alone (yoga caches them the same
  // way): a text that validated once skips both hook chains from then on. One cache per client
  // build, so a reload starts afresh.
  const validated = textKeyedCache<DocumentNode>();
  function validate(
    enveloped: ReturnType<Yoga['getEnveloped']>,
    query: string,
    trace: RequestTrace | undefined,
  ): DocumentNode | undefined {
    let document: DocumentNode;
    try {
      document = trace ? trace.step('graphql.parse', () => enveloped.parse(query)) : enveloped.parse(query);
    } catch {
      return undefined;
    }
    const check = () => enveloped.validate(enveloped.schema, document).length;
    if (trace ? trace.step('graphql.validate', check) : check()) return undefined;
    validated.set(query, document);
    return document;
  }

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    context: GatewayContext,
    params: GraphQLParams,
    mediaType: JsonMediaType,
  ): Promise<boolean> {
    if (!hasPlainParams(params)) return false;
    const isGet = req.method === 'GET';
    // yoga's plugins see a request only through `context.request.method` (a syntax error is coded
    // for the parse cache, a mutation over GET refused)
    const enveloped = yoga.getEnveloped(Object.assign(context, { params, request: isGet ? getRequest : postRequest }));
    const document = validated.get(params.query) ?? validate(enveloped, params.query, context.trace);
    if (!document) return false;
    const operation = getOperationAST(document, params.operationName);
    // yoga answers a mutation over GET (405) and subscriptions
    if (!operation || operation.operation === 'subscription' || (isGet && operation.operation !== 'query'))
      return false;

    const contextValue = await enveloped.contextFactory();
    const result = (await enveloped.execute({
      schema: enveloped.schema,
      document,
      contextValue,
      variableValues: params.variables,
      operationName: params.operationName,
    })) as ExecutionResult;
    if (!result.errors?.length && !result.extensions) {
      const text = JSON.stringify(result);
      await send(req, res, 200, `${mediaType}; charset=utf-8`, text, isGet ? context : undefined);
    } else {
      // errors: yoga's own result processor decides the status and strips internals
      setRequestErrorStatus(result);
      const response = processRegularResult(result, yoga.fetchAPI, mediaType);
      for (const [name, value] of response.headers) if (name !== 'content-length') res.setHeader(name, value);
      if (isGet) res.setHeader('cache-control', 'no-store');
      await send(req, res, response.status, response.headers.get('content-type')!, await response.text());
    }
    return true;
  }

  return {
    /** A JSON POST body. */
    post(
      req: IncomingMessage,
      res: ServerResponse,
      context: GatewayContext,
      body: string,
      mediaType: JsonMediaType,
    ): Promise<boolean> {
      let params: GraphQLParams;
      try {
        params = parseRequestBody(body, maxJsonNesting);
      } catch {
        return Promise.resolve(false);
      }
      return run(req, res, context, params, mediaType);
    },
    /** A GET query: its parameters in the URL (variables and extensions as JSON); answered with HTTP caching headers. */
    get(
      req: IncomingMessage,
      res: ServerResponse,
      context: GatewayContext,
      search: URLSearchParams,
      mediaType: JsonMediaType,
    ): Promise<boolean> {
      let params: GraphQLParams;
      try {
        params = parseSearchParams(search, maxJsonNesting);
      } catch {
        return Promise.resolve(false);
      }
      return run(req, res, context, params, mediaType);
    },
  };
}

const getRequest = Object.freeze({ method: 'GET' });
const postRequest = Object.freeze({ method: 'POST' });

/** Only the four GraphQL parameters, with the types yoga accepts (it checks the same before executing). */
function hasPlainParams(params: GraphQLParams): params is GraphQLParams & { query: string } {
  for (const key in params) {
    const value = (params as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (key === 'query' || key === 'operationName') {
      if (typeof value !== 'string') return false;
    } else if (key === 'variables' || key === 'extensions') {
      if (typeof value !== 'object' || Array.isArray(value)) return false;
    } else return false;
  }
  return typeof params.query === 'string';
}

/**
 * yoga's choice of a result processor for a request's Accept header, for a result that is not a
 * stream: of the media types (charset utf-8 only) that match one of its two JSON types, the one
 * listed first wins, and `application/json` where both match (a wildcard). Undefined when none
 * matches: yoga answers 406.
 */
export function jsonMediaTypeFor(accept: string | undefined): JsonMediaType | undefined {
  if (accept === undefined || accept === '*/*' || accept === 'application/json') return 'application/json';
  let chosen: JsonMediaType | undefined;
  const asked = accept.replace(/\s/g, '').toLowerCase().split(',');
  for (let i = asked.length - 1; i >= 0; i--) {
    const [type = '', ...parameters] = asked[i]!.split(';');
    const charset = parameters.find((p) => p.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8') continue;
    if (matches(type, 'application/graphql-response+json')) chosen = 'application/graphql-response+json';
    if (matches(type, 'application/json')) chosen = 'application/json';
  }
  return chosen;
}

function matches(asked: string, offered: string): boolean {
  const [askedType, askedSubtype] = asked.split('/');
  const [type, subtype] = offered.split('/');
  return (askedType === '*' || askedType === type) && (askedSubtype === '*' || askedSubtype === subtype);
}

/** The answer, compressed when the client accepts it and it is worth it (as useResponseCompression does for yoga). */
async function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  /** A GET answer: Cache-Control from its policy, an ETag, and 304 when If-None-Match has it. */
  cached?: GatewayContext,
): Promise<void> {
  const encoding = negotiateEncoding(req.headers['accept-encoding']);
  // encoded once: its length is the Content-Length, and the socket writes the bytes as they are
  let body: Buffer = Buffer.from(text);
  if (encoding) {
    res.setHeader('vary', varyOnEncoding(res.getHeader('vary') as string | undefined));
    const compressed = await compressAnswer(body, encoding);
    if (compressed) {
      body = compressed;
      res.setHeader('content-encoding', encoding);
    }
  }
  if (cached) {
    const etag = etagOf(text, res.getHeader('content-encoding') as string | undefined);
    const headers = { ...cachingHeaders(cached), etag };
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.removeHeader('content-encoding');
      res.writeHead(304, headers);
      return void res.end();
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  }
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.length });
  res.end(body);
}

/** The request body as text (its size is bounded before: Content-Length checked, node reads no further). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('request body aborted'));
    });
  });
}

/** A request whose body has been read, handed to yoga as a fetch Request; its Response written to node's. */
export async function handToYoga(
  yoga: Yoga,
  req: IncomingMessage,
  res: ServerResponse,
  context: GatewayContext,
  body: string,
): Promise<void> {
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.push([name, Array.isArray(value) ? value.join(', ') : value]);
  const response = await yoga.fetch(
    `http://localhost${req.url ?? '/'}`,
    { method: req.method, headers, body },
    context,
  );
  const answer = Buffer.from(await response.arrayBuffer());
  for (const [name, value] of response.headers) if (name !== 'content-length') res.setHeader(name, value);
  res.writeHead(response.status, { 'content-length': answer.length });
  res.end(answer);
}
