import { Kind, parse, visit, valueFromASTUntyped, type DocumentNode, type GraphQLError } from 'graphql';
import type { ProblemList } from '../config/config-error.js';
import { referencesIn, TemplateSyntaxError } from '../sources/template.js';
import type { ClientOptions } from './client-options.js';
import type { FromSpec } from './client-directives.js';

export interface ClientDefinition {
  name: string;
  /** /<name>/graphql */
  endpoint: string;
  optionsFile: string;
  schemaFile: string;
  options: ClientOptions;
  /** The client SDL without @from. */
  document: DocumentNode;
  /** `Type.field` → the graph call behind a client-only field. */
  from: Map<string, FromSpec & { line?: number }>;
  /** `Type.field` → line in schema.graphql, for error messages. */
  lines: Map<string, number>;
}

/** Reads clients/<name>/schema.graphql: the projection plus `@from` fields. */
export function parseClientSchema(name: string, schemaFile: string, text: string, problems: ProblemList): Omit<ClientDefinition, 'options' | 'optionsFile'> | undefined {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    const e = error as GraphQLError;
    problems.add({ file: schemaFile, line: e.locations?.[0]?.line, column: e.locations?.[0]?.column, message: `malformed SDL: ${e.message}` });
    return undefined;
  }
  const before = problems.items.length;
  const from = new Map<string, FromSpec & { line?: number }>();
  const lines = new Map<string, number>();
  for (const def of document.definitions) {
    if (def.kind === Kind.DIRECTIVE_DEFINITION || def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
      problems.add({ file: schemaFile, line: def.loc?.startToken.line, message: 'client schemas declare types only (no directive or schema definitions)' });
      continue;
    }
    if (!('fields' in def) || !def.fields) continue;
    for (const field of def.fields) {
      const coordinate = `${def.name.value}.${field.name.value}`;
      const line = field.loc?.startToken.line;
      if (line) lines.set(coordinate, line);
      for (const directive of (field as { directives?: readonly import('graphql').DirectiveNode[] }).directives ?? []) {
        if (directive.name.value !== 'from') {
          problems.add({ file: schemaFile, line: directive.loc?.startToken.line, path: coordinate, message: `unknown directive @${directive.name.value} (client schemas allow @from)` });
          continue;
        }
        const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
        const unknown = Object.keys(args).filter((k) => !['query', 'mutation', 'args'].includes(k));
        if (unknown.length) problems.add({ file: schemaFile, line, path: coordinate, message: `@from has no argument ${unknown.join(', ')}` });
        const target = typeof args['query'] === 'string' ? { operation: 'query' as const, fieldName: args['query'] } : typeof args['mutation'] === 'string' ? { operation: 'mutation' as const, fieldName: args['mutation'] } : undefined;
        if (!target || (args['query'] !== undefined && args['mutation'] !== undefined)) {
          problems.add({ file: schemaFile, line, path: coordinate, message: '@from needs exactly one of query: "<graph root field>" or mutation: "<graph root field>"' });
          continue;
        }
        const callArgs = (args['args'] ?? {}) as Record<string, unknown>;
        try {
          const argNames = new Set(('arguments' in field ? field.arguments ?? [] : []).map((a) => a.name.value));
          for (const ref of referencesIn(callArgs)) {
            if (ref.root === 'args' && !argNames.has(ref.path[0] ?? '')) problems.add({ file: schemaFile, line, path: coordinate, message: `@from uses {args.${ref.path.join('.')}} but ${coordinate} has no such argument` });
          }
        } catch (error) {
          if (error instanceof TemplateSyntaxError) problems.add({ file: schemaFile, line, path: coordinate, message: error.message });
          else throw error;
        }
        from.set(coordinate, { ...target, args: callArgs, line });
      }
    }
  }
  if (problems.items.length > before) return undefined;
  const stripped = visit(document, { Directive: (node) => (node.name.value === 'from' ? null : undefined) });
  return { name, endpoint: `/${name}/graphql`, schemaFile, document: stripped, from, lines };
}
