import {
  getArgumentValues,
  GraphQLError,
  isLeafType,
  isListType,
  isNonNullType,
  locatedError,
  responsePathAsArray,
  type ExecutionResult,
  type FieldNode,
  type GraphQLOutputType,
} from 'graphql';
import { createGatewayError } from '../errors/index.js';
import { holdBatches, planBatches, releaseBatches } from '../sources/coalesce.js';
import type { SourceCallContext } from '../sources/index.js';
import type { DirectRead, Hoist, PayloadRead, Plan, PlannedField } from './plan.js';
import { fetchField, PendingReference, UnresolvedEntity } from './fetch-field.js';
import { preloadJoins } from './preload-joins.js';

/** A response path as graphql-js keeps it: a linked list, made an array only for an error. */
interface Path {
  readonly prev: Path | undefined;
  readonly key: string | number;
  readonly typename: undefined;
}
const addPath = (prev: Path | undefined, key: string | number): Path => ({ prev, key, typename: undefined });
const located = (error: unknown, field: PlannedField, path: Path) =>
  locatedError(error, field.nodes, responsePathAsArray(path));

interface Run {
  context: SourceCallContext;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  /** Fields the field gate refused for this request: skipped, never fetched (it writes their nulls and errors). */
  refused: ReadonlySet<FieldNode> | undefined;
}

/**
 * Runs a plan: every field's fetch starts as soon as its parent's payload is in (siblings in
 * parallel; lookups of one request batch through the per-request loaders), and the response is
 * written straight from the payloads with graphql-js's completion rules: scalars through the
 * schema's `serialize`, null bubbling to the nearest nullable parent, one located error each.
 */
export async function executePlan(
  plan: Plan,
  context: SourceCallContext,
  variables: Record<string, unknown>,
  refused?: ReadonlySet<FieldNode>,
): Promise<ExecutionResult> {
  const run: Run = { context, variables, errors: [], refused };
  planBatches(context);
  let data: Record<string, unknown> | null;
  try {
    data = plan.serial
      ? await completeSerially(run, plan.fields)
      : await awaitable(completeFields(run, plan.fields, undefined, undefined));
  } catch (error) {
    run.errors.push(error as GraphQLError);
    data = null;
  }
  // what failed after the answer settled is moot (graphql-js's rule): the errors as they are now
  return run.errors.length ? { errors: run.errors.slice(), data } : { data };
}

/** A mutation's root fields: each starts when the one before has completed; a non-null failure stops the rest. */
async function completeSerially(run: Run, fields: readonly PlannedField[]): Promise<Record<string, unknown>> {
  const object: Record<string, unknown> = {};
  for (const field of fields) {
    if (run.refused && isRefused(field, run.refused)) continue;
    const value = completeField(run, field, undefined, addPath(undefined, field.responseKey));
    object[field.responseKey] = await (value instanceof InFlight ? value.settled(run) : awaitable(value));
  }
  return object;
}

/** Fetches already started for some fields of this object (hoisted children), by field. */
type Prefetched = ReadonlyMap<PlannedField, Promise<unknown>>;

/** A completed value, or the join of an object or list whose parts are still being fetched. */
type MaybePending<T> = T | Join<T & object>;

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** What a holder does with a part that failed: null in its place, or throw to fail the holder too. */
type OnFailure = (error: unknown) => unknown;

/** The join a pending part reports to. */
interface Holder {
  count: number;
  store(key: string | number, value: unknown): void;
  fail(key: string | number, settle: () => unknown): void;
  reject(error: unknown): void;
}

/**
 * The parts of one object or list still being fetched. It is done when the last part is in, and
 * fails at the first failure that reaches it (Promise.all's rule). A join held by another object
 * or list reports to that holder's join directly (`linkTo`): a response waiting on many objects
 * makes no promise per object, and no reaction per level; only an awaited join makes one.
 * A join is linked or awaited as soon as it is returned, before any of its parts can settle.
 */
class Join<T extends object> implements Holder {
  count = 0;
  /** Done, failed, or abandoned: what its parts do no longer changes it. */
  private settled = false;
  private holder: Holder | undefined;
  private holderKey: string | number = 0;
  private onFailure: OnFailure | undefined;
  private waiter: { resolve: (value: unknown) => void; reject: (error: unknown) => void } | undefined;

  constructor(readonly value: T) {}

  /** One part in, stored at `key`: the object is done when it was the last. (Parts settle in later ticks, after every part is counted.) */
  store(key: string | number, value: unknown): void {
    if (this.settled) return;
    (this.value as Record<string | number, unknown>)[key] = value;
    if (--this.count > 0) return;
    this.settled = true;
    if (this.holder) this.holder.store(this.holderKey, this.value);
    else this.waiter?.resolve(this.value);
  }

  /** One part failed: what `settle` leaves in its place (null), or the whole object's failure when it throws it on. */
  fail(key: string | number, settle: () => unknown): void {
    // settled even when the object has already failed (or been abandoned): a nullable part's
    // error is recorded as graphql-js records it, wherever its value ends up
    let value: unknown;
    try {
      value = settle();
    } catch (bubbled) {
      this.reject(bubbled);
      return;
    }
    this.store(key, value);
  }

  /** The object itself fails: its holder handles it (null, or its own failure), or its awaiter gets the error. */
  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    const { holder, onFailure, waiter } = this;
    if (holder) {
      if (onFailure) holder.fail(this.holderKey, () => onFailure(error));
      else holder.reject(error);
      return;
    }
    if (!waiter) return;
    try {
      if (!onFailure) throw error;
      waiter.resolve(onFailure(error));
    } catch (bubbled) {
      waiter.reject(bubbled);
    }
  }

  /** This join is a part of `holder` at `key` (counted there); `onFailure` settles its failure (else the holder fails). */
  linkTo(holder: Holder, key: string | number, onFailure?: OnFailure): void {
    this.holder = holder;
    this.holderKey = key;
    if (onFailure) this.onFailure = onFailure;
  }

  /** How a failure of this value is settled where it is a field's value (null and an error, or on up). */
  settleFailure(onFailure: OnFailure): void {
    this.onFailure = onFailure;
  }

  /** For an awaiting holder (the root, a mutation field, a fetched field): the object once done. */
  promise(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Parts left behind when a sibling fails synchronously: their outcomes are moot. */
  abandon(): void {
    this.settled = true;
  }
}

/** A value to await: a join's promise, anything else as is. */
function awaitable<T>(value: MaybePending<T>): T | Promise<T> {
  return value instanceof Join ? (value.promise() as Promise<T>) : (value as T);
}

type Pending<T extends object> = Join<T> | undefined;

/**
 * Stores a completed value at `key` now; a pending one (a join, a promise) once it completes,
 * counted in `pending`. `onFailure` settles the part's failure; without it the object fails.
 */
function put<T extends object>(
  object: T,
  key: string | number,
  value: unknown,
  pending: Pending<T>,
  onFailure?: OnFailure,
): Pending<T> {
  if (value instanceof Join) {
    const join = awaitPart(object, key, pending);
    value.linkTo(join, key, onFailure);
    return join;
  }
  if (!isPromise(value)) {
    (object as Record<string | number, unknown>)[key] = value;
    return pending;
  }
  const join = awaitPart(object, key, pending);
  value.then(
    (completed) => join.store(key, completed),
    (error: unknown) => (onFailure ? join.fail(key, () => onFailure(error)) : join.reject(error)),
  );
  return join;
}

/** A part of `object` still pending: its key keeps its place (document order), and it is counted in the object's join (made for the first). */
function awaitPart<T extends object>(object: T, key: string | number, pending: Pending<T>): Join<T> {
  (object as Record<string | number, unknown>)[key] = undefined;
  const join = pending ?? new Join(object);
  join.count++;
  return join;
}

/** `value` once every pending part of it is in: itself when nothing is pending, else its join. */
function once<T extends object>(value: T, pending: Pending<T>): MaybePending<T> {
  return pending ?? value;
}

/**
 * The fields of one object. Values already in the parent's payload complete synchronously, as
 * graphql-js does: a promise (and a microtask) only where a field waits on a call.
 */
function completeFields(
  run: Run,
  fields: readonly PlannedField[],
  parent: unknown,
  path: Path | undefined,
  prefetched?: Prefetched,
): MaybePending<Record<string, unknown>> {
  const object: Record<string, unknown> = {};
  let pending: Pending<Record<string, unknown>>;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (run.refused && isRefused(field, run.refused)) continue;
    const key = field.responseKey;
    if (field.direct !== undefined) {
      const read = readDirect(field.direct, parent);
      if (read !== undefined) {
        object[key] = read;
        continue;
      }
    }
    let value: unknown;
    try {
      const raw = field.directValue === undefined ? notRead : readDirectValue(field.directValue, parent);
      if (raw !== notRead) {
        value = completeSettled(run, field, raw, addPath(path, key));
        // a completed value is never a promise: stored now unless it is a pending join
        if (!(value instanceof Join)) {
          object[key] = value;
          continue;
        }
      } else value = completeField(run, field, parent, addPath(path, key), prefetched?.get(field));
    } catch (error) {
      pending?.abandon();
      throw error;
    }
    // a pending value still takes the key's place now: the response keeps the document's order
    pending =
      value instanceof InFlight ? putInFlight(run, object, key, value, pending) : put(object, key, value, pending);
  }
  return once(object, pending);
}

/**
 * A scalar field's value read straight from its payload; undefined for anything but a plain
 * value (null, an error, a copy not loaded ahead, a value that does not serialize), which the
 * general path then handles with graphql-js's rules.
 */
function readDirect(direct: DirectRead, parent: unknown): unknown {
  const from = payloadOf(parent, direct);
  // not readable here, no copy, or a failed copy (an Error's own properties are no field values)
  if (from === notRead || from === null || from instanceof Error) return undefined;
  const value = (from as Record<string, unknown>)[direct.property];
  if (value === null || value === undefined || typeof value === 'object') return undefined;
  switch (direct.plain) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'int':
      if (typeof value === 'number' && (value | 0) === value) return value;
      break;
    case 'float':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
  }
  try {
    return direct.serialize(value) ?? undefined;
  } catch {
    return undefined;
  }
}

/** What the direct reads answer when the general path must read the field. */
const notRead: unique symbol = Symbol('not read');

/**
 * The payload a direct read reads from: the parent's own, or the copy its join loaded ahead (an
 * object, null for none, an Error when it failed); `notRead` for an unresolved entity or a copy
 * not loaded ahead.
 */
function payloadOf(parent: unknown, read: PayloadRead): unknown {
  if (parent === null || typeof parent !== 'object' || parent instanceof UnresolvedEntity) return notRead;
  if (!read.join) return parent;
  const copy = (parent as Record<symbol, unknown>)[read.join.copySlot];
  return copy === undefined ? notRead : copy;
}

/** An object or list field's raw value straight from its payload, or `notRead`. */
function readDirectValue(read: PayloadRead, parent: unknown): unknown {
  const from = payloadOf(parent, read);
  if (from === notRead || from === null || from instanceof Error) return from;
  return (from as Record<string, unknown>)[read.property];
}

/** A field: synchronously when its value is in the parent's payload, else once its fetch is in. */
function completeField(
  run: Run,
  field: PlannedField,
  parent: unknown,
  path: Path,
  prefetched?: Promise<unknown>,
): unknown {
  if (field.fetch.kind === 'typename') return field.fetch.typeName;
  if (prefetched || field.feeds || field.hoist) return completeFetchedField(run, field, parent, path, prefetched);
  let raw: unknown;
  try {
    const args = field.staticArgs ?? getArgumentValues(field.definition, field.nodes[0]!, run.variables);
    raw = fetchField(field, parent, args, run.context);
  } catch (error) {
    return fieldFailed(run, field, path, error);
  }
  if (raw instanceof PendingReference) return new InFlight(raw.found, field, path, raw);
  if (isPromise(raw))
    return new InFlight(
      field.joinsBelow ? raw.then((payload) => preloadJoins(field, payload, run.context)) : raw,
      field,
      path,
    );
  return completeSettled(run, field, raw, path);
}

/**
 * A field whose fetch is in flight. The object holding it completes and stores the value in one
 * reaction to the fetch (see putInFlight), rather than through a promise of the completed value.
 */
class InFlight {
  constructor(
    readonly raw: Promise<unknown>,
    readonly field: PlannedField,
    readonly path: Path,
    /** Set when `raw` is a lookup's answer for a reference, still to be settled as one. */
    readonly ref?: PendingReference,
  ) {}
  /** The completed value as a promise, for a holder that awaits it (a mutation's root fields). */
  settled(run: Run): Promise<unknown> {
    const { field, path } = this;
    // a reference settles itself when awaited
    return Promise.resolve(this.ref ?? this.raw).then(
      (value) => awaitable(completeSettled(run, field, value, path)),
      (error: unknown) => fieldFailed(run, field, path, error),
    );
  }
}

/** A field of the object `join` waits on failed: null in its place, or (non-null) the object's failure. */
function fieldFailedIn<T extends object>(
  join: Join<T>,
  key: string,
  run: Run,
  field: PlannedField,
  path: Path,
  error: unknown,
): void {
  join.fail(key, () => fieldFailed(run, field, path, error));
}

/** An in-flight field of `object`: completed and stored when its fetch is in, counted in `pending` until then. */
function putInFlight<T extends object>(
  run: Run,
  object: T,
  key: string,
  inFlight: InFlight,
  pending: Pending<T>,
): Pending<T> {
  const join = awaitPart(object, key, pending);
  const { field, path, ref } = inFlight;
  // unnamed arrows over module functions: tsx names each closure bound to a const as it is made
  // (a defineProperty per field), and these are made for every field that waits on a fetch
  inFlight.raw.then(
    (raw) => completeInFlight(run, join, key, field, path, ref ? ref.settle(raw) : raw),
    (error: unknown) => {
      if (!ref) return fieldFailedIn(join, key, run, field, path, error);
      let stub: unknown;
      try {
        stub = ref.unresolved(error);
      } catch (failed) {
        return fieldFailedIn(join, key, run, field, path, failed);
      }
      completeInFlight(run, join, key, field, path, stub);
    },
  );
  return join;
}

/** An in-flight field's fetch is in: its value completed and stored in `join` (or its failure settled there). */
function completeInFlight<T extends object>(
  run: Run,
  join: Join<T>,
  key: string,
  field: PlannedField,
  path: Path,
  raw: unknown,
): void {
  let completed: unknown;
  try {
    completed = completeValue(run, field, field.type, raw, path);
  } catch (error) {
    fieldFailedIn(join, key, run, field, path, error);
    return;
  }
  if (completed instanceof Join) completed.linkTo(join, key, (error) => fieldFailed(run, field, path, error));
  else join.store(key, completed);
}

/** A field's value completed; its failure, now or later, handled where the field is. */
function completeSettled(run: Run, field: PlannedField, value: unknown, path: Path): unknown {
  let completed: unknown;
  try {
    completed = completeValue(run, field, field.type, value, path);
  } catch (error) {
    return fieldFailed(run, field, path, error);
  }
  // pending: its holder counts it in (put); its failure is settled as this field's
  if (completed instanceof Join) completed.settleFailure((error) => fieldFailed(run, field, path, error));
  return completed;
}

/** null and one located error for a nullable field; a non-null field's error goes on to its parent. */
function fieldFailed(run: Run, field: PlannedField, path: Path, error: unknown): null {
  return handleFieldError(run, located(error, field, path), field.type);
}

async function completeFetchedField(
  run: Run,
  field: PlannedField,
  parent: unknown,
  path: Path,
  prefetched?: Promise<unknown>,
): Promise<unknown> {
  try {
    let raw: unknown;
    let children: Prefetched | undefined;
    if (prefetched) raw = await prefetched;
    else {
      const args = field.staticArgs ?? getArgumentValues(field.definition, field.nodes[0]!, run.variables);
      const hoisted = field.hoist ? startHoisted(run, field.hoist, hoistedKey(run, field, parent, args)) : undefined;
      raw = field.feeds
        ? await feeding(run.context, field.feeds, () => fetchField(field, parent, args, run.context))
        : await fetchField(field, parent, args, run.context);
      if (hoisted && isEntityWithKey(raw, field.hoist!.payloadKey, hoisted.key)) children = hoisted.started;
      if (field.joinsBelow) raw = await preloadJoins(field, raw, run.context);
    }
    return await awaitable(completeValue(run, field, field.type, raw, path, children));
  } catch (error) {
    return handleFieldError(run, located(error, field, path), field.type);
  }
}

/** The key an entity field is fetched by: its own argument, or its `@from` target's. */
function hoistedKey(run: Run, field: PlannedField, parent: unknown, args: Record<string, unknown>): unknown {
  const { fetch } = field;
  if (fetch.kind !== 'from') return args[field.hoist!.keyArg];
  if (fetch.needsIdentity && !run.context.identity) return undefined;
  const target = fetch.args({ args, root: parent, identity: run.context.identity }) as Record<string, unknown>;
  return target[field.hoist!.keyArg];
}

/** Starts the hoisted children's calls with a `{ key }` parent, before the entity itself is in. */
function startHoisted(run: Run, hoist: Hoist, key: unknown): { key: unknown; started: Prefetched } | undefined {
  if (key === null || key === undefined || typeof key === 'object') return undefined;
  const stub = { [hoist.payloadKey]: key };
  const started = new Map<PlannedField, Promise<unknown>>();
  for (const child of hoist.children) {
    if (run.refused && isRefused(child, run.refused)) continue;
    const fetch = async () => {
      const args = child.staticArgs ?? getArgumentValues(child.definition, child.nodes[0]!, run.variables);
      return child.feeds
        ? feeding(run.context, child.feeds, () => fetchField(child, stub, args, run.context))
        : fetchField(child, stub, args, run.context);
    };
    const promise = fetch();
    promise.catch(() => {}); // read when the entity comes back with this key, else dropped
    started.set(child, promise);
  }
  return { key, started };
}

/** Refused fields are left out of the object, as if not selected; the field gate puts their null where GraphQL would. */
function isRefused(field: PlannedField, refused: ReadonlySet<FieldNode>): boolean {
  for (let i = 0; i < field.nodes.length; i++) if (refused.has(field.nodes[i]!)) return true;
  return false;
}

function isEntityWithKey(payload: unknown, payloadKey: string, key: unknown): boolean {
  if (payload === null || typeof payload !== 'object' || payload instanceof Error) return false;
  const value = (payload as Record<string, unknown>)[payloadKey];
  return value !== null && value !== undefined && String(value) === String(key);
}

/** Runs a call that can feed batches of `sources`: they wait for it (see sources/coalesce.ts). */
async function feeding(context: SourceCallContext, sources: readonly string[], fetch: () => unknown): Promise<unknown> {
  holdBatches(context, sources);
  try {
    return await fetch();
  } finally {
    releaseBatches(context, sources);
  }
}

function handleFieldError(run: Run, error: GraphQLError, type: GraphQLOutputType): null {
  if (isNonNullType(type)) throw error;
  run.errors.push(error);
  return null;
}

function completeValue(
  run: Run,
  field: PlannedField,
  type: GraphQLOutputType,
  value: unknown,
  path: Path,
  prefetched?: Prefetched,
): unknown {
  if (value instanceof Error) throw value;
  if (isNonNullType(type)) {
    const completed = completeValue(run, field, type.ofType, value, path, prefetched);
    // a pending completion is an object's or a list's, never null: only a settled value can be
    return completed instanceof Join ? completed : nonNull(field, completed);
  }
  if (value === null || value === undefined) return null;
  if (isListType(type)) {
    if (typeof value !== 'object' || !(Symbol.iterator in value))
      throw new GraphQLError(
        `Expected Iterable, but did not find one for field "${field.parentType.name}.${field.fieldName}".`,
      );
    const items = Array.isArray(value) ? value : [...(value as Iterable<unknown>)];
    const completed: unknown[] = new Array(items.length);
    let pending: Pending<unknown[]>;
    for (let index = 0; index < items.length; index++) {
      const itemPath = addPath(path, index);
      let item: unknown;
      try {
        item = completeValue(run, field, type.ofType, items[index], itemPath);
      } catch (error) {
        try {
          item = handleFieldError(run, located(error, field, itemPath), type.ofType);
        } catch (bubbled) {
          pending?.abandon();
          throw bubbled;
        }
      }
      // a completed item is never a promise: stored now unless it is a pending join
      if (item instanceof Join)
        pending = put(completed, index, item, pending, (error) =>
          handleFieldError(run, located(error, field, itemPath), type.ofType),
        );
      else completed[index] = item;
    }
    return once(completed, pending);
  }
  if (isLeafType(type)) {
    const serialized = type.serialize(value);
    if (serialized === null || serialized === undefined)
      throw new Error(`Expected \`${type.name}.serialize\` to return non-nullable value`);
    return serialized;
  }
  if (!field.selection) throw createGatewayError('INTERNAL_SERVER_ERROR');
  return completeFields(run, field.selection, value, path, prefetched);
}

function nonNull(field: PlannedField, completed: unknown): unknown {
  if (completed === null)
    throw new Error(`Cannot return null for non-nullable field ${field.parentType.name}.${field.fieldName}.`);
  return completed;
}
