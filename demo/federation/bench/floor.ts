// The federation benchmark's "floor": a hand-written aggregator that answers BENCH_QUERY (whatever
// the request body says) with the minimum number of subgraph requests, no GraphQL library on the
// hot path: fixed query texts with `variables: { representations }`, answers stitched by hand.
// Its answer equals the monolith's byte for byte.
//
// Requests per query: 8, the minimum under "one request per (subgraph, entity type) per wave, both
// branches merged" (counted on the subgraphs' call counters; representations, deduplicated within
// each request, in brackets). Every request is sent as soon as its inputs are known:
//   1. accounts   users                     { id username name }                          } in parallel
//      products   topProducts               upc name price weight                         }
//   2. reviews    _entities:User [12]       reviews { id body product { upc reviews { id body
//                                             author { id username reviews { id body product { upc } } } } } }
//                                           (as soon as users answered)
//      reviews    _entities:Product [5]     reviews { id body author { id username reviews { id body product { upc } } } }
//                                           (as soon as topProducts answered)
//      inventory  _entities:Product [5]     inStock shippingEstimate   (top products: upc price weight
//                                           from topProducts, as soon as topProducts answered)
//   3. products   _entities:Product [10]    name price weight   } in parallel, after both reviews requests:
//      accounts   _entities:User [12]       name                } every product upc / review author reached
//                                           through reviews in both branches, deduplicated (username: @provides)
//   4. inventory  _entities:Product [10]    inStock shippingEstimate   (the products of 3: upc price weight)
//   per subgraph: accounts 2, inventory 2, products 2, reviews 2. Data is shared across branches and
//   paths within a request (one representation per entity), but not across requests: the top products
//   reached again through reviews are fetched again in 3 and 4, review authors again in 3.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { displayHost } from '../../rest/http-server.js';

const entities = (selection: string): string =>
  `query($representations:[_Any!]!){_entities(representations:$representations){${selection}}}`;

const QUERIES = {
  users: '{users{id username name}}',
  topProducts: '{topProducts{upc name price weight}}',
  userReviews: entities(
    '...on User{reviews{id body product{upc reviews{id body author{id username reviews{id body product{upc}}}}}}}',
  ),
  productReviews: entities('...on Product{reviews{id body author{id username reviews{id body product{upc}}}}}'),
  productInfo: entities('...on Product{name price weight}'),
  inventory: entities('...on Product{inStock shippingEstimate}'),
  userName: entities('...on User{name}'),
};

// ---------------------------------------------------------------- subgraph answers

interface ProductInfo {
  name: string | null;
  price: number | null;
  weight: number | null;
}
interface Stock {
  inStock: boolean | null;
  shippingEstimate: number | null;
}
interface UpcRef {
  upc: string;
}
/** author { id username reviews { id body product { upc } } } */
interface AuthorWire {
  id: string;
  username: string | null;
  reviews: ({ id: string; body: string | null; product: UpcRef | null } | null)[] | null;
}
interface ReviewWithAuthor {
  id: string;
  body: string | null;
  author: AuthorWire | null;
}
interface UserReviewWire {
  id: string;
  body: string | null;
  product: (UpcRef & { reviews: (ReviewWithAuthor | null)[] | null }) | null;
}
type List<T> = (T | null)[] | null;

// ---------------------------------------------------------------- subgraph client

class SubgraphError extends Error {}

class Subgraph {
  readonly #pool: Pool;
  readonly #path: string;

  constructor(
    readonly name: string,
    url: string,
  ) {
    const parsed = new URL(url);
    this.#pool = new Pool(parsed.origin, { connections: 32 });
    this.#path = parsed.pathname + parsed.search;
  }

  async query<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await this.#pool.request({
      path: this.#path,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(variables ? { query, variables } : { query }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new SubgraphError(`${this.name}: HTTP ${res.statusCode}`);
    let json: { data?: T; errors?: { message: string }[] };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new SubgraphError(`${this.name}: answer is not JSON`);
    }
    if (json.errors?.length) throw new SubgraphError(`${this.name}: ${json.errors[0]?.message}`);
    if (json.data == null) throw new SubgraphError(`${this.name}: no data`);
    return json.data;
  }

  /** `_entities` of the representations; the answer's entries in their order. */
  async entities<T>(query: string, representations: readonly object[]): Promise<(T | null)[]> {
    if (representations.length === 0) return [];
    const data = await this.query<{ _entities: (T | null)[] }>(query, { representations });
    return data._entities;
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}

// ---------------------------------------------------------------- the plan

interface Subgraphs {
  accounts: Subgraph;
  inventory: Subgraph;
  products: Subgraph;
  reviews: Subgraph;
}

/** Product fields of the `Product` fragment, in its order. */
type ProductOut = {
  inStock: boolean | null;
  name: string | null;
  price: number | null;
  shippingEstimate: number | null;
  upc: string;
  weight: number | null;
};

/** Names (accounts) of the given user ids: one request, one representation per id. */
async function userNames(s: Subgraphs, ids: Iterable<string>): Promise<Map<string, string | null>> {
  const unique = [...new Set(ids)];
  const answers = await s.accounts.entities<{ name: string | null }>(
    QUERIES.userName,
    unique.map((id) => ({ __typename: 'User', id })),
  );
  return new Map(unique.map((id, i) => [id, answers[i]?.name ?? null]));
}

/** Stock (inventory) of products whose price and weight are known: one request, one representation per upc. */
async function stock(s: Subgraphs, infos: Map<string, ProductInfo | null>): Promise<Map<string, Stock | null>> {
  const reps: { __typename: 'Product'; upc: string; price: number | null; weight: number | null }[] = [];
  for (const [upc, info] of infos) {
    if (info) reps.push({ __typename: 'Product', upc, price: info.price, weight: info.weight });
  }
  const answers = await s.inventory.entities<Stock>(QUERIES.inventory, reps);
  return new Map(reps.map((r, i) => [r.upc, answers[i] ?? null]));
}

/** Full `Product` fragment data of products by upc: one products request, then one inventory request. */
async function productData(s: Subgraphs, upcs: Iterable<string>): Promise<Map<string, ProductOut>> {
  const unique = [...new Set(upcs)];
  const answers = await s.products.entities<ProductInfo>(
    QUERIES.productInfo,
    unique.map((upc) => ({ __typename: 'Product', upc })),
  );
  const infos = new Map(unique.map((upc, i) => [upc, answers[i] ?? null]));
  return combine(infos, await stock(s, infos));
}

function combine(infos: Map<string, ProductInfo | null>, stocks: Map<string, Stock | null>): Map<string, ProductOut> {
  const out = new Map<string, ProductOut>();
  for (const [upc, info] of infos) {
    const st = stocks.get(upc) ?? null;
    out.set(upc, {
      inStock: st?.inStock ?? null,
      name: info?.name ?? null,
      price: info?.price ?? null,
      shippingEstimate: st?.shippingEstimate ?? null,
      upc,
      weight: info?.weight ?? null,
    });
  }
  return out;
}

const product = (ref: UpcRef | null, data: Map<string, ProductOut>): ProductOut | null =>
  ref ? (data.get(ref.upc) ?? null) : null;

/** `author { ...User reviews { ...Review product { ...Product } } }` */
function author(a: AuthorWire | null, names: Map<string, string | null>, products: Map<string, ProductOut>) {
  if (!a) return null;
  return {
    id: a.id,
    username: a.username,
    name: names.get(a.id) ?? null,
    reviews:
      a.reviews?.map((r) => (r ? { id: r.id, body: r.body, product: product(r.product, products) } : null)) ?? null,
  };
}

function reviewsWithAuthor(
  list: List<ReviewWithAuthor>,
  names: Map<string, string | null>,
  products: Map<string, ProductOut>,
) {
  return list?.map((r) => (r ? { id: r.id, body: r.body, author: author(r.author, names, products) } : null)) ?? null;
}

/** Author ids and deepest product upcs of `reviews { author { id reviews { product { upc } } } }`. */
function collectAuthors(list: List<ReviewWithAuthor>, authorIds: string[], upcs: string[]): void {
  for (const r of list ?? []) {
    if (!r?.author) continue;
    authorIds.push(r.author.id);
    for (const ar of r.author.reviews ?? []) if (ar?.product) upcs.push(ar.product.upc);
  }
}

interface UserWire {
  id: string;
  username: string | null;
  name: string | null;
}

async function answer(s: Subgraphs): Promise<string> {
  // Wave 1: both roots.
  const usersP = s.accounts.query<{ users: List<UserWire> }>(QUERIES.users).then((d) => d.users);
  const topInfosP = s.products
    .query<{ topProducts: List<ProductInfo & UpcRef> }>(QUERIES.topProducts)
    .then(({ topProducts }) => {
      const infos = new Map<string, ProductInfo | null>();
      for (const p of topProducts ?? []) if (p) infos.set(p.upc, p);
      return { topProducts, infos };
    });

  // Reviews: one request per entity type, each as soon as its root answered.
  const userReviewsP = usersP.then(async (users) => {
    const ids = [...new Set((users ?? []).flatMap((u) => (u ? [u.id] : [])))];
    const answers = await s.reviews.entities<{ reviews: List<UserReviewWire> }>(
      QUERIES.userReviews,
      ids.map((id) => ({ __typename: 'User', id })),
    );
    return new Map(ids.map((id, i) => [id, answers[i]?.reviews ?? null]));
  });
  const productReviewsP = topInfosP.then(async ({ infos }) => {
    const upcs = [...infos.keys()];
    const answers = await s.reviews.entities<{ reviews: List<ReviewWithAuthor> }>(
      QUERIES.productReviews,
      upcs.map((upc) => ({ __typename: 'Product', upc })),
    );
    return new Map(upcs.map((upc, i) => [upc, answers[i]?.reviews ?? null]));
  });
  // Inventory #1: the top products (upc price weight known from topProducts).
  const topStockP = topInfosP.then(({ infos }) => stock(s, infos));

  // After both reviews requests: products #2 and accounts #2 over both branches, then inventory #2.
  const nestedP = Promise.all([userReviewsP, productReviewsP]).then(async ([ofUser, ofProduct]) => {
    const upcs: string[] = [];
    const authorIds: string[] = [];
    for (const list of ofUser.values()) {
      for (const r of list ?? []) {
        if (!r?.product) continue;
        upcs.push(r.product.upc);
        collectAuthors(r.product.reviews, authorIds, upcs);
      }
    }
    for (const list of ofProduct.values()) collectAuthors(list, authorIds, upcs);
    const [products, names] = await Promise.all([productData(s, upcs), userNames(s, authorIds)]);
    return { products, names };
  });

  // Every promise is awaited here at once, so none of their rejections goes unhandled.
  const [users, { topProducts, infos }, topStock, reviewsOfUser, reviewsOfProduct, { products, names }] =
    await Promise.all([usersP, topInfosP, topStockP, userReviewsP, productReviewsP, nestedP]);
  const top = combine(infos, topStock);

  const usersOut =
    users?.map((u) => {
      if (!u) return null;
      const reviews = reviewsOfUser.get(u.id) ?? null;
      return {
        id: u.id,
        username: u.username,
        name: u.name,
        reviews:
          reviews?.map((r) => {
            if (!r) return null;
            const p = r.product ? product(r.product, products) : null;
            return {
              id: r.id,
              body: r.body,
              product: p && r.product ? { ...p, reviews: reviewsWithAuthor(r.product.reviews, names, products) } : null,
            };
          }) ?? null,
      };
    }) ?? null;
  const topOut =
    topProducts?.map((p) => {
      if (!p) return null;
      return {
        ...(top.get(p.upc) as ProductOut),
        reviews: reviewsWithAuthor(reviewsOfProduct.get(p.upc) ?? null, names, products),
      };
    }) ?? null;
  return JSON.stringify({ data: { users: usersOut, topProducts: topOut } });
}

// ---------------------------------------------------------------- server

export interface Floor {
  /** 'http://127.0.0.1:PORT/graphql'. */
  url: string;
  close(): Promise<void>;
}

/** `env`: ACCOUNTS_URL, INVENTORY_URL, PRODUCTS_URL, REVIEWS_URL (as startBenchSubgraphs gives them). */
export async function startFloor(
  env: Record<string, string | undefined>,
  options: { host?: string; port?: number } = {},
): Promise<Floor> {
  const urlOf = (key: string): string => {
    const url = env[key];
    if (!url) throw new Error(`floor: ${key} is not set`);
    return url;
  };
  const subgraphs: Subgraphs = {
    accounts: new Subgraph('accounts', urlOf('ACCOUNTS_URL')),
    inventory: new Subgraph('inventory', urlOf('INVENTORY_URL')),
    products: new Subgraph('products', urlOf('PRODUCTS_URL')),
    reviews: new Subgraph('reviews', urlOf('REVIEWS_URL')),
  };
  const all = Object.values(subgraphs);

  const send = (res: http.ServerResponse, status: number, body: string): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    req.resume(); // the body is ignored: the answer is always BENCH_QUERY's
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/graphql') {
      send(res, 404, '{"errors":[{"message":"POST /graphql"}]}');
      return;
    }
    answer(subgraphs).then(
      (body) => send(res, 200, body),
      (err: unknown) => {
        const message = err instanceof SubgraphError ? err.message : 'internal error';
        if (!(err instanceof SubgraphError)) console.error('[floor]', err);
        send(res, 502, JSON.stringify({ errors: [{ message }] }));
      },
    );
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.all(all.map((sg) => sg.close()));
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost(host)}:${port}/graphql`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await Promise.all(all.map((sg) => sg.close()));
      })();
      return closing;
    },
  };
}
