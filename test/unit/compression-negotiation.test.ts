import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCompressibleType, negotiateEncoding, varyOnEncoding } from '../../src/server/compression.js';

test('brotli is preferred, gzip otherwise, q=0 refuses, nothing without Accept-Encoding', () => {
  assert.equal(negotiateEncoding('gzip, deflate, br'), 'br');
  assert.equal(negotiateEncoding('gzip;q=1.0, br;q=0.5'), 'br');
  assert.equal(negotiateEncoding('gzip, br;q=0'), 'gzip');
  assert.equal(negotiateEncoding('deflate, *'), 'gzip');
  assert.equal(negotiateEncoding('identity'), undefined);
  assert.equal(negotiateEncoding('gzip;q=0, br;q=0.000'), undefined);
  assert.equal(negotiateEncoding(undefined), undefined);
});

test('JSON, HTML, scripts and styles are compressible; images and streams are not', () => {
  for (const type of [
    'application/json; charset=utf-8',
    'application/graphql-response+json',
    'text/html',
    'application/javascript; charset=utf-8',
    'text/css',
  ])
    assert.equal(isCompressibleType(type), true, type);
  for (const type of ['image/png', 'text/event-stream', 'multipart/mixed; boundary="-"', undefined])
    assert.equal(isCompressibleType(type), false, String(type));
});

test('Vary gains Accept-Encoding once', () => {
  assert.equal(varyOnEncoding(null), 'Accept-Encoding');
  assert.equal(varyOnEncoding('Origin'), 'Origin, Accept-Encoding');
  assert.equal(varyOnEncoding('Origin, accept-encoding'), 'Origin, accept-encoding');
});
