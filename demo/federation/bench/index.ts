// The four Federation v2 subgraphs of the federation benchmark (accounts, inventory, products,
// reviews: the shape of the public federation gateway benchmark), over the data of ./data.ts.
import type { GraphQLSchema } from 'graphql';
import { type GraphqlBackend, startGraphqlServer } from '../graphql-server.js';
import { readSdl, type SubgraphResolvers, subgraphSchema } from '../subgraph-schema.js';
import {
  BENCH_USERS,
  type BenchProduct,
  type BenchReview,
  benchProduct,
  benchReview,
  benchUser,
  ME_ID,
  reviewsByAuthor,
  reviewsOfBenchProduct,
  shippingEstimate,
  topProducts,
} from './data.js';

export type BenchSubgraphName = 'accounts' | 'inventory' | 'products' | 'reviews';
export const BENCH_SUBGRAPHS: readonly BenchSubgraphName[] = ['accounts', 'inventory', 'products', 'reviews'];

/** SDL file of a subgraph (demo/federation/bench/sdl/<name>.graphql). */
export const benchSdlUrl = (name: BenchSubgraphName): URL => new URL(`./sdl/${name}.graphql`, import.meta.url);

interface ProductRef {
  upc: string;
  price?: number | null;
  weight?: number | null;
}

const RESOLVERS: Record<BenchSubgraphName, SubgraphResolvers> = {
  accounts: {
    Query: {
      me: () => benchUser(ME_ID) ?? null,
      users: () => BENCH_USERS,
      user: (_: unknown, args: { id: string }) => benchUser(args.id) ?? null,
    },
    User: {
      __resolveReference: (ref: { id: string }) => benchUser(ref.id) ?? null,
    },
  },
  inventory: {
    Product: {
      __resolveReference: (ref: ProductRef) => {
        const p = benchProduct(ref.upc);
        return p ? { upc: p.upc, price: ref.price ?? null, weight: ref.weight ?? null, inStock: p.inStock } : null;
      },
      shippingEstimate: (p: ProductRef) => shippingEstimate(p.price, p.weight),
    },
  },
  products: {
    Query: {
      topProducts: (_: unknown, args: { first?: number | null }) => topProducts(args.first),
    },
    Product: {
      __resolveReference: (ref: ProductRef) => benchProduct(ref.upc) ?? null,
    },
  },
  reviews: {
    Review: {
      __resolveReference: (ref: { id: string }) => benchReview(ref.id) ?? null,
      // @provides(fields: "username"): the author carries its username from here.
      author: (r: BenchReview) => ({ id: r.authorId, username: benchUser(r.authorId)?.username ?? null }),
      product: (r: BenchReview) => ({ upc: r.productUpc }),
    },
    User: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      reviews: (u: { id: string }) => reviewsByAuthor(u.id),
    },
    Product: {
      __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc }),
      reviews: (p: Pick<BenchProduct, 'upc'>) => reviewsOfBenchProduct(p.upc),
    },
  },
};

const schemas = new Map<BenchSubgraphName, GraphQLSchema>();
/** The subgraph schema of `name` (built once). */
export function benchSubgraphSchema(name: BenchSubgraphName): GraphQLSchema {
  let schema = schemas.get(name);
  if (!schema) {
    schema = subgraphSchema(readSdl(benchSdlUrl(name)), RESOLVERS[name]);
    schemas.set(name, schema);
  }
  return schema;
}

export interface BenchSubgraphs {
  accounts: GraphqlBackend;
  inventory: GraphqlBackend;
  products: GraphqlBackend;
  reviews: GraphqlBackend;
  /** ACCOUNTS_URL, INVENTORY_URL, PRODUCTS_URL, REVIEWS_URL ('http://127.0.0.1:PORT/graphql'). */
  env: Record<string, string>;
  resetCounters(): void;
  close(): Promise<void>;
}

/** Starts the four subgraphs on ephemeral ports. */
export async function startBenchSubgraphs(
  options: { host?: string; latencyMs?: number } = {},
): Promise<BenchSubgraphs> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const results = await Promise.allSettled(
    BENCH_SUBGRAPHS.map((name) =>
      startGraphqlServer({ name, schema: benchSubgraphSchema(name), host, port: 0, latencyMs }),
    ),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((b) => b.close()));
    throw failed.reason;
  }
  const [accounts, inventory, products, reviews] = started as [
    GraphqlBackend,
    GraphqlBackend,
    GraphqlBackend,
    GraphqlBackend,
  ];
  return {
    accounts,
    inventory,
    products,
    reviews,
    env: {
      ACCOUNTS_URL: accounts.url,
      INVENTORY_URL: inventory.url,
      PRODUCTS_URL: products.url,
      REVIEWS_URL: reviews.url,
    },
    resetCounters() {
      for (const b of started) b.calls.reset();
    },
    async close() {
      await Promise.all(started.map((b) => b.close()));
    },
  };
}
