// A value that fills a whole URL path segment is empty: the call is never sent (no `/authors//books`),
// the field fails with SOURCE_CALL_INVALID naming the source, the source's circuit stays closed,
// and the failure is logged. Failed REST calls are logged with method, URL path and upstream status.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { json, UNMATCHED_OPERATION } from '../../demo/rest/http-server.js';
import { logUpstreamFailures } from '../../src/observability/index.js';
import { captureLog, type CapturedLog } from '../helpers/captured-log.js';
import { startCustomBackendStack, type CustomBackendStack } from '../helpers/custom-backend.js';
import { errorsWithCode } from '../helpers/gateway.js';

const source = /* GraphQL */ `
extend schema @source(name: "library", protocol: REST, url: "\${BACKEND_URL}")

type Book { id: ID! title: String! }

type Author {
  id: ID!
  name: String!
  "authorId is not a field of Author: the template reads nothing"
  books: [Book!] @http(GET: "/authors/{root.authorId}/books", result: "items")
}

type Query {
  author(id: ID!): Author @http(GET: "/authors/{args.id}")
  booksOf(authorId: ID!): [Book!] @http(GET: "/authors/{args.authorId}/books", result: "items")
}
`;

describe('empty path values', () => {
  let app: CustomBackendStack;
  let captured: CapturedLog;
  let stopLog: () => void;
  before(async () => {
    app = await startCustomBackendStack({
      routes: [
        { method: 'GET', path: '/authors/{id}', handle: (req) => json(200, { id: req.params['id'], name: 'Ada' }) },
        {
          method: 'GET',
          path: '/authors/{id}/books',
          handle: (req) =>
            req.params['id'] === 'broken'
              ? json(500, { error: 'db down' })
              : json(200, { items: [{ id: 'b1', title: 'Notes' }] }),
        },
      ],
      sourceFiles: { 'library.graphql': source },
      clientSchema:
        'type Query { author(id: ID!): Author booksOf(authorId: ID!): [Book!] }\ntype Author { id: ID! name: String! books: [Book!] }\ntype Book { id: ID! title: String! }',
    });
    captured = captureLog('warn');
    stopLog = logUpstreamFailures(captured.log);
  });
  after(async () => {
    stopLog();
    await app.close();
  });
  beforeEach(() => {
    app.backend.calls.reset();
    captured.lines.length = 0;
  });

  it('an empty argument in a path segment fails the field with SOURCE_CALL_INVALID and sends nothing', async () => {
    const res = await app.query('{ booksOf(authorId: "") { id } }');
    assert.deepEqual(res.body.data, { booksOf: null });
    const [error] = errorsWithCode(res.body, 'SOURCE_CALL_INVALID');
    assert.ok(error, res.text);
    assert.equal(error.extensions?.source, 'library');
    assert.deepEqual(error.path, ['booksOf']);
    assert.equal(app.backend.calls.total(), 0, JSON.stringify(app.backend.calls.byOperation()));
  });

  it('a {root.…} naming a field the parent lacks fails only that field; the parent is answered', async () => {
    const res = await app.query('{ author(id: "a1") { name books { id } } }');
    assert.deepEqual(res.body.data, { author: { name: 'Ada', books: null } });
    assert.equal(errorsWithCode(res.body, 'SOURCE_CALL_INVALID').length, 1, res.text);
    assert.equal(app.backend.calls.count('GET /authors/{id}/books'), 0);
    assert.equal(app.backend.calls.count(UNMATCHED_OPERATION), 0);
    const line = captured.lines.find((l) => l['code'] === 'SOURCE_CALL_INVALID');
    assert.ok(line, JSON.stringify(captured.lines));
    assert.equal(line['source'], 'library');
    assert.equal(line['operation'], 'Author.books');
    assert.match(String(line['detail']), /\{root\.authorId\} is empty/);
  });

  it('does not count against the circuit breaker: after 12 such failures the source still answers', async () => {
    for (let i = 0; i < 12; i++) await app.query('{ booksOf(authorId: "") { id } }');
    const res = await app.query('{ booksOf(authorId: "a1") { id } }');
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, { booksOf: [{ id: 'b1' }] });
  });

  it('logs a failed REST call with its method, URL path and upstream status', async () => {
    const res = await app.query('{ booksOf(authorId: "broken") { id } }');
    assert.equal(errorsWithCode(res.body, 'UPSTREAM_ERROR').length, 1, res.text);
    const line = captured.lines.find((l) => l['msg'] === 'upstream call failed');
    assert.ok(line, JSON.stringify(captured.lines));
    assert.equal(line['method'], 'GET');
    assert.equal(line['path'], '/authors/broken/books');
    assert.equal(line['upstreamStatus'], 500);
  });
});
