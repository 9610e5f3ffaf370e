/**
 * The benchmarks drive one demo user at hundreds of requests per second, far above the per-caller
 * quota the demo clients ship with (600/min). They run over a copy of the configuration folder
 * with those quotas lifted, so that they measure the gateway rather than its 429s.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

const liftedClients = ['mobile', 'web'];

export function benchConfigDir(root: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'facet-bench-'));
  for (const entry of ['schema', 'clients', 'gateway.yaml']) {
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  for (const client of liftedClients) {
    const file = join(dir, 'clients', client, 'client.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.setIn(['quotas', 'perCaller'], [{ max: 10_000_000, window: '1m' }]);
    writeFileSync(file, doc.toString());
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
