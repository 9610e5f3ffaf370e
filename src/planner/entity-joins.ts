import type { GraphQLObjectType } from 'graphql';
import type { SourceCallContext } from '../sources/index.js';
import type { Pushdown } from '../sources/protocol.js';
import type { KeyedRepresentation } from '../sources/runtime/entity-batch.js';
import { readPath, splitPath } from '../sources/template.js';
import { UnsupportedShape } from './collect-fields.js';
import { carriedAlias, type FieldServe, type GraphModel } from './graph-model.js';
import type { PlannedField } from './plan.js';
import { selectionText } from './pushdown.js';

/** What `copyOf` answers for an object whose copy was not loaded ahead. */
export const notLoaded: unique symbol = Symbol('not loaded');

/** A representation field and where it is read: `["upc", ["_k_upc"]]`. */
type Carried = readonly [name: string, path: readonly string[]];

/**
 * Another source's copy of an entity, for the fields of one planned object that source serves: a
 * federation subgraph's `_entities` (its part of the selection pushed down), or a REST/gRPC
 * source's `@lookup`. Its representation is read from the object's own payload (the key, and
 * `@requires` fields the object's source has), and from the copies of other joins of the same
 * object (`@requires` fields only they have). All objects of one depth go upstream in one batch.
 */
export class EntityJoin {
  readonly fromParent: Carried[] = [];
  readonly fromJoins: Array<{ join: EntityJoin; fields: Carried[] }> = [];
  /** Fields its copy carries for the joins that require them. */
  readonly carries = new Set<string>();
  pushdown?: Pushdown;
  /** The object's fields read from this copy. */
  readonly fields: PlannedField[] = [];
  #resolveMany: (items: KeyedRepresentation[], context: SourceCallContext) => Promise<unknown[]> = (items) =>
    Promise.resolve(items.map(() => null));
  /**
   * Where a parent payload keeps this join's copy (loaded ahead by `loadAll`, read synchronously
   * by its fields) and, for one loaded on its own (`load`), its pending fetch: symbol-keyed
   * properties of the payload, which belongs to the request (a WeakMap entry per object costs
   * more, in lookups and in garbage collection). A payload must never be shared by two requests
   * (a cache hands out its own copies).
   */
  readonly copySlot = Symbol('copy');
  readonly #foundSlot = Symbol('found');

  constructor(
    readonly source: string,
    readonly typeName: string,
    readonly federated: boolean,
  ) {}

  /** The copy `loadAll` loaded for `parent` (null: none; an Error: it failed), or `notLoaded`. */
  copyOf(parent: object): unknown {
    const copy = (parent as Record<symbol, unknown>)[this.copySlot];
    return copy === undefined ? notLoaded : copy;
  }

  #setCopy(parent: object, copy: unknown): void {
    (parent as Record<symbol, unknown>)[this.copySlot] = copy ?? null;
  }

  /**
   * Loads the copies of many objects in one go (one batch; the joins it requires from first),
   * so that their fields then read them without a promise each.
   */
  async loadAll(parents: readonly object[], context: SourceCallContext): Promise<void> {
    const slot = this.copySlot;
    const todo: object[] = [];
    for (let i = 0; i < parents.length; i++)
      if ((parents[i] as Record<symbol, unknown>)[slot] === undefined) todo.push(parents[i]!);
    if (!todo.length) return;
    if (this.fromJoins.length) await Promise.all(this.fromJoins.map((d) => d.join.loadAll(todo, context)));
    // Parents of one entity (a product reached through many reviews) share one representation.
    // Grouped by the key's value itself when it is one plain field (no string built per parent).
    const single = this.fromParent.length === 1 && !this.fromJoins.length ? this.fromParent[0]! : undefined;
    const parentsByKey = new Map<unknown, object[]>();
    const items: KeyedRepresentation[] = [];
    const groups: object[][] = [];
    for (let i = 0; i < todo.length; i++) {
      const parent = todo[i]!;
      let group: unknown;
      if (single) {
        group = valueAt(parent, single[1]);
        if (group !== null && typeof group === 'object') group = this.#keyOf(parent);
      } else group = this.#keyOf(parent);
      // a copy this one requires failed: so does this one, with its error
      const failed = this.#failedRequirement(parent);
      if (failed) {
        this.#setCopy(parent, failed);
        continue;
      }
      if (group === null || group === undefined) {
        this.#setCopy(parent, null);
        continue;
      }
      const same = parentsByKey.get(group);
      if (same) same.push(parent);
      else {
        const members = [parent];
        parentsByKey.set(group, members);
        groups.push(members);
        const key = typeof group === 'string' && !single ? group : this.#keyOf(parent)!;
        items.push({ key, representation: this.#representationOf(parent) });
      }
    }
    if (!items.length) return;
    let copies: unknown[];
    try {
      copies = await this.#resolveMany(items, context);
    } catch (error) {
      copies = items.map(() => error);
    }
    for (let i = 0; i < groups.length; i++) {
      const members = groups[i]!;
      for (let j = 0; j < members.length; j++) this.#setCopy(members[j]!, copies[i]);
    }
  }

  /** The error of a copy this one requires, when that copy failed. */
  #failedRequirement(parent: object): Error | undefined {
    for (const { join } of this.fromJoins) {
      const copy = join.copyOf(parent);
      if (copy instanceof Error) return copy;
    }
    return undefined;
  }

  /** The key of the entity `parent` is (its representation's values); null when one is missing. */
  #keyOf(parent: object): string | null {
    let key = keyPart(parent, this.fromParent);
    if (key === null) return null;
    for (const { join, fields } of this.fromJoins) {
      const copy = join.copyOf(parent);
      const part = copy === notLoaded ? null : keyPart(copy, fields);
      if (part === null) return null;
      key += part;
    }
    return key;
  }

  /** The representation of the entity `parent` is (its key known: every field is there). */
  #representationOf(parent: object): Record<string, unknown> {
    const representation: Record<string, unknown> = { __typename: this.typeName };
    carry(representation, parent, this.fromParent);
    for (const { join, fields } of this.fromJoins) carry(representation, join.copyOf(parent), fields);
    return representation;
  }

  /**
   * The source's copy of the entity `parent` is (null: none), loaded on its own: for an object the
   * preload did not reach. One fetch per parent, however many fields read it; it still joins the
   * request's batch of that entity type.
   */
  load(parent: object, context: SourceCallContext): Promise<unknown> {
    const slots = parent as Record<symbol, Promise<unknown> | undefined>;
    let found = slots[this.#foundSlot];
    if (!found) {
      found = this.loadAll([parent], context).then(() => {
        const copy = this.copyOf(parent);
        if (copy instanceof Error) throw copy;
        return copy === notLoaded ? null : copy;
      });
      slots[this.#foundSlot] = found;
    }
    return found;
  }

  /** Binds the join to its source once planned: `_entities` with its pushdown, or the entity's lookup by key. */
  bind(model: GraphModel): void {
    const built = model.source(this.source);
    if (this.federated) {
      const batch = built?.runtime.entitiesOf(this.typeName);
      const pushdown = this.pushdown!;
      if (batch) this.#resolveMany = (items, context) => batch(context, pushdown).loadMany(items);
      return;
    }
    const entity = model.entity(this.typeName);
    const lookup = entity?.lookups.get(this.source);
    if (entity && lookup) {
      this.#resolveMany = (items, context) =>
        Promise.all(
          items.map((item) => lookup.load(item.representation[entity.key], context).catch((error: unknown) => error)),
        );
    }
  }
}

function valueAt(from: unknown, path: readonly string[]): unknown {
  return path.length === 1 ? (from as Record<string, unknown>)[path[0]!] : readPath(from, path as string[]);
}

/** The part of a key `fields` read from `from` make (`name=value` each); null when one is missing. */
function keyPart(from: unknown, fields: readonly Carried[]): string | null {
  if (from === null || from === undefined || typeof from !== 'object' || from instanceof Error) return null;
  let key = '';
  for (let i = 0; i < fields.length; i++) {
    const [name, path] = fields[i]!;
    const value = valueAt(from, path);
    if (value === null || value === undefined) return null;
    // scalar keys; an object value (a custom scalar) keys by its JSON, an error has none
    if (typeof value === 'object') {
      if (value instanceof Error) return null;
      key += `${name}\u0001${JSON.stringify(value)}\u0002`;
    } else key += `${name}\u0001${value}\u0002`;
  }
  return key;
}

/** Adds `fields` read from `from` to the representation (keyPart said they are all there). */
function carry(representation: Record<string, unknown>, from: unknown, fields: readonly Carried[]): void {
  for (const [name, path] of fields) representation[name] = valueAt(from, path);
}

/** Another source that serves `Type.field` for this entity and can be joined: a subgraph resolving it, or a source with a lookup for it. */
export function joinableServe(
  model: GraphModel,
  typeName: string,
  serves: ReadonlyMap<string, FieldServe>,
  origin: string,
): { source: string; federated: boolean; path: string[] } | undefined {
  for (const [source, serve] of serves) {
    if (source === origin || serve.kind !== 'property') continue;
    if (model.source(source)?.runtime.entitiesOf(typeName)) return { source, federated: true, path: serve.path };
  }
  for (const [source, serve] of serves) {
    if (source === origin || serve.kind !== 'property') continue;
    if (model.entity(typeName)?.lookups.get(source)) return { source, federated: false, path: serve.path };
  }
  return undefined;
}

/**
 * Where the object's own payload holds `Type.field`: in a pushed-down selection, the client's own
 * `field` when it asks for it as is (no alias, no arguments), else its carried alias; otherwise
 * its payload path.
 */
function ownPath(
  model: GraphModel,
  typeName: string,
  field: string,
  origin: string,
  fields: readonly PlannedField[],
): string[] | undefined {
  const own = model.servesOf(`${typeName}.${field}`)?.get(origin);
  if (own?.kind !== 'property') return undefined;
  if (!own.pushed) return own.path;
  return fields.some((f) => f.pushedAs === field && f.fetch.kind === 'property') ? [field] : [carriedAlias(field)];
}

/**
 * The joins of one planned object: one per other source its fields come from, plus those only
 * its `@requires` fields come from; each with its representation's fields and its pushdown.
 */
export function planJoins(
  model: GraphModel,
  type: GraphQLObjectType,
  origin: string,
  fields: readonly PlannedField[],
): EntityJoin[] {
  const joins = new Map<string, EntityJoin>();
  for (const field of fields) {
    if (field.fetch.kind !== 'joined') continue;
    const placeholder = field.fetch.join;
    const join = joins.get(placeholder.source) ?? placeholder;
    joins.set(join.source, join);
    field.fetch.join = join;
    join.fields.push(field);
  }
  const pending = [...joins.values()];
  while (pending.length) {
    const join = pending.shift()!;
    const federation = model.source(join.source)?.definition.federation;
    const wanted = new Set<string>();
    for (const field of fields)
      if (field.fetch.kind === 'joined' && field.fetch.join === join)
        for (const name of federation?.requires.get(`${type.name}.${field.fieldName}`) ?? []) wanted.add(name);
    for (const name of wanted) {
      const path = ownPath(model, type.name, name, origin, fields);
      if (path) {
        join.fromParent.push([name, path]);
        continue;
      }
      const serves = model.servesOf(`${type.name}.${name}`);
      const provider = serves ? joinableServe(model, type.name, serves, origin) : undefined;
      if (!provider || provider.source === join.source) throw new UnsupportedShape('requires', `${type.name}.${name}`);
      let from = joins.get(provider.source);
      if (!from) {
        from = new EntityJoin(provider.source, type.name, provider.federated);
        joins.set(from.source, from);
        pending.push(from);
      }
      // the client's own field in the copy when it asks for it as is, else carried under an alias
      const asked = fields.some((f) => f.pushedAs === name && f.fetch.kind === 'joined' && f.fetch.join === from);
      let readAt = provider.path;
      if (provider.federated && asked) readAt = [name];
      else if (provider.federated) {
        from.carries.add(name);
        readAt = [carriedAlias(name)];
      }
      const carried: Carried = [name, readAt];
      const entry = join.fromJoins.find((d) => d.join === from);
      if (entry) entry.fields.push(carried);
      else join.fromJoins.push({ join: from, fields: [carried] });
    }
  }
  for (const join of joins.values()) {
    if (join.fromJoins.some((d) => d.join.fromJoins.some((e) => e.join === join)))
      throw new UnsupportedShape('requires-cycle', `${type.name} (${join.source})`);
    join.fromParent.unshift(...keyOf(model, type.name, origin, join, fields));
    if (join.federated)
      join.pushdown = {
        selection: selectionText(
          fields,
          undefined,
          (f) => f.fetch.kind === 'joined' && f.fetch.join === join,
          join.carries,
        ),
      };
    join.bind(model);
  }
  return [...joins.values()];
}

/** The representation's key fields as the object's own payload holds them: a resolvable key of the joined source it has all of. */
function keyOf(
  model: GraphModel,
  typeName: string,
  origin: string,
  join: EntityJoin,
  fields: readonly PlannedField[],
): Carried[] {
  if (join.federated) {
    const keys = model.source(join.source)?.definition.federation?.keys.get(typeName) ?? [];
    for (const key of keys) {
      if (!key.resolvable) continue;
      const paths = key.fields.map((f) => ownPath(model, typeName, f, origin, fields));
      if (paths.every((p) => p !== undefined)) return key.fields.map((f, i) => [f, paths[i]!] as const);
    }
  } else {
    const entity = model.entity(typeName);
    const payloadKey = entity?.payloadKey.get(origin);
    if (entity && payloadKey) return [[entity.key, splitPath(payloadKey)]];
  }
  throw new UnsupportedShape('entity-key', `${typeName}: ${origin} has no key ${join.source} resolves it by`);
}
