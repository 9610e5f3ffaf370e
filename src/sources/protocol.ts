import type { ProblemList } from '../config/config-error.js';
import type { ErrorCode } from '../errors/index.js';
import type { InstanceStatus } from '../resilience/instance-status.js';
import type { FieldBinding, SourceCall, SourceDefinition } from './model.js';
import type { TemplateScope } from './template.js';

/** Reports a problem of the source file at a line and a coordinate (`Type.field`, `schema @source`). */
export type Report = (line: number | undefined, path: string, message: string) => void;

/**
 * One backend protocol (REST, gRPC, …): everything that differs between protocols, and nothing
 * else. The rest of `sources/` (the runtime: breaker, call budget, loaders, upstream events; the
 * subschema adapter) works on this contract only. A new protocol is one folder exporting such an
 * object, plus one line in `protocols.ts`.
 */
export interface SourceProtocol<Client extends ProtocolClient = ProtocolClient> {
  /** The `@source(protocol:)` value. */
  readonly name: string;
  /** How messages name it (`gRPC`). */
  readonly label: string;
  /** The kind of its parsed calls (`http`). */
  readonly callKind: string;
  /**
   * The field directive declaring a call (`@http`, named as `callKind`); none for a protocol whose
   * calls are implied by the source's own schema (GraphQL: its root fields).
   */
  readonly directive?: ProtocolDirective;
  /** Load time: the problem with `@source(url:)` (after `${VAR}` interpolation), if any. */
  checkUrl(url: string): string | undefined;
  /** Load time: reads and checks the protocol's own `@source` arguments (gRPC: `proto`, `service`). */
  readSourceArguments?(
    args: Record<string, unknown>,
    file: string,
    report: (message: string) => void,
  ): Partial<SourceDefinition>;
  /** Load time: the call directive's arguments as a call; undefined (with problems reported) when unusable. */
  parseCall?(args: Record<string, unknown>, report: (message: string) => void): SourceCall | undefined;
  /** The templates of a call, for the `{args.…}` / `{root.…}` checks. */
  templatesOf(call: SourceCall): unknown[];
  /** Payload property names by type (message) name, known from the protocol's own schema; for the `{root.…}` warnings. */
  payloadFieldsOf?(def: SourceDefinition): Map<string, Set<string>>;
  /**
   * Payloads cannot tell an unset string from an empty one (proto3), so nullable String/ID fields
   * read "" as null, GraphQL's "no value".
   */
  readonly emptyStringIsUnset?: boolean;
  /** Start-up: the transport (undici Pool, gRPC channel). Undefined, with problems added, when it cannot be made. */
  createClient(def: SourceDefinition, problems: ProblemList): Client | undefined;
  /** Start-up: one binding's call, compiled once; undefined (reported) when the binding does not fit the source. */
  compile(binding: FieldBinding & { call: SourceCall }, client: Client, report: Report): CompiledCall | undefined;
  /** Start-up: federation's `_entities` fetch of one entity type (GraphQL sources); its call takes `representations`. */
  compileEntities?(typeName: string, client: Client): CompiledCall;
  /**
   * What a failure the client threw says, when it is this protocol's own (an HTTP status, a gRPC
   * status); undefined for the failures every protocol shares (see `upstream-errors.ts`).
   * A request the gateway could not build or send is a `LocalCallError`, thrown by the client or
   * by `prepare`: it never reaches this, never counts against the breaker.
   */
  classifyFailure(error: unknown): ProtocolFailure | undefined;
}

export interface ProtocolDirective {
  name: string;
  /** Its SDL definition (with a description), printed by `facet directives`. */
  sdl: string;
  arguments: { required: string[]; optional: string[] };
}

/** The transport of one source, built at start-up. */
export interface ProtocolClient {
  /** A source with several instances: each one's status. Absent for one instance (the source's breaker is its status). */
  instances?(): InstanceStatus[];
  close(): Promise<void>;
}

/** A protocol failure read as a coded error. */
export interface ProtocolFailure {
  code: ErrorCode;
  /** Whether it says the backend is unhealthy (counts against the circuit breaker). */
  backendFailure: boolean;
  /** The status the backend answered, for `extensions.upstreamStatus` and the log. */
  upstreamStatus?: number;
}

/**
 * A field's backend call, compiled once. Fields whose requests are identical share one upstream
 * call per GraphQL request (same signature), so the raw answer is shared and each field then
 * reads its own value out of it with `extract` (its own `result` / `response` path).
 */
export interface CompiledCall {
  /**
   * Builds the upstream request from the scope: a signature covering all that shapes the answer,
   * and a sender. `pushdown` is the part of the client's selection below this field: a protocol
   * that can be told what to return (a GraphQL source) sends it and puts it in the signature;
   * REST and gRPC ignore it. Throws an `UnsendableCallError` when the values cannot make a request
   * (nothing is sent, nothing counts against the breaker).
   */
  prepare(scope: TemplateScope, headers: Record<string, string>, pushdown?: Pushdown): PreparedCall;
  /** This field's value out of the raw answer; null when the backend said "not found". */
  extract(answer: unknown): unknown;
}

/**
 * The selection a GraphQL source is asked for below a field, printed once when the plan (or the
 * delegated field) is made: `{ id name _k_id: id }`, or '' for a leaf. `fragments` holds the
 * fragment definitions it spreads (delegation only).
 */
export interface Pushdown {
  readonly selection: string;
  readonly fragments?: string;
}

export interface PreparedCall {
  signature: string;
  /** Sends the request; resolves to the raw answer (null for "not found"). */
  send: () => Promise<unknown>;
  /** REST: method and URL path (without the query string, which may carry personal data), for the log. */
  method?: string;
  path?: string;
  /** For the trace: REST the path template (`/users/{id}`), which carries no values. */
  pathTemplate?: string;
  /** For the trace: gRPC the rpc called. */
  rpc?: string;
}
