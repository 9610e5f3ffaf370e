/**
 * The directives a client schema may use besides auth and @rateLimit. `@from` makes a client-only field (one the graph lacks)
 * by calling a root field of the graph with arguments from templates: `{identity.userId}`,
 * `{args.x}` (the field's own arguments) or literals. Everything else in a client schema is a
 * projection: types and fields that must exist in the graph.
 */
export const clientDirectivesSdl = /* GraphQL */ `
directive @from(query: String, mutation: String, args: JSON) on FIELD_DEFINITION
"Tighten the cache policy of responses touching this type or field (lower maxAge, PRIVATE); never loosens the sources'."
directive @cacheControl(maxAge: Int, scope: CacheScope, inheritMaxAge: Boolean) on OBJECT | FIELD_DEFINITION
`;

export interface FromSpec {
  operation: 'query' | 'mutation';
  fieldName: string;
  args: Record<string, unknown>;
}
