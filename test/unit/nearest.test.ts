// The "did you mean" helper used by configuration problems.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { didYouMean, editDistance, nearest } from '../../src/config/nearest.js';

describe('nearest', () => {
  it('suggests the closest key for a typo', () => {
    assert.equal(nearest('graphqi', ['description', 'graphiql', 'introspection', 'limits']), 'graphiql');
    assert.equal(nearest('maxDepht', ['maxDepth', 'maxAliases', 'maxTokens']), 'maxDepth');
    assert.equal(nearest('usr', ['user', 'users', 'product']), 'user');
  });

  it('ignores case differences', () => {
    assert.equal(nearest('ratelimitstore', ['quotas', 'rateLimitStore']), 'rateLimitStore');
  });

  it('suggests nothing when no candidate is close', () => {
    assert.equal(nearest('frobnicate', ['graphiql', 'limits', 'cors']), undefined);
    assert.equal(didYouMean('frobnicate', ['graphiql']), '');
  });

  it('didYouMean phrases the hint', () => {
    assert.equal(didYouMean('graphqi', ['graphiql']), '; did you mean `graphiql`?');
  });

  it('editDistance is a distance: zero only for equal strings, symmetric, triangle inequality', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        (a, b, c) => {
          assert.equal(editDistance(a, b) === 0, a === b);
          assert.equal(editDistance(a, b), editDistance(b, a));
          assert.ok(editDistance(a, c) <= editDistance(a, b) + editDistance(b, c));
          assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
        },
      ),
    );
  });
});
