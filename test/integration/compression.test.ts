// Compression: the GraphiQL page (about 9 MB inline), the API docs assets and JSON answers of
// 1 KiB or more (GraphQL and the REST facade) go out br- or gzip-compressed when the client accepts
// it, with Vary: Accept-Encoding; small answers and clients that do not ask are served as they are.
// The facade's ETag differs per encoding, so a compressed and an identity answer never share one.
import assert from 'node:assert/strict';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { suiteStack, asPartner } from '../helpers/gateway.js';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent. */
  raw: Buffer;
  /** The body after undoing Content-Encoding. */
  text: string;
}

/** node:http, because fetch would decompress (and ask for compression) on its own. */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const plain =
          raw.length === 0 // HEAD and 304 announce an encoding without a body
            ? raw
            : encoding === 'br'
              ? brotliDecompressSync(raw)
              : encoding === 'gzip'
                ? gunzipSync(raw)
                : raw;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text: plain.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.end(options.body);
  });
}

describe('compression', () => {
  const suite = suiteStack();

  const post = (client: string, query: string, headers: Record<string, string>) =>
    request(`${suite.stack.url}/${client}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
  const manyProducts = `{ products(ids: [${Array.from({ length: 40 }, (_, i) => `"p${i + 1}"`).join(',')}]) { id name priceCents } }`;

  it('the GraphiQL page is served brotli-compressed to well under a quarter of its size', async () => {
    const plain = await request(`${suite.stack.url}/mobile/graphql`, { headers: { accept: 'text/html' } });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.raw.length > 1_000_000, `page is ${plain.raw.length} bytes`);
    const br = await request(`${suite.stack.url}/mobile/graphql`, {
      headers: { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br' },
    });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['vary'], 'Accept-Encoding');
    assert.equal(Number(br.headers['content-length']), br.raw.length);
    assert.ok(br.raw.length < plain.raw.length * 0.22, `br ${br.raw.length} of ${plain.raw.length}`);
    assert.equal(br.text, plain.text);
  });

  it('a JSON answer of 1 KiB or more is compressed when asked, identical once decoded', async () => {
    const plain = await post('web', manyProducts, suite.user);
    assert.equal(plain.status, 200, plain.text);
    assert.ok(plain.raw.length >= 1024, `answer is ${plain.raw.length} bytes`);
    assert.equal(plain.headers['content-encoding'], undefined);
    for (const encoding of ['br', 'gzip']) {
      const res = await post('web', manyProducts, { ...suite.user, 'accept-encoding': encoding });
      assert.equal(res.headers['content-encoding'], encoding);
      assert.match(String(res.headers['vary']), /Accept-Encoding/i);
      assert.ok(res.raw.length < plain.raw.length / 2, `${encoding}: ${res.raw.length} of ${plain.raw.length}`);
      assert.deepEqual(JSON.parse(res.text), JSON.parse(plain.text));
    }
  });

  it('a small answer is sent as it is, with Vary', async () => {
    const res = await post('web', '{ product(id: "p1") { id } }', { ...suite.user, 'accept-encoding': 'br, gzip' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.match(String(res.headers['vary']), /Accept-Encoding/i);
    assert.deepEqual(JSON.parse(res.text), { data: { product: { id: 'p1' } } });
  });

  it('an encoding refused with q=0 is not used', async () => {
    const res = await post('web', manyProducts, { ...suite.user, 'accept-encoding': 'br;q=0, gzip' });
    assert.equal(res.headers['content-encoding'], 'gzip');
  });

  // the REST facade: the same threshold and negotiation; an ETag per encoding
  const productIds = Array.from({ length: 40 }, (_, i) => `p${i + 1}`).join(',');
  for (const [version, encoding] of [
    ['v2', 'br'],
    ['v1', 'gzip'],
  ] as const) {
    it(`a REST ${version} list of 1 KiB or more is ${encoding}-compressed, with an ETag of its own that revalidates`, async () => {
      const url = `${suite.stack.url}/partner/${version}/products?ids=${productIds}`;
      const plain = await request(url, { headers: asPartner() });
      assert.equal(plain.status, 200, plain.text);
      assert.ok(plain.raw.length >= 1024, `answer is ${plain.raw.length} bytes`);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.match(String(plain.headers['vary']), /Accept-Encoding/i);

      const res = await request(url, { headers: { ...asPartner(), 'accept-encoding': encoding } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], encoding);
      assert.match(String(res.headers['vary']), /Accept-Encoding/i);
      assert.equal(Number(res.headers['content-length']), res.raw.length);
      assert.ok(res.raw.length < plain.raw.length / 2, `${encoding}: ${res.raw.length} of ${plain.raw.length}`);
      assert.deepEqual(JSON.parse(res.text), JSON.parse(plain.text));
      // a compressed and an identity representation never share a strong ETag
      const etag = String(res.headers['etag']);
      assert.match(etag, /^"[^"]+"$/);
      assert.notEqual(etag, plain.headers['etag']);

      const revalidated = await request(url, {
        headers: { ...asPartner(), 'accept-encoding': encoding, 'if-none-match': etag },
      });
      assert.equal(revalidated.status, 304);
      assert.equal(revalidated.headers['etag'], etag);
      assert.match(String(revalidated.headers['vary']), /Accept-Encoding/i);
      assert.equal(revalidated.raw.length, 0);
      // the compressed ETag does not validate the identity representation, nor the other way round
      const identity = await request(url, { headers: { ...asPartner(), 'if-none-match': etag } });
      assert.equal(identity.status, 200);
      assert.equal(identity.headers['content-encoding'], undefined);
      const other = await request(url, {
        headers: { ...asPartner(), 'accept-encoding': encoding, 'if-none-match': String(plain.headers['etag']) },
      });
      assert.equal(other.status, 200);
      assert.equal(other.headers['content-encoding'], encoding);
    });
  }

  it('a REST HEAD announces the encoding and length its GET would send', async () => {
    const url = `${suite.stack.url}/partner/v2/products?ids=${productIds}`;
    const headers = { ...asPartner(), 'accept-encoding': 'br' };
    const get = await request(url, { headers });
    const head = await request(url, { method: 'HEAD', headers });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-encoding'], 'br');
    assert.equal(head.headers['content-length'], get.headers['content-length']);
    assert.equal(head.headers['etag'], get.headers['etag']);
    assert.equal(head.raw.length, 0);
  });

  it('a small REST answer is sent as it is, with Vary', async () => {
    const res = await request(`${suite.stack.url}/partner/v2/products/p1`, {
      headers: { ...asPartner(), 'accept-encoding': 'br, gzip' },
    });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.raw.length < 1024);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.match(String(res.headers['vary']), /Accept-Encoding/i);
    assert.equal(JSON.parse(res.text).id, 'p1');
  });

  it('the OpenAPI documents are compressed when asked', async () => {
    const res = await request(`${suite.stack.url}/partner/v2/openapi.json`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.match(String(res.headers['vary']), /Accept-Encoding/i);
    assert.equal(JSON.parse(res.text).openapi, '3.1.0');
  });

  it('the API docs assets are served compressed and stay cacheable', async () => {
    const res = await request(`${suite.stack.url}/partner/docs/swagger-ui-bundle.js`, {
      headers: { ...asPartner(), 'accept-encoding': 'br' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.match(String(res.headers['cache-control']), /max-age/);
    assert.ok(res.raw.length < Buffer.byteLength(res.text) / 3);
    const page = await request(`${suite.stack.url}/partner/docs`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /SwaggerUIBundle/);
  });
});
