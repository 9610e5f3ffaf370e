import { test } from 'node:test';
import assert from 'node:assert/strict';
import DataLoader from 'dataloader';
import { setTimeout as sleep } from 'node:timers/promises';
import { coalescingSchedule, maxCoalesceWaitMs, trackCall } from '../../src/sources/coalesce.js';

function batchingLoader(context: object) {
  const batches: string[][] = [];
  const loader = new DataLoader<string, string>(
    async (keys) => {
      batches.push([...keys]);
      return keys.map((k) => k.toUpperCase());
    },
    { batchScheduleFn: coalescingSchedule(context) },
  );
  return { loader, batches };
}

test('keys that arrive while a sibling call of the request is in flight go out in one batch', async () => {
  const context = {};
  const { loader, batches } = batchingLoader(context);
  let finishSibling!: () => void;
  const sibling = trackCall(
    context,
    () =>
      new Promise<void>((resolve) => {
        finishSibling = resolve;
      }),
  );
  const first = loader.load('a');
  await sleep(5);
  const second = loader.load('b'); // a later arrival, e.g. the other list's products
  finishSibling();
  await sibling;
  assert.deepEqual(await Promise.all([first, second]), ['A', 'B']);
  assert.deepEqual(batches, [['a', 'b']]);
});

test('with no sibling in flight a batch goes out at once', async () => {
  const { loader, batches } = batchingLoader({});
  const started = performance.now();
  assert.equal(await loader.load('x'), 'X');
  assert.ok(performance.now() - started < maxCoalesceWaitMs, 'did not wait for the coalescing window');
  assert.deepEqual(batches, [['x']]);
});

test('a slow sibling holds a batch back for at most the coalescing window', async () => {
  const context = {};
  const { loader } = batchingLoader(context);
  const slow = trackCall(context, () => sleep(300));
  const started = performance.now();
  await loader.load('k');
  const waited = performance.now() - started;
  assert.ok(waited >= maxCoalesceWaitMs - 2 && waited < 200, `waited ${Math.round(waited)} ms`);
  await slow;
});

test('requests do not wait for each other', async () => {
  const other = {};
  const slow = trackCall(other, () => sleep(200));
  const { loader } = batchingLoader({});
  const started = performance.now();
  await loader.load('k');
  assert.ok(performance.now() - started < maxCoalesceWaitMs);
  await slow;
});
