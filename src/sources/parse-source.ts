import { isAbsolute, resolve, dirname } from 'node:path';
import { existsSync } from 'node:fs';
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
import type { FieldBinding, HttpMethod, Protocol, SourceCall, SourceDefinition, EntityKey } from './model.js';

const httpMethods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

type Args = Record<string, unknown>;

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
  if (protocol !== 'REST' && protocol !== 'GRPC')
    at(sourceNode, 'schema @source', `protocol must be REST or GRPC, not ${JSON.stringify(protocol)}`);

  const { value: url, missing } = interpolateEnv(String(sourceArgs['url'] ?? ''), env);
  if (missing.length)
    at(
      sourceNode,
      'schema @source',
      `url uses ${missing.map((m) => `\${${m}}`).join(', ')} but no such environment variable is set and no default is given`,
    );
  else if (protocol === 'REST') {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      /* reported below */
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      at(sourceNode, 'schema @source', `url "${url}" is not an http(s) URL`);
    else if (parsed.pathname !== '/' || parsed.search)
      at(sourceNode, 'schema @source', `url "${url}" must be an origin (scheme://host:port); put paths in @http`);
  } else if (protocol === 'GRPC' && !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(url)) {
    at(sourceNode, 'schema @source', `url "${url}" is not a host:port address for gRPC`);
  }

  let protoFile: string | undefined;
  let service: string | undefined;
  if (protocol === 'GRPC') {
    const proto = sourceArgs['proto'];
    service = typeof sourceArgs['service'] === 'string' ? sourceArgs['service'] : undefined;
    if (typeof proto !== 'string') at(sourceNode, 'schema @source', 'a GRPC source needs proto: "<file>.proto"');
    else {
      protoFile = isAbsolute(proto) ? proto : resolve(dirname(file), proto);
      if (!existsSync(protoFile))
        at(sourceNode, 'schema @source', `proto file "${proto}" not found (looked at ${protoFile})`);
    }
    if (!service) at(sourceNode, 'schema @source', 'a GRPC source needs service: "<package>.<Service>"');
  }
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
    protoFile,
    service,
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
      at(directive, path, `unknown directive @${name} on a field (allowed: @http, @grpc, @batch, @lookup, @map, @ref)`);
      continue;
    }
    const args = readArgs(directive, path) ?? {};
    used = true;
    if (name === 'http' || name === 'grpc') declaresCall = true;
    switch (name) {
      case 'http': {
        const methods = httpMethods.filter((m) => args[m] !== undefined);
        if (methods.length !== 1) {
          at(directive, path, '@http needs exactly one of GET, POST, PUT, PATCH, DELETE with a path');
          break;
        }
        const method = methods[0]!;
        const target = String(args[method]);
        for (const key of ['query', 'headers'] as const) {
          const value = args[key];
          if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value)))
            at(directive, path, `@http ${key} must be an object like { name: "{args.x}" }`);
        }
        if (!target.startsWith('/')) at(directive, path, `@http path "${target}" must start with "/"`);
        const call: SourceCall = {
          kind: 'http',
          method,
          path: target,
          query: args['query'] as Record<string, unknown> | undefined,
          body: args['body'],
          headers: headerNames(args['headers'] as Record<string, string> | undefined),
          result: typeof args['result'] === 'string' ? args['result'].split('.').filter(Boolean) : [],
        };
        checkTemplates(directive, [target, call.query ?? {}, call.body ?? {}, call.headers ?? {}]);
        binding.call = call;
        break;
      }
      case 'grpc': {
        binding.call = {
          kind: 'grpc',
          method: String(args['method']),
          request: args['request'],
          response: typeof args['response'] === 'string' ? args['response'].split('.').filter(Boolean) : [],
        };
        checkTemplates(directive, args['request'] ?? {});
        break;
      }
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
    const templates =
      binding.call.kind === 'http'
        ? [binding.call.path, binding.call.query ?? {}, binding.call.body ?? {}, binding.call.headers ?? {}]
        : [binding.call.request ?? {}];
    try {
      if (referencesIn(templates).some((ref) => ref.root === 'root'))
        at(field, path, '@batch calls cannot use {root.…}: one call serves many parents');
    } catch {
      /* reported with the template */
    }
  }
  return used || typeName === 'Query' || typeName === 'Mutation' ? binding : undefined;
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
