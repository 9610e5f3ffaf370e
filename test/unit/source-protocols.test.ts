// Each protocol reads its own failures (statuses); the shared rules cover the rest. Together they
// decide the coded error a client sees and whether the source's circuit breaker counts the call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protocols, protocolOf } from '../../src/sources/index.js';
import { sourceDirectivesSdl } from '../../src/sources/source-directives.js';
import { UpstreamStatusError } from '../../src/sources/rest/rest-failures.js';
import { isBackendFailure, LocalCallError, toUpstreamError } from '../../src/sources/upstream-errors.js';
import type { SourceProtocol } from '../../src/sources/protocol.js';

function outcome(protocol: SourceProtocol, error: unknown) {
  const coded = toUpstreamError('src', error, protocol.classifyFailure);
  return {
    code: coded.extensions['code'],
    upstreamStatus: coded.extensions['upstreamStatus'],
    backendFailure: isBackendFailure(error, protocol.classifyFailure),
  };
}

const grpcError = (code: number) => Object.assign(new Error(`grpc ${code}`), { code, details: '' });

describe('protocol failures', () => {
  it('REST: a 503 is UPSTREAM_UNAVAILABLE and counts against the circuit; a 4xx is UPSTREAM_REJECTED and does not', () => {
    const rest = protocols.REST;
    assert.deepEqual(outcome(rest, new UpstreamStatusError(503, '')), {
      code: 'UPSTREAM_UNAVAILABLE',
      upstreamStatus: 503,
      backendFailure: true,
    });
    assert.deepEqual(outcome(rest, new UpstreamStatusError(422, '')), {
      code: 'UPSTREAM_REJECTED',
      upstreamStatus: 422,
      backendFailure: false,
    });
    assert.deepEqual(outcome(rest, new UpstreamStatusError(500, '')).code, 'UPSTREAM_ERROR');
    assert.deepEqual(outcome(rest, new UpstreamStatusError(504, '')).code, 'UPSTREAM_TIMEOUT');
  });

  it('REST: retries given up on a 502 (undici statusCode) are UPSTREAM_ERROR with the status, a backend failure', () => {
    const retryError = Object.assign(new Error('Request failed'), { statusCode: 502, code: 'UND_ERR_REQ_RETRY' });
    assert.deepEqual(outcome(protocols.REST, retryError), {
      code: 'UPSTREAM_ERROR',
      upstreamStatus: 502,
      backendFailure: true,
    });
  });

  it('gRPC: statuses map to codes without upstreamStatus; only the backend-health ones count', () => {
    const grpc = protocols.GRPC;
    const read = (code: number) => {
      const { code: coded, backendFailure, upstreamStatus } = outcome(grpc, grpcError(code));
      return [coded, backendFailure, upstreamStatus];
    };
    assert.deepEqual(read(4), ['UPSTREAM_TIMEOUT', true, undefined]); // DEADLINE_EXCEEDED
    assert.deepEqual(read(14), ['UPSTREAM_UNAVAILABLE', true, undefined]); // UNAVAILABLE
    assert.deepEqual(read(13), ['UPSTREAM_ERROR', true, undefined]); // INTERNAL
    assert.deepEqual(read(2), ['UPSTREAM_ERROR', true, undefined]); // UNKNOWN
    assert.deepEqual(read(3), ['UPSTREAM_REJECTED', false, undefined]); // INVALID_ARGUMENT
    assert.deepEqual(read(6), ['UPSTREAM_REJECTED', false, undefined]); // ALREADY_EXISTS
    assert.deepEqual(read(7), ['UPSTREAM_ERROR', false, undefined]); // PERMISSION_DENIED
  });

  it('a request the gateway could not build never counts against the circuit, whatever the protocol', () => {
    for (const protocol of Object.values(protocols)) {
      assert.deepEqual(outcome(protocol, new LocalCallError('not sent')), {
        code: 'BAD_USER_INPUT',
        upstreamStatus: undefined,
        backendFailure: false,
      });
    }
  });

  it('failures no protocol claims: a timeout code is UPSTREAM_TIMEOUT, a refused connection UPSTREAM_UNAVAILABLE; both count', () => {
    for (const protocol of Object.values(protocols)) {
      const timeout = Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
      const refused = Object.assign(new Error('r'), { code: 'ECONNREFUSED' });
      assert.deepEqual(
        [outcome(protocol, timeout).code, outcome(protocol, timeout).backendFailure],
        ['UPSTREAM_TIMEOUT', true],
      );
      assert.deepEqual(
        [outcome(protocol, refused).code, outcome(protocol, refused).backendFailure],
        ['UPSTREAM_UNAVAILABLE', true],
      );
    }
  });
});

describe('protocol registry', () => {
  it('keys each protocol by its @source(protocol:) value, which the printed Protocol enum lists with its call directive', () => {
    for (const [name, protocol] of Object.entries(protocols)) {
      assert.equal(protocol.name, name);
      assert.equal(protocolOf(name), protocol);
      // a GraphQL source's calls are its root fields: no call directive
      if (protocol.directive) assert.match(sourceDirectivesSdl, new RegExp(`directive @${protocol.directive.name}\\(`));
      else assert.equal(protocol.name, 'GRAPHQL');
    }
    assert.match(sourceDirectivesSdl, new RegExp(`enum Protocol \\{ ${Object.keys(protocols).join(' ')} \\}`));
    assert.equal(protocolOf('toString'), undefined, 'no inherited names');
    assert.equal(protocolOf('SOAP'), undefined);
  });
});
