// Every locked package runs on the lowest Node version Facet declares (package.json engines), so
// `npm install` on that Node prints no EBADENGINE warning and nothing breaks at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Semver {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
}
// semver is in node_modules through npm's own tooling deps; no types are needed for two calls.
const semver = createRequire(import.meta.url)('semver') as Semver;

interface LockedPackage {
  version?: string;
  engines?: Record<string, string> | string[];
}
const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

test('package-lock.json records the engines package.json declares', () => {
  assert.deepEqual(lock.packages['']?.engines, manifest.engines);
});

test("every locked package's engines.node accepts the lowest Node version package.json declares", () => {
  const lowest = semver.minVersion(manifest.engines.node)?.version;
  assert.ok(lowest, `engines.node "${manifest.engines.node}" has a lowest version`);
  const refused = Object.entries(lock.packages)
    .filter(([path, pkg]) => path !== '' && !Array.isArray(pkg.engines) && typeof pkg.engines?.['node'] === 'string')
    .filter(([, pkg]) => !semver.satisfies(lowest, (pkg.engines as Record<string, string>)['node']!))
    .map(
      ([path, pkg]) =>
        `${path.replace(/^.*node_modules\//, '')}@${pkg.version} wants node ${(pkg.engines as Record<string, string>)['node']}`,
    );
  assert.deepEqual(refused, [], `on Node ${lowest}`);
});
