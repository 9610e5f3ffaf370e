import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(readonly status: 400 | 411 | 413 | 415, message: string) {
    super(message);
  }
}

/** Reads a JSON request body with a size cap; rejects other media types. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new BodyError(415, 'send the body as application/json');
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  if (!Number.isFinite(length)) throw new BodyError(411, 'a request body needs Content-Length');
  if (length > maxBytes) throw new BodyError(413, `the body is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyError(413, `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'the body is not valid JSON');
  }
}
