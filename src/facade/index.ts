export { loadFacade } from './load-facade.js';
export { createFacadeHandler, type FacadeRequest } from './handler.js';
export type { RestFacade, RestVersion, RestEndpoint } from './model.js';
export { createOpenApiDocument } from './openapi.js';
