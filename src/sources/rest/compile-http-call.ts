import type { Dispatcher } from 'undici';
import type { HttpCall } from '../model.js';
import { compileTemplate, compileValue, readPath, type TemplateScope } from '../template.js';
import type { HttpClient, HttpRequest } from './http-client.js';

export interface CompiledCall {
  /** Builds the upstream request from the scope: a stable signature (for dedupe) and a runner. */
  prepare(scope: TemplateScope, headers: Record<string, string>): { signature: string; run: () => Promise<unknown> };
}

function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(key, Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value));
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
  return {
    prepare(scope, upstreamHeaders) {
      const target = String(path(scope)) + (query ? queryString(query(scope) as Record<string, unknown>) : '');
      const request: HttpRequest = { method, path: target, headers: { accept: 'application/json', ...upstreamHeaders } };
      if (headers) Object.assign(request.headers, headers(scope) as Record<string, string>);
      if (body) {
        request.body = JSON.stringify(body(scope));
        request.headers['content-type'] = 'application/json';
      }
      return {
        signature: `${method} ${target} ${request.body ?? ''}`,
        run: async () => {
          const result = await client.request(request);
          return result.status === 404 ? null : readPath(result.json, call.result);
        },
      };
    },
  };
}
