/** The HTTP methods an endpoint file can declare; exactly one per operation. */
export const restMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** @rest's other arguments (besides the method), as load-facade reads them. */
export const restOptionArguments = ['result', 'nextCursor', 'cursor', 'summary', 'location'] as const;

/**
 * The operation directive of clients/<client>/rest/v*\/*.graphql: the REST facade's method and path
 * for a stored GraphQL operation. Printed by `facet directives`; load-facade checks the usages.
 */
export const restDirectiveSdl = /* GraphQL */ `
"""
A REST facade endpoint (clients/<client>/rest/v<n>/<endpoint>.graphql): exactly one of GET, POST,
PUT, PATCH or DELETE with the path, e.g. @rest(GET: "/orders/{id}"); {param} names a variable.
result: where the answer sits in data (default: the first root field).
nextCursor / cursor: the data path of the next page's cursor, and the variable that takes it.
summary: the OpenAPI summary (default: the operation name).
location: the Location header of a 201 answer, with {field} read from the answer, e.g. "/orders/{id}".
"""
directive @rest(GET: String, POST: String, PUT: String, PATCH: String, DELETE: String, result: String, nextCursor: String, cursor: String, summary: String, location: String) on QUERY | MUTATION
`;
