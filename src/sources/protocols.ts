import { grpcProtocol } from './grpc/index.js';
import type { Protocol } from './model.js';
import type { SourceProtocol } from './protocol.js';
import { graphqlProtocol } from './graphql/index.js';
import { restProtocol } from './rest/index.js';

/**
 * The protocols a source may declare, keyed by the `@source(protocol:)` value. A new protocol is
 * one folder exporting its `SourceProtocol` and one line here (and its name in model.ts's `Protocol`).
 */
export const protocols: Readonly<Record<Protocol, SourceProtocol>> = {
  REST: restProtocol,
  GRPC: grpcProtocol,
  GRAPHQL: graphqlProtocol,
};

export const protocolNames = Object.keys(protocols) as Protocol[];

/** The protocol of a `@source(protocol:)` value; undefined for an unknown one. */
export function protocolOf(name: unknown): SourceProtocol | undefined {
  return typeof name === 'string' && Object.hasOwn(protocols, name) ? protocols[name as Protocol] : undefined;
}

/** The protocol whose call directive is `@<name>`. */
export function protocolOfDirective(name: string): SourceProtocol | undefined {
  return Object.values(protocols).find((p) => p.directive?.name === name);
}

/** The protocol whose parsed calls are of this `kind`. */
export function protocolOfCall(kind: string): SourceProtocol | undefined {
  return Object.values(protocols).find((p) => p.callKind === kind);
}
