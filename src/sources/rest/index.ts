export { restProtocol } from './rest-protocol.js';
