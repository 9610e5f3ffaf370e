export { loadFacade } from './load-facade.js';
export { createFacadeHandler, type FacadeRequest } from './handler.js';
export type { RestFacade } from './model.js';
