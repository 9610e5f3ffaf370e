import type { GraphQLArgument } from 'graphql';
import { createGatewayError } from '../errors/index.js';
import type { SourceCallContext } from '../sources/index.js';
import { readPath } from '../sources/template.js';
import type { FieldServe } from './graph-model.js';
import type { EntityLookup } from '../sources/subschema/entity-refs.js';
import type { Fetch, PlannedField } from './plan.js';

/**
 * An entity another source could not look up: stitching keeps the `{ key }` reference, so its key
 * still reads, and every other field fails with that source's coded error.
 */
export class UnresolvedEntity {
  constructor(
    readonly stub: Record<string, unknown>,
    readonly error: unknown,
  ) {}
}

/** A field's raw value (a payload, a list of payloads, a scalar) for its parent payload, as delegation would give it. */
export function fetchField(
  field: PlannedField,
  parent: unknown,
  args: Record<string, unknown>,
  context: SourceCallContext,
): unknown {
  const fetch = field.fetch;
  if (parent instanceof UnresolvedEntity) {
    if (fetch.kind === 'property' && fetch.path.length === 1 && fetch.path[0]! in parent.stub)
      return parent.stub[fetch.path[0]!];
    throw parent.error;
  }
  switch (fetch.kind) {
    case 'typename':
      return fetch.typeName;
    case 'property': {
      const value = readPath(parent, fetch.path);
      return fetch.emptyAsNull && value === '' ? null : value;
    }
    case 'group':
      return fetch.nested ? { ...(parent as Record<string, unknown>), ...args } : { ...args };
    case 'from': {
      // a field about "the current user" has no answer for an anonymous caller
      if (fetch.needsIdentity && !context.identity)
        throw createGatewayError('UNAUTHENTICATED', { message: 'This field needs a signed-in user' });
      const target = fetch.args({ args, root: parent, identity: context.identity }) as Record<string, unknown>;
      return callServe(fetch.serve, undefined, target, context);
    }
    case 'call': {
      const root = fetch.stub ? { [fetch.stub.to]: (parent as Record<string, unknown>)[fetch.stub.from] } : parent;
      return callServe(fetch.serve, root, args, context);
    }
    case 'ref':
      return resolveRef(fetch, parent, args, context);
  }
}

/** The source's own defaults for arguments the caller left out, as the subschema would apply them. */
function withDefaults(args: Record<string, unknown>, declared: readonly GraphQLArgument[]): Record<string, unknown> {
  let full = args;
  for (let i = 0; i < declared.length; i++) {
    const arg = declared[i]!;
    if (full[arg.name] === undefined && arg.defaultValue !== undefined) {
      if (full === args) full = { ...args };
      full[arg.name] = arg.defaultValue;
    }
  }
  return full;
}

function callServe(
  serve: FieldServe & { kind: 'call' | 'batch' },
  root: unknown,
  givenArgs: Record<string, unknown>,
  context: SourceCallContext,
): unknown {
  const args = withDefaults(givenArgs, serve.args);
  if (serve.kind === 'call') return serve.call({ root, args, identity: context.identity }, context);
  const keys = args[serve.keyArg];
  if (!Array.isArray(keys) || keys.length === 0) return [];
  const rest = { ...args };
  delete rest[serve.keyArg];
  return serve
    .batch(context, rest)
    .loadMany(keys)
    .then((results) => {
      const failed = results.find((r) => r instanceof Error);
      if (failed) throw failed;
      return results;
    });
}

export type RefFetch = Extract<Fetch, { kind: 'ref' }>;

/**
 * A single reference whose entity is looked up: the lookup's own promise, with the key it was
 * asked for. The executor settles the answer itself (`settleReferenced`, `unresolvedReference`)
 * in its one reaction to the fetch, instead of a reaction here and another there per reference.
 */
export class PendingReference {
  constructor(
    readonly found: Promise<unknown>,
    readonly fetch: RefFetch & { lookup: EntityLookup },
    readonly key: unknown,
  ) {}
}

/**
 * fetchField for the executor's hot path: a single reference looked up through a loader is
 * returned as a PendingReference (settled by the executor); anything else as fetchField returns it.
 */
export function startField(
  field: PlannedField,
  parent: unknown,
  args: Record<string, unknown>,
  context: SourceCallContext,
): unknown {
  const fetch = field.fetch;
  if (fetch.kind !== 'ref' || fetch.serve.list || !fetch.lookup || parent instanceof UnresolvedEntity)
    return fetchField(field, parent, args, context);
  const key = fetch.serve.keyOf({ root: parent, args, identity: context.identity });
  if (key === null || key === undefined) return resolveRef(fetch, parent, args, context);
  return new PendingReference(fetch.lookup.load(key, context), fetch as PendingReference['fetch'], key);
}

/** The entity a lookup answered, or the reference's not-found answer. */
export function settleReferenced(pending: PendingReference, payload: unknown): unknown {
  if (payload !== null && payload !== undefined) return payload;
  return notFound(pending.fetch, pending.fetch.lookup.source, pending.key);
}

/**
 * A lookup that failed: through the ref's own source, the reference fails with it; through another
 * source, the entity stays a `{ key }` stub whose other fields fail with that source's error.
 */
export function unresolvedReference(pending: PendingReference, error: unknown): UnresolvedEntity {
  if (pending.fetch.own) throw error;
  return new UnresolvedEntity({ [pending.fetch.stubKey]: pending.key }, error);
}

/**
 * `@ref`: the entity through its lookup, exactly as the stitched reference resolves it. Runs for
 * every reference in a response, so no closure is made per call.
 */
function resolveRef(
  fetch: RefFetch,
  parent: unknown,
  args: Record<string, unknown>,
  context: SourceCallContext,
): unknown {
  const { serve } = fetch;
  const key = serve.keyOf({ root: parent, args, identity: context.identity });
  if (key === null || key === undefined) {
    if (serve.list) return [];
    return serve.itemNonNull
      ? createGatewayError('RESOURCE_NOT_FOUND', {
          message: `${fetch.coordinate} has no ${serve.target} key`,
          source: serve.source,
        })
      : null;
  }
  if (!serve.list) return referenced(fetch, key, context);
  const keys = Array.isArray(key) ? key : [key];
  const entities = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) entities[i] = referenced(fetch, keys[i], context);
  return Promise.all(entities);
}

/** One referenced entity: its payload, or the reference's not-found answer, or an entity its source could not look up. */
function referenced(fetch: RefFetch, key: unknown, context: SourceCallContext): unknown {
  const { lookup } = fetch;
  if (!lookup) return { [fetch.stubKey]: key };
  const found = lookup.load(key, context);
  if (fetch.own) return found.then((payload) => payload ?? notFound(fetch, lookup.source, key));
  return found.then(
    (payload) => (payload === null || payload === undefined ? notFound(fetch, lookup.source, key) : payload),
    (error: unknown) => new UnresolvedEntity({ [fetch.stubKey]: key }, error),
  );
}

function notFound(fetch: RefFetch, source: string, key: unknown): unknown {
  return fetch.serve.itemNonNull
    ? createGatewayError('RESOURCE_NOT_FOUND', {
        message: `${fetch.serve.target} ${JSON.stringify(key)} (${fetch.coordinate}) does not exist`,
        source,
        extensions: { key },
      })
    : null;
}
