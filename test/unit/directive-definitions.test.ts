import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, parse, type DirectiveDefinitionNode } from 'graphql';
import { sourceDirectivesSdl } from '../../src/sources/index.js';
import { directiveArguments } from '../../src/sources/source-directives.js';
import { clientDirectivesSdl } from '../../src/clients/index.js';
import { clientDirectiveNames } from '../../src/clients/parse-client.js';
import { authDirectivesSdl } from '../../src/directives/auth/index.js';
import { rateLimitDirectiveSdl } from '../../src/directives/rate-limit/sdl.js';
import { directiveDefinitions } from '../../src/cli/directives.js';
import { restMethods, restOptionArguments } from '../../src/facade/rest-directive.js';

const definitions = (sdl: string) =>
  parse(sdl).definitions.filter((d): d is DirectiveDefinitionNode => d.kind === Kind.DIRECTIVE_DEFINITION);

test('the printed source directives are exactly those parse-source accepts, with the same arguments', () => {
  const printed = definitions(sourceDirectivesSdl);
  assert.deepEqual(printed.map((d) => d.name.value).sort(), Object.keys(directiveArguments).sort());
  for (const d of printed) {
    const spec = directiveArguments[d.name.value]!;
    assert.deepEqual(
      (d.arguments ?? []).map((a) => a.name.value).sort(),
      [...spec.required, ...spec.optional].sort(),
      `@${d.name.value}`,
    );
  }
});

test('the printed client directives are exactly those parse-client accepts', () => {
  const printed = [clientDirectivesSdl, authDirectivesSdl, rateLimitDirectiveSdl]
    .flatMap(definitions)
    .map((d) => d.name.value);
  assert.deepEqual(printed.sort(), [...clientDirectiveNames].sort());
});

test('`facet directives` prints valid SDL', () => {
  assert.ok(definitions(directiveDefinitions()).length > 10);
});

test('`facet directives` prints @rest, the REST facade operation directive, with the arguments load-facade accepts', () => {
  const rest = definitions(directiveDefinitions()).find((d) => d.name.value === 'rest');
  assert.ok(rest, '@rest is printed');
  assert.deepEqual(
    (rest.arguments ?? []).map((a) => a.name.value).sort(),
    [...restMethods, ...restOptionArguments].sort(),
  );
  assert.deepEqual(rest.locations.map((l) => l.value).sort(), ['MUTATION', 'QUERY']);
});
