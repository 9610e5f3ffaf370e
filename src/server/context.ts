import type { Logger } from 'pino';
import type { SourceCallContext } from '../sources/index.js';
import type { Identity } from '../auth/index.js';
import type { CachePolicy } from '../planner/cache-policy.js';
import type { FieldRefusals } from '../directives/field-gate/index.js';

/** The per-request context every resolver and plugin sees; built by the server before yoga runs. */
export interface GatewayContext extends SourceCallContext {
  client: string;
  identity: Identity | null;
  log: Logger;
  /** The peer address (no proxy headers are trusted). */
  ip: string;
  /** Fields refused for this request, set by the field gate before execution when the planner runs it. */
  fieldRefusals?: FieldRefusals;
  /**
   * What the executor found out about caching the answer, for the HTTP layer (Cache-Control, Age).
   * An object of its own, so that it is shared by the copies of the context yoga may make.
   */
  caching?: ResponseCaching;
}

export interface ResponseCaching {
  /** The cache policy of the planned operation; absent: not cacheable. */
  policy?: CachePolicy;
  /** Set when the response came from the response cache: how long ago it was stored. */
  ageMs?: number;
}
