import {
  Kind,
  parse,
  valueFromASTUntyped,
  visit,
  type ASTNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import type { EntityKey, Federation, FederationKey, FieldBinding } from '../model.js';
import { lineOf } from '../parse-field-binding.js';

type At = (node: ASTNode | undefined, path: string, message: string) => void;

/** What a GraphQL source's SDL gives the gateway. */
export interface Subgraph {
  /** The SDL the source schema is built from: federation directives, plumbing and `@external` fields removed. */
  document: DocumentNode;
  /** One call per root field. */
  bindings: FieldBinding[];
  /** Entities by their first resolvable key (how REST and gRPC sources merge with them). */
  entities: EntityKey[];
  federation: Federation;
}

/** Federation v2 directives the gateway reads, and those it accepts without effect on a gateway (`@tag`, `@composeDirective`). */
const federationDirectives = new Set([
  'key',
  'external',
  'requires',
  'provides',
  'shareable',
  'inaccessible',
  'override',
  'extends',
  'tag',
  'composeDirective',
]);
/** Federation features that change how a graph is composed in ways the gateway does not implement: refused at load. */
const unsupportedDirectives = new Set([
  'interfaceObject',
  'authenticated',
  'requiresScopes',
  'policy',
  'context',
  'fromContext',
  'cost',
  'listSize',
]);
const builtInDirectives = new Set(['deprecated', 'specifiedBy', 'oneOf']);
/** Types a subgraph library adds to its SDL for the federation protocol itself. */
const plumbingTypes = new Set([
  '_Any',
  '_FieldSet',
  'FieldSet',
  'federation__FieldSet',
  'link__Import',
  'link__Purpose',
  '_Service',
  '_Entity',
  'federation__Scope',
  'federation__Policy',
]);
const plumbingRootFields = new Set(['_service', '_entities']);
const rootTypeNames = new Set(['Query', 'Mutation']);

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

/**
 * Reads a subgraph's SDL (Apollo Federation v2, or a plain GraphQL schema): its root fields as the
 * source's calls, its `@key`s as entities, and `@requires`/`@provides`/`@shareable`/`@override`.
 * Every problem goes to `at` with its line; the result is undefined when there were any.
 */
export function readSubgraph(document: DocumentNode, at: At): Subgraph | undefined {
  let failed = false;
  const report: At = (node, path, message) => {
    failed = true;
    at(node, path, message);
  };
  const federation: Federation = {
    keys: new Map(),
    requires: new Map(),
    provides: new Map(),
    shareable: new Set(),
    overrides: new Map(),
  };
  const defined = new Set(
    document.definitions.flatMap((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? [d.name.value] : [])),
  );
  const objects = document.definitions.filter(
    (d): d is ObjectNode => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION,
  );
  const fieldsOf = (typeName: string) =>
    new Set(objects.filter((o) => o.name.value === typeName).flatMap((o) => (o.fields ?? []).map((f) => f.name.value)));
  const external = new Set<string>();
  const inaccessible = new Set<string>();

  const checkDirective = (directive: DirectiveNode, path: string): boolean => {
    const name = directive.name.value;
    if (federationDirectives.has(name) || builtInDirectives.has(name)) return true;
    if (unsupportedDirectives.has(name))
      report(directive, path, `@${name} is a federation feature the gateway does not support`);
    else if (!defined.has(name))
      report(
        directive,
        path,
        `unknown directive @${name} (federation directives read: @${[...federationDirectives].join(', @')})`,
      );
    return false;
  };
  const argOf = (directive: DirectiveNode, name: string): unknown => {
    const arg = directive.arguments?.find((a) => a.name.value === name);
    return arg ? valueFromASTUntyped(arg.value) : undefined;
  };
  const fieldSet = (directive: DirectiveNode, path: string, kind: string): string[] | undefined => {
    const text = argOf(directive, 'fields');
    if (typeof text !== 'string' || !text.trim()) {
      report(directive, path, `@${kind} needs fields: "<field> …"`);
      return undefined;
    }
    let names: string[];
    try {
      const operation = parse(`{ ${text} }`, { noLocation: true }).definitions[0];
      const selections = operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections : [];
      if (selections.some((s) => s.kind !== Kind.FIELD || s.selectionSet || s.alias || s.arguments?.length)) {
        report(
          directive,
          path,
          `@${kind}(fields: "${text}"): only top-level fields are supported (no nested selections)`,
        );
        return undefined;
      }
      names = selections.map((s) => (s as { name: { value: string } }).name.value);
    } catch {
      report(directive, path, `@${kind}(fields: "${text}") is not a field set`);
      return undefined;
    }
    return names;
  };

  for (const def of document.definitions) {
    if (def.kind === Kind.SCHEMA_EXTENSION || def.kind === Kind.SCHEMA_DEFINITION) {
      for (const directive of def.directives ?? []) {
        const name = directive.name.value;
        if (name === 'source' || name === 'composeDirective') continue;
        if (name === 'link') {
          const url = String(argOf(directive, 'url') ?? '');
          if (url.startsWith('https://specs.apollo.dev/federation/') && !/\/v2\.\d+$/.test(url))
            report(directive, 'schema @link', `federation version in "${url}" is not supported (v2.x)`);
          const imports = argOf(directive, 'import');
          if (Array.isArray(imports) && imports.some((i) => typeof i === 'object'))
            report(directive, 'schema @link', 'renamed imports ({ name, as }) are not supported');
          continue;
        }
        report(directive, 'schema', `@${name} is not allowed on the schema of a subgraph`);
      }
      continue;
    }
    if (def.kind === Kind.DIRECTIVE_DEFINITION) continue;
    const typeName = 'name' in def && def.name ? def.name.value : '';
    for (const directive of 'directives' in def ? (def.directives ?? []) : []) {
      if (!checkDirective(directive, typeName)) continue;
      const name = directive.name.value;
      if (name === 'inaccessible') inaccessible.add(typeName);
      if (name === 'key' && def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION)
        report(directive, typeName, '@key on interfaces (entity interfaces) is not supported; put it on object types');
    }
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const own = fieldsOf(typeName);
    const typeShareable = (def.directives ?? []).some((d) => d.name.value === 'shareable');
    for (const directive of def.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = fieldSet(directive, typeName, 'key');
      if (!fields) continue;
      const missing = fields.filter((f) => !own.has(f));
      if (missing.length) {
        report(
          directive,
          typeName,
          `@key field ${missing.map((m) => `"${m}"`).join(', ')} is not a field of ${typeName}`,
        );
        continue;
      }
      const key: FederationKey = {
        fields,
        resolvable: argOf(directive, 'resolvable') !== false,
        line: lineOf(directive),
      };
      federation.keys.set(typeName, [...(federation.keys.get(typeName) ?? []), key]);
    }
    for (const field of def.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      if (typeShareable) federation.shareable.add(coordinate);
      for (const directive of field.directives ?? []) {
        if (!checkDirective(directive, coordinate)) continue;
        switch (directive.name.value) {
          case 'external':
            external.add(coordinate);
            break;
          case 'shareable':
            federation.shareable.add(coordinate);
            break;
          case 'inaccessible':
            inaccessible.add(coordinate);
            break;
          case 'override': {
            const from = argOf(directive, 'from');
            if (typeof from !== 'string' || !from) report(directive, coordinate, '@override needs from: "<subgraph>"');
            else federation.overrides.set(coordinate, { from, line: lineOf(directive) });
            break;
          }
          case 'requires': {
            const fields = fieldSet(directive, coordinate, 'requires');
            if (!fields) break;
            const missing = fields.filter((f) => !own.has(f));
            if (missing.length)
              report(
                directive,
                coordinate,
                `@requires names ${missing.map((m) => `"${m}"`).join(', ')}, which ${typeName} does not declare here (declare it with @external)`,
              );
            else federation.requires.set(coordinate, fields);
            break;
          }
          case 'provides': {
            const fields = fieldSet(directive, coordinate, 'provides');
            if (fields) federation.provides.set(coordinate, fields);
            break;
          }
        }
      }
    }
  }
  for (const [coordinate, fields] of federation.provides) {
    const typeName = coordinate.slice(0, coordinate.indexOf('.'));
    const field = objects
      .filter((o) => o.name.value === typeName)
      .flatMap((o) => o.fields ?? [])
      .find((f) => `${typeName}.${f.name.value}` === coordinate);
    const target = field ? namedTypeOf(field) : '';
    const missing = fields.filter((f) => !fieldsOf(target).has(f));
    if (missing.length)
      report(
        field,
        coordinate,
        `@provides names ${missing.map((m) => `"${m}"`).join(', ')}, which ${target} does not declare here`,
      );
  }
  if (failed) return undefined;

  const keyFieldsOf = (typeName: string) => new Set((federation.keys.get(typeName) ?? []).flatMap((k) => k.fields));
  const bindings: FieldBinding[] = [];
  const entities: EntityKey[] = [];
  for (const [typeName, keys] of federation.keys) {
    const key = keys.find((k) => k.resolvable);
    if (key) entities.push({ typeName, field: key.fields[0]!, line: key.line });
  }
  for (const object of objects) {
    if (!rootTypeNames.has(object.name.value)) continue;
    for (const field of object.fields ?? []) {
      if (plumbingRootFields.has(field.name.value)) continue;
      bindings.push({
        typeName: object.name.value,
        fieldName: field.name.value,
        line: lineOf(field),
        lookup: false,
        nonNull: field.type.kind === Kind.NON_NULL_TYPE,
        call: {
          kind: 'graphql',
          operation: object.name.value === 'Mutation' ? 'mutation' : 'query',
          field: field.name.value,
        },
      });
    }
  }
  // an `@external` field is another subgraph's (a key field stays: this subgraph answers it)
  const removed = (typeName: string, field: FieldDefinitionNode) => {
    const coordinate = `${typeName}.${field.name.value}`;
    return (
      inaccessible.has(coordinate) ||
      plumbingRootFields.has(field.name.value) ||
      (external.has(coordinate) && !keyFieldsOf(typeName).has(field.name.value))
    );
  };
  const kept = document.definitions.filter((d) => keepDefinition(d, inaccessible));
  const cleaned = visit(
    { ...document, definitions: asDefinitions(kept, objects) },
    {
      Directive: () => null,
      DirectiveDefinition: () => null,
      SchemaExtension: (node) => (node.operationTypes?.length ? { ...node, directives: [] } : null),
      ObjectTypeDefinition: (node) => {
        const fields = (node.fields ?? []).filter((f) => !removed(node.name.value, f));
        return fields.length ? { ...node, fields } : null;
      },
    },
  );
  return { document: cleaned, bindings, entities, federation };
}

function keepDefinition(def: DefinitionNode, inaccessible: ReadonlySet<string>): boolean {
  if (!('name' in def) || !def.name) return true;
  if (def.kind === Kind.DIRECTIVE_DEFINITION) return false;
  return !plumbingTypes.has(def.name.value) && !inaccessible.has(def.name.value);
}

/** Federation v1 SDL declares entities as `extend type X @key(…)` with no base type: such an extension is the definition here. */
function asDefinitions(definitions: readonly DefinitionNode[], objects: readonly ObjectNode[]): DefinitionNode[] {
  const based = new Set(objects.filter((o) => o.kind === Kind.OBJECT_TYPE_DEFINITION).map((o) => o.name.value));
  const merged = new Map<string, ObjectTypeDefinitionNode>();
  const out: DefinitionNode[] = [];
  for (const def of definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_EXTENSION || based.has(def.name.value)) {
      out.push(def);
      continue;
    }
    const known = merged.get(def.name.value);
    if (known) {
      const index = out.indexOf(known);
      const joined = { ...known, fields: [...(known.fields ?? []), ...(def.fields ?? [])] };
      out[index] = joined;
      merged.set(def.name.value, joined);
      continue;
    }
    const asDefinition: ObjectTypeDefinitionNode = { ...def, kind: Kind.OBJECT_TYPE_DEFINITION };
    merged.set(def.name.value, asDefinition);
    out.push(asDefinition);
  }
  return out;
}

function namedTypeOf(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}
