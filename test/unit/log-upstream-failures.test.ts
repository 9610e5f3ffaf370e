// The upstream failure log (src/observability/log-upstream-failures.ts): real failures one line
// each, circuit state changes one line each, and calls an open circuit rejects only counted.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { logUpstreamFailures } from '../../src/observability/index.js';
import { publishCircuitState, publishUpstreamCall, type UpstreamCallEvent } from '../../src/sources/upstream-events.js';
import { captureLog } from '../helpers/captured-log.js';

const call = (source: string, outcome: string): UpstreamCallEvent => ({
  source,
  operation: 'Query.x',
  durationMs: 1,
  outcome,
  batchSize: 0,
  requestId: 'r1',
});

describe('logUpstreamFailures', () => {
  it('logs N calls rejected by an open circuit as one summary line per source, not N lines', async () => {
    const { log, lines } = captureLog();
    const stop = logUpstreamFailures(log, { rejectedSummaryMs: 50 });
    try {
      publishCircuitState({ source: 'catalog', state: 'open' });
      for (let i = 0; i < 1000; i++) publishUpstreamCall(call('catalog', 'CIRCUIT_OPEN'));
      for (let i = 0; i < 10; i++) publishUpstreamCall(call('orders', 'CIRCUIT_OPEN'));
      assert.equal(lines.length, 1, 'only the state change so far');
      await sleep(80);
      const summaries = lines.filter((l) => typeof l['rejected'] === 'number');
      assert.deepEqual(summaries.map((l) => [l['source'], l['rejected']]).sort(), [
        ['catalog', 1000],
        ['orders', 10],
      ]);
      assert.equal(lines.length, 3);
    } finally {
      stop();
    }
  });

  it('logs the state changes with the source name, flushing the pending count first', async () => {
    const { log, lines } = captureLog();
    const stop = logUpstreamFailures(log, { rejectedSummaryMs: 10_000 });
    try {
      publishCircuitState({ source: 'users', state: 'open' });
      for (let i = 0; i < 7; i++) publishUpstreamCall(call('users', 'CIRCUIT_OPEN'));
      publishCircuitState({ source: 'users', state: 'half-open' });
      publishCircuitState({ source: 'users', state: 'closed' });
      assert.deepEqual(
        lines.map((l) => [l['source'], l['circuit'] ?? l['rejected']]),
        [
          ['users', 'open'],
          ['users', 7],
          ['users', 'half-open'],
          ['users', 'closed'],
        ],
      );
      assert.match(String(lines[1]?.['msg']), /7 calls to users rejected while the circuit is open/);
    } finally {
      stop();
    }
  });

  it('still logs every call that reached the backend and failed, and flushes pending counts when stopped', () => {
    const { log, lines } = captureLog();
    const stop = logUpstreamFailures(log);
    publishUpstreamCall(call('catalog', 'UPSTREAM_ERROR'));
    publishUpstreamCall(call('catalog', 'UPSTREAM_ERROR'));
    publishUpstreamCall(call('catalog', 'CIRCUIT_OPEN'));
    publishUpstreamCall(call('catalog', 'ok'));
    stop();
    assert.deepEqual(
      lines.map((l) => l['msg']),
      ['upstream call failed', 'upstream call failed', '1 call to catalog rejected while the circuit is open'],
    );
  });
});

describe('logUpstreamFailures: instances of a source', () => {
  it('logs an instance ejected, probed and back, with source and instance, apart from the source circuit', () => {
    const { log, lines } = captureLog();
    const stop = logUpstreamFailures(log, { rejectedSummaryMs: 10_000 });
    try {
      const instance = 'http://catalog-2:8080';
      for (const state of ['open', 'half-open', 'closed'] as const)
        publishCircuitState({ source: 'catalog', instance, state });
      assert.deepEqual(
        lines.map((l) => [l['level'], l['source'], l['instance'], l['circuit']]),
        [
          [40, 'catalog', instance, 'open'],
          [30, 'catalog', instance, 'half-open'],
          [30, 'catalog', instance, 'closed'],
        ],
      );
      assert.match(String(lines[0]?.['msg']), /instance http:\/\/catalog-2:8080 of catalog ejected/);
    } finally {
      stop();
    }
  });
});
