// Orders backend (gRPC shop.orders.v1.OrderService) over an in-memory store
// seeded from data.ts; CreateOrder appends to this instance's store only.
import * as grpc from '@grpc/grpc-js';
import {
  CREATED_ORDERS_EPOCH,
  ORDERS,
  compareNewestFirst,
  normalizeLimit,
  orderTotal,
  productById,
  userById,
  type Order,
  type OrderItem,
} from '../data.js';
import type { Counter } from '../counter.js';
import type { DemoBackend } from '../index.js';
import { GrpcError, loadServiceClient, startGrpcServer, unary } from './grpc-server.js';

export const ORDERS_PROTO = new URL('../../schema/orders.proto', import.meta.url);
export const ORDER_SERVICE = 'shop.orders.v1.OrderService';
export const MAX_QUANTITY = 1000;

interface GetOrderRequest {
  id: string;
}
interface BatchGetOrdersRequest {
  ids: string[];
}
interface ListOrdersByUserRequest {
  user_id: string;
  limit: number;
  cursor: string;
}
interface CreateOrderRequest {
  user_id: string;
  items: { product_id: string; quantity: number }[];
}

/** Opaque page cursor: base64url of "offset:N". */
export const encodeCursor = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');
export function decodeCursor(cursor: string): number {
  if (cursor === '') return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'invalid cursor');
  return Number(m[1]);
}

class OrderStore {
  readonly #byId = new Map<string, Order>(ORDERS.map((o) => [o.id, o]));
  readonly #byUser = new Map<string, Order[]>();
  #created = 0;

  constructor() {
    for (const o of ORDERS) this.#userList(o.user_id).push(o);
    for (const list of this.#byUser.values()) list.sort(compareNewestFirst);
  }

  #userList(userId: string): Order[] {
    let list = this.#byUser.get(userId);
    if (!list) {
      list = [];
      this.#byUser.set(userId, list);
    }
    return list;
  }

  get(id: string): Order | undefined {
    return this.#byId.get(id);
  }

  /** A new object (the seed data is shared by every store), in place of the placed one. */
  cancel(id: string): Order {
    const order = this.#byId.get(id);
    if (!order) throw new GrpcError(grpc.status.NOT_FOUND, `order ${id} not found`);
    if (order.status !== 'PLACED')
      throw new GrpcError(grpc.status.FAILED_PRECONDITION, `order ${id} is ${order.status}, not PLACED`);
    const cancelled: Order = { ...order, status: 'CANCELLED' };
    this.#byId.set(id, cancelled);
    const list = this.#userList(order.user_id);
    list[list.indexOf(order)] = cancelled;
    return cancelled;
  }

  ofUser(userId: string): readonly Order[] {
    return this.#byUser.get(userId) ?? [];
  }

  create(userId: string, items: OrderItem[]): Order {
    this.#created++;
    const createdAt = new Date(Date.parse(CREATED_ORDERS_EPOCH) + this.#created * 60_000)
      .toISOString()
      .replace('.000Z', 'Z');
    const order: Order = {
      id: `o${ORDERS.length + this.#created}`,
      user_id: userId,
      status: 'PLACED',
      created_at: createdAt,
      total_cents: orderTotal(items),
      currency: 'EUR',
      items,
    };
    this.#byId.set(order.id, order);
    const list = this.#userList(userId);
    list.push(order);
    list.sort(compareNewestFirst);
    return order;
  }
}

function methods(store: OrderStore) {
  return {
    GetOrder: unary<GetOrderRequest>({
      handle({ id }) {
        const order = store.get(id);
        if (!order) throw new GrpcError(grpc.status.NOT_FOUND, `order ${id} not found`);
        return order;
      },
    }),
    BatchGetOrders: unary<BatchGetOrdersRequest>({
      batchIds: (req) => req.ids,
      // Existing orders only, each once, deliberately NOT in request order (reversed).
      handle: (req) => ({
        orders: [...new Set(req.ids)]
          .map((id) => store.get(id))
          .filter((o): o is Order => o !== undefined)
          .reverse(),
      }),
    }),
    ListOrdersByUser: unary<ListOrdersByUserRequest>({
      handle(req) {
        if (req.user_id === '') throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'user_id is required');
        const all = store.ofUser(req.user_id);
        const limit = normalizeLimit(req.limit, 10, 100);
        const offset = decodeCursor(req.cursor);
        const end = offset + limit;
        return {
          orders: all.slice(offset, end),
          next_cursor: end < all.length ? encodeCursor(end) : '',
          total_count: all.length,
        };
      },
    }),
    CreateOrder: unary<CreateOrderRequest>({
      handle(req) {
        if (!userById(req.user_id)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `unknown user ${req.user_id}`);
        if (req.items.length === 0)
          throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'an order needs at least one item');
        const items = req.items.map(({ product_id, quantity }): OrderItem => {
          const product = productById(product_id);
          if (!product) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `unknown product ${product_id}`);
          if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
            throw new GrpcError(
              grpc.status.INVALID_ARGUMENT,
              `quantity of ${product_id} must be between 1 and ${MAX_QUANTITY}`,
            );
          }
          return { product_id, quantity, unit_price_cents: product.price_cents };
        });
        return store.create(req.user_id, items);
      },
    }),
    CancelOrder: unary<{ id: string }>({
      handle: ({ id }) => store.cancel(id),
    }),
  };
}

export function startOrders(opts: {
  host: string;
  port: number;
  latencyMs?: number;
  counter?: Counter;
}): Promise<DemoBackend> {
  const service = loadServiceClient(ORDERS_PROTO, ORDER_SERVICE).service;
  return startGrpcServer({ name: 'orders', service, methods: methods(new OrderStore()), ...opts });
}
