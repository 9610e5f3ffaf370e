// Forwarded identity headers (src/auth/forward-identity.ts): any value becomes a valid header and
// gRPC metadata value, and decodeURIComponent gives the original back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeHeaderValue, identityHeaders } from '../../src/auth/forward-identity.js';

/** What both an HTTP header value (undici) and grpc-js non-binary metadata accept, with no edge spaces. */
const safeForHeadersAndMetadata = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

describe('encodeHeaderValue', () => {
  it('turns any well-formed string into printable ASCII that decodeURIComponent restores', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const encoded = encodeHeaderValue(value);
        assert.match(encoded, safeForHeadersAndMetadata);
        assert.equal(decodeURIComponent(encoded), value);
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets CR, LF or NUL through, even with a lone surrogate (encoded as U+FFFD)', () => {
    for (const value of ['josé\r\n', 'a\u0000b', '\ud800x\r\nEvil: 1'])
      assert.doesNotMatch(encodeHeaderValue(value), /[\r\n\0]/);
    assert.equal(decodeURIComponent(encodeHeaderValue('\ud800')), '\ufffd');
  });

  it('keeps visible ASCII without "%" as it is, so existing backends see no change', () => {
    for (const value of ['u1', 'orders:read orders:write', 'acme', 'a@b.c'])
      assert.equal(encodeHeaderValue(value), value);
    assert.equal(encodeHeaderValue('100%'), '100%25');
    assert.equal(encodeHeaderValue(' u1'), '%20u1');
    assert.equal(encodeHeaderValue('josé'), 'jos%C3%A9');
  });
});

describe('identityHeaders', () => {
  it('encodes the user, consumer and scopes under the configured names', () => {
    const headers = identityHeaders(
      { userId: '用户1', consumer: 'acme', scopes: ['orders:read', 'é'], method: 'jwt' },
      { user: 'X-User-ID', scopes: 'X-Scopes', consumer: 'X-Consumer' },
    );
    assert.deepEqual(headers, {
      'x-user-id': '%E7%94%A8%E6%88%B71',
      'x-consumer': 'acme',
      'x-scopes': 'orders%3Aread%20%C3%A9',
    });
  });
});
