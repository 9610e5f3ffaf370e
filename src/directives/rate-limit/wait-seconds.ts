/**
 * The one rounding of every wait a client is told (Retry-After, RateLimit-Reset, `retryAfter` in
 * errors), so that the values agree: whole seconds rounded up, at least 1, at most the window.
 *
 * The cap: the sliding-window counter lets a hit weigh a little into the next window, so its exact
 * wait can exceed one window when a whole quota is spent in the first 1/max of a window. No hit is
 * older than a window by then, so a client is never told to wait longer than the window it knows.
 */
export function waitSeconds(ms: number, windowMs: number): number {
  const windowSeconds = Math.max(1, Math.ceil(windowMs / 1000));
  return Math.min(windowSeconds, Math.max(1, Math.ceil(ms / 1000)));
}
