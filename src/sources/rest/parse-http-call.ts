import type { HttpCall, HttpMethod } from '../model.js';

export const httpMethods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** `@http(GET: "/products/{args.id}", …)` read at load time; undefined when no single method is given. */
export function parseHttpCall(args: Record<string, unknown>, report: (message: string) => void): HttpCall | undefined {
  const methods = httpMethods.filter((m) => args[m] !== undefined);
  if (methods.length !== 1) {
    report('@http needs exactly one of GET, POST, PUT, PATCH, DELETE with a path');
    return undefined;
  }
  const method = methods[0]!;
  const target = String(args[method]);
  for (const key of ['query', 'headers'] as const) {
    const value = args[key];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value)))
      report(`@http ${key} must be an object like { name: "{args.x}" }`);
  }
  if (!target.startsWith('/')) report(`@http path "${target}" must start with "/"`);
  return {
    kind: 'http',
    method,
    path: target,
    query: args['query'] as Record<string, unknown> | undefined,
    body: args['body'],
    headers: headerNames(args['headers'] as Record<string, string> | undefined),
    result: typeof args['result'] === 'string' ? args['result'].split('.').filter(Boolean) : [],
  };
}

/** The templates of an @http call: path, query, body and headers. */
export function httpTemplates(call: HttpCall): unknown[] {
  return [call.path, call.query ?? {}, call.body ?? {}, call.headers ?? {}];
}

/**
 * GraphQL object keys cannot hold hyphens, so header names are written with underscores
 * (`x_api_key`) and sent with hyphens (`x-api-key`).
 */
function headerNames(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.replace(/_/g, '-').toLowerCase(), value]),
  );
}
