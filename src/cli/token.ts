import { SignJWT } from 'jose';
import { ProblemList, loadConfigFolder } from '../config/index.js';
import { parseDuration } from '../config/duration.js';
import type { ClientDefinition } from '../clients/index.js';
import { UsageError } from './commands.js';

export interface TokenRequest {
  dir: string;
  env: Readonly<Record<string, string | undefined>>;
  sub: string;
  /** Space-separated; when undefined, every scope the client's schema asks for. */
  scopes?: string;
  roles?: string;
  expiresIn: string;
  client?: string;
}

/**
 * Mints a token for a client whose JWTs are verified with a shared secret (the demo issuer):
 * for trying the gateway and for tests. Public-key clients need their own identity provider.
 */
export async function mintToken(request: TokenRequest): Promise<string> {
  const problems = new ProblemList();
  const config = loadConfigFolder(request.dir, request.env, problems);
  problems.throwIfAny();
  if (request.client && !config.clients.some((c) => c.name === request.client)) {
    throw new UsageError(
      `there is no client "${request.client}" in ${request.dir} (clients: ${config.clients.map((c) => c.name).join(', ') || 'none'})`,
      'token',
      false,
    );
  }
  const candidates = config.clients.filter(
    (c) => c.options.auth.jwt?.secret && (!request.client || c.name === request.client),
  );
  const client = candidates[0];
  if (!client?.options.auth.jwt?.secret) {
    const signers = config.clients.filter((c) => c.options.auth.jwt?.secret).map((c) => c.name);
    throw new Error(
      request.client
        ? `client "${request.client}" has no jwt secret to sign with (clients with one: ${signers.join(', ') || 'none'})`
        : 'no client verifies JWTs with a secret',
    );
  }
  const jwt = client.options.auth.jwt;
  const seconds = (parseDuration(request.expiresIn) ?? Number.NaN) / 1000;
  if (!Number.isFinite(seconds))
    throw new Error(`--expires-in "${request.expiresIn}" must look like 30s, 15m, 1h or 7d`);
  const scopes =
    request.scopes ?? scopesAskedFor(config.clients.filter((c) => c.options.auth.jwt?.secret === jwt.secret)).join(' ');
  const claims: Record<string, unknown> = { [jwt.scopesClaim]: scopes };
  if (request.roles) claims[jwt.rolesClaim] = request.roles.split(' ').filter(Boolean);
  const audience = Array.isArray(jwt.audience) ? jwt.audience[0]! : jwt.audience;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: jwt.algorithms[0]!, typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(jwt.issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${Math.round(seconds)}s`)
    .sign(new TextEncoder().encode(jwt.secret));
}

/** Every scope named by @requiresScopes in these clients' schemas. */
export function scopesAskedFor(clients: ClientDefinition[]): string[] {
  const scopes = new Set<string>();
  for (const client of clients)
    for (const policy of client.authPolicies.values())
      for (const all of policy.scopes ?? []) for (const s of all) scopes.add(s);
  return [...scopes].sort();
}
