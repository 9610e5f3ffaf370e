import {
  GraphQLObjectType,
  print,
  visit,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { addResolversToSchema } from '@graphql-tools/schema';
import { createDefaultExecutor, type MergedTypeConfig, type SubschemaConfig } from '@graphql-tools/delegate';
import type { SourceCallContext } from '../call-context.js';
import type { Pushdown } from '../protocol.js';
import type { SourceRuntime } from '../runtime/source-runtime.js';
import type { SubschemaParts } from '../subschema/build-subschema.js';
import { relaxOutputNullability } from '../subschema/relax-nullability.js';
import { entitiesFieldOf, resolvableEntities } from './subgraph-schema.js';

type Resolver = (
  parent: unknown,
  args: Record<string, unknown>,
  context: SourceCallContext,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * A GraphQL source under delegation (the reference path, and documents the planner leaves to it):
 * a root field sends the delegated selection to the subgraph as it is (aliases included), every
 * other field reads its response key from the answer, and each entity merges through
 * `_entities` (its `@requires` fields as computed fields, so their representation carries them).
 */
export function buildSubgraphSubschema(runtime: SourceRuntime, schema: GraphQLSchema): SubschemaParts {
  const def = runtime.definition;
  const resolvers: Record<string, Record<string, Resolver>> = {};
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__') || roots.has(type)) continue;
    resolvers[type.name] = Object.fromEntries(Object.keys(type.getFields()).map((name) => [name, readResponseKey]));
  }
  for (const binding of def.bindings) {
    const call = runtime.callOf(`${binding.typeName}.${binding.fieldName}`);
    if (!call) continue;
    resolvers[binding.typeName] ??= {};
    resolvers[binding.typeName]![binding.fieldName] = (_root, args, context, info) =>
      call({ root: undefined, args, identity: context.identity }, context, pushdownOf(info));
  }
  const merge: Record<string, MergedTypeConfig> = {};
  for (const typeName of resolvableEntities(def)) {
    const batch = runtime.entitiesOf(typeName);
    if (!batch) continue;
    resolvers['Query'] ??= {};
    resolvers['Query'][entitiesFieldOf(typeName)] = (_root, args, context, info) =>
      batch(context, pushdownOf(info) ?? { selection: '{__typename}' }).loadMany(
        (args['representations'] as Record<string, unknown>[]).map((representation) => ({
          key: JSON.stringify(representation),
          representation,
        })),
      );
    merge[typeName] = mergeConfigOf(def.federation!, typeName);
  }
  return {
    ownLookups: new Map(),
    toSubschema() {
      const executable = addResolversToSchema({ schema, resolvers: resolvers as never, updateResolversInPlace: false });
      const executor = createDefaultExecutor(relaxOutputNullability(executable));
      return { schema: executable, executor, merge, batch: false, name: def.name } as SubschemaConfig;
    },
  };
}

const readResponseKey: Resolver = (parent, _args, _context, info) => {
  const value = (parent as Record<string, unknown> | null)?.[info.path.key as string];
  if (value instanceof Error) throw value;
  return value;
};

function mergeConfigOf(
  federation: NonNullable<SourceRuntime['definition']['federation']>,
  typeName: string,
): MergedTypeConfig {
  const key = federation.keys.get(typeName)!.find((k) => k.resolvable)!;
  const fields: Record<string, { selectionSet: string; computed: true }> = {};
  const carried = new Set(key.fields);
  for (const [coordinate, required] of federation.requires) {
    if (!coordinate.startsWith(`${typeName}.`)) continue;
    fields[coordinate.slice(typeName.length + 1)] = { selectionSet: `{ ${required.join(' ')} }`, computed: true };
    for (const name of required) carried.add(name);
  }
  return {
    selectionSet: `{ ${key.fields.join(' ')} }`,
    fieldName: entitiesFieldOf(typeName),
    key: (entity: Record<string, unknown>) => {
      const representation: Record<string, unknown> = { __typename: typeName };
      for (const name of carried) if (entity[name] !== undefined) representation[name] = entity[name];
      return representation;
    },
    argsFromKeys: (representations: readonly unknown[]) => ({ representations }),
    ...(Object.keys(fields).length ? { fields } : {}),
  } as MergedTypeConfig;
}

/** The delegated field's selection, as the subgraph is asked for it (with the fragments it spreads). */
function pushdownOf(info: GraphQLResolveInfo): Pushdown | undefined {
  const sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  if (!sets.length) return undefined;
  const selection = `{${sets.map((set) => print(set).slice(1, -1)).join(' ')}}`;
  const used = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment: FragmentDefinitionNode | undefined = info.fragments[name];
        if (used.has(name) || !fragment) return;
        used.add(name);
        collect(fragment);
      },
    });
  for (const set of sets) collect(set);
  if (!used.size) return { selection };
  const fragments = [...used].map((name) => print(info.fragments[name]!)).join('\n');
  return { selection, fragments: `\n${fragments}` };
}
