import type { FieldNode, GraphQLField, GraphQLObjectType, GraphQLOutputType } from 'graphql';
import type { CompiledTemplate } from '../sources/template.js';
import type { EntityLookup } from '../sources/subschema/entity-refs.js';
import type { Pushdown } from '../sources/protocol.js';
import type { EntityJoin } from './entity-joins.js';
import type { FieldServe } from './graph-model.js';

/** Where a planned field's value comes from, given its parent's payload. */
export type Fetch =
  | { kind: 'typename'; typeName: string }
  | { kind: 'property'; path: string[]; emptyAsNull: boolean }
  /** A source call; `stubKey` set when the parent payload is another source's: the call's root is `{ [stubKey]: key }`. */
  | { kind: 'call'; serve: FieldServe & { kind: 'call' | 'batch' }; stub?: { from: string; to: string } }
  | {
      kind: 'ref';
      serve: FieldServe & { kind: 'ref' };
      coordinate: string;
      /** The lookup that answers: the ref's own source first, else another's; none leaves `{ key }` stubs. */
      lookup?: EntityLookup;
      own: boolean;
      stubKey: string;
    }
  | {
      kind: 'from';
      serve: FieldServe & { kind: 'call' | 'batch' };
      args: CompiledTemplate;
      needsIdentity: boolean;
    }
  | { kind: 'group'; nested: boolean }
  /** A field another source serves for this entity: read from that source's copy of the entity (`path`). */
  | { kind: 'joined'; join: EntityJoin; path: string[] };

/** One response key of a selection: what to fetch and how to complete it. */
export interface PlannedField {
  responseKey: string;
  fieldName: string;
  parentType: GraphQLObjectType;
  nodes: FieldNode[];
  definition: GraphQLField<unknown, unknown>;
  type: GraphQLOutputType;
  fetch: Fetch;
  /** Coerced arguments when they hold no variables; undefined: coerce per request. */
  staticArgs?: Record<string, unknown>;
  /** Sub-selection for object (and list-of-object) types. */
  selection?: PlannedField[];
  /**
   * Set on a field whose fetch is a single upstream call with batched lookups below it: the
   * sources of those lookups. Their batches wait while this call is in flight, so the keys its
   * answer leads to join the keys of other branches in one batch.
   */
  feeds?: readonly string[];
  /** Children that need only this entity's key, known from the arguments: started with the field itself. */
  hoist?: Hoist;
  /** A GraphQL source's field: how it is asked for in the pushed-down selection (`alias: name(args)`). */
  pushedAs?: string;
  /** A call to a GraphQL source: the sub-selection it is asked for, printed once per plan. */
  pushdown?: Pushdown;
  /** The other sources' copies of this object's entity its sub-selection reads (see `EntityJoin`). */
  joins?: readonly EntityJoin[];
  /**
   * Its payload leads to joins (its own objects', or deeper ones read from the same payload): a
   * fetched one has them loaded, batch by batch, before it is completed (see preload-joins.ts).
   */
  joinsBelow?: true;
  /**
   * A scalar read straight from a payload property (its parent's, or a loaded copy's): the
   * executor's fast path, with no fetch, promise or path; anything unusual (null for a non-null
   * field, an error, a copy not loaded) goes the general way.
   */
  direct?: DirectRead;
  /** An object or list read straight from one payload property (its parent's, or a loaded copy's): completed without a fetch. */
  directValue?: PayloadRead;
}

/** A field read from one property of its parent's payload, or of the copy its join loaded. */
export interface PayloadRead {
  property: string;
  join?: EntityJoin;
}

export interface DirectRead extends PayloadRead {
  /**
   * A built-in scalar's plain values, passed as they are (what its `serialize` returns for them):
   * strings for String and ID, 32-bit integers for Int, finite numbers for Float, booleans;
   * `serialize` for anything else.
   */
  plain: 'string' | 'int' | 'float' | 'boolean' | undefined;
  serialize: (value: unknown) => unknown;
}

/**
 * Known keys hoisted: an entity fetched by its key (`user(id: $id)`, or a `@from` whose target
 * takes the key) whose children are calls that read nothing but that key (`{root.id}` of another
 * source) starts those calls at once, beside its own fetch, as a hand-written aggregator would.
 * Their answers are used only when the entity comes back with that key; otherwise the children
 * are fetched again from the entity that did come back.
 */
export interface Hoist {
  /** The key's argument: of the field's call, or of the `@from` target. */
  keyArg: string;
  /** The key's property in the entity's payload (what the children's `{ key }` stub reads). */
  payloadKey: string;
  children: readonly PlannedField[];
}

export interface Plan {
  rootType: GraphQLObjectType;
  fields: PlannedField[];
  /** A mutation: root fields run one after the other, in document order (graphql-js semantics). */
  serial: boolean;
}

/** A plan, or why the operation runs through delegation (`unsupported`: a short label; `detail`: where). */
export type PlanOutcome = { plan: Plan } | { unsupported: string; detail: string };
