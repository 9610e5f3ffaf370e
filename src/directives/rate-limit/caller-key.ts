import type { GatewayContext } from '../../server/context.js';

/** Who a limit counts against: the user, else the API consumer, else the client IP. */
export function callerKey(context: Pick<GatewayContext, 'identity' | 'ip'>): string {
  const identity = context.identity;
  if (identity?.userId) return `user:${identity.userId}`;
  if (identity?.consumer) return `consumer:${identity.consumer}`;
  return `ip:${context.ip}`;
}
