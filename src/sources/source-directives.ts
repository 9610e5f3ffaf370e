/**
 * The directives a source file may use, with their arguments. Exported as SDL for the README and
 * editors; the loader checks usages against `directiveArguments` and strips them before building.
 */
export const sourceDirectivesSdl = /* GraphQL */ `
"A backend. On \`extend schema\` in schema/<name>.graphql."
directive @source(name: String!, protocol: Protocol!, url: String!, proto: String, service: String,
                  timeoutMs: Int = 5000, retries: Int = 1, connections: Int = 32, maxResponseBytes: Int = 1048576) on SCHEMA
enum Protocol { REST GRPC }
"A REST call: exactly one of GET/POST/PUT/PATCH/DELETE with a path template."
directive @http(GET: String, POST: String, PUT: String, PATCH: String, DELETE: String,
                query: JSON, body: JSON, headers: JSON, result: String) on FIELD_DEFINITION
"A gRPC call on the source's service."
directive @grpc(method: String!, request: JSON, response: String) on FIELD_DEFINITION
"Collapse the lookups of one request into one call; results matched back by key."
directive @batch(key: String!, arg: String, maxSize: Int = 100) on FIELD_DEFINITION
"Root field that resolves the returned entity by its key (type-merging entry point)."
directive @lookup on FIELD_DEFINITION
"An entity: other sources may add fields to it."
directive @key(fields: String!) on OBJECT
"Read the field from another payload property."
directive @map(from: String!) on FIELD_DEFINITION
"Reference an entity of another source from the parent's data."
directive @ref(key: JSON!) on FIELD_DEFINITION
`;

export const directiveArguments: Record<string, { required: string[]; optional: string[] }> = {
  source: { required: ['name', 'protocol', 'url'], optional: ['proto', 'service', 'timeoutMs', 'retries', 'connections', 'maxResponseBytes'] },
  http: { required: [], optional: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'query', 'body', 'headers', 'result'] },
  grpc: { required: ['method'], optional: ['request', 'response'] },
  batch: { required: ['key'], optional: ['arg', 'maxSize'] },
  lookup: { required: [], optional: [] },
  key: { required: ['fields'], optional: [] },
  map: { required: ['from'], optional: [] },
  ref: { required: ['key'], optional: [] },
};

/**
 * Largest backend answer read by default: 1 MiB. JSON.parse of an object-heavy 1 MiB body takes
 * about 7 ms on a 2-core machine (4 MiB: about 18–29 ms), time the event loop gives no other request.
 */
export const defaultMaxResponseBytes = 1024 * 1024;

export const sourceDirectiveNames = new Set(Object.keys(directiveArguments));
