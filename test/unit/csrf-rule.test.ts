import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPreflighted, mediaTypeOf } from '../../src/server/csrf.js';

const required = ['x-apollo-operation-name', 'apollo-require-preflight', 'x-facet-csrf'];

test('a Content-Type a page cannot send without preflight proves the preflight', () => {
  assert.equal(isPreflighted({ 'content-type': 'application/json' }, required), true);
  assert.equal(isPreflighted({ 'content-type': 'Application/JSON; charset=utf-8' }, required), true);
});

test('no Content-Type, a form/text type or an unparseable one needs a non-empty required header', () => {
  for (const contentType of [
    undefined,
    'text/plain',
    'TEXT/PLAIN;charset=utf-8',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'json',
    '',
  ]) {
    const headers = contentType === undefined ? {} : { 'content-type': contentType };
    assert.equal(isPreflighted(headers, required), false, String(contentType));
    assert.equal(isPreflighted({ ...headers, 'apollo-require-preflight': '' }, required), false, String(contentType));
    assert.equal(isPreflighted({ ...headers, 'x-facet-csrf': '1' }, required), true, String(contentType));
  }
});

test('media types are read as type/subtype, lower-cased', () => {
  assert.equal(mediaTypeOf(' application/graphql-response+json ; charset=utf-8'), 'application/graphql-response+json');
  assert.equal(mediaTypeOf('application/json, text/plain'), undefined);
  assert.equal(mediaTypeOf(undefined), undefined);
});
