export { grpcProtocol } from './grpc-protocol.js';
