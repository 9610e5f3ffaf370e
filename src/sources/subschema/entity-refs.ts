import {
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  GraphQLObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
} from 'graphql';
import { createGatewayError } from '../../errors/index.js';
import type { SourceCallContext } from '../call-context.js';
import type { CacheHint, EntityKey, FieldBinding, SourceDefinition } from '../model.js';
import { compileTemplate, compileValue } from '../template.js';
import type { BatchCall, FieldCall } from '../runtime/source-runtime.js';

/**
 * Entity references (`@ref(key: …)`) resolved through the entity's lookup.
 *
 * Stitching alone cannot do it right: a `@ref` yields a stub `{ id }`; for a type of another
 * source, the merge lookup answers null for an unknown key and stitching keeps the stub, whose
 * non-null fields then fail (a masked error); for a type of the same source there is no merge at
 * all, so the lookup is never called. So the reference itself asks the entity's lookup, through
 * the same per-request DataLoader the merge uses (keys of one request are still batched together,
 * and the merge finds the answer cached): an unknown key gives null (or RESOURCE_NOT_FOUND for a
 * non-null reference). A same-source reference returns the entity's payload; another source's
 * returns the stub, and stitching fetches the other fields from the loader's cache. The price: a
 * reference to another source's entity selected for its key alone still costs that lookup.
 * (Marking the stub after the merge instead would need a wrapper on every stitched schema's
 * entity fields, graph and client schemas alike, and a reliance on stitching internals.)
 */

/** Resolves one entity's payload by key; null when the backend has no such entity. */
export interface EntityLookup {
  source: string;
  load(key: unknown, context: SourceCallContext): Promise<unknown>;
  /** The lookup call's `@cacheControl`: what the response cache policy of a query using it may be. */
  cache?: CacheHint;
}

/**
 * The entity lookups of one build, by type name: every source adds its own, references read them
 * at request time. One per build, so a reload never mixes sources of two builds.
 */
export class EntityLookups {
  readonly #byType = new Map<string, EntityLookup>();
  add(typeName: string, lookup: EntityLookup): void {
    if (!this.#byType.has(typeName)) this.#byType.set(typeName, lookup);
  }
  get(typeName: string): EntityLookup | undefined {
    return this.#byType.get(typeName);
  }
}

type Report = (line: number | undefined, path: string, message: string) => void;

/** The payload property that holds an entity's key in this source (its @map, or the field name). */
export function payloadNameOf(def: SourceDefinition, entity: EntityKey): string {
  const renamed = def.bindings.find((b) => b.typeName === entity.typeName && b.fieldName === entity.field)?.mapFrom;
  return renamed ?? entity.field;
}

/** The lookup's other arguments with their defaults, as GraphQL would pass them (same loader, same cache). */
function defaultArgs(field: GraphQLField<unknown, unknown>, except: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const arg of field.args)
    if (arg.name !== except && arg.defaultValue !== undefined) args[arg.name] = arg.defaultValue;
  return args;
}

/** A `@batch @lookup` field as an entity lookup: one key through the request's batch loader. */
export function batchLookup(
  source: string,
  field: GraphQLField<unknown, unknown>,
  keyArg: string,
  loaderOf: BatchCall,
): EntityLookup {
  const rest = defaultArgs(field, keyArg);
  return { source, load: (key, context) => loaderOf(context, rest).load(key) };
}

/** A single-key `@lookup` field as an entity lookup: its call with the key as its one required argument. */
export function singleLookup(
  source: string,
  field: GraphQLField<unknown, unknown>,
  call: FieldCall,
): EntityLookup | undefined {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  if (required.length !== 1) return undefined; // reported with the merge config
  const keyArg = required[0]!.name;
  const rest = defaultArgs(field, keyArg);
  return {
    source,
    load: async (key, context) =>
      call({ root: undefined, args: { ...rest, [keyArg]: key }, identity: context.identity }, context),
  };
}

/**
 * `@ref(key: { id: "{root.productId}" })`: the referenced entity, checked (or fetched) through its
 * lookup — this source's own first, else another source's — when one exists.
 */
export function refResolver(
  def: SourceDefinition,
  binding: FieldBinding,
  type: GraphQLOutputType,
  ownLookups: ReadonlyMap<string, EntityLookup>,
  entityLookups: EntityLookups,
  at: Report,
): GraphQLFieldResolver<unknown, SourceCallContext> {
  const path = `${binding.typeName}.${binding.fieldName}`;
  const target = getNamedType(type).name;
  const entity = def.entities.find((e) => e.typeName === target);
  if (!entity) {
    at(binding.line, path, `@ref returns ${target}, which has no @key in this source`);
    return () => null;
  }
  const payloadKey = payloadNameOf(def, entity);
  const templates = Object.entries(binding.ref!).map(([field, template]) => {
    if (field !== entity.field) at(binding.line, path, `@ref key "${field}" is not ${target}'s key "${entity.field}"`);
    return typeof template === 'string' ? compileTemplate(template) : compileValue(template);
  });
  const keyOf = templates[0] ?? (() => undefined);
  const nullable = getNullableType(type);
  const list = isListType(nullable);
  const itemNonNull = list ? isNonNullType(nullable.ofType) : isNonNullType(type);
  const notFound = (source: string, key: unknown) =>
    itemNonNull
      ? createGatewayError('RESOURCE_NOT_FOUND', {
          message: `${target} ${JSON.stringify(key)} (${path}) does not exist`,
          source,
          extensions: { key },
        })
      : null;

  const stub = (key: unknown) => ({ [payloadKey]: key });
  type ResolveOne = (key: unknown, context: SourceCallContext) => unknown;
  const throughLookup = (): ResolveOne | null => {
    const own = ownLookups.get(target);
    if (own) return (key, context) => own.load(key, context).then((found) => found ?? notFound(own.source, key));
    const other = entityLookups.get(target);
    if (!other) return null;
    // Another source failing to answer leaves the reference as it was: its key still shows, and the
    // fields type merging fetches from that source fail with its coded error (the loader keeps it).
    return (key, context) =>
      other.load(key, context).then(
        (found) => (found === null || found === undefined ? notFound(other.source, key) : stub(key)),
        () => stub(key),
      );
  };

  // Bound on first use: every source of the build has registered its lookups by then.
  let resolveOne: ResolveOne | null | undefined;
  return (root, args, context) => {
    const value = keyOf({ root, args, identity: context.identity });
    if (resolveOne === undefined) resolveOne = throughLookup();
    if (value === null || value === undefined) {
      if (list) return [];
      return itemNonNull
        ? createGatewayError('RESOURCE_NOT_FOUND', { message: `${path} has no ${target} key`, source: def.name })
        : null;
    }
    if (!list) return resolveOne ? resolveOne(value, context) : stub(value);
    const keys = Array.isArray(value) ? value : [value];
    const one = resolveOne;
    return one ? Promise.all(keys.map((key) => one(key, context))) : keys.map(stub);
  };
}

/**
 * A reference to an entity of the same source needs that source's own lookup when the type has
 * fields read from its payload: a `{ key }` stub has no payload, so they would have no data.
 */
export function checkSameSourceRef(
  def: SourceDefinition,
  binding: FieldBinding,
  type: GraphQLOutputType,
  ownLookups: ReadonlyMap<string, unknown>,
  at: Report,
): void {
  const target = getNamedType(type);
  const entity = def.entities.find((e) => e.typeName === target.name);
  if (!entity || ownLookups.has(target.name) || !(target instanceof GraphQLObjectType)) return;
  const payloadFields = Object.keys(target.getFields()).filter((name) => {
    if (name === entity.field) return false;
    const bound = def.bindings.find((b) => b.typeName === target.name && b.fieldName === name);
    return !bound?.call && !bound?.ref;
  });
  if (!payloadFields.length) return;
  at(
    binding.line,
    `${binding.typeName}.${binding.fieldName}`,
    `@ref to ${target.name}, which this source has no @lookup for: ${payloadFields.map((f) => `${target.name}.${f}`).join(', ')} would have no data. ` +
      `Add a lookup for ${target.name} to this source, e.g. a Query field returning [${target.name}] with @batch(key: "${entity.field}") @lookup, or one taking the key with @lookup`,
  );
}
