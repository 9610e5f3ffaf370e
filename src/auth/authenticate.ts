import type { IncomingHttpHeaders } from 'node:http';
import type { AuthOptions } from './auth-options.js';
import type { Identity } from './identity.js';
import { AuthFailure } from './auth-failure.js';
import type { AuthRefusalReason, ErrorCode } from '../errors/index.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { createApiKeyVerifier } from './api-key-verifier.js';

export type AuthOutcome =
  | { ok: true; identity: Identity | null }
  | {
      ok: false;
      /** From the refusal reason's catalogue entry: UNAUTHENTICATED (401), BAD_REQUEST, AUTH_UNAVAILABLE. */
      code: ErrorCode;
      reason: AuthRefusalReason;
      message: string;
      /** WWW-Authenticate challenges: set on UNAUTHENTICATED refusals only. */
      challenges: string[];
    };

const userIdPattern = /^[A-Za-z0-9_.:@-]{1,128}$/;

export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders): AuthOutcome | Promise<AuthOutcome>;
  /** Request headers this client reads as credentials or trusted identity (lower case). */
  credentialHeaders: string[];
}

/**
 * Builds one client's authenticator at start-up. Order: an API key header if present, else a
 * bearer token, else anonymous — refused with 401 when the client requires credentials. A
 * credential that is present but invalid is always refused, even where anonymous is allowed.
 */
export function createAuthenticator(client: string, options: AuthOptions, baseDir: string): Authenticator {
  const realm = `realm="${client}"`;
  const jwt = options.jwt ? createJwtVerifier(options.jwt, baseDir) : undefined;
  const apiKey = options.apiKeys ? createApiKeyVerifier(options.apiKeys) : undefined;
  const apiKeyHeader = options.apiKeys?.header.toLowerCase();
  const trusted = options.trustUserHeader?.toLowerCase();
  const required = options.required ?? Boolean(jwt || apiKey);
  const challenge = (error?: AuthFailure): string[] => [
    ...(jwt ? [`Bearer ${realm}${error ? `, error="invalid_token", error_description="${error.message}"` : ''}`] : []),
    ...(apiKey ? [`ApiKey ${realm}, header="${options.apiKeys!.header}"`] : []),
  ];
  // RFC 6750: no error attribute when the request carried no credential at all
  const refuse = (error: AuthFailure): AuthOutcome => ({
    ok: false,
    code: error.code,
    reason: error.reason,
    message: error.message,
    challenges:
      error.code === 'UNAUTHENTICATED' ? challenge(error.reason === 'missing_credentials' ? undefined : error) : [],
  });

  async function authenticate(headers: IncomingHttpHeaders): Promise<AuthOutcome> {
    try {
      if (apiKey && apiKeyHeader && headers[apiKeyHeader] !== undefined) {
        const value = headers[apiKeyHeader];
        return { ok: true, identity: apiKey(Array.isArray(value) ? (value[0] ?? '') : (value ?? '')) };
      }
      const authorization = headers.authorization;
      if (jwt && authorization !== undefined) {
        const match = /^Bearer +([^ ]+) *$/i.exec(authorization);
        if (!match?.[1]) throw new AuthFailure('malformed_authorization');
        return { ok: true, identity: await jwt(match[1]) };
      }
      if (trusted && headers[trusted] !== undefined) {
        const value = headers[trusted];
        if (typeof value !== 'string' || !userIdPattern.test(value))
          throw new AuthFailure(
            'invalid_user_header',
            `${options.trustUserHeader} must be one user id (letters, digits, _.:@-)`,
          );
        return { ok: true, identity: { userId: value, scopes: [], method: 'trusted-header' } };
      }
      if (required) return refuse(new AuthFailure('missing_credentials'));
      return { ok: true, identity: null };
    } catch (error) {
      if (error instanceof AuthFailure) return refuse(error);
      throw error;
    }
  }

  const credentialHeaders = [
    ...(apiKeyHeader ? [apiKeyHeader] : []),
    ...(jwt ? ['authorization'] : []),
    ...(trusted ? [trusted] : []),
  ];
  return { authenticate, credentialHeaders };
}
