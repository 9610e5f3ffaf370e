import { GraphQLList, isListType, isNonNullType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';

/**
 * The schema a source's subschema executes against: its own, with every output type nullable.
 * The declared types still compose the graph (and the client checks); only execution inside the
 * source is relaxed, so a failed field stays null at its own path instead of nulling the entity
 * around it — its siblings from the same source keep their values. Non-null is then enforced once,
 * by the client schema's types, which may be nullable relaxations ("a failure stays local").
 */
export function relaxOutputNullability(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.COMPOSITE_FIELD]: (config) => ({ ...config, type: nullable(config.type) }),
  });
}

function nullable(type: GraphQLOutputType): GraphQLOutputType {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner) ? new GraphQLList(nullable(inner.ofType)) : inner;
}
