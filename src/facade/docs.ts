import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createStaticAsset, type StaticAsset } from '../server/static-asset.js';

/** Swagger UI assets, served from the installed swagger-ui-dist package (no CDN). */
const assetTypes: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
/** Read and compressed once (the bundle is about 1.5 MB), by asset name and by docs page. */
const assets = new Map<string, StaticAsset>();
const pages = new Map<string, StaticAsset>();

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
export function serveDocs(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  base: string,
  versions: string[],
): Promise<void> | void {
  if (path === '/docs' || path === '/docs/') {
    const key = `${base} ${versions.join(' ')}`;
    let html = pages.get(key);
    if (!html) {
      html = createStaticAsset('text/html; charset=utf-8', () => Buffer.from(page(base, versions)));
      pages.set(key, html);
    }
    return html.send(req, res);
  }
  const name = path.slice('/docs/'.length);
  const type = assetTypes[name];
  if (!type) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return void res.end('not found');
  }
  let asset = assets.get(name);
  if (!asset) {
    asset = createStaticAsset(type, () => readFileSync(join(assetDir, name)));
    assets.set(name, asset);
  }
  return asset.send(req, res, { 'cache-control': 'public, max-age=86400' });
}
