import {
  Kind,
  parse,
  visit,
  valueFromASTUntyped,
  type GraphQLError,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type TypeNode,
  type ASTNode,
} from 'graphql';
import type { ProblemList } from '../config/config-error.js';
import { interpolateEnv } from '../config/env.js';
import { directiveArguments, sourceDirectiveNames, sourceIntArguments } from './source-directives.js';
import { referencesIn, TemplateSyntaxError } from './template.js';
import type { FieldBinding, Protocol, SourceDefinition, EntityKey } from './model.js';
import { protocolNames, protocolOf, protocolOfDirective, protocols } from './protocols.js';

type Args = Record<string, unknown>;

/** The field directives, as the "allowed" list of an unknown one names them. */
const fieldDirectiveList = [...Object.values(protocols).map((p) => p.directive.name), 'batch', 'lookup', 'map', 'ref']
  .map((name) => `@${name}`)
  .join(', ');

function lineOf(node: ASTNode | undefined): number | undefined {
  return node?.loc?.startToken.line;
}

function isListType(type: TypeNode): boolean {
  return type.kind === Kind.NON_NULL_TYPE ? isListType(type.type) : type.kind === Kind.LIST_TYPE;
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/**
 * Reads one source file (schema/<name>.graphql): its `@source`, the call of each field, entities,
 * renames and references. Every problem is added to `problems` with file and line; returns
 * undefined when the file cannot be used.
 */
export function parseSourceFile(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: ProblemList,
): SourceDefinition | undefined {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    const e = error as GraphQLError;
    problems.add({
      file,
      line: e.locations?.[0]?.line,
      column: e.locations?.[0]?.column,
      message: `malformed SDL: ${e.message}`,
    });
    return undefined;
  }
  const before = problems.items.length;
  const at = (node: ASTNode | undefined, path: string, message: string) =>
    problems.add({ file, line: lineOf(node), path, message });

  const readArgs = (directive: DirectiveNode, path: string): Args | undefined => {
    const spec = directiveArguments[directive.name.value];
    if (!spec) return undefined;
    const args: Args = {};
    for (const arg of directive.arguments ?? []) {
      if (!spec.required.includes(arg.name.value) && !spec.optional.includes(arg.name.value)) {
        at(
          arg,
          path,
          `@${directive.name.value} has no argument "${arg.name.value}" (allowed: ${[...spec.required, ...spec.optional].join(', ') || 'none'})`,
        );
        continue;
      }
      args[arg.name.value] = valueFromASTUntyped(arg.value);
    }
    for (const name of spec.required)
      if (args[name] === undefined) at(directive, path, `@${directive.name.value} needs argument "${name}"`);
    return args;
  };

  // --- @source on `extend schema` / `schema` ----------------------------------------------------
  let sourceArgs: Args | undefined;
  let sourceNode: DirectiveNode | undefined;
  for (const def of document.definitions) {
    if (def.kind !== Kind.SCHEMA_EXTENSION && def.kind !== Kind.SCHEMA_DEFINITION) continue;
    for (const directive of def.directives ?? []) {
      if (directive.name.value !== 'source') continue;
      if (sourceNode) at(directive, 'schema', 'a file declares one @source; found a second one');
      sourceNode = directive;
      sourceArgs = readArgs(directive, 'schema @source');
    }
  }
  if (!sourceNode || !sourceArgs) {
    problems.add({
      file,
      line: 1,
      message: 'no @source: start the file with `extend schema @source(name: "...", protocol: REST|GRPC, url: "...")`',
    });
    return undefined;
  }
  const name = String(sourceArgs['name'] ?? '');
  if (!/^[a-z][a-z0-9_-]*$/i.test(name))
    at(sourceNode, 'schema @source', `source name "${name}" must be a simple identifier`);
  const protocol = sourceArgs['protocol'] as Protocol;
  const transport = protocolOf(protocol);
  if (!transport)
    at(sourceNode, 'schema @source', `protocol must be ${protocolNames.join(' or ')}, not ${JSON.stringify(protocol)}`);

  const { value: url, missing } = interpolateEnv(String(sourceArgs['url'] ?? ''), env);
  if (missing.length)
    at(
      sourceNode,
      'schema @source',
      `url uses ${missing.map((m) => `\${${m}}`).join(', ')} but no such environment variable is set and no default is given`,
    );
  else {
    const problem = transport?.checkUrl(url);
    if (problem) at(sourceNode, 'schema @source', problem);
  }
  const protocolArgs = transport?.readSourceArguments?.(sourceArgs, file, (message) =>
    at(sourceNode, 'schema @source', message),
  );
  const intArg = (key: keyof typeof sourceIntArguments): number => {
    const { default: fallback, min, max } = sourceIntArguments[key];
    const value = sourceArgs?.[key];
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      at(sourceNode, 'schema @source', `${key} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const timeoutMs = intArg('timeoutMs');
  const retries = intArg('retries');
  const connections = intArg('connections');
  const maxResponseBytes = intArg('maxResponseBytes');

  // --- fields and types ------------------------------------------------------------------------
  const bindings: FieldBinding[] = [];
  const entities: EntityKey[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.DIRECTIVE_DEFINITION) {
      at(def, `@${def.name.value}`, 'source files may not define directives');
      continue;
    }
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) {
      for (const directive of 'directives' in def ? (def.directives ?? []) : []) {
        if (def.kind !== Kind.SCHEMA_EXTENSION && def.kind !== Kind.SCHEMA_DEFINITION)
          at(directive, '', `@${directive.name.value} is not allowed here`);
      }
      continue;
    }
    const typeName = def.name.value;
    for (const directive of def.directives ?? []) {
      if (directive.name.value !== 'key') {
        at(directive, typeName, `unknown directive @${directive.name.value} on a type (allowed: @key)`);
        continue;
      }
      const args = readArgs(directive, typeName);
      const fields = String(args?.['fields'] ?? '').trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fields)) {
        at(directive, typeName, `@key(fields: "${fields}") must name one field (compound keys are not supported)`);
        continue;
      }
      if (!def.fields?.some((f) => f.name.value === fields))
        at(directive, typeName, `@key field "${fields}" is not a field of ${typeName}`);
      entities.push({ typeName, field: fields, line: lineOf(directive) });
    }
    for (const field of def.fields ?? []) {
      const binding = readFieldBinding(typeName, field, readArgs, at);
      if (binding) bindings.push(binding);
    }
  }
  if (problems.items.length > before) return undefined;

  return {
    name,
    protocol,
    url,
    file,
    sourceLine: lineOf(sourceNode),
    ...protocolArgs,
    timeoutMs,
    retries,
    connections,
    maxResponseBytes,
    document: stripSourceDirectives(document),
    bindings,
    entities,
  };
}

function readFieldBinding(
  typeName: string,
  field: FieldDefinitionNode,
  readArgs: (d: DirectiveNode, path: string) => Args | undefined,
  at: (node: ASTNode | undefined, path: string, message: string) => void,
): FieldBinding | undefined {
  const path = `${typeName}.${field.name.value}`;
  const binding: FieldBinding = {
    typeName,
    fieldName: field.name.value,
    line: lineOf(field),
    lookup: false,
    nonNull: field.type.kind === Kind.NON_NULL_TYPE,
  };
  let used = false;
  let declaresCall = false;
  const argNames = new Set((field.arguments ?? []).map((a) => a.name.value));
  const checkTemplates = (node: ASTNode, value: unknown) => {
    try {
      for (const ref of referencesIn(value)) {
        if (ref.root === 'args' && ref.path[0] !== undefined && !argNames.has(ref.path[0]))
          at(node, path, `template uses {args.${ref.path.join('.')}} but ${path} has no argument "${ref.path[0]}"`);
        if (ref.root === 'root' && typeName === 'Query')
          at(node, path, 'root fields have no parent: {root.…} is not available');
      }
    } catch (error) {
      if (error instanceof TemplateSyntaxError) at(node, path, error.message);
      else throw error;
    }
  };
  for (const directive of field.directives ?? []) {
    const name = directive.name.value;
    if (!sourceDirectiveNames.has(name) || name === 'source' || name === 'key') {
      at(directive, path, `unknown directive @${name} on a field (allowed: ${fieldDirectiveList})`);
      continue;
    }
    const args = readArgs(directive, path) ?? {};
    used = true;
    const callProtocol = protocolOfDirective(name);
    if (callProtocol) {
      declaresCall = true;
      const call = callProtocol.parseCall(args, (message) => at(directive, path, message));
      if (call) {
        checkTemplates(directive, callProtocol.templatesOf(call));
        binding.call = call;
      }
      continue;
    }
    switch (name) {
      case 'batch': {
        const listArgs = (field.arguments ?? []).filter((a) => isListType(a.type)).map((a) => a.name.value);
        const arg = typeof args['arg'] === 'string' ? args['arg'] : listArgs.length === 1 ? listArgs[0] : undefined;
        if (!arg || !listArgs.includes(arg))
          at(directive, path, '@batch needs exactly one list argument carrying the keys (or arg: "<name>")');
        if (!isListType(field.type)) at(directive, path, '@batch fields must return a list');
        const maxSize = Number(args['maxSize'] ?? 100);
        if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > 10_000)
          at(directive, path, '@batch maxSize must be an integer from 1 to 10000');
        binding.batch = { key: String(args['key']), arg: arg ?? '', maxSize };
        break;
      }
      case 'lookup':
        if (typeName !== 'Query') at(directive, path, '@lookup goes on Query fields');
        binding.lookup = true;
        break;
      case 'map':
        binding.mapFrom = String(args['from']);
        break;
      case 'ref': {
        const key = args['key'];
        if (key === null || typeof key !== 'object' || Array.isArray(key))
          at(directive, path, '@ref(key: { <keyField>: "{root.…}" }) needs an object');
        else {
          binding.ref = key as Record<string, unknown>;
          checkTemplates(directive, key);
        }
        break;
      }
    }
  }
  if (binding.batch && !binding.call) at(field, path, '@batch needs @http or @grpc on the same field');
  if (binding.lookup && !binding.call) at(field, path, '@lookup needs @http or @grpc on the same field');
  if (binding.call && binding.ref) at(field, path, 'a field takes either a call (@http/@grpc) or @ref, not both');
  if ((typeName === 'Query' || typeName === 'Mutation') && !binding.call && !declaresCall)
    at(field, path, `root field ${path} needs @http or @grpc`);
  if (binding.batch && binding.call) {
    // one call carries the keys of many parents: a parent's own data cannot go into it
    const templates = protocolOfDirective(binding.call.kind)!.templatesOf(binding.call);
    try {
      if (referencesIn(templates).some((ref) => ref.root === 'root'))
        at(field, path, '@batch calls cannot use {root.…}: one call serves many parents');
    } catch {
      /* reported with the template */
    }
  }
  return used || typeName === 'Query' || typeName === 'Mutation' ? binding : undefined;
}

export function namedReturnType(field: FieldDefinitionNode): string {
  return namedTypeOf(field.type);
}

/** The SDL without Facet's directives (and without `extend schema @source`). */
function stripSourceDirectives(document: DocumentNode): DocumentNode {
  return visit(document, {
    Directive(node) {
      return sourceDirectiveNames.has(node.name.value) ? null : undefined;
    },
    SchemaExtension(node) {
      return node.operationTypes?.length ? { ...node, directives: [] } : null;
    },
    SchemaDefinition(node) {
      return { ...node, directives: [] };
    },
  });
}
