import type { GraphQLSchema } from 'graphql';
import { stitchSchemas } from '@graphql-tools/stitch';
import type { ProblemList } from '../config/config-error.js';
import type { BuiltSource } from '../sources/index.js';
import { checkConflicts } from './check-conflicts.js';

/**
 * Stitches the source subschemas into one graph with type merging. Built once at start-up (and
 * on reload, replaced whole); client schemas are checked against it.
 */
export function stitchGraph(sources: BuiltSource[], problems: ProblemList): GraphQLSchema | undefined {
  const before = problems.items.length;
  checkConflicts(sources, problems);
  if (problems.items.length > before) return undefined;
  return stitchSchemas({ subschemas: sources.map((s) => s.subschema), mergeTypes: true });
}
