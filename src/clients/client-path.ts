import { z } from 'zod';

/** Paths the front door answers itself, before any client. */
export const reservedPaths = ['/healthz', '/readyz', '/metrics'] as const;

/** Why `path` cannot be a client's endpoint path, or undefined when it can. */
export function clientPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with /, e.g. /graphql';
  if (/[?#]/.test(path)) return 'a path only, without ?query or #fragment';
  if (path.length > 1 && path.endsWith('/')) return 'no trailing /';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path))
    return 'segments of letters, digits and . _ ~ - only, with no empty segment';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return 'no . or .. segments';
  if ((reservedPaths as readonly string[]).includes(path))
    return `${path} is the gateway's own (${reservedPaths.join(', ')} are reserved)`;
  return undefined;
}

/** client.yaml `path`: where the client's GraphQL endpoint is served, e.g. /graphql. */
export const clientPathSchema = z.string().superRefine((path, ctx) => {
  const problem = clientPathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
