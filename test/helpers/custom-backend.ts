// A test stack over a configuration folder built at test time whose own REST backend is started in
// the test (routes with call counters, from the demo's JSON router), for backend shapes the demo
// does not have. Its address is given to the sources as the BACKEND_URL environment variable.
import { startRestServer, type Route } from '../../demo/rest/http-server.js';
import type { DemoBackend } from '../../demo/index.js';
import { createFixtureConfig, uniqueClientName, type FixtureConfig } from './fixture-config.js';
import { startStack, type GqlResponse, type Stack } from './gateway.js';

export interface CustomBackendStackOptions {
  /** Routes of the backend, e.g. { method: 'GET', path: '/accounts/{id}', handle }. */
  routes: Route[];
  /** Source files of schema/ by name; use `${BACKEND_URL}` as the REST url. */
  sourceFiles: Record<string, string>;
  /** Files of the repository's schema/ folder to copy as well (their backends are the demo's). */
  sources?: string[];
  /** The client's schema.graphql (the client has no auth). */
  clientSchema: string;
}

export interface CustomBackendStack {
  stack: Stack;
  backend: DemoBackend;
  fixture: FixtureConfig;
  /** POSTs a query to the client's /graphql endpoint. */
  query(query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  close(): Promise<void>;
}

export async function startCustomBackendStack(options: CustomBackendStackOptions): Promise<CustomBackendStack> {
  const backend = await startRestServer({ name: 'custom', host: '127.0.0.1', port: 0, routes: options.routes });
  const client = uniqueClientName('app');
  const fixture = createFixtureConfig({
    sources: options.sources ?? [],
    sourceFiles: options.sourceFiles,
    clients: { [client]: { schema: options.clientSchema } },
  });
  let stack: Stack;
  try {
    stack = await startStack({ dir: fixture.dir, env: { BACKEND_URL: backend.address } });
  } catch (error) {
    await backend.close();
    fixture.cleanup();
    throw error;
  }
  return {
    stack,
    backend,
    fixture,
    query: (query, variables) => stack.gql(client, query, { variables }),
    async close() {
      await stack.close();
      await backend.close();
      fixture.cleanup();
    },
  };
}
