// With NODE_ENV=production (the entry points' default) a client answers introspection only when its
// client.yaml says `introspection: true`, and validation errors carry no "Did you mean …" hints
// that would let a caller map the schema anyway. Outside production both stay on for development.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asPartner, asUser, startStack, type GqlResponse, type Stack } from '../helpers/gateway.js';

const introspection = '{ __schema { queryType { name } } }';
const messagesOf = (res: GqlResponse) => (res.body.errors ?? []).map((e) => e.message).join('\n');
const misspelt = '{ product(id: "p1") { nme } }';

describe('production defaults (NODE_ENV=production)', () => {
  let stack: Stack;
  let user: Record<string, string>;
  before(async () => {
    stack = await startStack({ env: { NODE_ENV: 'production' } });
    user = await asUser('u1');
  });
  after(() => stack.close());

  it('introspection is refused on a client that does not set introspection: true (partner)', async () => {
    const res = await stack.gql('partner', introspection, { headers: asPartner() });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(res.text, /introspection/i);
  });

  it('introspection is answered on a client that sets introspection: true (mobile, for GraphiQL)', async () => {
    const res = await stack.gql('mobile', introspection, { headers: user });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { __schema: { queryType: { name: 'Query' } } });
  });

  it('a misspelt field is a validation error without a suggestion', async () => {
    const res = await stack.gql('partner', misspelt, { headers: asPartner() });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.errors?.[0]?.message, 'Cannot query field "nme" on type "Product".');
    assert.doesNotMatch(res.text, /Did you mean/);
  });

  it('a misspelt argument gets no suggestion either', async () => {
    const res = await stack.gql('web', '{ product(idd: "p1") { id } }', { headers: user });
    assert.equal(res.status, 400, res.text);
    assert.match(messagesOf(res), /Unknown argument "idd"/);
    assert.doesNotMatch(res.text, /Did you mean/);
  });
});

describe('development defaults (NODE_ENV unset)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { NODE_ENV: 'development' } });
  });
  after(() => stack.close());

  it('introspection is on and validation errors suggest the field', async () => {
    const schema = await stack.gql('partner', introspection, { headers: asPartner() });
    assert.equal(schema.status, 200, schema.text);
    const res = await stack.gql('partner', misspelt, { headers: asPartner() });
    assert.match(messagesOf(res), /Did you mean "name"\?/);
  });
});
