import { getNamedType, GraphQLObjectType, isListType, isNonNullType } from 'graphql';
import { addResolversToSchema } from '@graphql-tools/schema';
import { createDefaultExecutor, type MergedTypeConfig, type SubschemaConfig } from '@graphql-tools/delegate';
import type { Report } from '../protocol.js';
import type { SourceRuntime } from '../runtime/source-runtime.js';
import { readPath, splitPath } from '../template.js';
import { addEmptyStringAsNull } from './empty-string-as-null.js';
import {
  batchLookup,
  checkSameSourceRef,
  payloadNameOf,
  refResolver,
  singleLookup,
  type EntityLookup,
  type EntityLookups,
} from './entity-refs.js';
import { mergeConfigFor } from './merge-config.js';
import { relaxOutputNullability } from './relax-nullability.js';
import { batchResolver, callResolver, type Resolvers, type SourceResolver } from './resolvers.js';
import { stubLookupPrefix, type SourceSchema } from './source-schema.js';

/** What the adapter made of a source, before it is handed to stitching. */
export interface SubschemaParts {
  /** The executable subschema: resolvers that call the source's runtime, and the type-merging config. */
  toSubschema(): SubschemaConfig;
  /** This source's entity lookups by type name, for `@ref` fields of every source of the build. */
  ownLookups: ReadonlyMap<string, EntityLookup>;
}

/**
 * Adapts a source's runtime to stitching: one resolver per bound field (calls, batch calls,
 * renames, entity references), stub lookups and merge config per entity. Problems go to `at`.
 */
export function buildSubschema(
  runtime: SourceRuntime,
  { schema, lookups }: SourceSchema,
  entityLookups: EntityLookups,
  at: Report,
): SubschemaParts {
  const def = runtime.definition;
  const resolvers: Resolvers = {};
  const setResolver = (typeName: string, fieldName: string, resolve: SourceResolver) => {
    resolvers[typeName] ??= {};
    resolvers[typeName]![fieldName] = resolve;
  };

  // this source's entity lookups, by type name: what its own @ref fields resolve through
  const ownLookups = new Map<string, EntityLookup>();
  for (const binding of def.bindings) {
    const path = `${binding.typeName}.${binding.fieldName}`;
    const type = schema.getType(binding.typeName);
    const field = type instanceof GraphQLObjectType ? type.getFields()[binding.fieldName] : undefined;
    if (!field) {
      at(binding.line, path, `field ${path} is not defined`);
      continue;
    }
    if (binding.call) {
      const batch = runtime.batchOf(path);
      const call = runtime.callOf(path);
      if (batch && binding.batch) {
        if (!isListType(isNonNullType(field.type) ? field.type.ofType : field.type)) continue;
        setResolver(binding.typeName, binding.fieldName, batchResolver(binding.batch, batch));
        if (binding.lookup)
          ownLookups.set(getNamedType(field.type).name, batchLookup(def.name, field, binding.batch.arg, batch));
      } else if (call) {
        setResolver(binding.typeName, binding.fieldName, callResolver(call));
        const lookup = binding.lookup ? singleLookup(def.name, field, call) : undefined;
        if (lookup) ownLookups.set(getNamedType(field.type).name, lookup);
      }
    } else if (binding.ref) {
      setResolver(
        binding.typeName,
        binding.fieldName,
        refResolver(def, binding, field.type, ownLookups, entityLookups, at),
      );
    } else if (binding.mapFrom) {
      const from = splitPath(binding.mapFrom);
      setResolver(binding.typeName, binding.fieldName, (parent) => readPath(parent, from));
    }
  }

  for (const binding of def.bindings) {
    const field = binding.ref
      ? (schema.getType(binding.typeName) as GraphQLObjectType | undefined)?.getFields()[binding.fieldName]
      : undefined;
    if (field) checkSameSourceRef(def, binding, field.type, ownLookups, at);
  }
  if (runtime.protocol.emptyStringIsUnset) addEmptyStringAsNull(schema, resolvers, def);

  const merge: Record<string, MergedTypeConfig> = {};
  for (const entity of def.entities) {
    const payloadKey = payloadNameOf(def, entity);
    const config = mergeConfigFor(entity, lookups.get(entity.typeName), schema, at);
    if (config) merge[entity.typeName] = config;
    if (!lookups.has(entity.typeName)) {
      setResolver('Query', `${stubLookupPrefix}${entity.typeName}`, (_root, args) =>
        (args['keys'] as unknown[]).map((key) => ({ [payloadKey]: key })),
      );
    }
  }

  return {
    ownLookups,
    toSubschema() {
      const executable = addResolversToSchema({ schema, resolvers: resolvers as never, updateResolversInPlace: false });
      const executor = createDefaultExecutor(relaxOutputNullability(executable));
      return { schema: executable, executor, merge, batch: false, name: def.name } as SubschemaConfig;
    },
  };
}
