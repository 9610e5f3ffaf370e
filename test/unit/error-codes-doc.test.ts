import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { authRefusalReasons, errorCodes } from '../../src/errors/codes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const table = new Map([...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));

test('every error code is documented in the README table with its HTTP status', () => {
  for (const [code, info] of Object.entries(errorCodes)) {
    assert.equal(table.get(code), info.status, `README error table: ${code} should be listed with ${info.status}`);
  }
});

// | `CODE` | status | meaning | what to do |
const rows = new Map(
  [...readme.matchAll(/^\| `([A-Z_]+)` \| \d{3} \| (.+?) \| (.+?) \|$/gm)].map((m) => [
    m[1]!,
    { message: m[2]!, remedy: m[3]! },
  ]),
);

test('the README table says what the catalogue says: the same meaning and remedy for every code', () => {
  for (const [code, info] of Object.entries(errorCodes)) {
    const row = rows.get(code);
    assert.ok(row, `README error table: no row for ${code}`);
    assert.equal(row.message, info.message, `README error table: meaning of ${code}`);
    assert.equal(row.remedy, info.remedy, `README error table: what to do about ${code}`);
  }
});

test('the NOT_FOUND remedy names what a path can be: GraphQL endpoints (chosen paths too), facade routes and versions, health and metrics', () => {
  const { remedy } = errorCodes.NOT_FOUND;
  for (const part of ['/<client>/graphql', 'client.yaml `path`', 'openapi.json', '/healthz', '/readyz', '/metrics'])
    assert.ok(remedy.includes(part), `NOT_FOUND remedy should mention ${part}: ${remedy}`);
  assert.doesNotMatch(remedy, /\/partner\//, 'facades exist for any client, not only partner');
});

test('the README table lists no code the gateway does not have', () => {
  for (const code of table.keys())
    assert.ok(code in errorCodes, `README lists ${code}, which is not in src/errors/codes.ts`);
});

test('every auth refusal reason is named in the README, with a catalogue code', () => {
  for (const [reason, { code }] of Object.entries(authRefusalReasons)) {
    assert.ok(readme.includes(`\`${reason}\``), `README (Authentication) should name the refusal reason ${reason}`);
    assert.ok(code in errorCodes, `${reason} answers with ${code}, which is not in the catalogue`);
  }
});
