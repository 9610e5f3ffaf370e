// Deterministic data of the demo shop. Pure: everything is generated once at
// module load from fixed seeds, so tests can compute expected values from it.
//
// Fixture relied on by tests: user u1 has exactly 10 orders of 3 items each
// (30 items) over exactly 12 distinct products, and u1's top-10
// recommendations contain exactly 3 of those 12 products.

export type Tier = 'basic' | 'gold' | 'platinum';
export type OrderStatus = 'PLACED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface User {
  id: string;
  name: string;
  email: string;
  tier: Tier;
  created_at: string;
}
export interface PaymentMethod {
  id: string;
  brand: string;
  last4: string;
  expires: string;
}
export interface Product {
  id: string;
  name: string;
  description: string;
  price_cents: number;
  currency: 'EUR';
  category: string;
  tags: string[];
}
export interface Review {
  id: string;
  rating: number;
  title: string;
  body: string;
  author_id: string;
  created_at: string;
}
export interface Stock {
  product_id: string;
  available: number;
  reserved: number;
  warehouse: string;
}
export interface OrderItem {
  product_id: string;
  quantity: number;
  unit_price_cents: number;
}
export interface Order {
  id: string;
  user_id: string;
  status: OrderStatus;
  created_at: string;
  total_cents: number;
  currency: string;
  items: OrderItem[];
}
export interface Recommendation {
  product_id: string;
  score: number;
  reason: string;
}

export const USER_COUNT = 100;
export const PRODUCT_COUNT = 200;
export const FIXTURE_USER_ID = 'u1';
export const RECOMMENDATION_MAX = 50;

// ---------------------------------------------------------------- PRNG

/** FNV-1a of a text: a PRNG seed from a string. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32, seeded from a string. */
function rng(seed: string): () => number {
  return mulberry32(hashSeed(seed));
}

/** mulberry32: a 32-bit seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, min: number, max: number): number => min + Math.floor(r() * (max - min + 1));
function pick<T>(r: Rand, list: readonly T[]): T {
  const v = list[Math.floor(r() * list.length)];
  if (v === undefined) throw new Error('pick from empty list');
  return v;
}
function shuffled<T>(r: Rand, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const num = (id: string): number => Number(id.slice(1));

// ---------------------------------------------------------------- users

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Luca',
  'Mona',
  'Nils',
  'Olga',
  'Pablo',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
];
const LAST = [
  'Novak',
  'Schmidt',
  'Rossi',
  'Dubois',
  'Jansen',
  'Kowalski',
  'Silva',
  'Berg',
  'Moreau',
  'Fischer',
  'Lind',
  'Costa',
];
const TIERS: readonly Tier[] = ['basic', 'basic', 'basic', 'gold', 'gold', 'platinum'];

export const USERS: readonly User[] = Array.from({ length: USER_COUNT }, (_, i) => {
  const id = `u${i + 1}`;
  const r = rng(`user:${id}`);
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const created = Date.UTC(2024, 0, 1) + int(r, 0, 700) * 86_400_000 + int(r, 0, 86_399) * 1000;
  return {
    id,
    name: `${first} ${last}`,
    email: `${first}.${last}.${i + 1}@example.com`.toLowerCase(),
    tier: i === 0 ? 'gold' : pick(r, TIERS),
    created_at: iso(created),
  };
});

const BRANDS = ['visa', 'mastercard', 'amex', 'paypal', 'sepa'];
const PAYMENT_METHODS = new Map<string, PaymentMethod[]>(
  USERS.map((u) => {
    const r = rng(`pay:${u.id}`);
    const list = Array.from({ length: int(r, 1, 3) }, (_, k) => ({
      id: `pm_${u.id}_${k + 1}`,
      brand: pick(r, BRANDS),
      last4: pad(int(r, 0, 9999), 4),
      expires: `${pad(int(r, 1, 12), 2)}/${int(r, 27, 31)}`,
    }));
    return [u.id, list];
  }),
);

// ---------------------------------------------------------------- products

const CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  Kitchen: ['Kettle', 'Chef Knife', 'Frying Pan', 'Coffee Grinder', 'Cutting Board'],
  Electronics: ['Headphones', 'Keyboard', 'USB Hub', 'Webcam', 'Desk Lamp'],
  Outdoor: ['Tent', 'Backpack', 'Water Bottle', 'Headlamp', 'Sleeping Bag'],
  Books: ['Cookbook', 'Novel', 'Field Guide', 'Atlas', 'Notebook'],
  Toys: ['Puzzle', 'Building Set', 'Board Game', 'Kite', 'Plush Bear'],
  Garden: ['Watering Can', 'Pruning Shears', 'Planter', 'Hose', 'Seed Kit'],
  Sports: ['Yoga Mat', 'Running Shoes', 'Jump Rope', 'Dumbbell', 'Bike Helmet'],
  Clothing: ['Rain Jacket', 'Wool Socks', 'Scarf', 'Beanie', 'Hoodie'],
};
const CATEGORY_NAMES = Object.keys(CATEGORIES);
const ADJECTIVES = [
  'Classic',
  'Compact',
  'Deluxe',
  'Eco',
  'Ergonomic',
  'Nordic',
  'Pro',
  'Rustic',
  'Smart',
  'Urban',
  'Vintage',
  'Lightweight',
];
const MATERIALS = ['Bamboo', 'Steel', 'Cotton', 'Ceramic', 'Oak', 'Recycled', 'Carbon', 'Linen'];
const TAGS = ['bestseller', 'new', 'eco', 'gift', 'sale', 'limited', 'handmade', 'premium'];

export const PRODUCTS: readonly Product[] = Array.from({ length: PRODUCT_COUNT }, (_, i) => {
  const id = `p${i + 1}`;
  const r = rng(`product:${id}`);
  const category = CATEGORY_NAMES[i % CATEGORY_NAMES.length] ?? 'Kitchen';
  const noun = pick(r, CATEGORIES[category] ?? ['Thing']);
  const adjective = pick(r, ADJECTIVES);
  const material = pick(r, MATERIALS);
  const name = `${adjective} ${material} ${noun}`;
  const tags = shuffled(r, TAGS)
    .slice(0, int(r, 1, 3))
    .sort();
  return {
    id,
    name,
    description: `${name}: ${/^[AEIOU]/.test(adjective) ? 'an' : 'a'} ${adjective.toLowerCase()} ${noun.toLowerCase()} made of ${material.toLowerCase()}, from our ${category.toLowerCase()} range.`,
    price_cents: int(r, 2, 500) * 100 - pick(r, [1, 5, 10, 51]),
    currency: 'EUR',
    category,
    tags,
  };
});

const REVIEW_TITLES = [
  'Great value',
  'Does the job',
  'Not what I expected',
  'Love it',
  'Solid quality',
  'Would buy again',
  'Meh',
  'Arrived damaged',
];
const REVIEW_BODIES = [
  'Works exactly as described.',
  'Good for the price, shipping was fast.',
  'Quality could be better.',
  'Exceeded my expectations.',
  'Using it every day now.',
  'Returned it after a week.',
];
const WAREHOUSES = ['BER-1', 'AMS-2', 'MAD-1', 'WAW-3'];

const REVIEWS = new Map<string, Review[]>(
  PRODUCTS.map((p) => {
    const r = rng(`reviews:${p.id}`);
    const list = Array.from({ length: int(r, 0, 6) }, (_, k) => ({
      id: `r_${p.id}_${k + 1}`,
      rating: int(r, 1, 5),
      title: pick(r, REVIEW_TITLES),
      body: pick(r, REVIEW_BODIES),
      author_id: `u${int(r, 1, USER_COUNT)}`,
      created_at: iso(Date.UTC(2025, 0, 1) + int(r, 0, 500) * 86_400_000 + int(r, 0, 86_399) * 1000),
    }));
    return [p.id, list];
  }),
);

const STOCK = new Map<string, Stock>(
  PRODUCTS.map((p) => {
    const r = rng(`stock:${p.id}`);
    return [
      p.id,
      { product_id: p.id, available: int(r, 0, 250), reserved: int(r, 0, 20), warehouse: pick(r, WAREHOUSES) },
    ];
  }),
);

// ---------------------------------------------------------------- orders

const STATUSES: readonly OrderStatus[] = ['DELIVERED', 'DELIVERED', 'DELIVERED', 'SHIPPED', 'PLACED', 'CANCELLED'];
const YEAR_START = Date.UTC(2026, 0, 1);
const SEED_MINUTES = 334 * 24 * 60; // seeded orders: 2026-01-01 .. 2026-11-30
/** Orders created at run time (CreateOrder) are stamped from here on, so they are always the newest. */
export const CREATED_ORDERS_EPOCH = '2026-12-01T00:00:00Z';

function makeItems(r: Rand, productIds: readonly string[]): OrderItem[] {
  return productIds.map((pid) => ({ product_id: pid, quantity: int(r, 1, 3), unit_price_cents: priceOf(pid) }));
}
function priceOf(productId: string): number {
  const p = PRODUCTS[num(productId) - 1];
  if (!p) throw new Error(`unknown product ${productId}`);
  return p.price_cents;
}
export const orderTotal = (items: readonly OrderItem[]): number =>
  items.reduce((sum, it) => sum + it.quantity * it.unit_price_cents, 0);

function buildOrders(): Order[] {
  const all: Order[] = [];
  const productIds = PRODUCTS.map((p) => p.id);
  for (const user of USERS) {
    const r = rng(`orders:${user.id}`);
    const fixture = user.id === FIXTURE_USER_ID;
    const count = fixture ? 10 : int(r, 0, 15);
    const minutes = new Set<number>();
    while (minutes.size < count) minutes.add(int(r, 0, SEED_MINUTES - 1));
    const times = [...minutes].sort((a, b) => a - b);
    const fixtureProducts = fixture ? shuffled(r, productIds).slice(0, 12) : [];
    times.forEach((minute, k) => {
      const pids = fixture
        ? [0, 1, 2].map((j) => fixtureProducts[(3 * k + j) % 12] as string)
        : shuffled(r, productIds).slice(0, int(r, 1, 4));
      const items = makeItems(r, pids);
      all.push({
        id: `o${all.length + 1}`,
        user_id: user.id,
        status: pick(r, STATUSES),
        created_at: iso(YEAR_START + minute * 60_000 + int(r, 0, 59) * 1000),
        total_cents: orderTotal(items),
        currency: 'EUR',
        items,
      });
    });
  }
  return all;
}

/** All seeded orders, ids o1..oN in user order and, per user, chronological order. */
export const ORDERS: readonly Order[] = buildOrders();

const USER_BY_ID = new Map(USERS.map((u) => [u.id, u]));
const PRODUCT_BY_ID = new Map(PRODUCTS.map((p) => [p.id, p]));
const ORDER_BY_ID = new Map(ORDERS.map((o) => [o.id, o]));

/** Newest first (created_at descending, then id descending). */
export function compareNewestFirst(a: Order, b: Order): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return num(b.id) - num(a.id);
}
const ORDERS_BY_USER = new Map<string, Order[]>();
for (const o of ORDERS) {
  const list = ORDERS_BY_USER.get(o.user_id) ?? [];
  list.push(o);
  ORDERS_BY_USER.set(o.user_id, list);
}
for (const list of ORDERS_BY_USER.values()) list.sort(compareNewestFirst);

// ---------------------------------------------------------------- lookups

export const userById = (id: string): User | undefined => USER_BY_ID.get(id);
export const productById = (id: string): Product | undefined => PRODUCT_BY_ID.get(id);
export const orderById = (id: string): Order | undefined => ORDER_BY_ID.get(id);
export const paymentMethodsOf = (userId: string): PaymentMethod[] => PAYMENT_METHODS.get(userId) ?? [];
export const stockOf = (productId: string): Stock | undefined => STOCK.get(productId);

/** Reviews of a product (0-6); `limit` (when a positive number) truncates. */
export function reviewsOf(productId: string, limit?: number): Review[] {
  const list = REVIEWS.get(productId) ?? [];
  return limit !== undefined && limit > 0 ? list.slice(0, limit) : list;
}

/** Seeded orders of a user, newest first (the order of ListOrdersByUser). */
export const ordersOfUser = (userId: string): Order[] => [...(ORDERS_BY_USER.get(userId) ?? [])];

/** Distinct product ids over a user's seeded orders, in first-seen order (newest order first). */
export function distinctProductsOfUser(userId: string): string[] {
  const seen = new Set<string>();
  for (const o of ordersOfUser(userId)) for (const it of o.items) seen.add(it.product_id);
  return [...seen];
}

/** `value` if it is a positive integer, else `def`; capped at `max`. Shared by the servers. */
export function normalizeLimit(value: unknown, def: number, max: number): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n) || n < 1) return def;
  return Math.min(Math.floor(n), max);
}

/** Case-insensitive substring match on name or category, catalog order; limit default 10, max 50. */
export function searchProducts(q: string, limit?: number): { items: Product[]; total: number } {
  const needle = q.toLowerCase();
  const hits = PRODUCTS.filter(
    (p) => p.name.toLowerCase().includes(needle) || p.category.toLowerCase().includes(needle),
  );
  return { items: hits.slice(0, normalizeLimit(limit, 10, 50)), total: hits.length };
}

// ---------------------------------------------------------------- recommendations

const BUY_AGAIN_SLOTS = [1, 4, 7];

function buildRecommendations(userId: string): Recommendation[] {
  const r = rng(`reco:${userId}`);
  const owned = distinctProductsOfUser(userId);
  const ownedSet = new Set(owned);
  const again = shuffled(r, owned).slice(0, BUY_AGAIN_SLOTS.length);
  const fresh = shuffled(
    r,
    PRODUCTS.filter((p) => !ownedSet.has(p.id)),
  );
  const out: Recommendation[] = [];
  let a = 0;
  let f = 0;
  for (let i = 0; i < RECOMMENDATION_MAX; i++) {
    const score = Math.round((0.98 - i * 0.018) * 1000) / 1000;
    const againId = BUY_AGAIN_SLOTS.includes(i) ? again[a] : undefined;
    if (againId !== undefined) {
      a++;
      out.push({ product_id: againId, score, reason: 'bought before' });
      continue;
    }
    const p = fresh[f++];
    if (!p) break;
    out.push({
      product_id: p.id,
      score,
      reason: pick(r, [`popular in ${p.category}`, 'customers also viewed', 'trending now']),
    });
  }
  return out;
}
const RECOMMENDATIONS = new Map(USERS.map((u) => [u.id, buildRecommendations(u.id)]));

/**
 * Ranked recommendations for a user, exactly as RecommendForUser returns them:
 * `limit` default 10, max 50 (non-positive → 10). Unknown user → [].
 */
export function recommendationsFor(userId: string, limit?: number): Recommendation[] {
  return (RECOMMENDATIONS.get(userId) ?? []).slice(0, normalizeLimit(limit, 10, RECOMMENDATION_MAX));
}
