export { startGateway, type GatewayOptions, type RunningGateway } from './gateway.js';
export { buildGateway, type BuiltGateway, type BuiltClient } from './build-gateway.js';
export type { GatewayContext } from './context.js';
