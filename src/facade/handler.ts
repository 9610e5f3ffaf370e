import { cachingHeaders, etagOf, matchesEtag } from '../server/http-caching.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { ClientEndpoint } from '../server/client-endpoint.js';
import type { GatewayContext } from '../server/context.js';
import type { Identity } from '../auth/index.js';
import { readPath } from '../sources/template.js';
import type { RestEndpoint, RestFacade, RestVersion } from './model.js';
import { requestVariables } from './variables.js';
import { externalName, shapeOutput } from './shape.js';
import { sendProblem } from './problem.js';
import { BodyError, readJsonBody } from './read-body.js';
import { createOpenApiDocument, type FacadeSecurity } from './openapi.js';
import { serveDocs } from './docs.js';
import { createStaticAsset } from '../server/static-asset.js';
import { compress, compressionThresholdBytes, negotiateEncoding, varyOnEncoding } from '../server/compression.js';

export interface FacadeRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path after the client prefix, e.g. `/v1/orders/o1`. */
  path: string;
  query: URLSearchParams;
  requestId: string;
  ip: string;
  context: (identity: Identity | null) => GatewayContext;
}

const vendorType = /application\/vnd\.facet\.(v\d+)\+json/i;

/**
 * The partner REST facade of one client: version by path (/v2/…) or by
 * `Accept: application/vnd.facet.v2+json`, then route → authentication and quotas (the same as
 * the client's GraphQL endpoint) → parameters as variables → the stored operation through the
 * client's yoga (its caches, limits, authorization and masking) → the version's shape.
 */
export function createFacadeHandler(
  facade: RestFacade,
  endpoint: ClientEndpoint,
  schema: GraphQLSchema,
  security: FacadeSecurity,
) {
  const base = `/${facade.client}`;
  // fixed documents: compressed once per encoding, on first request
  const openapi = new Map(
    [...facade.versions.values()].map((v) => {
      const text = JSON.stringify(createOpenApiDocument(facade, v, schema, base, security));
      return [v.name, createStaticAsset('application/json', () => Buffer.from(text))];
    }),
  );

  return async function handle(request: FacadeRequest): Promise<void> {
    const { req, res, requestId } = request;
    if (request.path === '/docs' || request.path.startsWith('/docs/'))
      return serveDocs(req, res, request.path, base, [...facade.versions.keys()]);
    const match = /^\/(v\d+)(\/.*)?$/.exec(request.path);
    const versionName = match ? match[1]! : (vendorType.exec(req.headers.accept ?? '')?.[1] ?? facade.defaultVersion);
    const rest = match ? (match[2] ?? '/') : request.path;
    const version = facade.versions.get(versionName);
    const instance = `${base}${request.path}`;
    if (!version)
      return sendProblem(res, {
        code: 'NOT_FOUND',
        detail: `API version ${versionName} does not exist`,
        instance,
        requestId,
      });
    // the answer depends on Accept when the version is not in the path
    const versionHeaders = { ...deprecationHeaders(version, base, rest), ...(match ? {} : { vary: 'Accept' }) };

    if (rest === '/openapi.json' && (req.method === 'GET' || req.method === 'HEAD'))
      return openapi.get(version.name)!.send(req, res, versionHeaders);
    const candidates = version.endpoints.filter((e) => e.pattern.test(rest));
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = candidates.find((e) => e.method === method);
    if (!route) {
      const allow = candidates.flatMap((c) => (c.method === 'GET' ? ['GET', 'HEAD'] : [c.method])).join(', ');
      if (candidates.length)
        return sendProblem(res, { code: 'METHOD_NOT_ALLOWED', instance, requestId }, { ...versionHeaders, allow });
      return sendProblem(
        res,
        { code: 'NOT_FOUND', detail: `no ${version.name} endpoint ${req.method} ${rest}`, instance, requestId },
        versionHeaders,
      );
    }

    const admission = await endpoint.admit(req.headers, request.ip);
    const headers: Record<string, string> = { ...versionHeaders, ...admission.headers };
    if (!admission.ok) {
      return sendProblem(
        res,
        {
          code: admission.code,
          ...(admission.message ? { detail: admission.message } : {}),
          ...admission.extensions,
          instance,
          requestId,
        },
        headers,
      );
    }

    let body: unknown;
    if (route.method !== 'GET' && route.method !== 'DELETE') {
      try {
        body = await readJsonBody(req, endpoint.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        return sendProblem(res, { code: error.code, detail: error.message, instance, requestId }, headers);
      }
    }
    const mapped = requestVariables(
      schema,
      route,
      version.shape,
      route.pattern.exec(rest)!.slice(1),
      request.query,
      body,
    );
    if ('problems' in mapped)
      return sendProblem(
        res,
        { code: 'BAD_USER_INPUT', detail: 'some parameters are invalid', errors: mapped.problems, instance, requestId },
        headers,
      );

    const context = request.context(admission.identity);
    const response = await endpoint.yoga.fetch(
      `http://facet${endpoint.path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: route.query, variables: mapped.variables }),
      },
      context,
    );
    const result = (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    };
    const value = result.data ? readPath(result.data, route.result) : undefined;
    if (value === null || value === undefined) {
      const error = result.errors?.[0];
      if (!error)
        return sendProblem(
          res,
          { code: 'RESOURCE_NOT_FOUND', detail: `${route.result.join('.')} not found`, instance, requestId },
          headers,
        );
      const code = String(error.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR');
      const extra: Record<string, string> = error.extensions?.['retryAfter']
        ? { 'retry-after': String(error.extensions['retryAfter']) }
        : {};
      // A field limit refused it: the request quota's RateLimit-* (it had room) would contradict Retry-After.
      if (code === 'RATE_LIMITED' || code === 'RATE_LIMIT_UNAVAILABLE')
        for (const name of Object.keys(headers)) if (name.startsWith('ratelimit-')) delete headers[name];
      return sendProblem(
        res,
        {
          code,
          detail: error.message,
          ...(error.extensions?.['source'] ? { source: error.extensions['source'] } : {}),
          instance,
          requestId,
        },
        { ...headers, ...extra },
      );
    }
    const nextLink =
      route.nextCursor && route.cursorVariable
        ? nextPage(route, version, readPath(result.data, route.nextCursor), base, rest, request.query)
        : undefined;
    if (nextLink) headers['link'] = [headers['link'], nextLink].filter(Boolean).join(', ');
    const text = Buffer.from(JSON.stringify(shapeOutput(value, version.shape)));
    const status = route.method === 'POST' ? 201 : 200;
    if (status === 201 && route.location)
      headers['location'] =
        `${base}/${version.name}${route.location.replace(/\{(\w+)\}/g, (_m, key: string) => encodeURIComponent(String((value as Record<string, unknown>)[key] ?? '')))}`;
    // compressed as the GraphQL endpoints compress (1 KiB or more, br or gzip per Accept-Encoding)
    const encoding =
      text.length >= compressionThresholdBytes ? negotiateEncoding(req.headers['accept-encoding']) : undefined;
    headers['vary'] = varyOnEncoding(headers['vary']);
    if (route.method === 'GET') {
      headers['etag'] = etagOf(text, encoding);
      Object.assign(headers, cachingHeaders(context));
      if (matchesEtag(req.headers['if-none-match'], headers['etag'])) {
        res.writeHead(304, headers);
        return void res.end();
      }
    }
    const sent = encoding ? await compress(text, encoding) : text;
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': sent.length,
      ...(encoding ? { 'content-encoding': encoding } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : sent);
  };
}

/** RFC 9745 Deprecation, RFC 8594 Sunset and a successor-version Link for deprecated versions. */
function deprecationHeaders(version: RestVersion, base: string, rest: string): Record<string, string> {
  if (!version.deprecated) return {};
  const headers: Record<string, string> = { deprecation: 'true' };
  if (version.sunset) headers['sunset'] = new Date(`${version.sunset}T00:00:00Z`).toUTCString();
  if (version.successor)
    headers['link'] = `<${base}/${version.successor}${rest === '/' ? '' : rest}>; rel="successor-version"`;
  return headers;
}

function nextPage(
  route: RestEndpoint,
  version: RestVersion,
  cursor: unknown,
  base: string,
  rest: string,
  query: URLSearchParams,
): string | undefined {
  if (typeof cursor !== 'string' || cursor === '') return undefined;
  const next = new URLSearchParams(query);
  next.set(externalName(route.cursorVariable!, version.shape.naming), cursor);
  return `<${base}/${version.name}${rest}?${next.toString()}>; rel="next"`;
}
