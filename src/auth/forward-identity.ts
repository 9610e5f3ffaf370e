import type { AuthOptions } from './auth-options.js';
import type { Identity } from './identity.js';

/** Visible ASCII and inner spaces, without `%`: such a value is sent as it is. */
const sendableAsIs = /^[\x21-\x24\x26-\x7e](?:[\x20-\x24\x26-\x7e]*[\x21-\x24\x26-\x7e])?$/;

/**
 * Makes a value safe for an HTTP header and for gRPC metadata (both take printable ASCII only).
 * A value that is not visible ASCII, or that holds `%`, is sent percent-encoded as UTF-8 — the
 * encoding of `encodeURIComponent` — so CR/LF/NUL never reach a header, and a backend restores any
 * forwarded value with `decodeURIComponent` (a value sent as it is has no `%`, so decoding keeps it).
 */
export function encodeHeaderValue(value: string): string {
  if (sendableAsIs.test(value)) return value;
  // via UTF-8 bytes rather than encodeURIComponent, which throws on a lone surrogate
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out +=
      byte < 0x80 && /[A-Za-z0-9\-_.!~*'()]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Headers that carry identity to backends (names from the client's `auth.forward`), encoded for headers and metadata. */
export function identityHeaders(identity: Identity | null, forward: AuthOptions['forward']): Record<string, string> {
  if (!identity) return {};
  const headers: Record<string, string> = {};
  if (identity.userId) headers[forward.user.toLowerCase()] = encodeHeaderValue(identity.userId);
  if (identity.consumer) headers[forward.consumer.toLowerCase()] = encodeHeaderValue(identity.consumer);
  if (identity.scopes.length) headers[forward.scopes.toLowerCase()] = encodeHeaderValue(identity.scopes.join(' '));
  return headers;
}
