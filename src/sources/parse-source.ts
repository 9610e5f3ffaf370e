import {
  Kind,
  parse,
  visit,
  valueFromASTUntyped,
  type GraphQLError,
  type DirectiveNode,
  type DocumentNode,
  type ASTNode,
  type TypeNode,
} from 'graphql';
import type { ProblemList } from '../config/config-error.js';
import { directiveArguments, sourceDirectiveNames, sourceIntArguments } from './source-directives.js';
import type { CacheHint, FieldBinding, Protocol, SourceDefinition, EntityKey } from './model.js';
import { protocolNames, protocolOf } from './protocols.js';
import { lineOf, readCacheHint, readFieldBinding } from './parse-field-binding.js';
import { loadSubgraphSdl } from './graphql/load-subgraph-sdl.js';
import { fetchServiceSdl } from './graphql/fetch-service-sdl.js';
import { readEjectAfterFailures, readHealthCheck, readSourceUrls } from './parse-source-instances.js';

type Args = Record<string, unknown>;

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
      message: `no @source: start the file with \`extend schema @source(name: "...", protocol: ${protocolNames.join('|')}, url: "...")\``,
    });
    return undefined;
  }
  const name = String(sourceArgs['name'] ?? '');
  if (!/^[a-z][a-z0-9_-]*$/i.test(name))
    at(sourceNode, 'schema @source', `source name "${name}" must be a simple identifier`);
  const protocol = sourceArgs['protocol'] as Protocol;
  const transport = protocolOf(protocol);
  if (!transport)
    at(
      sourceNode,
      'schema @source',
      `protocol must be ${protocolNames.slice(0, -1).join(', ')} or ${protocolNames.at(-1)}, not ${JSON.stringify(protocol)}`,
    );

  const reportSource = (message: string) => at(sourceNode, 'schema @source', message);
  const { urls, missing } = readSourceUrls(sourceArgs['url'], env, transport?.checkUrl, reportSource);
  const url = urls[0] ?? '';
  if (urls.length > 1 && protocol === 'GRAPHQL') reportSource('a GRAPHQL source takes one url, not a list');
  const instances = {
    ...(urls.length > 1 ? { urls } : {}),
    ejectAfterFailures: readEjectAfterFailures(sourceArgs['ejectAfterFailures'], reportSource),
    healthCheck: readHealthCheck(sourceArgs['healthCheck'], protocol !== 'GRPC', reportSource),
  };
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

  if (protocol === 'GRAPHQL') {
    const loaded = loadSubgraphSdl(file, document, protocolArgs?.sdlFile, problems, () =>
      protocolArgs?.sdlFromService && !missing.length ? fetchServiceSdl(url, timeoutMs) : undefined,
    );
    if (!loaded || problems.items.length > before) return undefined;
    const { subgraph } = loaded;
    return {
      name,
      protocol,
      url,
      file: loaded.file,
      sourceLine: loaded.file === file ? lineOf(sourceNode) : undefined,
      ...protocolArgs,
      timeoutMs,
      retries,
      connections,
      maxResponseBytes,
      ...instances,
      document: subgraph.document,
      bindings: subgraph.bindings,
      entities: subgraph.entities,
      federation: subgraph.federation,
    };
  }

  // --- fields and types ------------------------------------------------------------------------
  const bindings: FieldBinding[] = [];
  const entities: EntityKey[] = [];
  const typeHints = new Map<string, CacheHint>();
  const returnTypes = new Map<FieldBinding, string>();
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
      if (directive.name.value === 'cacheControl') {
        const hint = readCacheHint(readArgs(directive, typeName) ?? {}, (message) => at(directive, typeName, message));
        if (hint) typeHints.set(typeName, hint);
        continue;
      }
      if (directive.name.value !== 'key') {
        at(directive, typeName, `unknown directive @${directive.name.value} on a type (allowed: @key, @cacheControl)`);
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
      if (!binding) continue;
      bindings.push(binding);
      returnTypes.set(binding, namedTypeOf(field.type));
    }
  }
  // a type's @cacheControl is the policy of the calls returning it that declare none of their own
  for (const binding of bindings) {
    const hint = binding.call && !binding.cache ? typeHints.get(returnTypes.get(binding)!) : undefined;
    if (hint) binding.cache = hint;
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
    ...instances,
    document: stripSourceDirectives(document),
    bindings,
    entities,
  };
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

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}
