import type { GraphQLError } from 'graphql';
import { createGatewayError } from '../../errors/index.js';

/** A GraphQL response as a subgraph sends it. */
export interface SubgraphAnswer {
  data?: Record<string, unknown> | null;
  errors?: SubgraphError[];
}

interface SubgraphError {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown };
}

/**
 * A subgraph answered GraphQL errors for a whole call (its root field is null, or it refused the
 * request). What it said stays in the log; the client sees UPSTREAM_ERROR naming the source.
 * It says nothing about the subgraph's health: it answered.
 */
export class SubgraphErrorsError extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly SubgraphError[],
  ) {
    super(`${source} answered GraphQL errors`);
  }

  /** The subgraph's messages, for the log line only. */
  get detail(): string {
    return this.errors
      .slice(0, 3)
      .map((e) => String(e.message ?? ''))
      .join('; ');
  }
}

/** The error a field gets for a subgraph's error at its path: coded, the subgraph's own code kept when it is a plain code. */
export function subgraphFieldError(source: string, error: SubgraphError | undefined): GraphQLError {
  const code = error?.extensions?.code;
  return createGatewayError('UPSTREAM_ERROR', {
    source,
    ...(typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(code) ? { extensions: { upstreamCode: code } } : {}),
  });
}

/**
 * The value a call asked for under `key` (`data.<key>`), with the subgraph's errors below it put
 * in place as coded errors: the executor then fails exactly those fields, at their own paths,
 * and keeps the rest. A null root value with errors fails the whole call.
 */
export function answerValue(answer: SubgraphAnswer, key: string, source: string): unknown {
  const value = answer.data?.[key];
  if (answer.errors?.length) {
    const own: SubgraphError[] = [];
    for (const error of answer.errors) {
      const path = error.path;
      if (!Array.isArray(path) || path.length === 0) own.push(error);
      else if (path[0] === key) {
        if (path.length === 1 || !placeError(value, path, 1, subgraphFieldError(source, error))) own.push(error);
      }
    }
    if ((value === null || value === undefined) && own.length) throw new SubgraphErrorsError(source, own);
  }
  return value ?? null;
}

/**
 * Puts `error` where `path` (from index `from`) ends inside `value`, or at the null it stops at
 * (a non-null field's null went up to its nearest nullable parent); false when it leads nowhere.
 */
export function placeError(value: unknown, path: readonly unknown[], from: number, error: GraphQLError): boolean {
  let parent = value;
  for (let i = from; i < path.length; i++) {
    if (parent === null || typeof parent !== 'object') return false;
    const key = path[i] as string | number;
    const child = (parent as Record<string | number, unknown>)[key];
    if (child === null || child === undefined) {
      (parent as Record<string | number, unknown>)[key] = error;
      return true;
    }
    if (child instanceof Error) return true;
    parent = child;
  }
  return false;
}
