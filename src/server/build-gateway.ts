import type { GraphQLSchema } from 'graphql';
import { buildGraphModel, executorOf, executors, usePlanner, type ClientPlanner } from '../planner/index.js';
import { checkInvalidations, MemoryCacheStore, type CacheStore } from '../cache/index.js';
import { loadFacade, type RestFacade } from '../facade/index.js';
import { ProblemList, loadConfigFolder, type ConfigProblem, type GatewayConfig } from '../config/index.js';
import { buildSource, EntityLookups, type BuiltSource } from '../sources/index.js';
import { stitchGraph } from '../stitching/index.js';
import { buildClientSchema, checkClientPaths, checkClientSchema, type ClientDefinition } from '../clients/index.js';

export interface BuiltClient {
  definition: ClientDefinition;
  /** What the client executes and introspects: its projection of the graph. */
  schema: GraphQLSchema;
  /** The versioned REST facade from clients/<name>/rest/, when the client has one. */
  facade?: RestFacade;
  /** The query planner (unless FACET_EXECUTOR=delegation): runs the operations it supports without delegation. */
  planner?: ClientPlanner;
}

/** Everything built from a configuration folder; replaced whole on reload. */
export interface BuiltGateway {
  config: GatewayConfig;
  graph: GraphQLSchema;
  sources: BuiltSource[];
  clients: BuiltClient[];
  /** Doubtful but valid configuration (file:line): printed by `facet check`, logged at start-up and reload. */
  warnings: ConfigProblem[];
  close(): Promise<void>;
}

/**
 * Reads, validates and builds a configuration folder: sources → subschemas → stitched graph →
 * client schemas. Throws ConfigError listing every problem. Shared by start-up, reload and
 * `facet check`, so what check accepts is exactly what starts. `cacheStoreFor`: the process's cache
 * for gateway.yaml's options (kept across reloads); by default a memory one of the build's own.
 */
export function buildGateway(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  cacheStoreFor: (options: GatewayConfig['gateway']['cache']) => CacheStore = () => new MemoryCacheStore(),
): BuiltGateway {
  const problems = new ProblemList();
  const config = loadConfigFolder(dir, env, problems);
  const cacheStore = cacheStoreFor(config.gateway.cache);
  const sources: BuiltSource[] = [];
  const closeAll = () => Promise.allSettled(sources.map((s) => s.close())).then(() => undefined);
  try {
    checkInvalidations(config.sources, problems);
    const entityLookups = new EntityLookups(); // @ref fields resolve entities through any source's lookup
    for (const definition of config.sources) {
      const built = buildSource(definition, problems, entityLookups, cacheStore);
      if (built) sources.push(built);
    }
    // A broken file does not hide the others' problems: the graph is stitched from the sources
    // that loaded and every client is checked against it (see checkClientSchema's graphComplete).
    const graphComplete = config.allSourcesLoaded && sources.length === config.sources.length;
    const graph = stitchPartialGraph(sources, problems, graphComplete);
    checkClientPaths(config.dir, config.clients, problems);
    const clients: BuiltClient[] = [];
    const executor = executorOf(env);
    if (!executor)
      problems.add({
        file: 'FACET_EXECUTOR',
        message: `unknown executor ${JSON.stringify(env['FACET_EXECUTOR'])}; use ${executors.join(' or ')} (default planner)`,
      });
    const graphModel = executor === 'planner' && graph ? buildGraphModel(sources) : undefined;
    for (const definition of graph ? config.clients : []) {
      const clientSdl = checkClientSchema(definition, graph!, problems, graphComplete);
      if (!clientSdl || !graphComplete) continue;
      const schema = buildClientSchema(definition, clientSdl, graph!, sources);
      const facade = loadFacade(definition.name, definition.folder, schema, problems, env);
      const planner = graphModel && usePlanner(graphModel, definition, cacheStore);
      clients.push({ definition, schema, facade, ...(planner ? { planner } : {}) });
    }
    problems.throwIfAny();
    return { config, graph: graph!, sources, clients, warnings: problems.warnings, close: closeAll };
  } catch (error) {
    void closeAll();
    throw error;
  }
}

/** The stitched graph; with sources missing (already reported), a failure to stitch the rest only skips the client checks. */
function stitchPartialGraph(
  sources: BuiltSource[],
  problems: ProblemList,
  graphComplete: boolean,
): GraphQLSchema | undefined {
  if (graphComplete) return stitchGraph(sources, problems);
  if (sources.length === 0) return undefined;
  try {
    return stitchGraph(sources, problems);
  } catch {
    return undefined;
  }
}
