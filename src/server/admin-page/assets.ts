import { readFileSync } from 'node:fs';

interface Asset {
  headers: Record<string, string | number>;
  body: Buffer;
}

/** Scripts and styles from this folder only; no inline code, no other origin. */
const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const files: Array<[path: string, file: string, type: string]> = [
  ['/admin/', 'index.html', 'text/html; charset=utf-8'],
  ['/admin/page.js', 'page.js', 'text/javascript; charset=utf-8'],
  ['/admin/page.css', 'page.css', 'text/css; charset=utf-8'],
];

let assets: Map<string, Asset> | undefined;

/** The operator page's static files (no data in them), read once, by request path. */
export function operatorPageAssets(): Map<string, Asset> {
  assets ??= new Map(
    files.map(([path, file, type]) => {
      const body = readFileSync(new URL(file, import.meta.url));
      return [
        path,
        {
          body,
          headers: {
            'content-type': type,
            'content-length': body.length,
            'content-security-policy': contentSecurityPolicy,
            'x-content-type-options': 'nosniff',
            'referrer-policy': 'no-referrer',
            'cache-control': 'no-cache',
          },
        },
      ];
    }),
  );
  return assets;
}
