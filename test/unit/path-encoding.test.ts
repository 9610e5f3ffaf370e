import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePathSegment } from '../../src/sources/rest/compile-http-call.js';

test('dot segments are encoded so a normalising proxy cannot turn /users/.. into /', () => {
  assert.equal(encodePathSegment('..'), '%2E%2E');
  assert.equal(encodePathSegment('.'), '%2E');
});

test('ordinary ids keep their dots; reserved characters are encoded', () => {
  assert.equal(encodePathSegment('a.b'), 'a.b');
  assert.equal(encodePathSegment('a/b?c#d%'), 'a%2Fb%3Fc%23d%25');
});
