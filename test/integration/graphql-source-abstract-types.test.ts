// A plain GraphQL service (no federation) with an interface and a union: the query planner leaves
// such documents to delegation, which must answer exactly what the service itself answers.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSchema, createYoga } from 'graphql-yoga';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { createLogger } from '../../src/observability/index.js';

const sdl = /* GraphQL */ `
interface Media {
  id: ID!
  title: String!
}
type Book implements Media {
  id: ID!
  title: String!
  pages: Int!
}
type Film implements Media {
  id: ID!
  title: String!
  minutes: Int!
}
union Result = Book | Film
type Query {
  media: [Media!]!
  search(text: String!): [Result!]!
}
`;
const items = [
  { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 },
  { __typename: 'Film', id: 'f1', title: 'Alien', minutes: 117 },
  { __typename: 'Book', id: 'b2', title: 'Emma', pages: 474 },
];

let service: Server;
let serviceUrl: string;
let gateway: RunningGateway;
let dir: string;

before(async () => {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: sdl,
      resolvers: {
        Query: {
          media: () => items,
          search: (_: unknown, { text }: { text: string }) => items.filter((i) => i.title.includes(text)),
        },
      },
    }),
    logging: false,
  });
  service = createServer(yoga);
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}/graphql`;

  dir = mkdtempSync(join(tmpdir(), 'facet-abstract-'));
  mkdirSync(join(dir, 'schema'));
  mkdirSync(join(dir, 'clients', 'app'), { recursive: true });
  writeFileSync(
    join(dir, 'schema', 'media.graphql'),
    `extend schema @source(name: "media", protocol: GRAPHQL, url: "\${MEDIA_URL}")\n${sdl}`,
  );
  writeFileSync(join(dir, 'clients', 'app', 'schema.graphql'), sdl);
  gateway = await startGateway({
    dir,
    port: 0,
    host: '127.0.0.1',
    env: { ...process.env, REDIS_URL: undefined, MEDIA_URL: serviceUrl },
    log: createLogger({ level: 'silent' }),
    watch: false,
    shutdownTimeoutMs: 1_000,
  });
});
after(async () => {
  await gateway?.close();
  service?.closeAllConnections();
  await new Promise((resolve) => service?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, query: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  return res.text();
}

describe('a GraphQL source with an interface and a union', () => {
  for (const query of [
    '{ media { __typename id title ... on Book { pages } ... on Film { minutes } } }',
    '{ search(text: "e") { ... on Book { title pages } ... on Film { title minutes } } }',
    '{ found: search(text: "Dune") { __typename ... on Media { id } } all: media { id } }',
  ])
    it(`answers as the service does: ${query}`, async () => {
      const expected = await post(serviceUrl, query);
      assert.match(expected, /^\{"data":/);
      assert.equal(await post(`${gateway.url}/app/graphql`, query), expected);
    });
});
