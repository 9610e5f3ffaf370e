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
