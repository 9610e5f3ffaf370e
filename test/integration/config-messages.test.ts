// What `facet check` says about common configuration mistakes: the file and line where the fix
// goes, a hint when a name is misspelt, every broken file at once, and paths relative to the
// configuration folder whatever the working directory (the CLI runs from another folder here).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFixtureConfig, type FixtureConfig, type FixtureConfigOptions } from '../helpers/fixture-config.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { startGateway } from '../../src/server/index.js';
import { ConfigError, formatProblem } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/index.js';

const userSchema = 'type Query { user(id: ID!): User }\ntype User { id: ID! name: String! }\n';

/** client.yaml with a JWT verified by a public key file (line 6: publicKeyFile). */
const publicKeyYaml = (algorithm: string, file: string) =>
  `auth:\n  jwt:\n    issuer: idp\n    audience: app\n    algorithms: [${algorithm}]\n    publicKeyFile: ${file}\n`;
const spkiPem = (type: 'rsa' | 'ec') =>
  (type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  ).publicKey.export({ type: 'spki', format: 'pem' }) as string;

interface Case {
  config: FixtureConfigOptions;
  /** More files, by path relative to the folder. */
  files?: Record<string, string>;
}

// Few folders, so that few CLI runs cover every case. In the first every source loads, so the
// client checks run against the whole graph; in the second, three source files are broken.
const cases: Record<string, Case> = {
  'graph complete': {
    config: {
      sources: ['users.graphql'],
      gatewayYaml: 'rateLimitStore:\n  onErorr: deny\n',
      clients: {
        app: {
          yaml: 'graphqi: true\nlimits:\n  maxDepht: 5\n',
          schema:
            'type Query { home: Home! }\ntype Home {\n  me: User @from(query: "usr", args: { id: "u1" })\n}\ntype User { id: ID! }\n',
        },
        web: {
          schema:
            'type Query { home: Home! }\ntype Home {\n  me: User @from(query: "user", args: { id: "u1" })\n  foo: Fooo\n}\ntype User { id: ID! }\n',
        },
      },
    },
  },
  'sources broken': {
    config: {
      sources: ['orders.proto', 'users.graphql'],
      clients: {
        app: { schema: 'type Query { user(id: ID!): User }\ntype User { id: ID! name: Int }\n' },
        // Product comes from the broken catalog source: nothing is said about it (it would be a guess)
        web: {
          schema: `${userSchema}extend type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n`,
          yaml: 'graphiql: yes please\n',
        },
      },
    },
    files: {
      'schema/catalog.graphql':
        'extend schema @source(name: "catalog", protocol: REST, url: "http://127.0.0.1:4102")\ntype Query {\n  product(id: ID!): String @http(GET: "/products/{args.id}"\n}\n',
      'schema/orders.graphql':
        '# orders over gRPC\n\nextend schema @source(name: "orders", protocol: GRPC, url: "127.0.0.1:4201",\n  proto: "orders.proto", service: "shop.orders.v1.OrderServce")\ntype Query {\n  order(id: ID!): String @grpc(method: "GetOrder", request: { id: "{args.id}" })\n}\n',
      'schema/people.graphql':
        '# a second backend\nextend schema @source(name: "orders", protocol: REST, url: "http://127.0.0.1:4199")\ntype Query {\n  person(id: ID!): String @http(GET: "/people/{args.id}")\n}\n',
    },
  },
  'public key files': {
    config: {
      sources: ['users.graphql'],
      clients: {
        // the key file is missing
        gone: { yaml: publicKeyYaml('RS256', 'keys/issuer.pem'), schema: userSchema },
        // the file is there but holds no key
        junk: {
          yaml: publicKeyYaml('RS256', 'keys/issuer.pem'),
          schema: userSchema,
          files: { 'keys/issuer.pem': 'not a key\n' },
        },
        // an EC key for RS256: every token would fail its signature check
        kind: {
          yaml: publicKeyYaml('RS256', 'issuer.pem'),
          schema: userSchema,
          files: { 'issuer.pem': spkiPem('ec') },
        },
        // the issuer's private key: never needed here
        secret: {
          yaml: publicKeyYaml('ES256', 'keys/issuer.pem'),
          schema: userSchema,
          files: {
            'keys/issuer.pem': generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
              type: 'pkcs8',
              format: 'pem',
            }) as string,
          },
        },
        // a good one: nothing to say
        good: {
          yaml: publicKeyYaml('RS256', 'keys/issuer.pem'),
          schema: userSchema,
          files: { 'keys/issuer.pem': spkiPem('rsa') },
        },
      },
    },
  },
  'root field twice': {
    config: { sources: ['users.graphql'], clients: { app: { schema: userSchema } } },
    files: {
      'schema/accounts.graphql':
        '# accounts\nextend schema @source(name: "accounts", protocol: REST, url: "http://127.0.0.1:4199")\ntype Query {\n  user(id: ID!): String @http(GET: "/accounts/{args.id}")\n}\n',
    },
  },
};

describe('configuration messages (facet check run from another folder)', () => {
  const configs: FixtureConfig[] = [];
  const results = new Map<string, CliResult>();
  before(async () => {
    const jobs = Object.entries(cases).map(([name, c]) => {
      const config = createFixtureConfig(c.config);
      configs.push(config);
      for (const [path, text] of Object.entries(c.files ?? {})) writeFileSync(join(config.dir, path), text);
      return [name, config.dir] as const;
    });
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let job = jobs.shift(); job; job = jobs.shift())
          results.set(job[0], await runCli(['check', '--dir', job[1]], { cwd: tmpdir(), timeoutMs: 30_000 }));
      }),
    );
  });
  after(() => {
    for (const config of configs) config.cleanup();
  });

  /** The problem lines (all but the "Configuration in … is invalid" header), after checking the exit code. */
  const problemsOf = (name: string): string[] => {
    const r = results.get(name);
    assert.ok(r && !r.timedOut, `${name} did not finish`);
    assert.equal(r.code, 1, r.stderr);
    return r.stderr
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean);
  };

  /** The one problem line that starts with `prefix`. */
  const problemStartingWith = (name: string, prefix: string): string => {
    const problems = problemsOf(name);
    const found = problems.filter((l) => l.startsWith(prefix));
    assert.equal(found.length, 1, `no single problem starting with ${prefix}:\n${problems.join('\n')}`);
    return found[0]!;
  };

  it('a wrong service in @source is reported at the @source line of the .graphql file, with the nearest service', () => {
    assert.equal(
      problemStartingWith('sources broken', 'schema/orders.graphql'),
      'schema/orders.graphql:3 (schema @source): service "shop.orders.v1.OrderServce" is not defined in orders.proto; did you mean `shop.orders.v1.OrderService`? (services: shop.orders.v1.OrderService)',
    );
    assert.ok(
      !problemsOf('sources broken').some((l) => l.includes('.proto:') || l.startsWith('schema/orders.proto')),
      'the proto is blamed',
    );
  });

  it('a duplicate source name names both files with the lines of their @source', () => {
    assert.equal(
      problemStartingWith('sources broken', 'schema/people.graphql'),
      'schema/people.graphql:2 (schema @source): source name "orders" is already used by schema/orders.graphql:3; each source needs its own name',
    );
  });

  it('unknown keys in client.yaml and gateway.yaml suggest the nearest valid key', () => {
    assert.match(
      problemStartingWith('graph complete', 'gateway.yaml'),
      /^gateway\.yaml:2 \(rateLimitStore\.onErorr\): unknown key `onErorr`; did you mean `onError`\? \(valid here: onError, timeoutMs/,
    );
    assert.match(
      problemStartingWith('graph complete', 'clients/app/client.yaml:1'),
      /^clients\/app\/client\.yaml:1 \(graphqi\): unknown key `graphqi`; did you mean `graphiql`\?/,
    );
    assert.match(
      problemStartingWith('graph complete', 'clients/app/client.yaml:3'),
      /^clients\/app\/client\.yaml:3 \(limits\.maxDepht\): unknown key `maxDepht`; did you mean `maxDepth`\?/,
    );
  });

  it('an unknown @from(query:) suggests the nearest root field of the graph', () => {
    assert.equal(
      problemStartingWith('graph complete', 'clients/app/schema.graphql'),
      'clients/app/schema.graphql:3 (Home.me): @from(query: "usr"): the graph has no query field usr; did you mean `user`?',
    );
  });

  it('a client field returning an unknown type is reported itself, with its line', () => {
    assert.equal(
      problemStartingWith('graph complete', 'clients/web/schema.graphql'),
      'clients/web/schema.graphql:4 (Home.foo): Home.foo returns Fooo, which is not a type of the graph or this client schema',
    );
  });

  it('a root field declared by two sources names both files with lines', () => {
    assert.deepEqual(problemsOf('root field twice'), [
      'schema/users.graphql:22 (Query.user): root field Query.user is also declared by source accounts (schema/accounts.graphql:4)',
    ]);
  });

  it('a syntax error in one file does not hide the problems of the other files', () => {
    assert.match(
      problemStartingWith('sources broken', 'schema/catalog.graphql'),
      /^schema\/catalog\.graphql:4:1: malformed SDL: Syntax Error/,
    );
    assert.equal(
      problemStartingWith('sources broken', 'clients/app/schema.graphql'),
      'clients/app/schema.graphql:2 (User.name): User.name is String! in the graph, not Int',
    );
    assert.match(
      problemStartingWith('sources broken', 'clients/web/client.yaml'),
      /^clients\/web\/client\.yaml:1 \(graphiql\): /,
    );
    assert.equal(problemsOf('sources broken').length, 5, problemsOf('sources broken').join('\n'));
    assert.ok(
      !problemsOf('sources broken').some((l) => l.includes('Product')),
      'a guess about a type of the broken source',
    );
    assert.equal(problemsOf('graph complete').length, 5, problemsOf('graph complete').join('\n'));
  });

  it('a publicKeyFile that is missing, holds no PEM key or a key of the wrong type is reported at its line, with the fix', () => {
    assert.deepEqual(problemsOf('public key files'), [
      'clients/gone/client.yaml:6 (auth.jwt.publicKeyFile): clients/gone/keys/issuer.pem does not exist (publicKeyFile is relative to clients/gone/); put the issuer’s PEM public key there, or correct the path',
      'clients/junk/client.yaml:6 (auth.jwt.publicKeyFile): clients/junk/keys/issuer.pem is not a PEM public key; write the issuer’s key there as SPKI PEM ("-----BEGIN PUBLIC KEY-----", e.g. from `openssl pkey -pubout`)',
      'clients/kind/client.yaml:6 (auth.jwt.publicKeyFile): clients/kind/issuer.pem holds an ec (prime256v1) key, which cannot verify RS256; use the issuer’s rsa key, or list the algorithms this key signs with',
      'clients/secret/client.yaml:6 (auth.jwt.publicKeyFile): clients/secret/keys/issuer.pem holds a private key; the gateway needs only the issuer’s public key: write it there as SPKI PEM ("-----BEGIN PUBLIC KEY-----", e.g. from `openssl pkey -pubout`), and keep the private key with the issuer',
    ]);
  });

  it('start-up refuses the same public key files, before anything listens', async () => {
    const dir = configs[Object.keys(cases).indexOf('public key files')]!.dir;
    const refusal = await startGateway({ dir, port: 0, env: {}, log: createLogger({ level: 'silent' }) }).then(
      async (gateway) => {
        await gateway.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    assert.ok(refusal instanceof ConfigError, String(refusal));
    assert.deepEqual(
      refusal.problems.map((p) => formatProblem(p)).filter((l) => l.includes('publicKeyFile')),
      problemsOf('public key files'),
    );
  });

  it('paths are relative to the configuration folder: never absolute, never ../', () => {
    for (const name of Object.keys(cases)) {
      for (const line of problemsOf(name)) {
        assert.match(line, /^(schema|clients)\/[^ :]+:\d+|^gateway\.yaml:\d+/, `${name}: ${line}`);
        assert.doesNotMatch(line, /\.\.\/|\/tmp\/|facet-fixture-/, `${name}: ${line}`);
      }
    }
  });
});
