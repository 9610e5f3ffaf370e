// The configuration watcher: folders, not inodes, so atomic saves and new folders keep being seen.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchConfigFolder } from '../../src/server/watch-config-folder.js';

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await sleep(20);
  }
}

it('sees rename-saves in a client folder created after it started, and ignores files that are not configuration', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facet-watch-'));
  mkdirSync(join(dir, 'schema'));
  mkdirSync(join(dir, 'clients'));
  let changes = 0;
  const watcher = watchConfigFolder(
    dir,
    () => {
      changes++;
    },
    { debounceMs: 30 },
  );
  try {
    mkdirSync(join(dir, 'clients', 'kiosk'));
    await until(() => changes === 1);
    for (const expected of [2, 3]) {
      writeFileSync(join(dir, 'clients', 'kiosk', '.schema.tmp'), `type Query { n${expected}: Int }`);
      renameSync(join(dir, 'clients', 'kiosk', '.schema.tmp'), join(dir, 'clients', 'kiosk', 'schema.graphql'));
      await until(() => changes === expected);
    }
    writeFileSync(join(dir, 'notes.txt'), 'not configuration');
    writeFileSync(join(dir, 'gateway.yaml'), 'quotas: {}');
    await until(() => changes === 4);
    await sleep(100);
    assert.equal(changes, 4);
  } finally {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
