import type { Dispatcher } from 'undici';
import type { HttpCall } from '../model.js';
import { compileTemplate, compileValue, readPath } from '../template.js';
import { stableStringify } from '../loaders.js';
import { UnsendableCallError } from '../upstream-errors.js';
import type { CompiledCall } from '../protocol.js';
import type { HttpClient, HttpRequest } from './http-client.js';

/**
 * A value that fills a whole path segment is empty (null, undefined or ""): the request is not
 * sent — `/authors//books` would reach another route or be normalised away by a proxy. Raised
 * before any I/O, so it never counts against the source's circuit breaker.
 */
export class EmptyPathSegmentError extends UnsendableCallError {
  constructor(
    method: string,
    readonly template: string,
    readonly segment: string,
  ) {
    super(
      `${method} ${template}: ${segment} is empty, so the URL path would have an empty segment; the call was not sent`,
      method,
    );
  }
}

/** Segments of a path template made only of `{…}` values, which empty values would leave empty. */
function valueOnlySegments(template: string): Array<{ index: number; text: string }> {
  return template.split('/').flatMap((text, index) => (/^(\{[^{}]+\})+$/.test(text) ? [{ index, text }] : []));
}

function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(
      key,
      Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value),
    );
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Encodes a value for one path segment. `.` and `..` are encoded too: left as they are, a
 * backend or proxy that normalises paths would turn `/users/..` into `/`.
 */
export function encodePathSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return /^\.+$/.test(encoded) ? encoded.replace(/\./g, '%2E') : encoded;
}

/** Compiles an @http call once; per request only string building and the call remain. */
export function compileHttpCall(call: HttpCall, client: HttpClient): CompiledCall {
  const path = compileTemplate(call.path, encodePathSegment);
  const query = call.query ? compileValue(call.query) : undefined;
  const body = call.body !== undefined ? compileValue(call.body) : undefined;
  const headers = call.headers ? compileValue(call.headers) : undefined;
  const method = call.method as Dispatcher.HttpMethod;
  const emptiable = valueOnlySegments(call.path);
  const checkSegments = (built: string) => {
    const segments = built.split('/');
    const empty = emptiable.find((s) => segments[s.index] === '');
    if (empty) throw new EmptyPathSegmentError(method, call.path, empty.text);
  };
  return {
    prepare(scope, upstreamHeaders) {
      const urlPath = String(path(scope));
      // cheap test first: an empty value-only segment always leaves "//" or a trailing "/"
      if (emptiable.length && (urlPath.includes('//') || urlPath.endsWith('/'))) checkSegments(urlPath);
      const target = urlPath + (query ? queryString(query(scope) as Record<string, unknown>) : '');
      const request: HttpRequest = {
        method,
        path: target,
        headers: { accept: 'application/json', ...upstreamHeaders },
      };
      if (headers) Object.assign(request.headers, headers(scope) as Record<string, string>);
      if (body) {
        request.body = JSON.stringify(body(scope));
        request.headers['content-type'] = 'application/json';
      }
      // call-specific headers can change the answer (accept-language…); the per-request ones are the same for every call
      return {
        signature: headers
          ? `${method} ${target} ${request.body ?? ''} ${stableStringify(request.headers)}`
          : `${method} ${target} ${request.body ?? ''}`,
        send: async () => {
          const result = await client.request(request);
          return result.status === 404 ? null : result.json;
        },
        method,
        path: urlPath,
        pathTemplate: call.path,
      };
    },
    extract: (answer) => readPath(answer, call.result),
  };
}
