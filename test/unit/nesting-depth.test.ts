import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { documentNestsDeeperThan, jsonNestsDeeperThan } from '../../src/limits/index.js';

/** Array/object nesting of a JSON value, counted as the scan counts brackets. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

test('the JSON scan agrees with the real nesting of any JSON value, brackets inside strings included', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
      assert.equal(jsonNestsDeeperThan(JSON.stringify(value), max), depthOf(value) > max);
    }),
    { numRuns: 500 },
  );
});

test('the document scan counts selection sets and list/object literals', () => {
  assert.equal(documentNestsDeeperThan('{ a { b { c } } }', 3), false);
  assert.equal(documentNestsDeeperThan('{ a { b { c } } }', 2), true);
  assert.equal(documentNestsDeeperThan('{ a(x: [[1]], y: { z: 1 }) }', 2), true);
  assert.equal(documentNestsDeeperThan('{ a(x: [[1]]) }', 3), false);
});

test('the document scan skips strings, escaped quotes, block strings and comments', () => {
  assert.equal(documentNestsDeeperThan('{ a(x: "{{{{\\"{{{{") }', 1), false);
  assert.equal(documentNestsDeeperThan('{ a(x: """ {{{{ \\""" {{{{ """) }', 1), false);
  assert.equal(documentNestsDeeperThan('# {{{{{{\n{ a }', 1), false);
  assert.equal(documentNestsDeeperThan('# {{{{{{\r{ a { b } }', 1), true);
});
