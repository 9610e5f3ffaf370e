// An open circuit must not flood the log: the calls it rejects are counted (one line per source per
// interval), while the state change itself and each call that reached the backend are logged.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { asUser, errorsWithCode, startStack } from '../helpers/gateway.js';
import { captureLog } from '../helpers/captured-log.js';

const WEB_PRODUCT = '{ product(id: "p1") { name } }';

it('while the catalog circuit is open, 60 rejected calls add O(1) log lines, and the count is reported', async (t) => {
  const { log, lines } = captureLog();
  const stack = await startStack({ log });
  t.after(() => stack.close());
  const headers = await asUser('u1');
  stack.demo.catalog.setFault('error');

  for (let i = 0; i < 5; i++) await stack.gql('web', WEB_PRODUCT, { headers }); // 5 failures open it
  const before = lines.length;
  const rejected = await Promise.all(Array.from({ length: 60 }, () => stack.gql('web', WEB_PRODUCT, { headers })));
  for (const res of rejected) assert.equal(errorsWithCode(res.body, 'CIRCUIT_OPEN').length, 1, res.text);
  const during = lines.slice(before).filter((l) => l['source'] === 'catalog');
  assert.ok(during.length <= 1, `rejected calls logged ${during.length} lines: ${JSON.stringify(during.slice(0, 3))}`);

  const failures = lines.filter((l) => l['msg'] === 'upstream call failed' && l['source'] === 'catalog');
  assert.equal(failures.length, 5, 'each call that reached the backend is logged');
  assert.equal(
    lines.filter((l) => l['source'] === 'catalog' && l['circuit'] === 'open').length,
    1,
    'the opening is logged once',
  );

  await stack.close();
  const summary = lines.filter((l) => l['source'] === 'catalog' && typeof l['rejected'] === 'number');
  assert.deepEqual(
    summary.map((l) => l['rejected']),
    [60],
    'the rejected calls are reported as one count',
  );
});
