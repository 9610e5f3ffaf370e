import type { SubschemaConfig } from '@graphql-tools/delegate';
import type { CacheStore } from '../cache/cache-store.js';
import type { ProblemList } from '../config/config-error.js';
import type { CircuitBreaker } from '../resilience/index.js';
import { checkRootTemplates } from './check-root-templates.js';
import type { SourceDefinition } from './model.js';
import type { Report } from './protocol.js';
import { protocolOf } from './protocols.js';
import { createSourceRuntime, type SourceRuntime } from './runtime/source-runtime.js';
import { buildSubschema } from './subschema/build-subschema.js';
import { EntityLookups } from './subschema/entity-refs.js';
import { buildSourceSchema } from './subschema/source-schema.js';
import { buildSubgraphSchema } from './graphql/subgraph-schema.js';
import { buildSubgraphSubschema } from './graphql/subgraph-subschema.js';

export { stubLookupPrefix } from './subschema/source-schema.js';

export interface BuiltSource {
  name: string;
  definition: SourceDefinition;
  /** Calls the source by field, without GraphQL execution (what a query planner uses). */
  runtime: SourceRuntime;
  /** The executable subschema stitching merges: resolvers on top of `runtime`. */
  subschema: SubschemaConfig;
  /** The source's circuit breaker (`runtime.breaker`). */
  breaker: CircuitBreaker;
  close(): Promise<void>;
}

/**
 * Turns a source definition into its runtime (the protocol's client and compiled calls, the
 * circuit breaker, per-request loaders) and an executable subschema on top of it for stitching.
 * Runs once at start-up (and on reload). Every problem goes to `problems`; undefined when any.
 * `cacheStore`: where `@cacheControl` answers live and mutations purge (none: nothing cached).
 */
export function buildSource(
  def: SourceDefinition,
  problems: ProblemList,
  entityLookups = new EntityLookups(),
  cacheStore?: CacheStore,
): BuiltSource | undefined {
  const before = problems.items.length;
  const at: Report = (line, path, message) => problems.add({ file: def.file, line, path, message });

  // a GraphQL source's schema is its SDL; other sources' declare their calls field by field
  const subgraphSchema = def.protocol === 'GRAPHQL' ? buildSubgraphSchema(def, at) : undefined;
  const sourceSchema = subgraphSchema ? undefined : buildSourceSchema(def, at);
  if (!subgraphSchema && !sourceSchema) return undefined;
  // parse-source accepted the protocol, so it is registered
  const protocol = protocolOf(def.protocol)!;
  const client = protocol.createClient(def, problems);
  if (!client) return undefined;
  const runtime = createSourceRuntime(def, protocol, client, at, cacheStore);
  const parts = subgraphSchema
    ? buildSubgraphSubschema(runtime, subgraphSchema)
    : buildSubschema(runtime, sourceSchema!, entityLookups, at);
  if (sourceSchema)
    checkRootTemplates(
      def,
      sourceSchema.schema,
      (line, path, message) => problems.warn({ file: def.file, line, path, message }),
      protocol.payloadFieldsOf?.(def),
    );
  if (problems.items.length > before) {
    void runtime.close();
    return undefined;
  }
  for (const [typeName, lookup] of parts.ownLookups) entityLookups.add(typeName, lookup);
  return {
    name: def.name,
    definition: def,
    runtime,
    subschema: parts.toSubschema(),
    breaker: runtime.breaker,
    close: () => runtime.close(),
  };
}
