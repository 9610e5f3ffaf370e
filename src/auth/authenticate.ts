import type { IncomingHttpHeaders } from 'node:http';
import type { ClientOptions } from '../clients/index.js';
import type { Identity } from './identity.js';

export type AuthOutcome =
  | { ok: true; identity: Identity | null }
  | { ok: false; status: 400 | 401; reason: string; message: string };

const userIdPattern = /^[A-Za-z0-9_.:@-]{1,128}$/;

/**
 * Builds the authenticator of one client, once at start-up. Today a client either runs without
 * authentication (anonymous) or — for demos and local development only — trusts a header as
 * the current user's id.
 */
export function createAuthenticator(options: ClientOptions): (headers: IncomingHttpHeaders) => AuthOutcome {
  const header = options.auth.trustUserHeader?.toLowerCase();
  return (headers) => {
    if (!header) return { ok: true, identity: null };
    const value = headers[header];
    if (value === undefined) return { ok: true, identity: null };
    if (typeof value !== 'string' || !userIdPattern.test(value)) {
      return { ok: false, status: 400, reason: 'invalid_user_header', message: `${options.auth.trustUserHeader} must be one user id (letters, digits, _.:@-)` };
    }
    return { ok: true, identity: { userId: value, scopes: [], method: 'trusted-header' } };
  };
}

/** Headers that carry identity to backends; any copy sent by a client is dropped, never forwarded. */
export function identityHeaders(identity: Identity | null): Record<string, string> {
  if (!identity) return {};
  const headers: Record<string, string> = {};
  if (identity.userId) headers['x-user-id'] = identity.userId;
  if (identity.consumer) headers['x-consumer'] = identity.consumer;
  if (identity.scopes.length) headers['x-scopes'] = identity.scopes.join(' ');
  return headers;
}
