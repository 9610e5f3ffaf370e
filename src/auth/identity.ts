/** Who is calling, as established by the gateway. Templates read it as `{identity.…}`. */
export interface Identity {
  /** The end user (JWT subject, or the development header). */
  userId?: string;
  /** Granted scopes (JWT `scope`/`scp`, or the API key's). */
  scopes: string[];
  /** Roles (JWT `roles`, or the API key's), for @requiresRole. */
  roles?: string[];
  /** The API consumer (partner) behind an API key. */
  consumer?: string;
  /** The consumer's plan, for quotas. */
  plan?: string;
  /** How the identity was established. */
  method: 'jwt' | 'api-key' | 'trusted-header';
}
