import type { GraphqlCall } from '../model.js';
import type { CompiledCall, Pushdown } from '../protocol.js';
import { UpstreamBadResponseError } from '../upstream-errors.js';
import type { GraphqlClient } from './graphql-client.js';
import { answerValue } from './subgraph-answer.js';

/** A root field's arguments as the operation's variables: `[name, type]` (`["id", "ID!"]`). */
export type ArgumentTypes = ReadonlyArray<readonly [string, string]>;

/**
 * The operation text per pushed-down selection, made once per plan (a plan's pushdown is one
 * object for all its requests); the request only adds the variables' JSON.
 */
function textCache(make: (pushdown: Pushdown | undefined) => string): (pushdown: Pushdown | undefined) => string {
  const texts = new WeakMap<Pushdown, string>();
  const leaf = make(undefined);
  return (pushdown) => {
    if (!pushdown) return leaf;
    let text = texts.get(pushdown);
    if (text === undefined) {
      text = make(pushdown);
      texts.set(pushdown, text);
    }
    return text;
  };
}

/**
 * A root field of a GraphQL source: `query($id: ID!) { user(id: $id) { …pushed down… } }`, its
 * arguments sent as variables, its value read from `data.<field>` with the subgraph's errors put
 * at their paths.
 */
export function compileRootCall(
  call: GraphqlCall,
  argumentTypes: ArgumentTypes,
  client: GraphqlClient,
  source: string,
): CompiledCall {
  const declared = argumentTypes.map(([name, type]) => `$${name}:${type}`).join(',');
  const passed = argumentTypes.map(([name]) => `${name}:$${name}`).join(',');
  const head = `${call.operation}${declared ? `(${declared})` : ''}{${call.field}${passed ? `(${passed})` : ''}`;
  const textOf = textCache((pushdown) =>
    pushdown ? `${head}${pushdown.selection}}${pushdown.fragments ?? ''}` : `${head}}`,
  );
  const write = call.operation === 'mutation';
  return {
    prepare(scope, headers, pushdown) {
      const variables: Record<string, unknown> = {};
      for (const [name] of argumentTypes) {
        const value = scope.args[name];
        if (value !== undefined) variables[name] = value;
      }
      const body = JSON.stringify({ query: textOf(pushdown), variables });
      return { signature: body, send: () => client.request(body, headers, write) };
    },
    extract: (answer) => answerValue(answer as never, call.field, source),
  };
}

/**
 * Federation's entity fetch: `_entities(representations:)` with the pushed-down selection on one
 * type. The answer holds one item per representation, in order (null: not found; an error: that
 * entity failed).
 */
export function compileEntitiesCall(typeName: string, client: GraphqlClient, source: string): CompiledCall {
  const head = `query($representations:[_Any!]!){_entities(representations:$representations){...on ${typeName}`;
  const textOf = textCache(
    (pushdown) => `${head}${pushdown?.selection || '{__typename}'}}}${pushdown?.fragments ?? ''}`,
  );
  return {
    prepare(scope, headers, pushdown) {
      const body = JSON.stringify({
        query: textOf(pushdown),
        variables: { representations: scope.args['representations'] },
      });
      return { signature: body, send: () => client.request(body, headers, false) };
    },
    extract(answer) {
      const items = answerValue(answer as never, '_entities', source);
      if (!Array.isArray(items)) throw new UpstreamBadResponseError(`${source}: _entities answered no list`);
      return items;
    },
  };
}
