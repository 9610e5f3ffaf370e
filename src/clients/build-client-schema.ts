import {
  isObjectType,
  print,
  type GraphQLObjectType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLNamedType,
} from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { stitchSchemas } from '@graphql-tools/stitch';
import { delegateToSchema, type SubschemaConfig } from '@graphql-tools/delegate';
import type { BuiltSource, SourceCallContext } from '../sources/index.js';
import { compileValue, referencesIn } from '../sources/template.js';
import { createGatewayError } from '../errors/index.js';
import type { ClientDefinition } from './parse-client.js';
import { isUserType } from './client-groups.js';

type Resolver = GraphQLFieldResolver<unknown, SourceCallContext>;
/** A resolver on a graph type states what it reads from its parent, so stitching fetches it. */
type FieldResolver = Resolver | { selectionSet: string; resolve: Resolver };

/**
 * Builds what a client executes: the sources stitched again with the client's own fields
 * (`@from` delegations and groups like `home`), then projected to exactly the types, fields,
 * arguments and enum values of the client's schema. Built once at start-up; per request only
 * the stitched resolvers run, so a client field costs the same as a graph field.
 */
export function buildClientSchema(
  client: ClientDefinition,
  clientSdlSchema: GraphQLSchema,
  graph: GraphQLSchema,
  sources: BuiltSource[],
): GraphQLSchema {
  const ownerOfRoot = new Map<string, SubschemaConfig>();
  for (const source of sources) {
    for (const rootType of [source.subschema.schema.getQueryType(), source.subschema.schema.getMutationType()]) {
      for (const fieldName of Object.keys(rootType?.getFields() ?? {}))
        ownerOfRoot.set(`${rootType!.name}.${fieldName}`, source.subschema);
    }
  }

  // Client-only types and fields, as SDL extensions of the stitched graph, with their resolvers.
  const typeDefs: string[] = [];
  const resolvers: Record<string, Record<string, FieldResolver>> = {};
  for (const type of Object.values(clientSdlSchema.getTypeMap())) {
    if (!isUserType(type) || !isObjectType(type)) continue;
    const inGraph = graph.getType(type.name) as GraphQLObjectType | undefined;
    const extraFields = Object.values(type.getFields()).filter((f) => !inGraph?.getFields()[f.name]);
    if (extraFields.length === 0) continue;
    const fieldsSdl = extraFields.map((f) => print(f.astNode!)).join('\n  ');
    typeDefs.push(`${inGraph ? 'extend type' : 'type'} ${type.name} {\n  ${fieldsSdl}\n}`);
    for (const field of extraFields) {
      const spec = client.from.get(`${type.name}.${field.name}`);
      const resolve = spec
        ? delegateResolver(
            spec.operation,
            spec.fieldName,
            spec.args,
            ownerOfRoot.get(`${spec.operation === 'query' ? 'Query' : 'Mutation'}.${spec.fieldName}`)!,
          )
        : inGraph
          ? groupResolver
          : nestedGroupResolver;
      const onGraphObject = inGraph && spec && type.name !== 'Query' && type.name !== 'Mutation';
      resolvers[type.name] ??= {};
      resolvers[type.name]![field.name] = onGraphObject
        ? { selectionSet: parentSelection(spec.args), resolve }
        : resolve;
    }
  }
  const stitched = typeDefs.length
    ? stitchSchemas({
        subschemas: sources.map((s) => s.subschema),
        mergeTypes: true,
        typeDefs: typeDefs.join('\n'),
        resolvers,
      })
    : graph;
  return projectToClient(stitched, clientSdlSchema);
}

/**
 * A client-only group such as `home: Home!` or `viewer(id: ID!): Viewer`: an object carrying the
 * group's arguments, so that its fields (which resolve on their own) read them as `{root.id}`.
 */
const groupResolver: Resolver = (_root, args) => ({ ...args });

/** A group inside a group also carries the enclosing groups' arguments; its own win on a clash. */
const nestedGroupResolver: Resolver = (root, args) => ({ ...(root as Record<string, unknown>), ...args });

/**
 * What a `@from` on a graph type reads from its parent (`{root.id}` → `{ id }`), so that stitching
 * fetches it even when the query does not ask for it. `__typename` when it reads nothing: the
 * parent is still fetched with a non-empty selection.
 */
function parentSelection(args: Record<string, unknown>): string {
  const tree = new Map<string, Map<string, unknown>>();
  for (const ref of referencesIn(args)) {
    if (ref.root !== 'root') continue;
    let level = tree;
    for (const segment of ref.path) {
      if (!level.has(segment)) level.set(segment, new Map());
      level = level.get(segment) as typeof tree;
    }
  }
  const render = (level: Map<string, Map<string, unknown>>): string =>
    [...level].map(([name, sub]) => (sub.size ? `${name} { ${render(sub as typeof level)} }` : name)).join(' ');
  return `{ ${tree.size ? render(tree) : '__typename'} }`;
}

function delegateResolver(
  operation: 'query' | 'mutation',
  fieldName: string,
  args: Record<string, unknown>,
  subschema: SubschemaConfig,
): Resolver {
  const compiledArgs = compileValue(args);
  const needsIdentity = referencesIn(args).some((ref) => ref.root === 'identity');
  return (root, fieldArgs, context, info) => {
    // A field about "the current user" has no answer for an anonymous caller.
    if (needsIdentity && !context.identity)
      throw createGatewayError('UNAUTHENTICATED', { message: 'This field needs a signed-in user' });
    return delegateToSchema({
      schema: subschema,
      operation: operation as never,
      fieldName,
      args: compiledArgs({ args: fieldArgs, root, identity: context.identity }) as Record<string, unknown>,
      context,
      info,
    });
  };
}

/**
 * Keeps only what the client declared: types, fields (with the client's type, which may be a
 * nullable relaxation), arguments and enum values. Resolvers and stitching metadata stay, so
 * execution is unchanged for what remains.
 */
function projectToClient(schema: GraphQLSchema, client: GraphQLSchema): GraphQLSchema {
  const keepType = (type: GraphQLNamedType) => !isUserType(type) || client.getType(type.name) !== undefined;
  return mapSchema(schema, {
    [MapperKind.TYPE]: (type) => (keepType(type) ? type : null),
    [MapperKind.COMPOSITE_FIELD]: (config, fieldName, typeName) => {
      const clientType = client.getType(typeName) as GraphQLObjectType | undefined;
      const clientField = clientType?.getFields()[fieldName];
      if (!clientField) return null;
      const args = Object.fromEntries(
        Object.entries(config.args ?? {}).filter(([name]) => clientField.args.some((a) => a.name === name)),
      );
      return { ...config, type: clientField.type, args, description: clientField.description ?? config.description };
    },
    [MapperKind.INPUT_OBJECT_FIELD]: (config, fieldName, typeName) => {
      const clientType = client.getType(typeName);
      return clientType && 'getFields' in clientType && clientType.getFields()[fieldName] ? config : null;
    },
    [MapperKind.ENUM_VALUE]: (config, typeName, _schema, externalValue) => {
      const clientType = client.getType(typeName);
      return clientType && 'getValue' in clientType && clientType.getValue(externalValue) ? config : null;
    },
  });
}
