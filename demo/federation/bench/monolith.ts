// The federation benchmark's reference answer: one plain (non-federated) GraphQL server over the
// combined schema and the same data and order rules as the four subgraphs (./data.ts). A gateway
// over the subgraphs must answer exactly (byte for byte) what this server answers.
import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { startGraphqlServer } from '../graphql-server.js';
import {
  BENCH_USERS,
  type BenchProduct,
  type BenchReview,
  type BenchUser,
  benchProduct,
  benchUser,
  ME_ID,
  reviewsByAuthor,
  reviewsOfBenchProduct,
  shippingEstimate,
  topProducts,
} from './data.js';

/** The plain schema over the same data: the benchmark's client schema, which the gateway serves too. */
const MONOLITH_SDL = readFileSync(new URL('./config/clients/bench/schema.graphql', import.meta.url), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: resolvers of untyped demo data
type Resolver = GraphQLFieldResolver<any, unknown, any>;

const RESOLVERS: Record<string, Record<string, Resolver>> = {
  Query: {
    me: () => benchUser(ME_ID) ?? null,
    users: () => BENCH_USERS,
    user: (_: unknown, args: { id: string }) => benchUser(args.id) ?? null,
    topProducts: (_: unknown, args: { first?: number | null }) => topProducts(args.first),
  },
  User: {
    reviews: (u: BenchUser) => reviewsByAuthor(u.id),
  },
  Product: {
    shippingEstimate: (p: BenchProduct) => shippingEstimate(p.price, p.weight),
    reviews: (p: BenchProduct) => reviewsOfBenchProduct(p.upc),
  },
  Review: {
    author: (r: BenchReview) => benchUser(r.authorId) ?? null,
    product: (r: BenchReview) => benchProduct(r.productUpc) ?? null,
  },
};

let schema: GraphQLSchema | undefined;
/** The monolith's executable schema (built once). */
export function monolithSchema(): GraphQLSchema {
  if (schema) return schema;
  const built = buildSchema(MONOLITH_SDL);
  for (const [typeName, fields] of Object.entries(RESOLVERS)) {
    const type = built.getType(typeName);
    if (!isObjectType(type)) throw new Error(`monolith: no object type ${typeName}`);
    const defs = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defs[fieldName];
      if (!field) throw new Error(`monolith: no field ${typeName}.${fieldName}`);
      field.resolve = resolve;
    }
  }
  schema = built;
  return schema;
}

export interface Monolith {
  /** 'http://127.0.0.1:PORT/graphql'. */
  url: string;
  close(): Promise<void>;
}

export async function startMonolith(options: { host?: string; port?: number } = {}): Promise<Monolith> {
  const backend = await startGraphqlServer({
    name: 'monolith',
    schema: monolithSchema(),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    latencyMs: 0,
  });
  return { url: backend.url, close: () => backend.close() };
}
