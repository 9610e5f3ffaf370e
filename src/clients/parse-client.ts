import { readClientCacheHint, type ClientCacheHint } from './client-cache-hint.js';
import {
  Kind,
  parse,
  visit,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLError,
} from 'graphql';
import type { AuthPolicy } from '../directives/auth/sdl.js';
import type { RateLimitSpec } from '../directives/rate-limit/sdl.js';
import { parseDuration } from '../config/duration.js';
import type { ProblemList } from '../config/config-error.js';
import { referencesIn, TemplateSyntaxError } from '../sources/template.js';
import type { ClientOptions } from './client-options.js';
import type { FromSpec } from './client-directives.js';

export interface ClientDefinition {
  name: string;
  /** The GraphQL endpoint's path: client.yaml `path`, else /<name>/graphql. */
  endpoint: string;
  optionsFile: string;
  /** Absolute path of clients/<name>/: files the client names (publicKeyFile, rest/) are relative to it. */
  folder: string;
  schemaFile: string;
  options: ClientOptions;
  /** The client SDL without @from. */
  document: DocumentNode;
  /** `Type.field` → the graph call behind a client-only field. */
  from: Map<string, FromSpec & { line?: number }>;
  /** `Type.field` → line in schema.graphql, for error messages. */
  lines: Map<string, number>;
  /** `Type` or `Type.field` → authorization policy (@authenticated, @requiresScopes, @requiresRole). */
  authPolicies: Map<string, AuthPolicy>;
  /** `Type.field` → @rateLimit. */
  rateLimits: Map<string, RateLimitSpec>;
  /** `@cacheControl` by type name and by field coordinate: tightens the response cache policy. */
  cacheHints: Map<string, ClientCacheHint>;
}

const authDirectiveNames = new Set(['authenticated', 'requiresScopes', 'requiresRole']);
export const clientDirectiveNames = new Set(['from', 'rateLimit', 'cacheControl', ...authDirectiveNames]);
const rateLimitKeys = new Set(['IP', 'USER', 'API_KEY', 'CLIENT', 'ARGUMENT']);

function isStringMatrix(value: unknown): value is string[][] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((row) => Array.isArray(row) && row.length > 0 && row.every((s) => typeof s === 'string'))
  );
}

/** Reads @authenticated / @requiresScopes / @requiresRole on a type or field into one policy. */
function readAuthPolicy(
  directives: readonly DirectiveNode[],
  report: (message: string) => void,
): AuthPolicy | undefined {
  let policy: AuthPolicy | undefined;
  for (const directive of directives) {
    if (!authDirectiveNames.has(directive.name.value)) continue;
    policy ??= { authenticated: false };
    const args = Object.fromEntries(
      (directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
    );
    if (directive.name.value === 'authenticated') policy.authenticated = true;
    if (directive.name.value === 'requiresScopes') {
      if (!isStringMatrix(args['scopes']))
        report('@requiresScopes(scopes: [["a", "b"], ["c"]]) needs a non-empty list of non-empty scope lists');
      else policy.scopes = args['scopes'];
    }
    if (directive.name.value === 'requiresRole') {
      const roles = args['roles'];
      if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === 'string'))
        report('@requiresRole(roles: ["admin"]) needs a non-empty list of roles');
      else policy.roles = roles as string[];
    }
  }
  return policy;
}

function readRateLimit(
  directive: DirectiveNode,
  argNames: Set<string>,
  report: (message: string) => void,
): RateLimitSpec | undefined {
  const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
  const max = args['max'];
  const window = String(args['window'] ?? '');
  const windowMs = parseDuration(window);
  const by = String(args['by'] ?? 'USER');
  const arg = typeof args['arg'] === 'string' ? args['arg'] : undefined;
  if (!Number.isInteger(max) || (max as number) < 1) report('@rateLimit max must be a positive integer');
  if (!windowMs) report(`@rateLimit window "${window}" must look like 10s, 1m, 1h or 1d`);
  if (!rateLimitKeys.has(by)) report(`@rateLimit by must be one of ${[...rateLimitKeys].join(', ')}`);
  if (by === 'ARGUMENT' && (!arg || !argNames.has(arg)))
    report('@rateLimit(by: ARGUMENT) needs arg: "<an argument of this field>"');
  if (!Number.isInteger(max) || !windowMs || !rateLimitKeys.has(by)) return undefined;
  return { max: max as number, window, windowMs, by: by as RateLimitSpec['by'], arg };
}

/** Reads clients/<name>/schema.graphql: the projection plus `@from` fields. */
export function parseClientSchema(
  name: string,
  schemaFile: string,
  text: string,
  problems: ProblemList,
): Omit<ClientDefinition, 'options' | 'optionsFile' | 'folder'> | undefined {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    const e = error as GraphQLError;
    problems.add({
      file: schemaFile,
      line: e.locations?.[0]?.line,
      column: e.locations?.[0]?.column,
      message: `malformed SDL: ${e.message}`,
    });
    return undefined;
  }
  const before = problems.items.length;
  const from = new Map<string, FromSpec & { line?: number }>();
  const lines = new Map<string, number>();
  const authPolicies = new Map<string, AuthPolicy>();
  const rateLimits = new Map<string, RateLimitSpec>();
  const cacheHints = new Map<string, ClientCacheHint>();
  for (const def of document.definitions) {
    if (
      def.kind === Kind.DIRECTIVE_DEFINITION ||
      def.kind === Kind.SCHEMA_DEFINITION ||
      def.kind === Kind.SCHEMA_EXTENSION
    ) {
      problems.add({
        file: schemaFile,
        line: def.loc?.startToken.line,
        message: 'client schemas declare types only (no directive or schema definitions)',
      });
      continue;
    }
    if (!('fields' in def) || !def.fields) continue;
    const typeName = def.name.value;
    const typeLine = def.loc?.startToken.line;
    for (const directive of 'directives' in def ? (def.directives ?? []) : []) {
      if (directive.name.value === 'cacheControl') {
        const hint = readClientCacheHint(directive, (message) =>
          problems.add({ file: schemaFile, line: directive.loc?.startToken.line, path: typeName, message }),
        );
        if (hint) cacheHints.set(typeName, hint);
      } else if (!authDirectiveNames.has(directive.name.value))
        problems.add({
          file: schemaFile,
          line: directive.loc?.startToken.line,
          path: typeName,
          message: `unknown directive @${directive.name.value} on a type (allowed: @authenticated, @requiresScopes, @requiresRole, @cacheControl)`,
        });
    }
    const typePolicy = readAuthPolicy(('directives' in def ? def.directives : undefined) ?? [], (message) =>
      problems.add({ file: schemaFile, line: typeLine, path: typeName, message }),
    );
    if (typePolicy) authPolicies.set(typeName, typePolicy);
    for (const field of def.fields) {
      const coordinate = `${def.name.value}.${field.name.value}`;
      const line = field.loc?.startToken.line;
      if (line) lines.set(coordinate, line);
      const fieldDirectives = field.directives ?? [];
      const fieldPolicy = readAuthPolicy(fieldDirectives, (message) =>
        problems.add({ file: schemaFile, line, path: coordinate, message }),
      );
      if (fieldPolicy) authPolicies.set(coordinate, fieldPolicy);
      const fieldArgNames = new Set(('arguments' in field ? (field.arguments ?? []) : []).map((a) => a.name.value));
      for (const directive of fieldDirectives) {
        if (!clientDirectiveNames.has(directive.name.value)) {
          problems.add({
            file: schemaFile,
            line: directive.loc?.startToken.line,
            path: coordinate,
            message: `unknown directive @${directive.name.value} (client schemas allow @${[...clientDirectiveNames].join(', @')})`,
          });
          continue;
        }
        if (directive.name.value === 'cacheControl') {
          const hint = readClientCacheHint(directive, (message) =>
            problems.add({ file: schemaFile, line, path: coordinate, message }),
          );
          if (hint) cacheHints.set(coordinate, hint);
          continue;
        }
        if (directive.name.value === 'rateLimit') {
          const spec = readRateLimit(directive, fieldArgNames, (message) =>
            problems.add({ file: schemaFile, line, path: coordinate, message }),
          );
          if (spec) rateLimits.set(coordinate, spec);
          continue;
        }
        if (directive.name.value !== 'from') continue;
        const args = Object.fromEntries(
          (directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
        );
        const unknown = Object.keys(args).filter((k) => !['query', 'mutation', 'args'].includes(k));
        if (unknown.length)
          problems.add({
            file: schemaFile,
            line,
            path: coordinate,
            message: `@from has no argument ${unknown.join(', ')}`,
          });
        const target =
          typeof args['query'] === 'string'
            ? { operation: 'query' as const, fieldName: args['query'] }
            : typeof args['mutation'] === 'string'
              ? { operation: 'mutation' as const, fieldName: args['mutation'] }
              : undefined;
        if (!target || (args['query'] !== undefined && args['mutation'] !== undefined)) {
          problems.add({
            file: schemaFile,
            line,
            path: coordinate,
            message: '@from needs exactly one of query: "<graph root field>" or mutation: "<graph root field>"',
          });
          continue;
        }
        const callArgs = (args['args'] ?? {}) as Record<string, unknown>;
        try {
          const argNames = new Set(('arguments' in field ? (field.arguments ?? []) : []).map((a) => a.name.value));
          for (const ref of referencesIn(callArgs)) {
            if (ref.root === 'args' && !argNames.has(ref.path[0] ?? ''))
              problems.add({
                file: schemaFile,
                line,
                path: coordinate,
                message: `@from uses {args.${ref.path.join('.')}} but ${coordinate} has no such argument`,
              });
          }
        } catch (error) {
          if (error instanceof TemplateSyntaxError)
            problems.add({ file: schemaFile, line, path: coordinate, message: error.message });
          else throw error;
        }
        from.set(coordinate, { ...target, args: callArgs, line });
      }
    }
  }
  if (problems.items.length > before) return undefined;
  const stripped = visit(document, {
    Directive: (node) => (clientDirectiveNames.has(node.name.value) ? null : undefined),
  });
  return {
    name,
    endpoint: `/${name}/graphql`,
    schemaFile,
    document: stripped,
    from,
    lines,
    authPolicies,
    rateLimits,
    cacheHints,
  };
}
