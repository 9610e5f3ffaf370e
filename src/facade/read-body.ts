import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '../errors/index.js';

export class BodyError extends Error {
  constructor(
    readonly code: Extract<
      ErrorCode,
      'BAD_REQUEST' | 'LENGTH_REQUIRED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE'
    >,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a JSON request body with a size cap; rejects other media types. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new BodyError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  if (!Number.isFinite(length)) throw new BodyError('LENGTH_REQUIRED', 'a request body needs Content-Length');
  if (length > maxBytes) throw new BodyError('PAYLOAD_TOO_LARGE', `the body is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyError('PAYLOAD_TOO_LARGE', `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError('BAD_REQUEST', 'the body is not valid JSON');
  }
}
