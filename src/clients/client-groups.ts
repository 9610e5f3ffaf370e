import {
  getNamedType,
  isIntrospectionType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** A type the configuration declares (not a built-in scalar or an introspection type). */
export function isUserType(type: GraphQLNamedType): boolean {
  return !isIntrospectionType(type) && !isSpecifiedScalarType(type);
}

/**
 * A client-only group is a field without @from returning a client-only object type (not a list),
 * like `home: Home!` or `viewer(id: ID!): Viewer`: it resolves to an object carrying its
 * arguments, and its fields resolve on their own, reading those arguments as `{root.<arg>}`.
 * A group inside a group also carries the enclosing groups' arguments (the nearest one wins).
 */
export function isGroupField(field: GraphQLField<unknown, unknown>, hasFrom: boolean, graph: GraphQLSchema): boolean {
  const named = getNamedType(field.type);
  return (
    !hasFrom &&
    isObjectType(named) &&
    !graph.getType(named.name) &&
    !isListType(isNonNullType(field.type) ? field.type.ofType : field.type)
  );
}

/**
 * The names a field of `type` (a client-only group type) can read as `{root.…}`: the arguments
 * every group field returning it declares, plus what its own parent groups carry.
 */
export function groupRootNames(
  type: GraphQLObjectType,
  client: GraphQLSchema,
  graph: GraphQLSchema,
  hasFrom: (coordinate: string) => boolean,
): Set<string> {
  const cache = new Map<string, Set<string>>();
  const namesOf = (target: GraphQLObjectType): Set<string> => {
    const known = cache.get(target.name);
    if (known) return known;
    cache.set(target.name, new Set()); // a group that contains itself adds nothing of its own
    let names: Set<string> | undefined;
    for (const parent of Object.values(client.getTypeMap())) {
      if (!isUserType(parent) || !isObjectType(parent)) continue;
      for (const field of Object.values(parent.getFields())) {
        if (getNamedType(field.type) !== target || !isGroupField(field, hasFrom(`${parent.name}.${field.name}`), graph))
          continue;
        const carried = new Set(field.args.map((a) => a.name));
        if (!graph.getType(parent.name)) for (const name of namesOf(parent)) carried.add(name);
        names = names ? new Set([...names].filter((n) => carried.has(n))) : carried;
      }
    }
    cache.set(target.name, names ?? new Set());
    return names ?? new Set();
  };
  return namesOf(type);
}
