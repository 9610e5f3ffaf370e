// Files a configuration names are found relative to the configuration folder, not to the working
// directory: here the gateway runs from the repository while its folder is elsewhere.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportSPKI } from 'jose';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { startStack, type Stack } from '../helpers/gateway.js';
import { DEMO_AUDIENCE, DEMO_ISSUER, generateRsaKey, rsToken, type RsaKey } from '../helpers/tokens.js';

describe('configuration folder paths', () => {
  let key: RsaKey;
  let config: FixtureConfig;
  let stack: Stack;
  before(async () => {
    key = await generateRsaKey('issuer');
    config = createFixtureConfig({
      sources: ['users.graphql'],
      clients: {
        app: {
          yaml: `auth:\n  jwt:\n    issuer: ${DEMO_ISSUER}\n    audience: ${DEMO_AUDIENCE}\n    algorithms: [RS256]\n    publicKeyFile: keys/issuer.pem\n`,
          schema: 'type Query { user(id: ID!): User }\ntype User { id: ID! name: String! }\n',
          files: { 'keys/issuer.pem': await exportSPKI(key.publicKey) },
        },
      },
    });
    assert.notEqual(process.cwd(), config.dir);
    stack = await startStack({ dir: config.dir });
  });
  after(async () => {
    await stack?.close();
    config?.cleanup();
  });

  it("a client's publicKeyFile is read from its folder whatever the working directory", async () => {
    const res = await stack.gql('app', '{ user(id: "u1") { id } }', {
      headers: { authorization: `Bearer ${await rsToken(key)}` },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { user: { id: 'u1' } });
  });
});
