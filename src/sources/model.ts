import type { DocumentNode } from 'graphql';

export type Protocol = 'REST' | 'GRPC';
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

export type SourceCall = HttpCall | GrpcCall;

/** `@batch(key: "id")`: N lookups in one request become one call carrying the distinct keys. */
export interface BatchSpec {
  /** Field of each result item holding its key (payload name). */
  key: string;
  /** The list argument carrying the keys. */
  arg: string;
  maxSize: number;
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
}

export interface EntityKey {
  typeName: string;
  /** Key field in the GraphQL type (single-field keys). */
  field: string;
  line?: number;
}

/** A backend as declared in schema/<name>.graphql: validated, interpolated, ready to build. */
export interface SourceDefinition {
  name: string;
  protocol: Protocol;
  /** REST: origin URL; gRPC: host:port. */
  url: string;
  file: string;
  /** Line of the `@source` directive in `file`: where source-level problems point. */
  sourceLine?: number;
  /** gRPC only: absolute path of the .proto file and the fully qualified service name. */
  protoFile?: string;
  service?: string;
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
}
