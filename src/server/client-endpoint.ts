import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Logger } from 'pino';
import type { BuiltClient } from './build-gateway.js';
import type { GatewayContext } from './context.js';
import { clientPlugins } from './plugins.js';
import { createMaskError } from '../errors/index.js';
import { createAuthenticator, type AuthOutcome } from '../auth/index.js';
import type { IncomingHttpHeaders } from 'node:http';

type ServerContext = GatewayContext;

/** One client's endpoint: its yoga instance over its projected schema, and its authenticator. */
export interface ClientEndpoint {
  name: string;
  path: string;
  maxBodyBytes: number;
  /** The development user header this client trusts (kept; other identity headers are dropped). */
  trustedHeader?: string;
  authenticate(headers: IncomingHttpHeaders): AuthOutcome;
  yoga: YogaServerInstance<ServerContext, Record<string, never>>;
}

export function createClientEndpoint(client: BuiltClient, log: Logger): ClientEndpoint {
  const { options, name, endpoint } = client.definition;
  const yoga = createYoga<ServerContext, Record<string, never>>({
    schema: client.schema,
    graphqlEndpoint: endpoint,
    graphiql: options.graphiql ? { title: `Facet — ${name}` } : false,
    renderGraphiQL,
    landingPage: false,
    // Deny unless configured: no CORS headers at all unless the client lists origins.
    cors: options.cors ? { origin: options.cors.origins, credentials: options.cors.credentials, maxAge: options.cors.maxAgeSeconds, methods: ['GET', 'POST'] } : false,
    maskedErrors: { maskError: createMaskError(log.child({ client: name }), options.exposeErrors) },
    logging: false,
    multipart: false,
    batching: false,
    healthCheckEndpoint: `${endpoint}/__yoga_health`,
    plugins: clientPlugins(options),
  });
  return { name, path: endpoint, maxBodyBytes: options.limits.maxBodyBytes, trustedHeader: options.auth.trustUserHeader?.toLowerCase(), authenticate: createAuthenticator(options), yoga };
}
