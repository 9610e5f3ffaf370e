export { parseSourceFile } from './parse-source.js';
export { buildSource, stubLookupPrefix, type BuiltSource } from './build-source.js';
export { EntityLookups } from './subschema/entity-refs.js';
export { sourceDirectivesSdl } from './source-directives.js';
export type { SourceDefinition, FieldBinding, SourceCall, Protocol } from './model.js';
export type { SourceCallContext } from './call-context.js';
export {
  circuitStateChannelName,
  upstreamCallChannelName,
  type CircuitStateEvent,
  type UpstreamCallEvent,
} from './upstream-events.js';
export { protocols, protocolOf } from './protocols.js';
export type { SourceProtocol, CompiledCall, PreparedCall, ProtocolClient, ProtocolFailure } from './protocol.js';
export type { SourceRuntime, FieldCall, BatchCall } from './runtime/source-runtime.js';
