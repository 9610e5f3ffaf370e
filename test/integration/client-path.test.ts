// client.yaml `path`: a client's GraphQL endpoint at a chosen path (e.g. the conventional /graphql),
// validated per file and across clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { asPartner, repoRoot, startStack, type Stack } from '../helpers/gateway.js';
import { runCli } from '../helpers/run-cli.js';
import { productById } from '../../demo/data.js';

const schema = 'type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n';
const client = (yaml?: string, files?: Record<string, string>) => ({
  schema,
  ...(yaml === undefined ? {} : { yaml }),
  ...(files ? { files } : {}),
});

async function post(
  url: string,
): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ product(id: "p1") { name } }' }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

describe('a client served at the path client.yaml gives', () => {
  let config: FixtureConfig;
  let stack: Stack;
  before(async () => {
    config = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: { shop: client('path: /graphql\n'), kiosk: client() },
    });
    stack = await startStack({ dir: config.dir });
  });
  after(async () => {
    await stack?.close();
    config?.cleanup();
  });

  it('answers at /graphql, and no longer at /<client>/graphql', async () => {
    const answer = await post(`${stack.url}/graphql`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.data, { product: { name: productById('p1')!.name } });
    const old = await post(`${stack.url}/shop/graphql`);
    assert.equal(old.status, 404);
    assert.equal(old.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  it('leaves the default /<client>/graphql to clients without a path', async () => {
    assert.equal((await post(`${stack.url}/kiosk/graphql`)).status, 200);
    assert.deepEqual(
      stack.gateway
        .current()
        .clients.map((c) => c.definition.endpoint)
        .sort(),
      ['/graphql', '/kiosk/graphql'],
    );
  });
});

it('a client with a REST facade keeps it under /<client>/ when its GraphQL endpoint moves to /graphql', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facet-path-'));
  for (const part of ['schema', 'clients']) cpSync(join(repoRoot, part), join(dir, part), { recursive: true });
  const partnerYaml = join(dir, 'clients', 'partner', 'client.yaml');
  writeFileSync(partnerYaml, `path: /graphql\n${readFileSync(partnerYaml, 'utf8')}`);
  const stack = await startStack({ dir });
  try {
    const graphql = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { ...asPartner(), 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ order(id: "o1") { id } }' }),
    });
    assert.deepEqual(await graphql.json(), { data: { order: { id: 'o1' } } });
    const rest = await fetch(`${stack.url}/partner/v2/orders/o1`, { headers: asPartner() });
    assert.equal(rest.status, 200);
    assert.equal(((await rest.json()) as { id: string }).id, 'o1');
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('facet check refuses endpoint paths', () => {
  it("that are malformed, reserved, shared by two clients or under another client's REST facade, naming the files", async () => {
    const config = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        alpha: client('description: no slash\npath: graphql\n'),
        beta: client('path: /metrics\n'),
        gamma: client('path: /graphql?x=1\n'),
        delta: client('path: /shared\n'),
        epsilon: client('path: /shared\n'),
        zeta: client('path: /eta/graphql\n'),
        eta: client(),
        theta: client('path: /iota/orders\n'),
        iota: client(undefined, { 'rest/v1/version.yaml': 'naming: camelCase\n' }),
      },
    });
    try {
      const { code, stderr } = await runCli(['check', '--dir', config.dir]);
      assert.equal(code, 1, stderr);
      const expected = [
        /clients\/alpha\/client\.yaml:2 \(path\): must start with \//,
        /clients\/beta\/client\.yaml:1 \(path\): \/metrics is the gateway's own/,
        /clients\/gamma\/client\.yaml:1 \(path\): a path only, without \?query/,
        /clients\/delta\/client\.yaml:1 \(path\): \/shared is also the endpoint of client "epsilon" \(clients\/epsilon\/client\.yaml:1\)/,
        /clients\/epsilon\/client\.yaml:1 \(path\): \/shared is also the endpoint of client "delta" \(clients\/delta\/client\.yaml:1\)/,
        /clients\/zeta\/client\.yaml:1 \(path\): \/eta\/graphql is also the endpoint of client "eta" \(its default, from clients\/eta\/\)/,
        /clients\/theta\/client\.yaml:1 \(path\): \/iota\/orders is under \/iota\/, where client "iota" serves its REST facade \(clients\/iota\/rest\/\)/,
      ];
      for (const line of expected) assert.match(stderr, line);
      assert.doesNotMatch(
        stderr,
        /clients\/eta\/.*is also the endpoint/,
        'the client on its default path is not blamed',
      );
    } finally {
      config.cleanup();
    }
  });
});
