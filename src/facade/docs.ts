import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

/** Swagger UI assets, served from the installed swagger-ui-dist package (no CDN). */
const assetTypes: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets = new Map<string, Buffer>();

function page(base: string, versions: string[]): string {
  const urls = [...versions].reverse().map((v) => ({ url: `${base}/${v}/openapi.json`, name: v }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${base.slice(1)} API reference</title>
<link rel="stylesheet" href="${base}/docs/swagger-ui.css"><link rel="icon" href="${base}/docs/favicon-32x32.png"></head>
<body><div id="api"></div>
<script src="${base}/docs/swagger-ui-bundle.js"></script><script src="${base}/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ urls: ${JSON.stringify(urls)}, dom_id: '#api', validatorUrl: null, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;
}

/** GET /<client>/docs: the API reference (Swagger UI) for every version, and its assets. */
export function serveDocs(res: ServerResponse, path: string, base: string, versions: string[]): void {
  if (path === '/docs' || path === '/docs/') {
    const html = page(base, versions);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
    return void res.end(html);
  }
  const name = path.slice('/docs/'.length);
  const type = assetTypes[name];
  if (!type) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return void res.end('not found');
  }
  let body = assets.get(name);
  if (!body) assets.set(name, (body = readFileSync(join(assetDir, name))));
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'public, max-age=86400' });
  res.end(body);
}
