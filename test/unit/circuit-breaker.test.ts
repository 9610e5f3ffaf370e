// The per-source circuit breaker (src/resilience/circuit-breaker.ts), driven by a fake clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CircuitBreaker,
  CircuitOpenError,
  defaultCircuitBreakerOptions,
} from '../../src/resilience/circuit-breaker.js';

class FakeClock {
  ms = 1_000_000;
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

const backendDown = new Error('backend down');
const notFound = new Error('404');
const isFailure = (error: unknown) => error === backendDown;

function setup(options: { failureThreshold?: number; cooldownMs?: number } = {}) {
  const clock = new FakeClock();
  const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, ...options, now: clock.now });
  let calls = 0;
  const ok = () =>
    breaker.run(async () => {
      calls++;
      return 'ok';
    }, isFailure);
  const fail = (error: Error = backendDown) =>
    breaker.run(async () => {
      calls++;
      throw error;
    }, isFailure);
  return { clock, breaker, ok, fail, calls: () => calls };
}

async function failTimes(fail: () => Promise<unknown>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await assert.rejects(fail(), backendDown);
}

describe('CircuitBreaker', () => {
  it('defaults: opens after 5 consecutive failures, for 10 s', async () => {
    assert.deepEqual(defaultCircuitBreakerOptions, { failureThreshold: 5, cooldownMs: 10_000 });
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ now: clock.now });
    const fail = () =>
      breaker.run(async () => {
        throw backendDown;
      }, isFailure);
    await failTimes(fail, 4);
    assert.equal(breaker.state, 'closed');
    await failTimes(fail, 1);
    assert.equal(breaker.state, 'open');
    clock.advance(9_999);
    assert.equal(breaker.state, 'open');
    clock.advance(1);
    assert.equal(breaker.state, 'half-open');
  });

  it('passes calls and results through while closed', async () => {
    const { breaker, ok, calls } = setup();
    assert.equal(await ok(), 'ok');
    assert.equal(calls(), 1);
    assert.equal(breaker.state, 'closed');
  });

  it('opens after threshold consecutive failures and then fails fast without calling', async () => {
    const { breaker, ok, fail, calls } = setup();
    await failTimes(fail, 2);
    assert.equal(breaker.state, 'closed');
    await failTimes(fail, 1);
    assert.equal(breaker.state, 'open');
    assert.equal(calls(), 3);
    await assert.rejects(ok(), CircuitOpenError);
    await assert.rejects(fail(), CircuitOpenError);
    assert.equal(calls(), 3, 'an open circuit must not call');
  });

  it('reports how long until the probe in CircuitOpenError.retryAfterMs', async () => {
    const { clock, ok, fail } = setup({ cooldownMs: 1_000 });
    await failTimes(fail, 3);
    clock.advance(400);
    await assert.rejects(ok(), (e: unknown) => e instanceof CircuitOpenError && e.retryAfterMs === 600);
  });

  it('a success resets the count: failures must be consecutive', async () => {
    const { breaker, ok, fail } = setup();
    await failTimes(fail, 2);
    await ok();
    await failTimes(fail, 2);
    assert.equal(breaker.state, 'closed');
    await failTimes(fail, 1);
    assert.equal(breaker.state, 'open');
  });

  it('errors that are not backend failures (isFailure false) never open it', async () => {
    const { breaker, fail, calls } = setup();
    for (let i = 0; i < 10; i++) await assert.rejects(fail(notFound), notFound);
    assert.equal(breaker.state, 'closed');
    assert.equal(calls(), 10);
  });

  it('after the cool-down one probe passes; success closes the circuit', async () => {
    const { breaker, clock, ok, fail, calls } = setup();
    await failTimes(fail, 3);
    clock.advance(1_000);
    assert.equal(breaker.state, 'half-open');
    assert.equal(await ok(), 'ok');
    assert.equal(calls(), 4);
    assert.equal(breaker.state, 'closed');
    // Closed again with a fresh count: it takes threshold failures to reopen.
    await failTimes(fail, 2);
    assert.equal(breaker.state, 'closed');
  });

  it('a failed probe re-opens it for a full cool-down from the probe', async () => {
    const { breaker, clock, ok, fail, calls } = setup();
    await failTimes(fail, 3);
    clock.advance(1_500);
    await assert.rejects(fail(), backendDown);
    assert.equal(calls(), 4);
    assert.equal(breaker.state, 'open');
    clock.advance(999);
    await assert.rejects(ok(), (e: unknown) => e instanceof CircuitOpenError && e.retryAfterMs === 1);
    assert.equal(calls(), 4);
    clock.advance(1);
    assert.equal(breaker.state, 'half-open');
    assert.equal(await ok(), 'ok');
    assert.equal(breaker.state, 'closed');
  });

  it('lets only one probe through at a time while half-open', async () => {
    const { breaker, clock, fail } = setup();
    await failTimes(fail, 3);
    clock.advance(1_000);
    let release!: (v: string) => void;
    let probes = 0;
    const probe = breaker.run(() => {
      probes++;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    }, isFailure);
    await assert.rejects(
      breaker.run(async () => {
        probes++;
        return 'second';
      }, isFailure),
      CircuitOpenError,
    );
    assert.equal(probes, 1);
    release('probe ok');
    assert.equal(await probe, 'probe ok');
    assert.equal(breaker.state, 'closed');
    assert.equal(await breaker.run(async () => 'after', isFailure), 'after');
  });

  it('a probe ending with a non-failure error (e.g. 404) shows the backend answers: closes', async () => {
    const { breaker, clock, fail } = setup();
    await failTimes(fail, 3);
    clock.advance(1_000);
    await assert.rejects(fail(notFound), notFound);
    assert.equal(breaker.state, 'closed');
  });

  it('a probe that throws synchronously does not leave the circuit stuck in probing', async () => {
    const { breaker, clock, fail, ok } = setup();
    await failTimes(fail, 3);
    clock.advance(1_000);
    await assert.rejects(
      breaker.run(() => {
        throw backendDown;
      }, isFailure),
      backendDown,
    );
    assert.equal(breaker.state, 'open');
    clock.advance(1_000);
    assert.equal(await ok(), 'ok');
  });

  it('a slow call that started before the circuit opened does not close it early when it succeeds', async () => {
    const { breaker, fail } = setup();
    let release!: (v: string) => void;
    const slow = breaker.run(
      () =>
        new Promise<string>((resolve) => {
          release = resolve;
        }),
      isFailure,
    );
    await failTimes(fail, 3);
    assert.equal(breaker.state, 'open');
    release('late');
    assert.equal(await slow, 'late');
    assert.equal(breaker.state, 'open');
  });

  it('reports each state change once (opened, half-open probe, closed; a failed probe re-opens), never a rejected call', async () => {
    const clock = new FakeClock();
    const changes: string[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1_000,
      now: clock.now,
      onStateChange: (state) => changes.push(state),
    });
    const fail = () =>
      breaker.run(async () => {
        throw backendDown;
      }, isFailure);
    const ok = () => breaker.run(async () => 'ok', isFailure);
    await failTimes(fail, 3);
    for (let i = 0; i < 20; i++) await assert.rejects(ok(), CircuitOpenError);
    assert.deepEqual(changes, ['open']);
    clock.advance(1_000);
    await assert.rejects(fail(), backendDown);
    assert.deepEqual(changes, ['open', 'half-open', 'open']);
    clock.advance(1_000);
    await ok();
    await ok();
    assert.deepEqual(changes, ['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});
