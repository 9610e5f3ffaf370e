/**
 * The benchmarks drive one demo user at hundreds of requests per second, far above the per-caller
 * quota the demo clients ship with (600/min). They run over a copy of the configuration folder
 * with those quotas lifted, so that they measure the gateway rather than its 429s. `edit` changes
 * the copy further (e.g. cacheCatalogLookups) before the gateway reads it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

const liftedClients = ['mobile', 'web'];

export function benchConfigDir(root: string, edit?: (dir: string) => void): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'facet-bench-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const entry of ['schema', 'clients', 'gateway.yaml']) {
      if (existsSync(join(root, entry))) cpSync(join(root, entry), join(dir, entry), { recursive: true });
    }
    for (const client of liftedClients) {
      const file = join(dir, 'clients', client, 'client.yaml');
      const doc = parseDocument(readFileSync(file, 'utf8'));
      doc.setIn(['quotas', 'perCaller'], [{ max: 10_000_000, window: '1m' }]);
      writeFileSync(file, doc.toString());
    }
    edit?.(dir);
  } catch (error) {
    cleanup();
    throw error;
  }
  return { dir, cleanup };
}

/** The catalog's lookups by id, the ones a home screen makes: `product` and the `products` batch. */
const catalogLookups = [
  'product(id: ID!): Product @http(GET: "/products/{args.id}")',
  '@http(GET: "/products", query: { ids: "{args.ids}" }, result: "items") @batch(key: "id") @lookup',
];

/**
 * Declares the catalog's lookups `@cacheControl(maxAge)` (PUBLIC: product data is the same for
 * every caller; nothing user-private is made cacheable) in the copy at `dir`. Throws when a
 * declaration is not found once exactly, so that a changed SDL does not silently bench no cache.
 */
export function cacheCatalogLookups(dir: string, maxAgeSeconds = 600): void {
  const file = join(dir, 'schema', 'catalog.graphql');
  let sdl = readFileSync(file, 'utf8');
  for (const field of catalogLookups) {
    const found = sdl.split(field).length - 1;
    if (found !== 1) throw new Error(`${file}: expected "${field}" once, found it ${found} times`);
    sdl = sdl.replace(field, () => `${field} @cacheControl(maxAge: ${maxAgeSeconds})`);
  }
  writeFileSync(file, sdl);
}
