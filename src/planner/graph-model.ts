import {
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLOutputType,
} from 'graphql';
import type { ClientDefinition } from '../clients/index.js';
import type { FromSpec } from '../clients/client-directives.js';
import type { CacheHint } from '../sources/model.js';
import { stubLookupPrefix, type BuiltSource } from '../sources/index.js';
import type { BatchCall, FieldCall } from '../sources/runtime/source-runtime.js';
import { batchLookup, payloadNameOf, singleLookup, type EntityLookup } from '../sources/subschema/entity-refs.js';
import { compileTemplate, compileValue, referencesIn, splitPath, type CompiledTemplate } from '../sources/template.js';

/** How one source serves one field of the graph. */
export type FieldServe =
  | { kind: 'call'; source: string; call: FieldCall; args: readonly GraphQLArgument[]; cache?: CacheHint }
  | {
      kind: 'batch';
      source: string;
      batch: BatchCall;
      keyArg: string;
      args: readonly GraphQLArgument[];
      cache?: CacheHint;
    }
  /**
   * A property of the parent payload (`@map` path or the field name); proto3 "" → null when
   * `emptyAsNull`. `pushed`: a GraphQL source's field, asked for in the pushed-down selection and
   * read by its response key.
   */
  | { kind: 'property'; source: string; path: string[]; emptyAsNull: boolean; pushed?: boolean }
  | {
      kind: 'ref';
      source: string;
      target: string;
      keyOf: CompiledTemplate;
      list: boolean;
      /** The source declares the item non-null: an unknown key is RESOURCE_NOT_FOUND, not null. */
      itemNonNull: boolean;
    };

/** An entity (`@key`): its key field, the payload property holding it per source, its lookups per source. */
export interface EntityModel {
  typeName: string;
  key: string;
  payloadKey: Map<string, string>;
  lookups: Map<string, EntityLookup>;
}

/** A client-only field: a `@from` delegation into a graph root field, or a group carrying its arguments. */
export type ClientFieldModel =
  | { kind: 'from'; spec: FromSpec; args: CompiledTemplate; needsIdentity: boolean }
  | { kind: 'group' };

/** What serves every field of one build: read by the planner, built once per build. */
export interface GraphModel {
  /** Every source serving `Type.field`, by source name. */
  servesOf(coordinate: string): ReadonlyMap<string, FieldServe> | undefined;
  entity(typeName: string): EntityModel | undefined;
  /** Whether a source declares this type (else it is client-only, e.g. a group such as `Home`). */
  hasType(typeName: string): boolean;
  /** A source of the build, by name. */
  source(name: string): BuiltSource | undefined;
}

/** The alias a key (or `@requires`) field gets in a pushed-down selection: read by joins, apart from the client's own response keys. */
export function carriedAlias(field: string): string {
  return `_k_${field}`;
}

export function buildGraphModel(sources: readonly BuiltSource[]): GraphModel {
  const serves = new Map<string, Map<string, FieldServe>>();
  const entities = new Map<string, EntityModel>();
  const typeNames = new Set<string>();
  const byName = new Map(sources.map((s) => [s.name, s]));
  for (const source of sources) {
    const def = source.definition;
    const schema = source.subschema.schema;
    for (const entity of def.entities) {
      let model = entities.get(entity.typeName);
      if (!model) {
        model = { typeName: entity.typeName, key: entity.field, payloadKey: new Map(), lookups: new Map() };
        entities.set(entity.typeName, model);
      }
      model.payloadKey.set(def.name, def.federation ? carriedAlias(entity.field) : payloadNameOf(def, entity));
    }
    const emptyIsUnset = source.runtime.protocol.emptyStringIsUnset === true;
    const roots = new Set([schema.getQueryType(), schema.getMutationType()].filter(Boolean));
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      typeNames.add(type.name);
      for (const field of Object.values(type.getFields())) {
        if (field.name.startsWith(stubLookupPrefix)) continue;
        const coordinate = `${type.name}.${field.name}`;
        const binding = def.bindings.find((b) => b.typeName === type.name && b.fieldName === field.name);
        let serve: FieldServe | undefined;
        if (binding?.call) {
          const batch = source.runtime.batchOf(coordinate);
          const call = source.runtime.callOf(coordinate);
          if (batch && binding.batch) {
            const { cache } = binding;
            serve = { kind: 'batch', source: def.name, batch, keyArg: binding.batch.arg, args: field.args, cache };
            if (binding.lookup)
              addLookup(entities, getNamedType(field.type).name, def.name, {
                ...batchLookup(def.name, field, binding.batch.arg, batch),
                cache,
              });
          } else if (call) {
            serve = { kind: 'call', source: def.name, call, args: field.args, cache: binding.cache };
            const lookup = binding.lookup ? singleLookup(def.name, field, call) : undefined;
            if (lookup)
              addLookup(entities, getNamedType(field.type).name, def.name, { ...lookup, cache: binding.cache });
          }
        } else if (binding?.ref) {
          serve = refServe(def.name, binding.ref, field.type);
        } else if (!roots.has(type) && def.protocol === 'GRAPHQL') {
          serve = { kind: 'property', source: def.name, path: [field.name], emptyAsNull: false, pushed: true };
        } else if (!roots.has(type)) {
          const named = getNamedType(field.type).name;
          serve = {
            kind: 'property',
            source: def.name,
            path: splitPath(binding?.mapFrom ?? field.name),
            emptyAsNull:
              emptyIsUnset && !binding?.mapFrom && !isNonNullType(field.type) && (named === 'String' || named === 'ID'),
          };
        }
        if (!serve) continue;
        let bySource = serves.get(coordinate);
        if (!bySource) {
          bySource = new Map();
          serves.set(coordinate, bySource);
        }
        bySource.set(def.name, serve);
      }
    }
  }
  return {
    servesOf: (coordinate) => serves.get(coordinate),
    entity: (typeName) => entities.get(typeName),
    hasType: (typeName) => typeNames.has(typeName),
    source: (name) => byName.get(name),
  };
}

function addLookup(entities: Map<string, EntityModel>, typeName: string, source: string, lookup: EntityLookup): void {
  const entity = entities.get(typeName);
  if (entity && !entity.lookups.has(source)) entity.lookups.set(source, lookup);
}

function refServe(source: string, ref: Record<string, unknown>, type: GraphQLOutputType): FieldServe {
  const template = Object.values(ref)[0];
  const keyOf = typeof template === 'string' ? compileTemplate(template) : compileValue(template);
  const nullable = getNullableType(type);
  const list = isListType(nullable);
  return {
    kind: 'ref',
    source,
    target: getNamedType(type).name,
    keyOf,
    list,
    itemNonNull: list ? isNonNullType(nullable.ofType) : isNonNullType(type),
  };
}

/** The client-only fields of a client: `@from` delegations (with compiled arguments) and groups. */
export function buildClientFields(client: ClientDefinition): Map<string, ClientFieldModel> {
  const fields = new Map<string, ClientFieldModel>();
  for (const [coordinate, spec] of client.from) {
    const args = compileValue(spec.args);
    fields.set(coordinate, { kind: 'from', spec, args, needsIdentity: needsIdentity(spec.args) });
  }
  return fields;
}

function needsIdentity(args: Record<string, unknown>): boolean {
  return referencesIn(args).some((ref) => ref.root === 'identity');
}
