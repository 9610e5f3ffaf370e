import type { Plugin } from 'graphql-yoga';
import { compressAnswer, isCompressibleType, negotiateEncoding, varyOnEncoding } from './compression.js';

/**
 * Compresses answers of at least `compressionThresholdBytes` when the client asks for it
 * (`Accept-Encoding: br, gzip`), with `Vary: Accept-Encoding`. A request without Accept-Encoding
 * returns at the first check; small answers are passed through as they are.
 */
export function useResponseCompression(): Plugin {
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
      if (!encoding || !response.body || response.headers.has('content-encoding')) return;
      if (!isCompressibleType(response.headers.get('content-type'))) return;
      const bytes = Buffer.from(await response.arrayBuffer());
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('vary', varyOnEncoding(headers.get('vary')));
      const init = { status: response.status, statusText: response.statusText, headers };
      const compressed = await compressAnswer(bytes, encoding);
      if (!compressed) return setResponse(new fetchAPI.Response(bytes as Uint8Array<ArrayBuffer>, init));
      headers.set('content-encoding', encoding);
      headers.set('content-length', String(compressed.length));
      setResponse(new fetchAPI.Response(compressed as Uint8Array<ArrayBuffer>, init));
    },
  };
}
