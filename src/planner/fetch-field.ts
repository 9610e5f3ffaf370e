import type { GraphQLArgument } from 'graphql';
import { createGatewayError } from '../errors/index.js';
import type { SourceCallContext } from '../sources/index.js';
import type { Pushdown } from '../sources/protocol.js';
import { readPath } from '../sources/template.js';
import type { FieldServe } from './graph-model.js';
import type { EntityLookup } from '../sources/subschema/entity-refs.js';
import type { Fetch, PlannedField } from './plan.js';
import { notLoaded } from './entity-joins.js';

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
  // another source's copy is asked by key: the stub has it, as stitching's merge would use it
  if (parent instanceof UnresolvedEntity && fetch.kind === 'joined') parent = parent.stub;
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
      return callServe(fetch.serve, undefined, target, context, field.pushdown);
    }
    case 'call': {
      const root = fetch.stub ? { [fetch.stub.to]: (parent as Record<string, unknown>)[fetch.stub.from] } : parent;
      return callServe(fetch.serve, root, args, context, field.pushdown);
    }
    case 'joined': {
      const path = fetch.path;
      const copy = fetch.join.copyOf(parent as object);
      if (copy !== notLoaded) {
        if (copy instanceof Error) throw copy;
        return copy === null || copy === undefined ? null : readPath(copy, path);
      }
      return fetch.join
        .load(parent as object, context)
        .then((copy) => (copy === null || copy === undefined ? null : readPath(copy, path)));
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
  pushdown: Pushdown | undefined,
): unknown {
  const args = withDefaults(givenArgs, serve.args);
  if (serve.kind === 'call') return serve.call({ root, args, identity: context.identity }, context, pushdown);
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
 * A reference whose entity is being looked up: the lookup's own promise and the key it was asked
 * for. Awaited, it is the settled reference (`then`). The executor, which waits on every
 * reference of a response, reads `found` and settles it in its own one reaction to the fetch
 * instead (`settle`, `unresolved`): no second reaction per reference.
 */
export class PendingReference implements PromiseLike<unknown> {
  constructor(
    readonly found: Promise<unknown>,
    readonly fetch: RefFetch & { lookup: EntityLookup },
    readonly key: unknown,
  ) {}

  /** The entity the lookup answered, or the reference's not-found answer. */
  settle(payload: unknown): unknown {
    if (payload !== null && payload !== undefined) return payload;
    return notFound(this.fetch, this.fetch.lookup.source, this.key);
  }

  /**
   * The lookup failed: through the ref's own source, the reference fails with it; through another
   * source, the entity stays a `{ key }` stub whose other fields fail with that source's error.
   */
  unresolved(error: unknown): UnresolvedEntity {
    if (this.fetch.own) throw error;
    return new UnresolvedEntity({ [this.fetch.stubKey]: this.key }, error);
  }

  // biome-ignore lint/suspicious/noThenProperty: awaited where the executor does not settle it itself (hoisted and fed fields, lists of references)
  then<A = unknown, B = never>(
    onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.found
      .then(
        (payload) => this.settle(payload),
        (error: unknown) => this.unresolved(error),
      )
      .then(onFulfilled, onRejected);
  }
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

/** One referenced entity: being looked up, or a `{ key }` stub when no source looks it up. */
function referenced(fetch: RefFetch, key: unknown, context: SourceCallContext): unknown {
  const { lookup } = fetch;
  if (!lookup) return { [fetch.stubKey]: key };
  return new PendingReference(lookup.load(key, context), fetch as PendingReference['fetch'], key);
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
