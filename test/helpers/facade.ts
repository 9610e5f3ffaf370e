// REST facade test stack: the stack of gateway.ts (the demo backends on ephemeral ports and a gateway
// on port 0 over the repository's configuration, or another folder), plus a small REST client for
// /partner/…. Each stack counts quotas in its own memory (REDIS_URL is removed from the environment), so the
// partner key's 100 requests a minute are per stack, never shared between files or runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Demo } from '../../demo/index.js';
import type { ProblemDetails } from '../../src/facade/problem.js';
import type { RunningGateway } from '../../src/server/index.js';
import { PARTNER_KEY, repoRoot, startStack } from './gateway.js';

export { PARTNER_KEY, repoRoot };
/** The demo partner's revoked key (clients/partner/client.yaml). */
export const REVOKED_KEY = 'demo-revoked-key';
export const PARTNER_HEADERS: Readonly<Record<string, string>> = { 'x-api-key': PARTNER_KEY };

export interface RestOptions {
  headers?: Record<string, string>;
  /** An object is sent as JSON (content-type application/json unless given); a string is sent as is. */
  body?: unknown;
  /** Send the partner key (default true). */
  auth?: boolean;
}

export interface RestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, undefined when empty or not JSON. */
  json: unknown;
  /** The raw body. */
  text: string;
}

export interface FacadeStack {
  demo: Demo;
  gateway: RunningGateway;
  url: string;
  /** How many requests this stack has sent to the gateway (quota budget: 100 a minute per key). */
  readonly sent: number;
  /** `method` on `url + path` (path starts with /partner/…); the partner key unless auth: false. */
  rest(method: string, path: string, options?: RestOptions): Promise<RestResponse>;
  close(): Promise<void>;
}

export async function startFacadeStack(
  options: { dir?: string; env?: Record<string, string> } = {},
): Promise<FacadeStack> {
  const { demo, gateway, url, close } = await startStack(options);
  let sent = 0;

  async function rest(method: string, path: string, opts: RestOptions = {}): Promise<RestResponse> {
    const headers: Record<string, string> = { ...(opts.auth === false ? {} : PARTNER_HEADERS) };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, opts.headers);
    sent++;
    const res = await fetch(`${url}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  }

  return {
    demo,
    gateway,
    url,
    get sent() {
      return sent;
    },
    rest,
    close,
  };
}

// ------------------------------------------------------------------ expected shapes

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `12.34` from 1234 cents, the way v2 writes money amounts (no floating point). */
export function decimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A v2 money object. */
export const money = (cents: number, currency: string) => ({ amount: decimal(cents), currency });

/** Narrows a parsed JSON value to an object (throws otherwise). */
export function asObject(value: unknown, what = 'value'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} is not a JSON object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,\s*(?=<)/)) {
    const m = /^<([^>]+)>\s*;\s*(.*)$/.exec(part.trim());
    if (m && /(^|;)\s*rel="?next"?\s*(;|$)/.test(m[2]!)) return m[1];
  }
  return undefined;
}

/** The target of a Link header part with `rel="<rel>"`, if any. */
export function linkWithRel(link: string | null, rel: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,\s*(?=<)/)) {
    const m = /^<([^>]+)>\s*;\s*(.*)$/.exec(part.trim());
    if (m && new RegExp(`(^|;)\\s*rel="?${rel}"?\\s*(;|$)`).test(m[2]!)) return m[1];
  }
  return undefined;
}

/**
 * The "shape" of a JSON value, for contract tests: objects by their keys (sorted) and the shapes
 * of the values, arrays by the shape of their first element (`[]` when empty), scalars by JSON type.
 */
export function shapeOf(value: unknown): Json {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, shapeOf(record[k])]),
    );
  }
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The content-type's media type, lower case, without parameters. */
export const mediaType = (headers: Headers) => (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

// ------------------------------------------------------------------ problem answers

/** A problem answer as sent: the facade's ProblemDetails plus the `type`, `title` and `status` sendProblem adds. */
export interface Problem extends ProblemDetails {
  type: string;
  title: string;
  status: number;
}

/**
 * Asserts an RFC 9457 answer: application/problem+json, `status` equal to the HTTP status, the
 * stable `code`, a `type` and `title`, `instance` = the request path (without the query) and the
 * `requestId` of the x-request-id header. Returns the problem.
 */
export function assertProblem(res: RestResponse, status: number, code: string, path?: string): Problem {
  const where = `${res.status} ${res.text.slice(0, 400)}`;
  assert.equal(res.status, status, where);
  assert.equal(mediaType(res.headers), 'application/problem+json', where);
  const problem = asObject(res.json, 'problem') as Problem;
  assert.equal(problem.status, status, where);
  assert.equal(problem.code, code, where);
  assert.equal(typeof problem.type, 'string', where);
  assert.ok(problem.type.length > 0, where);
  assert.equal(typeof problem.title, 'string', where);
  assert.ok(problem.title.length > 0, where);
  if (path !== undefined) assert.equal(problem.instance, path.split('?', 1)[0], where);
  const requestId = res.headers.get('x-request-id');
  assert.ok(requestId, 'x-request-id header');
  assert.equal(problem.requestId, requestId, where);
  return problem;
}

/** The field problems of a 400, as `in:field` strings, sorted. */
export function problemFields(problem: Problem): string[] {
  assert.ok(Array.isArray(problem.errors), `no errors list in ${JSON.stringify(problem)}`);
  for (const e of problem.errors) {
    assert.equal(typeof e.field, 'string');
    assert.equal(typeof e.in, 'string');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0, `empty message for ${e.field}`);
  }
  return problem.errors.map((e) => `${e.in}:${e.field}`).sort();
}

// ------------------------------------------------------------------ version files

export interface VersionFile {
  naming?: string;
  money?: string;
  deprecated?: boolean;
  sunset?: string;
  successor?: string;
}

/** clients/partner/rest/<version>/version.yaml of the repository. */
export function readVersionFile(version: string): VersionFile {
  return parseYaml(
    readFileSync(join(repoRoot, 'clients', 'partner', 'rest', version, 'version.yaml'), 'utf8'),
  ) as VersionFile;
}

/** clients/partner/rest/rest.yaml of the repository. */
export function readDefaultVersion(): string {
  const file = parseYaml(readFileSync(join(repoRoot, 'clients', 'partner', 'rest', 'rest.yaml'), 'utf8')) as {
    defaultVersion?: string;
  };
  assert.ok(file.defaultVersion, 'rest.yaml names a defaultVersion');
  return file.defaultVersion;
}

/** Vendor media type that selects a version: application/vnd.facet.v1+json. */
export const acceptVersion = (version: string) => ({ accept: `application/vnd.facet.${version}+json` });
