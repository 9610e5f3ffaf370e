import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, GraphQLError, parse, type OperationDefinitionNode } from 'graphql';
import { withLocations } from '../../src/errors/locate-error.js';

const schema = buildSchema(`
  type Query { home: Home }
  type Home { me: User recommended: [Recommendation] }
  type User { name: String }
  type Recommendation { product: Product }
  type Product { name: String }
`);
const document = parse(`query Q($skipIt: Boolean!) {
  home {
    ...F
    mine: me @skip(if: $skipIt) { name }
  }
}
fragment F on Home {
  mine: me { name }
  recommended { product { name } }
}`);

function locate(path: (string | number)[], variables = { skipIt: false }) {
  const error = new GraphQLError('The backend answered with an error', {
    path,
    extensions: { code: 'UPSTREAM_ERROR' },
  });
  return withLocations([error], schema, document, 'Q', variables)[0]!;
}

describe('withLocations (errors of delegated fields)', () => {
  it('finds every node of the field through aliases, fragments and list indexes, keeping path and extensions', () => {
    const error = locate(['home', 'mine']);
    assert.deepEqual(error.locations, [
      { line: 8, column: 3 },
      { line: 4, column: 5 },
    ]);
    assert.deepEqual(error.path, ['home', 'mine']);
    assert.deepEqual(error.extensions, { code: 'UPSTREAM_ERROR' });
    assert.deepEqual(locate(['home', 'recommended', 3, 'product', 'name']).locations, [{ line: 9, column: 27 }]);
  });

  it('leaves out a node skipped by @skip with a variable', () => {
    assert.deepEqual(locate(['home', 'mine'], { skipIt: true }).locations, [{ line: 8, column: 3 }]);
  });

  it('reads a condition variable left out by the request through its default value', () => {
    const withDefault = parse('query D($show: Boolean = true) { home { me @include(if: $show) { name } } }');
    const error = new GraphQLError('x', { path: ['home', 'me'] });
    assert.deepEqual(withLocations([error], schema, withDefault, 'D', {})[0]!.locations, [{ line: 1, column: 41 }]);
  });

  it('keeps errors that have locations, or whose path is not in the document, as they are', () => {
    const operation = document.definitions[0] as OperationDefinitionNode;
    const located = new GraphQLError('x', { path: ['home', 'mine'], nodes: [operation.selectionSet.selections[0]!] });
    const withNodes = withLocations([located], schema, document, 'Q', { skipIt: false });
    assert.equal(withNodes[0], located);
    assert.equal(locate(['nowhere']).locations, undefined);
  });
});
