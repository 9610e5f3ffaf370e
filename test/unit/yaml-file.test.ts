// YAML configuration files: every problem with its line and key path, a hint for misspelt keys,
// and a plain "missing required key" instead of a type error about `undefined`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemList } from '../../src/config/index.js';
import { readYamlFile } from '../../src/config/yaml-file.js';
import { clientFileSchema } from '../../src/clients/client-options.js';
import { gatewayFileSchema } from '../../src/config/gateway-options.js';

function problemsOf(text: string, schema: typeof clientFileSchema | typeof gatewayFileSchema = clientFileSchema) {
  const problems = new ProblemList();
  const result = readYamlFile('client.yaml', text, schema, problems);
  return { result, items: problems.items.map(({ line, path, message }) => ({ line, path, message })) };
}

describe('readYamlFile', () => {
  it('an unknown key suggests the nearest valid key at its level, on its own line', () => {
    const { result, items } = problemsOf('introspection: true\ngraphqi: true\n');
    assert.equal(result, undefined);
    assert.equal(items.length, 1);
    assert.equal(items[0]?.line, 2);
    assert.equal(items[0]?.path, 'graphqi');
    assert.match(
      items[0]?.message ?? '',
      /^unknown key `graphqi`; did you mean `graphiql`\? \(valid here: .*\bintrospection\b.*\)$/,
    );
  });

  it('nested keys, keys inside lists and gateway.yaml keys get hints too; one problem per unknown key', () => {
    const { items } = problemsOf(
      'limits:\n  maxDepht: 3\n  maxAlias: 4\nquotas:\n  perCaller: [{ max: 1, window: 1m, windw: 1s }]\n',
    );
    assert.deepEqual(
      items.map((p) => [p.line, p.path, /did you mean `(\w+)`/.exec(p.message)?.[1]]),
      [
        [2, 'limits.maxDepht', 'maxDepth'],
        [3, 'limits.maxAlias', 'maxAliases'],
        [5, 'quotas.perCaller.0.windw', 'window'],
      ],
    );
    const gateway = problemsOf('rateLimitStore:\n  onErorr: deny\n', gatewayFileSchema).items;
    assert.match(gateway[0]?.message ?? '', /^unknown key `onErorr`; did you mean `onError`\?/);
  });

  it('a key too far from every valid key gets no hint, only the valid keys', () => {
    const { items } = problemsOf('frobnicate: 1\n');
    assert.match(items[0]?.message ?? '', /^unknown key `frobnicate` \(valid here: /);
  });

  it('a missing required key says so', () => {
    const { items } = problemsOf('quotas:\n  perCaller: [{ max: 5 }]\n');
    assert.deepEqual(items, [{ line: 2, path: 'quotas.perCaller.0.window', message: 'missing required key `window`' }]);
  });
});

describe('ProblemList paths', () => {
  it('shows files under the configuration folder relative to it, in file and message, and others as given', () => {
    const problems = new ProblemList('/srv/config');
    problems.add({
      file: '/srv/config/schema/orders.graphql',
      line: 3,
      message: 'proto file "x.proto" not found (looked at /srv/config/schema/x.proto)',
    });
    problems.add({ file: '/etc/keys/issuer.pem', message: 'unreadable' });
    problems.add({ file: 'clients/web/client.yaml', message: 'already relative' });
    assert.deepEqual(
      problems.items.map((p) => [p.file, p.message]),
      [
        ['schema/orders.graphql', 'proto file "x.proto" not found (looked at schema/x.proto)'],
        ['/etc/keys/issuer.pem', 'unreadable'],
        ['clients/web/client.yaml', 'already relative'],
      ],
    );
  });
});
