// Several instances of a backend: the `@source(url:)` list as read at load (every problem with
// file and line), and the passive outlier detection of src/resilience/instance-pool.ts on a fake clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProblemList } from '../../src/config/config-error.js';
import { CircuitOpenError } from '../../src/resilience/index.js';
import { InstancePool, type AttemptPolicy } from '../../src/resilience/instance-pool.js';
import { parseSourceFile } from '../../src/sources/parse-source.js';

/** In the demo's schema folder, so a gRPC source finds orders.proto next to it. */
const FILE = fileURLToPath(new URL('../../schema/shop.graphql', import.meta.url));

function parseSource(sourceArgs: string, env: Record<string, string> = {}) {
  const sdl = `# the shop\nextend schema @source(name: "shop", ${sourceArgs})\ntype Query { ping: String @http(GET: "/ping") }`;
  const problems = new ProblemList();
  const def = parseSourceFile(FILE, sdl, env, problems);
  return { def, problems: problems.items };
}

describe('@source(url:) with several instances', () => {
  it('reads a list, in order; a single url stays a single instance', () => {
    const { def, problems } = parseSource('protocol: REST, url: ["http://a:1", "http://b:1"]');
    assert.deepEqual(problems, []);
    assert.deepEqual(def?.urls, ['http://a:1', 'http://b:1']);
    assert.equal(def?.url, 'http://a:1');
    assert.equal(def?.ejectAfterFailures, 3);
    const single = parseSource('protocol: REST, url: "http://a:1"').def;
    assert.equal(single?.urls, undefined);
    assert.equal(single?.url, 'http://a:1');
  });

  it('splits an environment variable holding a comma-separated list', () => {
    const env = { CATALOG_URLS: 'http://a:1, http://b:1,http://c:1' };
    const { def, problems } = parseSource('protocol: REST, url: "${CATALOG_URLS}"', env);
    assert.deepEqual(problems, []);
    assert.deepEqual(def?.urls, ['http://a:1', 'http://b:1', 'http://c:1']);
  });

  it('gRPC: host:port entries; ejectAfterFailures and healthCheck read', () => {
    const grpc = 'protocol: GRPC, proto: "orders.proto", service: "shop.orders.v1.OrderService"';
    const { def, problems } = parseSource(
      `${grpc}, url: ["127.0.0.1:1", "127.0.0.1:2"], ejectAfterFailures: 5, healthCheck: { intervalMs: 1000 }`,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(def?.urls, ['127.0.0.1:1', '127.0.0.1:2']);
    assert.equal(def?.ejectAfterFailures, 5);
    assert.deepEqual({ ...def?.healthCheck }, { intervalMs: 1000 });
    const withPath = parseSource(`${grpc}, url: "127.0.0.1:1", healthCheck: { path: "/h", intervalMs: 1000 }`);
    assert.match(withPath.problems[0]?.message ?? '', /takes no path/);
    const badAddress = parseSource(`${grpc}, url: ["127.0.0.1:1", "http://x:1"]`);
    assert.match(badAddress.problems[0]?.message ?? '', /not a host:port address/);
  });

  const refused: Array<[string, string, RegExp, Record<string, string>?]> = [
    ['an entry that is not a URL', 'url: ["http://a:1", "nope"]', /url "nope" is not an http\(s\) URL/],
    ['an entry with a path', 'url: ["http://a:1", "http://b:1/api"]', /must be an origin/],
    ['a duplicate', 'url: ["http://a:1", "http://a:1"]', /url lists "http:\/\/a:1" twice/],
    ['a stray comma in the variable', 'url: "${URLS}"', /empty entry/, { URLS: 'http://a:1,,http://b:1' }],
    ['a missing variable', 'url: ["http://a:1", "${NOPE}"]', /url uses \$\{NOPE\} but no such environment variable/],
    [
      'more than 64 entries',
      `url: [${Array.from({ length: 65 }, (_, i) => `"http://h${i}:1"`).join(', ')}]`,
      /lists 65 instances; at most 64/,
    ],
    ['a bad ejectAfterFailures', 'url: "http://a:1", ejectAfterFailures: 0', /ejectAfterFailures must be an integer/],
    ['a REST health check without a path', 'url: "http://a:1", healthCheck: { intervalMs: 1000 }', /healthCheck.path/],
    [
      'a health check interval too short',
      'url: "http://a:1", healthCheck: { path: "/h", intervalMs: 5 }',
      /intervalMs/,
    ],
    ['a gRPC-only form of health check on REST', 'url: "http://a:1", healthCheck: {}', /healthCheck.path/],
    ['an unknown health check field', 'url: "http://a:1", healthCheck: { path: "/h", every: 5 }', /no field "every"/],
  ];
  for (const [name, args, message, env] of refused)
    it(`refuses ${name}, at the @source line`, () => {
      const { def, problems } = parseSource(`protocol: REST, ${args}`, env);
      assert.equal(def, undefined);
      const problem = problems.find((p) => message.test(p.message));
      assert.ok(problem, `${message} in ${JSON.stringify(problems)}`);
      assert.equal(problem.file, FILE);
      assert.equal(problem.line, 2);
    });

  it('refuses a list on a GRAPHQL source', () => {
    const { problems } = parseSource('protocol: GRAPHQL, url: ["http://a:1/graphql", "http://b:1/graphql"]');
    assert.ok(problems.some((p) => /takes one url/.test(p.message) && p.line === 2));
  });
});

/** A pool of instances a, b, c on a fake clock; `down` says which fail. */
function fakePool(names = ['a', 'b', 'c']) {
  const clock = { now: 1_000_000 };
  const down = new Set<string>();
  const served: string[] = [];
  const pool = new InstancePool(
    names.map((url) => ({ url, target: url })),
    { ejectAfterFailures: 3, ejectionMs: 1_000, maxEjectionMs: 4_000, now: () => clock.now },
  );
  const policy: AttemptPolicy = { isFailure: () => true, retries: 0, isRetryable: () => true };
  const call = (retries = 0) =>
    pool.run(
      async (url) => {
        served.push(url);
        if (down.has(url)) throw new Error(`${url} down`);
        return url;
      },
      { ...policy, retries },
    );
  const status = (url: string) => pool.statuses().find((s) => s.url === url)!;
  return { clock, down, served, pool, call, status };
}

describe('passive outlier detection (InstancePool)', () => {
  it('round-robins over healthy instances', async () => {
    const { call, served } = fakePool();
    for (let i = 0; i < 6; i++) await call();
    assert.deepEqual(served, ['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('ejects an instance after 3 failures in a row, then sends it nothing', async () => {
    const { call, served, down, status, clock } = fakePool();
    down.add('b');
    for (let i = 0; i < 9; i++) await call().catch(() => {});
    assert.equal(served.filter((u) => u === 'b').length, 3);
    assert.deepEqual(status('b'), {
      url: 'b',
      healthy: false,
      breaker: 'open',
      ejectedUntil: clock.now + 1_000,
      consecutiveFailures: 3,
    });
    served.length = 0;
    for (let i = 0; i < 10; i++) assert.notEqual(await call(), 'b');
    assert.ok(!served.includes('b'));
    assert.equal(status('a').healthy, true);
  });

  it('a failure between successes does not eject (the count is consecutive)', async () => {
    const { call, down, status } = fakePool(['a']);
    for (let i = 0; i < 5; i++) {
      down.add('a');
      await call().catch(() => {});
      await call().catch(() => {});
      down.delete('a');
      await call();
    }
    assert.equal(status('a').breaker, 'closed');
    assert.equal(status('a').consecutiveFailures, 0);
  });

  it('after the back-off, one probe request; a failed probe doubles the back-off up to the cap', async () => {
    const { call, served, down, status, clock } = fakePool(['a', 'b']);
    down.add('b');
    for (let i = 0; i < 6; i++) await call().catch(() => {});
    assert.equal(status('b').breaker, 'open');
    const backoffs: number[] = [];
    for (let round = 0; round < 4; round++) {
      const until = status('b').ejectedUntil!;
      backoffs.push(until - clock.now);
      clock.now = until;
      assert.equal(status('b').breaker, 'half-open');
      served.length = 0;
      await Promise.all([call(), call(), call(), call()].map((p) => p.catch(() => {})));
      assert.equal(served.filter((u) => u === 'b').length, 1, 'one probe request only');
      assert.equal(status('b').breaker, 'open');
    }
    assert.deepEqual(backoffs, [1_000, 2_000, 4_000, 4_000]);
  });

  it('a successful probe gives the instance its traffic back, and the back-off starts over', async () => {
    const { call, served, down, status, clock } = fakePool(['a', 'b']);
    down.add('b');
    for (let i = 0; i < 6; i++) await call().catch(() => {});
    clock.now = status('b').ejectedUntil!;
    await call().catch(() => {}); // failed probe: back-off 2 s
    clock.now = status('b').ejectedUntil!;
    down.delete('b');
    served.length = 0;
    for (let i = 0; i < 6; i++) await call();
    assert.equal(served.filter((u) => u === 'b').length, 3, 'back in the rotation');
    assert.deepEqual(status('b'), { url: 'b', healthy: true, breaker: 'closed', consecutiveFailures: 0 });
    down.add('b');
    for (let i = 0; i < 6; i++) await call().catch(() => {});
    assert.equal(status('b').ejectedUntil! - clock.now, 1_000);
  });

  it('a retry goes to another instance', async () => {
    const { call, served, down } = fakePool(['a', 'b']);
    down.add('a');
    assert.equal(await call(1), 'b');
    assert.deepEqual(served, ['a', 'b']);
  });

  it('when no instance is healthy, calls fail at once with CircuitOpenError (no traffic)', async () => {
    const { call, served, down, clock } = fakePool(['a', 'b']);
    down.add('a').add('b');
    for (let i = 0; i < 6; i++) await call().catch(() => {});
    served.length = 0;
    await assert.rejects(call(1), (error) => error instanceof CircuitOpenError && error.retryAfterMs === 1_000);
    assert.deepEqual(served, []);
    clock.now += 1_000;
    down.delete('a');
    assert.equal(await call(), 'a', 'the probe of a succeeds');
  });
});
