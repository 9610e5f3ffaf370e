import { createYoga, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import type { DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import type { BuiltClient } from './build-gateway.js';
import type { GatewayContext } from './context.js';
import { clientPlugins } from './plugins.js';
import { createAuthorizationDecider } from '../directives/auth/index.js';
import type { FieldDecider } from '../directives/field-gate/index.js';
import { createFieldRateLimitDecider } from '../directives/rate-limit/field-limits.js';
import { createQuotaChecker } from '../directives/rate-limit/quotas.js';
import { createAdmission, type Admission } from './admission.js';
import type { LimitRule } from '../directives/rate-limit/limit-rule.js';
import type { RateLimitStore } from '../directives/rate-limit/store.js';
import { createMaskError } from '../errors/index.js';
import { createAuthenticator, defaultForwardHeaders, type AuthOptions } from '../auth/index.js';
import type { IncomingHttpHeaders } from 'node:http';
import { createStaticAsset, type StaticAsset } from './static-asset.js';
import { createDirectExecution } from './direct-execution.js';
import { textKeyedCache, withPinned } from './text-keyed-cache.js';
import { maxNestingFor } from '../limits/index.js';

type ServerContext = GatewayContext;

/** One client's endpoint: its yoga instance over its projected schema, and its authenticator. */
export interface ClientEndpoint {
  name: string;
  path: string;
  maxBodyBytes: number;
  /** Upstream calls one request may start (limits.maxUpstreamCalls). */
  maxUpstreamCalls: number;
  /** The GraphiQL page, when enabled (served without credentials; queries from it authenticate as usual). */
  graphiqlPage: StaticAsset | undefined;
  /** Headers of which one must be non-empty on requests a browser sends without preflight; undefined: CSRF prevention off. */
  csrfHeaders: readonly string[] | undefined;
  /** Identity headers a caller might forge; dropped from every request before anything reads them. */
  forgeableHeaders: string[];
  forward: AuthOptions['forward'];
  /** Authentication, then request-level quotas: run before any GraphQL work. */
  admit(headers: IncomingHttpHeaders, ip: string): Promise<Admission>;
  yoga: YogaServerInstance<ServerContext, Record<string, never>>;
  /** A JSON POST run through the client's envelop without yoga's fetch shell; false: not run, hand it to yoga. */
  executeDirectly: ReturnType<typeof createDirectExecution>;
}

export interface EndpointDeps {
  log: Logger;
  /** NODE_ENV is production: introspection off unless configured, no field suggestions. */
  production: boolean;
  rateLimitStore: RateLimitStore;
  globalQuotas: LimitRule[];
}

export function createClientEndpoint(
  client: BuiltClient,
  { log, rateLimitStore, globalQuotas, production }: EndpointDeps,
): ClientEndpoint {
  const { options, name, endpoint } = client.definition;
  // authorization decides first, so a refused field never consumes rate-limit quota
  const deciders = [
    createAuthorizationDecider(client.definition.authPolicies),
    createFieldRateLimitDecider(name, client.definition.rateLimits, rateLimitStore),
  ].filter((d) => d !== undefined) as FieldDecider<never>[];
  const facadeDocuments = facadeDocumentsOf(client);
  const graphiqlOptions = options.graphiql ? { title: `Facet — ${name}` } : undefined;
  const yoga = createYoga<ServerContext, Record<string, never>>({
    schema: client.schema,
    graphqlEndpoint: endpoint,
    graphiql: graphiqlOptions ?? false,
    renderGraphiQL,
    landingPage: false,
    // Deny unless configured: no CORS headers at all unless the client lists origins.
    cors: options.cors
      ? {
          origin: options.cors.origins,
          credentials: options.cors.credentials,
          maxAge: options.cors.maxAgeSeconds,
          methods: ['GET', 'POST'],
        }
      : false,
    maskedErrors: { maskError: createMaskError(log.child({ client: name }), options.exposeErrors) },
    logging: false,
    multipart: false,
    batching: false,
    // The front door already bounds bodies: a POST needs a Content-Length of at most maxBodyBytes,
    // and node's parser never reads past it. yoga's own limit would re-stream every body.
    maxRequestBodySize: false,
    // yoga's parse cache is keyed by document text: bounded by the texts' total length as well.
    // The REST facade's operations are pinned in it: a request with such a text executes the
    // document prepared (and planned) at start-up.
    parserAndValidationCache: {
      documentCache: withPinned(facadeDocuments, textKeyedCache()),
      errorCache: textKeyedCache(),
    },
    healthCheckEndpoint: `${endpoint}/__yoga_health`,
    plugins: clientPlugins(client.definition, deciders, { production, executor: client.planner }),
  });
  prepareFacadePlans(client, facadeDocuments, log);
  const authenticator = createAuthenticator(name, options.auth, client.definition.folder);
  const forward = options.auth.forward;
  const forgeableHeaders = [forward.user, forward.scopes, forward.consumer, ...Object.values(defaultForwardHeaders)]
    .map((h) => h.toLowerCase())
    .filter((h, i, all) => all.indexOf(h) === i && !authenticator.credentialHeaders.includes(h));
  const csrfHeaders = options.csrfPrevention
    ? options.csrfPrevention.requiredHeaders.map((h) => h.toLowerCase())
    : undefined;
  const graphiqlPage = options.graphiql ? graphiqlPageFor(graphiqlOptions!.title) : undefined;
  return {
    name,
    path: endpoint,
    maxBodyBytes: options.limits.maxBodyBytes,
    maxUpstreamCalls: options.limits.maxUpstreamCalls,
    graphiqlPage,
    csrfHeaders,
    forgeableHeaders,
    forward,
    admit: createAdmission(authenticator, createQuotaChecker(name, options.quotas, globalQuotas, rateLimitStore)),
    yoga,
    executeDirectly: createDirectExecution(yoga, maxNestingFor(options.limits)),
  };
}

/**
 * GraphiQL's renderer holds the whole GraphiQL bundle as a string (about 10 MB, and its module
 * text as much again): imported on the first page asked for, not by every gateway.
 */
async function renderGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { renderGraphiQL: render } = await import('@graphql-yoga/render-graphiql');
  return render(options);
}

/** The page is about 9 MB (GraphiQL and its editor workers inline) and differs only by title: rendered and compressed once per process. */
const graphiqlPages = new Map<string, StaticAsset>();
function graphiqlPageFor(title: string): StaticAsset {
  let page = graphiqlPages.get(title);
  if (!page) {
    page = createStaticAsset('text/html; charset=utf-8', async () => Buffer.from(await renderGraphiQL({ title })));
    graphiqlPages.set(title, page);
  }
  return page;
}

/** The REST facade's operations by the text it executes. */
function facadeDocumentsOf(client: BuiltClient): Map<string, DocumentNode> {
  const documents = new Map<string, DocumentNode>();
  for (const version of client.facade?.versions.values() ?? [])
    for (const route of version.endpoints) if (!documents.has(route.query)) documents.set(route.query, route.document);
  return documents;
}

/**
 * The facade's operations are fixed: plan them now, so no partner request pays for planning and an
 * operation the planner leaves to delegation is named at start-up rather than at its first call.
 */
function prepareFacadePlans(client: BuiltClient, documents: ReadonlyMap<string, DocumentNode>, log: Logger): void {
  if (!client.planner) return;
  for (const version of client.facade?.versions.values() ?? [])
    for (const route of version.endpoints) {
      const document = documents.get(route.query)!;
      const { unsupported } = client.planner.prepare(client.schema, document, route.operation.name?.value);
      if (unsupported)
        log.info(
          {
            client: client.definition.name,
            route: `${route.method} /${version.name}${route.path}`,
            reason: unsupported,
          },
          'REST facade operation left to delegation by the query planner',
        );
    }
}
