// A loaded configuration cannot be changed afterwards: what `facet check` validated is what runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfigFolder, ProblemList } from '../../src/config/index.js';
import { repoRoot } from '../helpers/run-cli.js';

describe('loaded configuration is frozen', () => {
  const problems = new ProblemList();
  const config = loadConfigFolder(repoRoot, {}, problems);

  it('loads the repository configuration without problems', () => {
    assert.deepEqual(problems.items, []);
    assert.ok(config.clients.length > 0 && config.sources.length > 0);
  });

  it('assigning to the config, a client option or a source throws', () => {
    const mobile = config.clients.find((c) => c.name === 'mobile');
    assert.ok(mobile);
    assert.throws(() => {
      (config as { dir: string }).dir = '/elsewhere';
    }, TypeError);
    assert.throws(() => {
      (mobile.options.limits as { maxDepth: number }).maxDepth = 1000;
    }, TypeError);
    assert.throws(() => {
      (config.gateway.rateLimitStore as { onError: string }).onError = 'deny';
    }, TypeError);
    assert.throws(() => {
      (config.sources[0] as { url: string }).url = 'http://evil.example';
    }, TypeError);
  });

  it('lists and the values of maps are frozen too', () => {
    const mobile = config.clients.find((c) => c.name === 'mobile')!;
    assert.throws(() => {
      config.sources.push(config.sources[0]!);
    }, TypeError);
    const from = mobile.from.get('Home.me');
    assert.ok(from);
    assert.throws(() => {
      (from as { fieldName: string }).fieldName = 'users';
    }, TypeError);
    assert.ok(Object.isFrozen(mobile.document));
  });
});
