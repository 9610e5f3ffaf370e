import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  compress,
  compressionThresholdBytes,
  isCompressibleType,
  negotiateEncoding,
  varyOnEncoding,
  type Encoding,
} from './compression.js';

/** A fixed body served many times (the GraphiQL page, API docs assets): compressed once per encoding, lazily. */
export interface StaticAsset {
  send(req: IncomingMessage, res: ServerResponse, headers?: Record<string, string>): Promise<void>;
}

export function createStaticAsset(contentType: string, load: () => Buffer | Promise<Buffer>): StaticAsset {
  const compressible = isCompressibleType(contentType);
  let loading: Promise<Buffer> | undefined;
  const encoded = new Map<Encoding, Promise<Buffer>>();
  return {
    async send(req, res, headers = {}) {
      if (!loading) {
        loading = Promise.resolve().then(load);
        loading.catch(() => {
          loading = undefined; // a failure is not cached
        });
      }
      const raw = await loading;
      const encoding =
        compressible && raw.length >= compressionThresholdBytes
          ? negotiateEncoding(req.headers['accept-encoding'])
          : undefined;
      let body = raw;
      if (encoding) {
        let pending = encoded.get(encoding);
        if (!pending) {
          pending = compress(raw, encoding, 'once');
          encoded.set(encoding, pending);
          pending.catch(() => encoded.delete(encoding)); // a failure is not cached
        }
        body = await pending;
      }
      res.writeHead(200, {
        ...headers,
        'content-type': contentType,
        'content-length': body.length,
        vary: varyOnEncoding(headers['vary']),
        ...(encoding ? { 'content-encoding': encoding } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
