/**
 * The yardstick: a hand-written Node server answering the mobile home screen with the same
 * upstream calls (users, orders and recommendations in parallel, then one catalog batch for all
 * product ids) and no GraphQL. Every layer Facet adds over this must earn its cost.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import * as grpc from '@grpc/grpc-js';
import { loadService } from '../src/sources/grpc/load-proto.js';

type Unary = (
  req: unknown,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (e: grpc.ServiceError | null, r: unknown) => void,
) => void;

/** The upstream shapes the baseline reads (gRPC messages via proto-loader's camelCase, REST JSON as served). */
interface OrderItem {
  productId: string;
  quantity: number;
}
interface Order {
  id: string;
  status: string;
  createdAt: string;
  totalCents: number;
  currency: string;
  items: OrderItem[];
}
interface Recommendation {
  productId: string;
  reason: string;
}
interface User {
  id: string;
  name: string;
  tier: string;
}
interface CatalogProduct {
  id: string;
  name: string;
  price_cents: number;
  currency: string;
}

export async function startBaseline(
  env: Record<string, string>,
  root: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const users = new Pool(env['USERS_URL']!, { connections: 32 });
  const catalog = new Pool(env['CATALOG_URL']!, { connections: 32 });
  const Orders = loadService(`${root}/schema/orders.proto`, 'shop.orders.v1.OrderService');
  const Recs = loadService(`${root}/schema/recommendations.proto`, 'shop.recommendations.v1.RecommendationService');
  const orders = new Orders(env['ORDERS_ADDR']!, grpc.credentials.createInsecure());
  const recs = new Recs(env['RECOMMENDATIONS_ADDR']!, grpc.credentials.createInsecure());
  const call = <T>(client: grpc.Client, method: string, req: unknown) =>
    new Promise<T>((resolve, reject) =>
      (client as unknown as Record<string, Unary>)[method]!.call(
        client,
        req,
        new grpc.Metadata(),
        { deadline: Date.now() + 2000 },
        (e, r) => (e ? reject(e) : resolve(r as T)),
      ),
    );
  const json = async <T>(pool: Pool, path: string) =>
    (await (await pool.request({ method: 'GET', path })).body.json()) as T;

  const server: Server = createServer(async (req, res) => {
    const userId = String(req.headers['x-user-id'] ?? 'u1');
    try {
      const [me, orderList, recList] = await Promise.all([
        json<User>(users, `/users/${encodeURIComponent(userId)}`),
        call<{ orders: Order[] }>(orders, 'ListOrdersByUser', { userId, limit: 10 }),
        call<{ items: Recommendation[] }>(recs, 'RecommendForUser', { userId, limit: 10 }),
      ]);
      const ids = new Set<string>();
      for (const o of orderList.orders) for (const i of o.items) ids.add(i.productId);
      for (const r of recList.items) ids.add(r.productId);
      const products = (await json<{ items: CatalogProduct[] }>(catalog, `/products?ids=${[...ids].join(',')}`)).items;
      const byId = new Map(
        products.map((p) => [p.id, { id: p.id, name: p.name, priceCents: p.price_cents, currency: p.currency }]),
      );
      const body = JSON.stringify({
        data: {
          home: {
            me: { id: me.id, name: me.name, tier: me.tier },
            recentOrders: orderList.orders.map((o) => ({
              id: o.id,
              status: o.status,
              createdAt: o.createdAt,
              totalCents: o.totalCents,
              currency: o.currency,
              items: o.items.map((i) => ({ quantity: i.quantity, product: byId.get(i.productId) ?? null })),
            })),
            recommended: recList.items.map((r) => ({ reason: r.reason, product: byId.get(r.productId) ?? null })),
          },
        },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/home`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      orders.close();
      recs.close();
      await users.close();
      await catalog.close();
    },
  };
}
