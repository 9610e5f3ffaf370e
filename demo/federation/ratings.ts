// Ratings subgraph of the demo shop (Apollo Federation v2, GraphQL over HTTP): reviews of the
// catalog's products (ids p1..) written by the users backend's users (ids u1..), deterministic.
// User and Product are entities keyed by id: any id resolves (no reviews → an empty list).
import type { GraphQLSchema } from 'graphql';
import { hashSeed, mulberry32, PRODUCTS, USER_COUNT } from '../data.js';
import { type GraphqlBackend, startGraphqlServer } from './graphql-server.js';
import { readSdl, subgraphSchema } from './subgraph-schema.js';

export interface FederatedReview {
  /** rv1, rv2, … in creation order (the latest has the highest number). */
  id: string;
  rating: number;
  body: string;
  authorId: string;
  productId: string;
}

const BODIES = [
  'Does what it promises.',
  'Solid build, would recommend.',
  'Not great, not terrible.',
  'Stopped working after a month.',
  'Better than I expected.',
  'Nice, but overpriced.',
];

/** Per product in catalog order: none for about one product in seven, else 2 or 3 reviews. */
function buildReviews(): FederatedReview[] {
  const out: FederatedReview[] = [];
  for (const p of PRODUCTS) {
    const r = mulberry32(hashSeed(`federated-reviews:${p.id}`));
    const count = r() < 0.15 ? 0 : r() < 0.5 ? 2 : 3;
    for (let k = 0; k < count; k++) {
      out.push({
        id: `rv${out.length + 1}`,
        rating: 1 + Math.floor(r() * 5),
        body: BODIES[Math.floor(r() * BODIES.length)] as string,
        authorId: `u${1 + Math.floor(r() * USER_COUNT)}`,
        productId: p.id,
      });
    }
  }
  return out;
}

export const FEDERATED_REVIEWS: readonly FederatedReview[] = buildReviews();

const BY_ID = new Map(FEDERATED_REVIEWS.map((r) => [r.id, r]));
const BY_AUTHOR = new Map<string, FederatedReview[]>();
const BY_PRODUCT = new Map<string, FederatedReview[]>();
for (const r of FEDERATED_REVIEWS) {
  BY_AUTHOR.set(r.authorId, [...(BY_AUTHOR.get(r.authorId) ?? []), r]);
  BY_PRODUCT.set(r.productId, [...(BY_PRODUCT.get(r.productId) ?? []), r]);
}

export const federatedReview = (id: string): FederatedReview | undefined => BY_ID.get(id);
/** A user's reviews in id order; [] for any id without reviews. */
export const federatedReviewsOfUser = (userId: string): readonly FederatedReview[] => BY_AUTHOR.get(userId) ?? [];
/** A product's reviews in id order; [] for any id without reviews. */
export const federatedReviewsOfProduct = (productId: string): readonly FederatedReview[] =>
  BY_PRODUCT.get(productId) ?? [];

/** Mean rating rounded to 2 decimals; null without reviews. */
export function averageRating(productId: string): number | null {
  const list = federatedReviewsOfProduct(productId);
  if (list.length === 0) return null;
  return Math.round((list.reduce((sum, r) => sum + r.rating, 0) / list.length) * 100) / 100;
}

/** The `first` latest reviews, latest first (`first` null/undefined → 5, non-positive → none). */
export function latestReviews(first: number | null | undefined): FederatedReview[] {
  const n = Math.min(Math.max(0, first ?? 5), FEDERATED_REVIEWS.length);
  return FEDERATED_REVIEWS.slice(FEDERATED_REVIEWS.length - n).reverse();
}

let schema: GraphQLSchema | undefined;
export function reviewsSchema(): GraphQLSchema {
  schema ??= subgraphSchema(readSdl(new URL('../../schema/subgraphs/ratings.graphql', import.meta.url)), {
    Query: {
      latestRatings: (_: unknown, args: { first?: number | null }) => latestReviews(args.first),
      rating: (_: unknown, args: { id: string }) => federatedReview(args.id) ?? null,
    },
    Rating: {
      __resolveReference: (ref: { id: string }) => federatedReview(ref.id) ?? null,
      score: (r: FederatedReview) => r.rating,
      comment: (r: FederatedReview) => r.body,
      author: (r: FederatedReview) => ({ id: r.authorId }),
      product: (r: FederatedReview) => ({ id: r.productId }),
    },
    User: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      ratings: (u: { id: string }) => federatedReviewsOfUser(u.id),
    },
    Product: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      ratings: (p: { id: string }) => federatedReviewsOfProduct(p.id),
      averageRating: (p: { id: string }) => averageRating(p.id),
    },
  });
  return schema;
}

export function startRatings(opts: { host: string; port: number; latencyMs?: number }): Promise<GraphqlBackend> {
  return startGraphqlServer({ name: 'ratings', schema: reviewsSchema(), ...opts });
}
