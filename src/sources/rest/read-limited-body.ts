import type { Dispatcher } from 'undici';

/**
 * Reads a response body of at most `limit` bytes. A Content-Length above the limit is refused
 * before reading; otherwise reading stops, and the body is destroyed (which drops the connection),
 * as soon as the limit is crossed — a huge answer never gets buffered. Returns undefined when too large.
 * (undici's `maxResponseSize`, set to the same limit on the pool, stands behind both.)
 */
export async function readLimitedBody(response: Dispatcher.ResponseData, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers['content-length']);
  if (declared > limit) {
    response.body.destroy();
    return undefined;
  }
  // a declared length within the limit frames the body (the HTTP parser reads no more): read it
  // whole, without an async iteration per chunk
  if (response.headers['content-length'] !== undefined && Number.isInteger(declared)) return response.body.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      response.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
