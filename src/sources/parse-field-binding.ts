import { Kind, type ASTNode, type DirectiveNode, type FieldDefinitionNode, type TypeNode } from 'graphql';
import type { CacheHint, FieldBinding } from './model.js';
import { protocolOfCall, protocolOfDirective, protocols } from './protocols.js';
import { sourceDirectiveNames } from './source-directives.js';
import { referencesIn, TemplateSyntaxError } from './template.js';

type Args = Record<string, unknown>;
type At = (node: ASTNode | undefined, path: string, message: string) => void;

/** The field directives, as the "allowed" list of an unknown one names them. */
const fieldDirectiveList = [
  ...Object.values(protocols).flatMap((p) => (p.directive ? [p.directive.name] : [])),
  'batch',
  'lookup',
  'map',
  'ref',
  'cacheControl',
  'invalidates',
]
  .map((name) => `@${name}`)
  .join(', ');

export function lineOf(node: ASTNode | undefined): number | undefined {
  return node?.loc?.startToken.line;
}

function isListType(type: TypeNode): boolean {
  return type.kind === Kind.NON_NULL_TYPE ? isListType(type.type) : type.kind === Kind.LIST_TYPE;
}

/**
 * What one field of a source file does, read from its directives: its call (through the
 * protocol owning the call directive), @batch, @lookup, @map, @ref. Problems go to `at`;
 * undefined for a field without directives (outside Query and Mutation).
 */
export function readFieldBinding(
  typeName: string,
  field: FieldDefinitionNode,
  readArgs: (d: DirectiveNode, path: string) => Args | undefined,
  at: At,
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
      const call = callProtocol.parseCall?.(args, (message) => at(directive, path, message));
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
      case 'cacheControl': {
        const hint = readCacheHint(args, (message) => at(directive, path, message));
        if (hint) binding.cache = hint;
        break;
      }
      case 'invalidates': {
        const key = args['key'];
        const entries = key !== null && typeof key === 'object' && !Array.isArray(key) ? Object.entries(key) : [];
        if (typeName !== 'Mutation') at(directive, path, '@invalidates goes on Mutation fields');
        else if (entries.length !== 1 || typeof entries[0]![1] !== 'string')
          at(directive, path, '@invalidates needs key: { <key field>: "<template>" }, e.g. key: { id: "{args.id}" }');
        else {
          checkTemplates(directive, key);
          const [field, template] = entries[0] as [string, string];
          binding.invalidates = [
            ...(binding.invalidates ?? []),
            {
              typeName: String(args['type']),
              field,
              template,
              line: lineOf(directive),
            },
          ];
        }
        break;
      }
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
  if (binding.cache && !binding.call) at(field, path, '@cacheControl goes on a field with a call (@http or @grpc)');
  if (binding.lookup && !binding.call) at(field, path, '@lookup needs @http or @grpc on the same field');
  if (binding.call && binding.ref) at(field, path, 'a field takes either a call (@http/@grpc) or @ref, not both');
  if ((typeName === 'Query' || typeName === 'Mutation') && !binding.call && !declaresCall)
    at(field, path, `root field ${path} needs @http or @grpc`);
  if (binding.batch && binding.call) {
    // one call carries the keys of many parents: a parent's own data cannot go into it
    const templates = protocolOfCall(binding.call.kind)!.templatesOf(binding.call);
    try {
      if (referencesIn(templates).some((ref) => ref.root === 'root'))
        at(field, path, '@batch calls cannot use {root.…}: one call serves many parents');
    } catch {
      /* reported with the template */
    }
  }
  return used || typeName === 'Query' || typeName === 'Mutation' ? binding : undefined;
}

/** `@cacheControl(maxAge, scope)` of a source field or type; undefined (reported) when invalid. */
export function readCacheHint(args: Args, report: (message: string) => void): CacheHint | undefined {
  const maxAge = Number(args['maxAge']);
  const scope = args['scope'] ?? 'PUBLIC';
  if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86_400)
    return void report('@cacheControl maxAge must be a whole number of seconds from 0 to 86400');
  if (scope !== 'PUBLIC' && scope !== 'PRIVATE') return void report('@cacheControl scope must be PUBLIC or PRIVATE');
  return { maxAgeMs: maxAge * 1000, scope };
}
