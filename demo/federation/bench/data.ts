// Deterministic data of the federation benchmark (accounts, inventory, products, reviews), shared
// by its four subgraphs and by the non-federated monolith, so that both give the same answers.
//
// Order rules (the subgraphs and the monolith follow them alike):
// - `users`: all users in id order u1..u12; `topProducts(first)`: the first `first` products in
//   order p1..p10 (default 5);
// - a user's and a product's `reviews`: in review order r1..r40.

export interface BenchUser {
  id: string;
  name: string;
  username: string;
}
export interface BenchProduct {
  upc: string;
  name: string;
  price: number;
  weight: number;
  inStock: boolean;
}
export interface BenchReview {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

const USER_NAMES: readonly [string, string][] = [
  ['Ada Lovelace', 'ada'],
  ['Alan Turing', 'alan'],
  ['Grace Hopper', 'grace'],
  ['Edsger Dijkstra', 'edsger'],
  ['Barbara Liskov', 'barbara'],
  ['Donald Knuth', 'donald'],
  ['Frances Allen', 'frances'],
  ['John Backus', 'john'],
  ['Margaret Hamilton', 'margaret'],
  ['Niklaus Wirth', 'niklaus'],
  ['Radia Perlman', 'radia'],
  ['Tony Hoare', 'tony'],
];

export const BENCH_USERS: readonly BenchUser[] = USER_NAMES.map(([name, username], i) => ({
  id: `u${i + 1}`,
  name,
  username,
}));

/** [name, price, weight]: prices above 1000 make shippingEstimate 0; odd weights exercise the rounding. */
const PRODUCT_ROWS: readonly [string, number, number][] = [
  ['Table', 899, 100],
  ['Couch', 1299, 1000],
  ['Chair', 54, 25],
  ['Bed', 2499, 1500],
  ['Lamp', 15, 5],
  ['Desk', 450, 301],
  ['Wardrobe', 1099, 800],
  ['Mirror', 75, 51],
  ['Piano', 3200, 2200],
  ['Bookshelf', 640, 123],
];

export const BENCH_PRODUCTS: readonly BenchProduct[] = PRODUCT_ROWS.map(([name, price, weight], i) => ({
  upc: `p${i + 1}`,
  name,
  price,
  weight,
  inStock: i % 3 !== 2,
}));

const REVIEW_BODIES = [
  'Love it!',
  'Too expensive.',
  'Could be better.',
  'Prefer something else.',
  'Exactly what I needed.',
  'Arrived late, works fine.',
  'Would buy again.',
  'Not worth the money.',
];

/** Reviews per product (p1..p10) and per user (u1..u12): each 2-6, both summing to 40. */
const PER_PRODUCT = [6, 5, 4, 4, 3, 3, 4, 5, 2, 4];
const PER_USER = [5, 4, 3, 2, 3, 4, 3, 2, 4, 3, 4, 3];
const REVIEW_COUNT = 40;

function slots(counts: readonly number[], prefix: string): string[] {
  return counts.flatMap((n, i) => Array.from({ length: n }, () => `${prefix}${i + 1}`));
}

function buildReviews(): BenchReview[] {
  const products = slots(PER_PRODUCT, 'p');
  const authors = slots(PER_USER, 'u');
  if (products.length !== REVIEW_COUNT || authors.length !== REVIEW_COUNT) throw new Error('bench data: 40 reviews');
  // 17 is coprime with 40: a fixed permutation that spreads each user's reviews over the products.
  return products.map((upc, i) => ({
    id: `r${i + 1}`,
    body: `${REVIEW_BODIES[(i * 5) % REVIEW_BODIES.length]} (#${i + 1})`,
    authorId: authors[(i * 17) % REVIEW_COUNT] as string,
    productUpc: upc,
  }));
}

export const BENCH_REVIEWS: readonly BenchReview[] = buildReviews();

const USER_BY_ID = new Map(BENCH_USERS.map((u) => [u.id, u]));
const PRODUCT_BY_UPC = new Map(BENCH_PRODUCTS.map((p) => [p.upc, p]));
const REVIEW_BY_ID = new Map(BENCH_REVIEWS.map((r) => [r.id, r]));
const REVIEWS_BY_AUTHOR = new Map<string, BenchReview[]>();
const REVIEWS_BY_PRODUCT = new Map<string, BenchReview[]>();
for (const r of BENCH_REVIEWS) {
  REVIEWS_BY_AUTHOR.set(r.authorId, [...(REVIEWS_BY_AUTHOR.get(r.authorId) ?? []), r]);
  REVIEWS_BY_PRODUCT.set(r.productUpc, [...(REVIEWS_BY_PRODUCT.get(r.productUpc) ?? []), r]);
}

export const benchUser = (id: string): BenchUser | undefined => USER_BY_ID.get(id);
export const benchProduct = (upc: string): BenchProduct | undefined => PRODUCT_BY_UPC.get(upc);
export const benchReview = (id: string): BenchReview | undefined => REVIEW_BY_ID.get(id);
/** A user's reviews in review order (r1..r40); unknown user → []. */
export const reviewsByAuthor = (userId: string): readonly BenchReview[] => REVIEWS_BY_AUTHOR.get(userId) ?? [];
/** A product's reviews in review order (r1..r40); unknown product → []. */
export const reviewsOfBenchProduct = (upc: string): readonly BenchReview[] => REVIEWS_BY_PRODUCT.get(upc) ?? [];

/** The first `first` products in product order; `first` null/undefined → 5, negative → 0. */
export function topProducts(first: number | null | undefined): readonly BenchProduct[] {
  return BENCH_PRODUCTS.slice(0, Math.max(0, first ?? 5));
}

/** `Query.me`: the first user. */
export const ME_ID = 'u1';

/** Free shipping above a price of 1000, else half the weight (rounded); null when an input is unknown. */
export function shippingEstimate(price: number | null | undefined, weight: number | null | undefined): number | null {
  if (price != null && price > 1000) return 0;
  if (price == null || weight == null) return null;
  return Math.round(weight * 0.5);
}
