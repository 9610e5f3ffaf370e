// Test stack: the demo backends on ephemeral ports and the gateway on port 0 over a
// configuration folder (the repository root by default), plus a small GraphQL client.
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { SignJWT } from 'jose';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../../demo/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import type { Logger } from 'pino';
import { createLogger } from '../../src/observability/index.js';

/** The repository root: the demo configuration folder (schema/ and clients/). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The secret the demo clients (mobile, web) verify JWTs with: FACET_DEMO_JWT_SECRET, else the config's default. */
export const DEMO_JWT_SECRET = process.env['FACET_DEMO_JWT_SECRET'] ?? 'facet-demo-secret-for-local-use-only';
/** Every scope the demo clients ask for (@requiresScopes). */
export const ALL_USER_SCOPES = 'orders:read orders:write payments:read';
/** The demo partner's API key (clients/partner/client.yaml stores its SHA-256). */
export const PARTNER_KEY = 'demo-partner-key';

/** An HS256 bearer token of the demo issuer for `sub`, valid for an hour. */
export function userToken(sub = 'u1', scope = ALL_USER_SCOPES): Promise<string> {
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('facet-demo')
    .setAudience('facet-demo')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(DEMO_JWT_SECRET));
}

/** `Authorization: Bearer …` headers for a signed-in user (mobile, web). */
export async function asUser(sub = 'u1', scope = ALL_USER_SCOPES): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await userToken(sub, scope)}` };
}

/** Headers of the demo partner (partner client). */
export const asPartner = (): Record<string, string> => ({ 'x-api-key': PARTNER_KEY });

/** The mobile home screen: users (me), orders (recentOrders), recommendations, then catalog (products). */
export const HOME_QUERY = /* GraphQL */ `{
  home {
    me { id name }
    recentOrders(last: 10) { id items { quantity product { id name priceCents } } }
    recommended(limit: 10) { product { id name } }
  }
}`;

export interface StackOptions {
  latencyMs?: number;
  /** Configuration folder. @default the repository root */
  dir?: string;
  /** Extra environment, on top of process.env (without REDIS_URL) and the demo's addresses. */
  env?: Record<string, string>;
  /** The gateway's logger. @default silent */
  log?: Logger;
  /**
   * Demo backends already running (another stack's `demo`): the gateway is started over them, and
   * close() leaves them running (their owner closes them). @default fresh backends, closed with the stack
   */
  demo?: Demo;
}

export interface GqlOptions {
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface GqlError {
  message: string;
  path?: (string | number)[];
  locations?: Array<{ line: number; column: number }>;
  extensions?: { code?: string; source?: string; [key: string]: unknown };
}

export interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: GqlError[];
  [key: string]: unknown;
}

export interface GqlResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body. */
  body: GqlBody;
  /** The raw body text, for leak checks. */
  text: string;
}

export interface Stack {
  demo: Demo;
  gateway: RunningGateway;
  url: string;
  /** POSTs a GraphQL request to /<client>/graphql. */
  gql(client: string, query: string, options?: GqlOptions): Promise<GqlResponse>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const ownDemo = options.demo === undefined;
  const demo = options.demo ?? (await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: options.latencyMs ?? 0 }));
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      dir: options.dir ?? repoRoot,
      port: 0,
      host: '127.0.0.1',
      // Each stack counts rate limits in its own memory store (no counts shared through Redis
      // between stacks or runs); pass REDIS_URL in options.env to use Redis.
      env: { ...process.env, REDIS_URL: undefined, ...demo.env, ...options.env },
      log: options.log ?? createLogger({ level: 'silent' }),
      watch: false,
      shutdownTimeoutMs: 1_000,
    });
  } catch (error) {
    if (ownDemo) await demo.close();
    throw error;
  }
  const url = gateway.url;

  async function gql(client: string, query: string, opts: GqlOptions = {}): Promise<GqlResponse> {
    const res = await fetch(`${url}/${client}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...opts.headers },
      body: JSON.stringify({ query, ...(opts.variables ? { variables: opts.variables } : {}) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let body: GqlBody;
    try {
      body = JSON.parse(text) as GqlBody;
    } catch {
      throw new Error(`non-JSON answer (${res.status}) from /${client}/graphql: ${text.slice(0, 300)}`);
    }
    return { status: res.status, headers: res.headers, body, text };
  }

  let closing: Promise<void> | undefined;
  return {
    demo,
    gateway,
    url,
    gql,
    close() {
      closing ??= (async () => {
        await gateway.close();
        if (ownDemo) await demo.close();
      })();
      return closing;
    },
  };
}

/** How many calls the four demo backends have had in all (since the last resetCounters()). */
export function backendCalls(demo: Demo): number {
  return [demo.users, demo.catalog, demo.orders, demo.recommendations].reduce((n, b) => n + b.calls.total(), 0);
}

/** The errors of a response with this extensions.code. */
export function errorsWithCode(body: GqlBody, code: string): GqlError[] {
  return (body.errors ?? []).filter((e) => e.extensions?.code === code);
}

/** The demo stack for one describe block, with a signed-in user u1: started before its tests, closed after. */
export function suiteStack(options: StackOptions = {}): {
  readonly stack: Stack;
  readonly user: Record<string, string>;
} {
  const suite = {} as { stack: Stack; user: Record<string, string> };
  before(async () => {
    suite.stack = await startStack(options);
    suite.user = await asUser('u1');
  });
  after(() => suite.stack?.close());
  return suite;
}

/** The sum of a metric's series on a gateway's /metrics, only those carrying every given label when some are. */
export async function metricSum(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const match of text.matchAll(/^(\w+)(?:\{([^}]*)\})? (\S+)$/gm)) {
    if (match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([label, value]) => found[label] === value)) sum += Number(match[3]);
  }
  return sum;
}
