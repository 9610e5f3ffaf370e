import { interpolateEnv } from '../config/env.js';
import type { HealthCheck } from './model.js';

/** More instances than this is a configuration slip (a pasted list), not a deployment. */
export const maxInstances = 64;
/** `ejectAfterFailures`: default and accepted range. */
export const ejectAfterFailures = { default: 3, min: 1, max: 100 } as const;
const healthIntervalMs = { min: 100, max: 600_000 } as const;

/**
 * `@source(url:)`: one address, a list of them, or an environment variable holding a
 * comma-separated list (`"${CATALOG_URLS}"`). Every entry is interpolated, split on commas,
 * trimmed and checked by the protocol's `checkUrl`; duplicates and over-long lists are refused.
 * Returns the addresses, and the variables that were missing (then nothing else is checked).
 */
export function readSourceUrls(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  checkUrl: ((url: string) => string | undefined) | undefined,
  report: (message: string) => void,
): { urls: string[]; missing: string[] } {
  const declared = Array.isArray(raw) ? raw.map(String) : [String(raw ?? '')];
  const urls: string[] = [];
  const missing: string[] = [];
  for (const entry of declared) {
    const interpolated = interpolateEnv(entry, env);
    missing.push(...interpolated.missing.filter((name) => !missing.includes(name)));
    urls.push(...interpolated.value.split(',').map((url) => url.trim()));
  }
  if (missing.length) {
    report(
      `url uses ${missing.map((m) => `\${${m}}`).join(', ')} but no such environment variable is set and no default is given`,
    );
    return { urls, missing };
  }
  if (urls.length > maxInstances) report(`url lists ${urls.length} instances; at most ${maxInstances} are allowed`);
  const seen = new Set<string>();
  for (const url of urls) {
    if (url === '' && urls.length > 1) {
      report('url lists an empty entry (a stray comma?)');
      continue;
    }
    const problem = checkUrl?.(url);
    if (problem) report(problem);
    else if (seen.has(url)) report(`url lists "${url}" twice`);
    seen.add(url);
  }
  return { urls, missing };
}

/** `@source(ejectAfterFailures: 3)`: consecutive failures that take one instance out of rotation. */
export function readEjectAfterFailures(raw: unknown, report: (message: string) => void): number {
  if (raw === undefined) return ejectAfterFailures.default;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= ejectAfterFailures.min && n <= ejectAfterFailures.max) return n;
  report(`ejectAfterFailures must be an integer from ${ejectAfterFailures.min} to ${ejectAfterFailures.max}`);
  return ejectAfterFailures.default;
}

/** `@source(healthCheck: { path: "/healthz", intervalMs: 5000 })`; REST needs a path, gRPC uses the health service. */
export function readHealthCheck(
  raw: unknown,
  needsPath: boolean,
  report: (message: string) => void,
): HealthCheck | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report('healthCheck must be an object: { path: "/healthz", intervalMs: 5000 }');
    return undefined;
  }
  const { path, intervalMs, ...rest } = raw as Record<string, unknown>;
  const before = Object.keys(rest);
  if (before.length)
    report(`healthCheck has no field ${before.map((k) => `"${k}"`).join(', ')} (allowed: path, intervalMs)`);
  const interval = Number(intervalMs ?? 5000);
  if (!Number.isInteger(interval) || interval < healthIntervalMs.min || interval > healthIntervalMs.max) {
    report(`healthCheck.intervalMs must be an integer from ${healthIntervalMs.min} to ${healthIntervalMs.max}`);
    return undefined;
  }
  if (needsPath && (typeof path !== 'string' || !path.startsWith('/'))) {
    report('healthCheck.path must be a path starting with "/" (e.g. "/healthz")');
    return undefined;
  }
  if (!needsPath && path !== undefined) {
    report('a gRPC healthCheck asks the standard health service: it takes no path');
    return undefined;
  }
  return typeof path === 'string' ? { path, intervalMs: interval } : { intervalMs: interval };
}
