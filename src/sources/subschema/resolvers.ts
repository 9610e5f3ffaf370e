import type { GraphQLFieldResolver } from 'graphql';
import type { SourceCallContext } from '../call-context.js';
import type { BatchSpec } from '../model.js';
import type { BatchCall, FieldCall } from '../runtime/source-runtime.js';

export type SourceResolver = GraphQLFieldResolver<unknown, SourceCallContext>;
export type Resolvers = Record<string, Record<string, SourceResolver>>;

/** A field with a plain call: the call with the field's parent and arguments as its scope. */
export function callResolver(call: FieldCall): SourceResolver {
  return (root, args, context) => call({ root, args, identity: context.identity }, context);
}

/** A `@batch` field: its keys through the request's batch loader; one failed key fails the field. */
export function batchResolver(batch: BatchSpec, loaderOf: BatchCall): SourceResolver {
  const { arg } = batch;
  return (_root, args, context) => {
    const keys = args[arg];
    if (!Array.isArray(keys) || keys.length === 0) return [];
    const rest = { ...args };
    delete rest[arg];
    return loaderOf(context, rest)
      .loadMany(keys)
      .then((results) => {
        const failed = results.find((r) => r instanceof Error);
        if (failed) throw failed;
        return results;
      });
  };
}
