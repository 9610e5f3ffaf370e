import { channel } from 'node:diagnostics_channel';

/**
 * What the rate-limit store's fail policy reports (fail-policy.ts publishes, observability
 * subscribes), so that the counting code does not depend on the metrics:
 *
 *  - `state`: the store was marked down (first failure; back-off starts) or answers again (a probe succeeded);
 *  - `failure`: one store call or probe that failed (timeout, connection refused, script error);
 *  - `decision`: one store call decided, by outcome: `allowed` / `refused` by the counts (the
 *    shared store's, or this instance's during an outage with onError allow: a normal 429),
 *    `fail_open` allowed by this instance's counts while the store is down (onError allow),
 *    `fail_closed` refused because the store is down (onError deny: 503).
 */
export type RateLimitDecisionOutcome = 'allowed' | 'refused' | 'fail_open' | 'fail_closed';

export type RateLimitStoreEvent =
  | { type: 'state'; up: boolean }
  | { type: 'failure' }
  | { type: 'decision'; outcome: RateLimitDecisionOutcome };

/** diagnostics_channel name of the store's events. */
export const rateLimitStoreChannelName = 'facet:rate-limit-store';

const storeChannel = channel(rateLimitStoreChannelName);

export function publishRateLimitStoreEvent(event: RateLimitStoreEvent): void {
  if (storeChannel.hasSubscribers) storeChannel.publish(event);
}
