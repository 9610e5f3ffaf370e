import { readFileSync } from 'node:fs';
import { Kind, parse, type DocumentNode, type GraphQLError } from 'graphql';
import type { ProblemList } from '../../config/config-error.js';
import { lineOf } from '../parse-field-binding.js';
import { readSubgraph, type Subgraph } from './read-subgraph.js';

/**
 * A GraphQL source's SDL: the file named by `@source(sdl:)` (then the source file holds only its
 * `@source`), or the rest of the source file itself. Problems point into the file the SDL is in.
 */
export function loadSubgraphSdl(
  file: string,
  document: DocumentNode,
  sdlFile: string | undefined,
  problems: ProblemList,
  fromService: () => string | undefined,
): { file: string; subgraph: Subgraph } | undefined {
  let sdl = document;
  let where = file;
  let serviceSdl: string | undefined;
  try {
    serviceSdl = fromService();
  } catch (error) {
    problems.add({
      file,
      line: lineOf(document.definitions[0]),
      path: 'schema @source',
      message: `sdl: "service": the SDL of the running service could not be fetched: ${(error as Error).message}`,
    });
    return undefined;
  }
  if (serviceSdl !== undefined) {
    try {
      sdl = parse(serviceSdl);
    } catch (error) {
      problems.add({
        file,
        path: 'schema @source',
        message: `the service answered SDL that does not parse: ${(error as Error).message}`,
      });
      return undefined;
    }
  } else if (sdlFile) {
    const extra = document.definitions.find(
      (d) => d.kind !== Kind.SCHEMA_EXTENSION || d.operationTypes?.length || (d.directives?.length ?? 0) > 1,
    );
    if (extra)
      problems.add({
        file,
        line: lineOf(extra),
        message: 'this source takes its types from its sdl file: keep only `extend schema @source(…)` here',
      });
    where = sdlFile;
    try {
      sdl = parse(readFileSync(sdlFile, 'utf8'));
    } catch (error) {
      const e = error as GraphQLError;
      problems.add({
        file: sdlFile,
        line: e.locations?.[0]?.line,
        column: e.locations?.[0]?.column,
        message: e.locations ? `malformed SDL: ${e.message}` : `cannot read the SDL: ${e.message}`,
      });
      return undefined;
    }
  }
  const subgraph = readSubgraph(sdl, (node, path, message) =>
    problems.add({ file: where, line: lineOf(node), path, message }),
  );
  return subgraph ? { file: where, subgraph } : undefined;
}
