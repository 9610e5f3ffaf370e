// The @source integer defaults are defined once (sourceIntArguments): parse-source applies them,
// `facet directives` prints them and the README's directive table lists them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Kind, parse, print, type DirectiveDefinitionNode } from 'graphql';
import { ProblemList } from '../../src/config/config-error.js';
import { parseSourceFile } from '../../src/sources/parse-source.js';
import { sourceDirectivesSdl, sourceIntArguments } from '../../src/sources/source-directives.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const keys = Object.keys(sourceIntArguments) as Array<keyof typeof sourceIntArguments>;

test('a source without timeoutMs, retries, connections or maxResponseBytes gets the defined defaults', () => {
  const problems = new ProblemList();
  const source = parseSourceFile(
    'schema/shop.graphql',
    'extend schema @source(name: "shop", protocol: REST, url: "http://127.0.0.1:4102")\ntype Query { ping: String @http(GET: "/ping") }',
    {},
    problems,
  );
  assert.deepEqual(problems.items, []);
  for (const key of keys) assert.equal(source?.[key], sourceIntArguments[key].default, key);
});

test('the printed @source definition shows the same defaults', () => {
  const directive = parse(sourceDirectivesSdl).definitions.find(
    (d): d is DirectiveDefinitionNode => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === 'source',
  );
  for (const key of keys) {
    const argument = directive?.arguments?.find((a) => a.name.value === key);
    assert.equal(argument?.defaultValue && print(argument.defaultValue), String(sourceIntArguments[key].default), key);
  }
});

test('the README directive table lists the same @source defaults', () => {
  const row = readme.split('\n').find((line) => line.startsWith('| `@source('));
  assert.ok(row, 'README has a @source row in the directive table');
  for (const key of keys)
    assert.ok(
      row.includes(`${key} = ${sourceIntArguments[key].default}`),
      `README @source row: ${key} = ${sourceIntArguments[key].default}`,
    );
});
