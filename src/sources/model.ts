import type { DocumentNode } from 'graphql';

export type Protocol = 'REST' | 'GRPC' | 'GRAPHQL';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `@http(GET: "/products/{args.id}", query: {...}, body: {...}, result: "data")` */
export interface HttpCall {
  kind: 'http';
  method: HttpMethod;
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Where the result sits in the JSON payload, split on dots. */
  result: string[];
}

/** `@grpc(method: "ListOrdersByUser", request: { userId: "{root.id}" }, response: "orders")` */
export interface GrpcCall {
  kind: 'grpc';
  method: string;
  request?: unknown;
  response: string[];
}

/** A GraphQL source's root field: called with the client's sub-selection pushed down (no directive: implied). */
export interface GraphqlCall {
  kind: 'graphql';
  operation: 'query' | 'mutation';
  field: string;
}

export type SourceCall = HttpCall | GrpcCall | GraphqlCall;

/** `@batch(key: "id")`: N lookups in one request become one call carrying the distinct keys. */
export interface BatchSpec {
  /** Field of each result item holding its key (payload name). */
  key: string;
  /** The list argument carrying the keys. */
  arg: string;
  maxSize: number;
}

/** `@cacheControl(maxAge: 60, scope: PUBLIC)`: how long a call's answer may be served again, and to whom. */
export interface CacheHint {
  maxAgeMs: number;
  /** PRIVATE: per caller (the identity headers the call forwards are part of its key). */
  scope: 'PUBLIC' | 'PRIVATE';
}

/** What one field of a source does, as declared by its directives. */
export interface FieldBinding {
  typeName: string;
  fieldName: string;
  line?: number;
  call?: SourceCall;
  batch?: BatchSpec;
  /** `@lookup`: this root field resolves the returned entity by key (type-merging entry point). */
  lookup: boolean;
  /** `@map(from: "price_cents")`: payload property the field reads. */
  mapFrom?: string;
  /** `@ref(key: { id: "{root.productId}" })`: builds an entity reference from the parent. */
  ref?: Record<string, unknown>;
  /** True when the field's type is non-null (a 404 then becomes an error instead of null). */
  nonNull: boolean;
  /** `@cacheControl`: its call's answers (each key's, for a batch) are cached. */
  cache?: CacheHint;
  /** `@invalidates` on a mutation: the entities whose cached answers it purges once it succeeds. */
  invalidates?: Invalidation[];
}

/** `@invalidates(type: "Order", key: { id: "{args.id}" })`: the entity `type` whose key `field` the template gives. */
export interface Invalidation {
  typeName: string;
  field: string;
  template: string;
  line?: number;
}

export interface EntityKey {
  typeName: string;
  /** Key field in the GraphQL type (the first one of a compound federation key). */
  field: string;
  line?: number;
}

/** Active health checks: REST GETs `path`; gRPC asks the standard health service. */
export interface HealthCheck {
  path?: string;
  intervalMs: number;
}

/** A backend as declared in schema/<name>.graphql: validated, interpolated, ready to build. */
export interface SourceDefinition {
  name: string;
  protocol: Protocol;
  /** REST: origin URL; gRPC: host:port. The first instance when `urls` lists several. */
  url: string;
  /** `@source(url: [...])`: every instance of the backend, in declared order; absent for a single one. */
  urls?: string[];
  /** Consecutive failures (connection error, timeout, 5xx) that eject one instance of a multi-instance source. */
  ejectAfterFailures?: number;
  /** `@source(healthCheck:)`: each instance is probed actively, besides the passive ejection. */
  healthCheck?: HealthCheck;
  file: string;
  /** Line of the `@source` directive in `file`: where source-level problems point. */
  sourceLine?: number;
  /** gRPC only: absolute path of the .proto file and the fully qualified service name. */
  protoFile?: string;
  service?: string;
  /** GraphQL only: absolute path of the SDL file named by `@source(sdl:)`. */
  sdlFile?: string;
  /** GraphQL only: `@source(sdl: "service")`, the SDL the running service answers at load. */
  sdlFromService?: boolean;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Extra attempts for idempotent calls on connection errors, 502/503/504 or UNAVAILABLE. */
  retries: number;
  /** REST: upper bound of keep-alive connections to the origin. */
  connections: number;
  /** Largest backend answer read (REST body, gRPC message); a larger one fails the call unread. */
  maxResponseBytes: number;
  /** The SDL with Facet's directives removed: what the subschema is built from. */
  document: DocumentNode;
  bindings: FieldBinding[];
  entities: EntityKey[];
  /** GraphQL sources: what the subgraph's federation directives say (absent for a plain GraphQL service without them). */
  federation?: Federation;
}

/** A federation `@key`: top-level field names of its field set. */
export interface FederationKey {
  fields: string[];
  /** `resolvable: false`: this subgraph references the entity but cannot resolve it by this key. */
  resolvable: boolean;
  line?: number;
}

/** A federation subgraph's directives, read at load. Coordinates are `Type.field`. */
export interface Federation {
  keys: Map<string, FederationKey[]>;
  /** Fields of other subgraphs a field needs in its representation (`@requires`), by coordinate. */
  requires: Map<string, string[]>;
  /** Fields of the returned type this subgraph answers on that path (`@provides`), by coordinate. */
  provides: Map<string, string[]>;
  /** `@shareable` fields (a `@shareable` type marks all of its fields). */
  shareable: Set<string>;
  /** `@override(from:)`: this subgraph takes the field over from another one. */
  overrides: Map<string, { from: string; line?: number }>;
}
