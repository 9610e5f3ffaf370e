// Users backend (REST): users and their payment methods.
import { paymentMethodsOf, userById, type User } from '../data.js';
import type { DemoBackend } from '../index.js';
import { json, parseIds, startRestServer, unique, type Route } from './http-server.js';

const USER_NOT_FOUND = { error: 'user not found' };

export const USERS_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/users',
    batchIds: (req) => parseIds(req.query),
    handle(req) {
      if (!req.query.has('ids')) return json(400, { error: 'query parameter ids is required' });
      // Existing users only, each once, deliberately NOT in request order (reversed).
      const users = unique(parseIds(req.query))
        .map((id) => userById(id))
        .filter((u): u is User => u !== undefined)
        .reverse();
      return json(200, { data: users });
    },
  },
  {
    method: 'GET',
    path: '/users/{id}',
    handle(req) {
      const user = userById(req.params['id'] ?? '');
      return user ? json(200, user) : json(404, USER_NOT_FOUND);
    },
  },
  {
    method: 'GET',
    path: '/users/{id}/payment-methods',
    handle(req) {
      const id = req.params['id'] ?? '';
      return userById(id) ? json(200, { data: paymentMethodsOf(id) }) : json(404, USER_NOT_FOUND);
    },
  },
];

export function startUsers(opts: { host: string; port: number; latencyMs?: number }): Promise<DemoBackend> {
  return startRestServer({ name: 'users', routes: USERS_ROUTES, ...opts });
}
