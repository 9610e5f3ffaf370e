import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';

/**
 * Content negotiation and compression for answers (node:zlib, on libuv's thread pool so the
 * event loop keeps serving). Answers are compressed per request at fast settings; static pages
 * are compressed once at a higher setting (see static-asset.ts).
 */
export type Encoding = 'br' | 'gzip';

/** Smaller bodies go out as they are: the framing and CPU would cost more than they save. */
export const compressionThresholdBytes = 1024;

/** Types worth compressing: JSON answers, HTML, scripts and styles. Streams are excluded by the caller. */
export const isCompressibleType = (contentType: string | null | undefined): boolean =>
  !!contentType &&
  /^(?:application\/(?:json|graphql-response\+json|problem\+json|javascript)|text\/(?:html|css|javascript|plain))\b/i.test(
    contentType,
  );

/** The best encoding the client accepts (br before gzip); `;q=0` refuses one. */
export function negotiateEncoding(acceptEncoding: string | null | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  let br = false;
  let gz = false;
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim());
    if (params.some((p) => /^q=0(?:\.0*)?$/.test(p))) continue;
    if (name === 'br') br = true;
    else if (name === 'gzip' || name === 'x-gzip' || name === '*') gz = true;
  }
  return br ? 'br' : gz ? 'gzip' : undefined;
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Per-request answers: brotli 4 / gzip 5 (about 0.2 ms for a few KiB). Static pages: brotli 6 / gzip 9, once. */
export function compress(body: Buffer, encoding: Encoding, effort: 'fast' | 'once' = 'fast'): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(body, { level: effort === 'fast' ? 5 : 9 });
  return brotliAsync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: effort === 'fast' ? 4 : 6,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** A per-request answer for a client that accepts `encoding`: compressed, or undefined below the threshold (sent as it is). */
export function compressAnswer(body: Buffer, encoding: Encoding): Promise<Buffer> | undefined {
  return body.length < compressionThresholdBytes ? undefined : compress(body, encoding);
}

/** Adds Accept-Encoding to a Vary value without repeating it. */
export function varyOnEncoding(vary: string | null | undefined): string {
  if (!vary) return 'Accept-Encoding';
  return /(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i.test(vary) ? vary : `${vary}, Accept-Encoding`;
}
