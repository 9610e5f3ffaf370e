/**
 * Authorization directives for client schemas (clients/<name>/schema.graphql). Checked on the
 * document before execution: a refused field is never fetched, it resolves to null with an
 * UNAUTHENTICATED or FORBIDDEN error, and the rest of the response is returned.
 * On a type or interface, a directive applies to every field that returns it.
 */
export const authDirectivesSdl = /* GraphQL */ `
"The caller must be authenticated (any method)."
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE
"The caller's scopes must include all scopes of at least one inner list (an OR of ANDs)."
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE
"The caller must have at least one of these roles (JWT roles claim, or the API key's roles)."
directive @requiresRole(roles: [String!]!) on FIELD_DEFINITION | OBJECT | INTERFACE
`;

export interface AuthPolicy {
  authenticated: boolean;
  /** OR of ANDs. */
  scopes?: string[][];
  /** Any of. */
  roles?: string[];
}
