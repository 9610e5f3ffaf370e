// ${VAR} and ${VAR:-default} in source URLs (src/config/env.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolateEnv } from '../../src/config/env.js';

describe('interpolateEnv', () => {
  it('replaces ${NAME} with the environment value', () => {
    assert.deepEqual(interpolateEnv('${CATALOG_URL}', { CATALOG_URL: 'http://10.1.2.3:8080' }), {
      value: 'http://10.1.2.3:8080',
      missing: [],
    });
  });

  it('prefers the environment over the default, and uses the default when unset', () => {
    const text = '${CATALOG_URL:-http://127.0.0.1:4102}';
    assert.deepEqual(interpolateEnv(text, { CATALOG_URL: 'http://catalog:80' }), {
      value: 'http://catalog:80',
      missing: [],
    });
    assert.deepEqual(interpolateEnv(text, {}), { value: 'http://127.0.0.1:4102', missing: [] });
  });

  it('treats an empty value as unset', () => {
    assert.deepEqual(interpolateEnv('${A:-fallback}', { A: '' }), { value: 'fallback', missing: [] });
    assert.deepEqual(interpolateEnv('x${A}y', { A: '' }), { value: 'xy', missing: ['A'] });
  });

  it('accepts an empty default (${NAME:-}) as a deliberate empty value', () => {
    assert.deepEqual(interpolateEnv('a${A:-}b', {}), { value: 'ab', missing: [] });
  });

  it('reports every variable that has neither a value nor a default', () => {
    const result = interpolateEnv('${PROTO}://${HOST}:${PORT:-80}/${PATH_PREFIX}', { HOST: 'h' });
    assert.equal(result.value, '://h:80/');
    assert.deepEqual(result.missing, ['PROTO', 'PATH_PREFIX']);
  });

  it('interpolates several placeholders mixed with text', () => {
    assert.deepEqual(interpolateEnv('${HOST:-127.0.0.1}:${PORT}', { PORT: '4201' }), {
      value: '127.0.0.1:4201',
      missing: [],
    });
  });

  it('inserts values literally: no second pass, no $-patterns of String.replace', () => {
    assert.deepEqual(interpolateEnv('${A}', { A: '${B}', B: 'oops' }), { value: '${B}', missing: [] });
    assert.deepEqual(interpolateEnv('${A}', { A: "x$&y$1z$'" }), { value: "x$&y$1z$'", missing: [] });
  });

  it('leaves text that is not a placeholder alone', () => {
    const env = { A: 'set' };
    for (const text of ['$A', 'http://host:80/path', '${}', '${1A}', '$ {A}', '{A}']) {
      assert.deepEqual(interpolateEnv(text, env), { value: text, missing: [] }, text);
    }
  });

  it('gives the same result on repeated calls (no state kept between calls)', () => {
    const text = '${X:-a}-${Y:-b}';
    assert.deepEqual(interpolateEnv(text, {}), interpolateEnv(text, {}));
    assert.equal(interpolateEnv(text, { X: '1' }).value, '1-b');
  });

  it('names a missing variable once even when it is used twice', () => {
    assert.deepEqual(interpolateEnv('${A}/${A}', {}).missing, ['A']);
  });
});
