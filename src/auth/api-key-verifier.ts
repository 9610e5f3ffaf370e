import { createHash } from 'node:crypto';
import type { ApiKeyOptions } from './auth-options.js';
import type { Identity } from './identity.js';
import { AuthFailure } from './auth-failure.js';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const maxKeyLength = 256;

/**
 * API keys are configured by their SHA-256 only. A presented key is hashed and looked up; the
 * comparison is between hashes, so lookup time does not reveal how much of a key matched.
 */
export function createApiKeyVerifier(options: ApiKeyOptions): (key: string) => Identity {
  const byHash = new Map(options.keys.map((k) => [k.sha256, k]));
  return (key) => {
    if (key.length === 0 || key.length > maxKeyLength) throw new AuthFailure('malformed_api_key');
    const entry = byHash.get(sha256Hex(key));
    if (!entry) throw new AuthFailure('unknown_api_key');
    if (entry.revoked) throw new AuthFailure('revoked_api_key');
    return { consumer: entry.consumer, scopes: entry.scopes, roles: entry.roles, plan: entry.plan, method: 'api-key' };
  };
}
