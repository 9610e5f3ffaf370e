/**
 * Field rate limits for client schemas. Every occurrence counts (aliases included); the check
 * runs before execution on an atomic store, so concurrent requests cannot slip past the limit.
 */
export const rateLimitDirectiveSdl = /* GraphQL */ `
"At most max calls of this field per window (\\"10s\\", \\"1m\\", \\"1h\\", \\"1d\\") for each key."
directive @rateLimit(max: Int!, window: String!, by: RateLimitKey = USER, arg: String) on FIELD_DEFINITION
enum RateLimitKey { IP USER API_KEY CLIENT ARGUMENT }
`;

export type RateLimitKey = 'IP' | 'USER' | 'API_KEY' | 'CLIENT' | 'ARGUMENT';

export interface RateLimitSpec {
  max: number;
  window: string;
  windowMs: number;
  by: RateLimitKey;
  /** With by: ARGUMENT, the argument whose value keys the limit. */
  arg?: string;
}
