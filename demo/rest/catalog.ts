// Catalog backend (REST): products, search, reviews, stock.
import { normalizeLimit, productById, reviewsOf, searchProducts, stockOf, type Product } from '../data.js';
import type { Counter } from '../counter.js';
import type { DemoBackend } from '../index.js';
import { json, parseIds, startRestServer, unique, type Route } from './http-server.js';

const PRODUCT_NOT_FOUND = { error: 'product not found' };

export const CATALOG_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/products',
    batchIds: (req) => parseIds(req.query),
    handle(req) {
      if (!req.query.has('ids')) return json(400, { error: 'query parameter ids is required' });
      // Existing products only, each once, deliberately NOT in request order (reversed).
      const items = unique(parseIds(req.query))
        .map((id) => productById(id))
        .filter((p): p is Product => p !== undefined)
        .reverse();
      return json(200, { items });
    },
  },
  {
    method: 'GET',
    path: '/products/search',
    handle(req) {
      const limit = normalizeLimit(req.query.get('limit'), 10, 50);
      return json(200, searchProducts(req.query.get('q') ?? '', limit));
    },
  },
  {
    method: 'GET',
    path: '/products/{id}',
    handle(req) {
      const product = productById(req.params['id'] ?? '');
      return product ? json(200, product) : json(404, PRODUCT_NOT_FOUND);
    },
  },
  {
    method: 'GET',
    path: '/products/{id}/reviews',
    handle(req) {
      const id = req.params['id'] ?? '';
      if (!productById(id)) return json(404, PRODUCT_NOT_FOUND);
      const limit = normalizeLimit(req.query.get('limit'), 0, 50);
      return json(200, { reviews: reviewsOf(id, limit > 0 ? limit : undefined) });
    },
  },
  {
    method: 'GET',
    path: '/products/{id}/stock',
    handle(req) {
      const stock = stockOf(req.params['id'] ?? '');
      return stock ? json(200, stock) : json(404, PRODUCT_NOT_FOUND);
    },
  },
];

export function startCatalog(opts: {
  host: string;
  port: number;
  latencyMs?: number;
  counter?: Counter;
}): Promise<DemoBackend> {
  return startRestServer({ name: 'catalog', routes: CATALOG_ROUTES, ...opts });
}
