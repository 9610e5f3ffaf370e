import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticator, Identity } from '../auth/index.js';
import type { ErrorCode } from '../errors/index.js';
import type { QuotaChecker } from '../directives/rate-limit/quotas.js';

export type Admission =
  | { ok: true; identity: Identity | null /** RateLimit-* of the tightest quota */; headers: Record<string, string> }
  | {
      ok: false;
      code: ErrorCode;
      message?: string;
      extensions: Record<string, unknown>;
      headers: Record<string, string>;
    };

/**
 * The checks every request to a client passes before any GraphQL work, for its GraphQL endpoint
 * and its REST facade alike: credentials → identity, then request-level quotas. Callers only
 * format a refusal (GraphQL JSON or problem+json).
 */
export function createAdmission(authenticator: Authenticator, checkQuota: QuotaChecker | undefined) {
  return async (headers: IncomingHttpHeaders, ip: string): Promise<Admission> => {
    const auth = await authenticator.authenticate(headers);
    if (!auth.ok) {
      return {
        ok: false,
        code: auth.code,
        message: auth.message,
        extensions: { reason: auth.reason },
        headers: auth.challenges.length ? { 'www-authenticate': auth.challenges.join(', ') } : {},
      };
    }
    if (!checkQuota) return { ok: true, identity: auth.identity, headers: {} };
    const quota = await checkQuota(auth.identity, ip);
    if (!quota.allowed)
      return {
        ok: false,
        code: quota.unavailable ? 'RATE_LIMIT_UNAVAILABLE' : 'RATE_LIMITED',
        extensions: { retryAfter: quota.retryAfterSeconds },
        headers: quota.headers,
      };
    return { ok: true, identity: auth.identity, headers: quota.headers };
  };
}
