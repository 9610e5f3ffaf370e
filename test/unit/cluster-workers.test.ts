import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfigFolder, ProblemList } from '../../src/config/index.js';
import { RestartBudget } from '../../src/cluster/restart-budget.js';
import { declaredLimits } from '../../src/cluster/shared-limits.js';
import { maxWorkers, parseWorkerCount } from '../../src/cluster/worker-count.js';
import { parseHeapGrowthPercent } from '../../src/cluster/heap-growth.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('worker count (--workers, FACET_WORKERS)', () => {
  it('takes 1 to the maximum, or auto as the cores this process may use; anything else is refused', () => {
    assert.equal(parseWorkerCount('1'), 1);
    assert.equal(parseWorkerCount('4'), 4);
    assert.equal(parseWorkerCount('auto'), Math.min(availableParallelism(), maxWorkers));
    for (const bad of ['0', '-2', '1.5', 'two', '', String(maxWorkers + 1)])
      assert.equal(parseWorkerCount(bad), undefined, bad);
  });
});

describe('heap growth (--heap-growth, FACET_HEAP_GROWTH)', () => {
  it('takes a whole percentage from 0 (V8 decides) to 400; anything else is refused', () => {
    assert.equal(parseHeapGrowthPercent('0'), 0);
    assert.equal(parseHeapGrowthPercent('100'), 100);
    assert.equal(parseHeapGrowthPercent('400'), 400);
    for (const bad of ['401', '-1', '1.5', '50%', 'auto', ''])
      assert.equal(parseHeapGrowthPercent(bad), undefined, bad);
  });
});

describe('restarting dead workers', () => {
  it('waits longer after each restart within a minute, up to the cap', () => {
    const budget = new RestartBudget({ maxPerMinute: 10, baseDelayMs: 100, maxDelayMs: 1000 });
    const delays = Array.from({ length: 6 }, (_, i) => budget.next(i * 1000));
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
  });

  it('stops restarting past the bound per minute, and starts again once a minute has passed', () => {
    const budget = new RestartBudget({ maxPerMinute: 3, baseDelayMs: 100 });
    assert.deepEqual([budget.next(0), budget.next(10), budget.next(20)], [100, 200, 400]);
    assert.equal(budget.next(30), undefined, 'a fourth restart within the minute');
    assert.equal(budget.next(60_000), 400, 'the first restart has aged out');
    assert.equal(budget.next(60_005), undefined);
  });
});

describe('limits that need a shared store with several workers', () => {
  it('names each file of the demo configuration that declares quotas or @rateLimit, relative to the folder', () => {
    const config = loadConfigFolder(repoRoot, {}, new ProblemList());
    const limits = declaredLimits(config);
    assert.ok(limits.includes('clients/partner/client.yaml (quotas)'), limits.join('\n'));
    assert.ok(
      limits.some((l) => /^clients\/partner\/schema\.graphql \(@rateLimit on Query\.\w+/.test(l)),
      limits.join('\n'),
    );
  });
});
