import { randomUUID } from 'node:crypto';

export const requestIdHeader = 'x-request-id';
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Reads the caller's request id when it is a sane token (so ids chain across services), or
 * makes one. The id is echoed in the response, forwarded upstream and written on every log line.
 */
export function readOrCreateRequestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && acceptable.test(value) ? value : randomUUID();
}
