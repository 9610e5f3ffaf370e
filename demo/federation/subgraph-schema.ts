// Federation v2 subgraph schemas of the demo and benchmark subgraphs: SDL + resolvers through
// @apollo/subgraph's buildSubgraphSchema (which adds _service, _entities and __resolveReference).
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLFieldResolver, type GraphQLSchema, parse } from 'graphql';

// biome-ignore lint/suspicious/noExplicitAny: resolvers of untyped demo data, as @apollo/subgraph types them
type Resolver = GraphQLFieldResolver<any, unknown, any>;
/** Type name → field name (or __resolveReference) → resolver. */
export type SubgraphResolvers = Record<string, Record<string, Resolver>>;

/** Reads an SDL file next to the calling module: `readSdl(new URL('./x.graphql', import.meta.url))`. */
export const readSdl = (url: URL): string => readFileSync(url, 'utf8');

export function subgraphSchema(sdl: string, resolvers: SubgraphResolvers): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);
}
