// API keys on the demo's partner client (X-API-Key): a valid key works and is forwarded as the
// consumer; unknown, revoked, empty and missing keys are refused with 401, a stable reason and an
// ApiKey challenge, before any backend is called.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { productById } from '../../demo/data.js';
import { backendCalls, type GqlResponse } from '../helpers/gateway.js';
import { startStackRecording, type RecordingStack, type UpstreamRecorder } from '../helpers/upstream-recorder.js';

const VALID = 'demo-partner-key';
const REVOKED = 'demo-revoked-key';
const QUERY = '{ product(id: "p2") { id name } }';

describe('API key authentication (partner)', () => {
  let stack: RecordingStack;
  let users: UpstreamRecorder;
  before(async () => {
    stack = await startStackRecording('users'); // sees the headers the gateway sends the users backend
    users = stack.recorder;
  });
  after(() => stack?.close());
  beforeEach(() => {
    stack.demo.resetCounters();
    users.calls.length = 0;
  });

  function assertRefused(res: GqlResponse, reason: string): void {
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.data, undefined, res.text);
    assert.equal(res.body.errors?.length, 1, res.text);
    assert.equal(res.body.errors[0]!.extensions?.code, 'UNAUTHENTICATED', res.text);
    assert.equal(res.body.errors[0]!.extensions?.['reason'], reason, res.text);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^ApiKey realm="partner", header="X-API-Key"$/, `WWW-Authenticate: ${challenge}`);
    assert.equal(backendCalls(stack.demo), 0, 'no backend call');
  }

  it('a valid key works', async () => {
    const res = await stack.gql('partner', QUERY, { headers: { 'x-api-key': VALID } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, { product: { id: 'p2', name: productById('p2')?.name } });
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 1);
  });

  it("the key's consumer and scopes reach the backend; forged identity headers and the key itself do not", async () => {
    const res = await stack.gql('partner', '{ user(id: "u5") { id } }', {
      headers: { 'x-api-key': VALID, 'x-consumer': 'someone-else', 'x-user-id': 'u9', 'x-scopes': 'admin' },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { user: { id: 'u5' } }, res.text);
    assert.equal(users.calls.length, 1, JSON.stringify(users.calls));
    const headers = users.calls[0]!.headers;
    assert.equal(headers['x-consumer'], 'demo-partner');
    assert.equal(headers['x-scopes'], 'catalog:read orders:read orders:write users:read');
    assert.equal(headers['x-user-id'], undefined, 'an API key has no user; the forged one is dropped');
    assert.equal(headers['x-api-key'], undefined, 'the key is not forwarded');
  });

  it('the key header name is case-insensitive', async () => {
    const res = await stack.gql('partner', QUERY, { headers: { 'X-API-KEY': VALID } });
    assert.equal(res.status, 200, res.text);
  });

  it('an unknown key → 401 unknown_api_key', async () => {
    assertRefused(
      await stack.gql('partner', QUERY, { headers: { 'x-api-key': 'demo-partner-kez' } }),
      'unknown_api_key',
    );
  });

  it('a revoked key → 401 revoked_api_key', async () => {
    assertRefused(await stack.gql('partner', QUERY, { headers: { 'x-api-key': REVOKED } }), 'revoked_api_key');
  });

  it('an empty key header → 401 malformed_api_key', async () => {
    assertRefused(await stack.gql('partner', QUERY, { headers: { 'x-api-key': '' } }), 'malformed_api_key');
  });

  it('a key over 256 characters → 401 malformed_api_key', async () => {
    assertRefused(
      await stack.gql('partner', QUERY, { headers: { 'x-api-key': 'k'.repeat(257) } }),
      'malformed_api_key',
    );
  });

  it('no key → 401 missing_credentials with an ApiKey challenge', async () => {
    assertRefused(await stack.gql('partner', QUERY), 'missing_credentials');
  });

  it('a bearer token is no credential for the partner client → 401 missing_credentials', async () => {
    assertRefused(
      await stack.gql('partner', QUERY, { headers: { authorization: 'Bearer abc.def.ghi' } }),
      'missing_credentials',
    );
  });

  it('a forged X-Consumer next to no key is not an identity → 401 missing_credentials', async () => {
    assertRefused(
      await stack.gql('partner', QUERY, { headers: { 'x-consumer': 'demo-partner', 'x-scopes': 'orders:read' } }),
      'missing_credentials',
    );
  });

  it('the refusal does not echo the presented key', async () => {
    const res = await stack.gql('partner', QUERY, { headers: { 'x-api-key': 'secret-looking-key-123' } });
    assertRefused(res, 'unknown_api_key');
    assert.doesNotMatch(res.text + (res.headers.get('www-authenticate') ?? ''), /secret-looking-key-123/);
  });
});
