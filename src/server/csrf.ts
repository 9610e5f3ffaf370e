import type { IncomingHttpHeaders } from 'node:http';

/**
 * CSRF prevention, with Apollo Router's rule: run an operation only if a browser would have sent
 * a CORS preflight for the request first, so the CORS policy decides. A request is preflighted
 * when its Content-Type is present, well-formed and not one a page may send without preflight
 * (form encodings, text/plain), or when it carries a non-empty value for one of the required
 * headers (a page cannot set custom headers without preflight). In practice: POST JSON always
 * passes; GET must carry one of the headers.
 */

/** Content types a browser sends cross-origin without a preflight (the fetch spec's CORS-safelisted ones). */
const nonPreflightedTypes = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

const mimeToken = "[!#$%&'*+.^_`|~0-9a-z-]+";
const mimeEssence = new RegExp(`^(${mimeToken}/${mimeToken})\\s*(?:;|$)`, 'i');

/** The `type/subtype` of a Content-Type, lower-cased; undefined when it does not parse. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType === undefined ? undefined : mimeEssence.exec(contentType.trim())?.[1]?.toLowerCase();
}

/** False when the request could have come from a foreign page without a preflight. */
export function isPreflighted(headers: IncomingHttpHeaders, requiredHeaders: readonly string[]): boolean {
  const contentType = headers['content-type'];
  if (contentType !== undefined) {
    const type = mediaTypeOf(contentType);
    // an unparseable type is not proof of a preflight (browsers differ in what they accept)
    if (type !== undefined && !nonPreflightedTypes.has(type)) return true;
  }
  return requiredHeaders.some((name) => {
    const value = headers[name];
    return typeof value === 'string' ? value.length > 0 : Array.isArray(value) && value.some((v) => v.length > 0);
  });
}

export const csrfMessage = (requiredHeaders: readonly string[]) =>
  `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Send Content-Type: application/json, or a non-empty ${requiredHeaders.join(', ')} header`;
