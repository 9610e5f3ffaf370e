import { GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { FieldBinding, SourceDefinition } from './model.js';
import { referencesIn, splitPath, type TemplateReference } from './template.js';
import { protocolOfCall } from './protocols.js';

type Warn = (line: number | undefined, path: string, message: string) => void;

/** The templates of a field that read its parent (`{root.…}`): its call's, or its @ref key. */
function templatesOf(binding: FieldBinding): unknown[] {
  if (binding.call) return protocolOfCall(binding.call.kind)?.templatesOf(binding.call) ?? [];
  return binding.ref ? [binding.ref] : [];
}

/**
 * `{root.x}` reads property `x` of the parent's payload. A name the parent type neither declares
 * (as a plain field) nor reads through a @map, nor has in the protocol's message of the same name
 * (gRPC: the proto's; any message when none has that name), is most likely a typo: at query time
 * it reads nothing. A warning, not an error: a REST payload may hold more than the type declares.
 */
export function checkRootTemplates(
  def: SourceDefinition,
  schema: GraphQLSchema,
  warn: Warn,
  payloadFields?: Map<string, Set<string>>,
): void {
  const namesByType = new Map<string, Set<string>>();
  const payloadNames = (typeName: string): Set<string> => {
    let names = namesByType.get(typeName);
    if (names) return names;
    names = new Set();
    const type = schema.getType(typeName);
    for (const fieldName of type instanceof GraphQLObjectType ? Object.keys(type.getFields()) : []) {
      const bound = def.bindings.find((b) => b.typeName === typeName && b.fieldName === fieldName);
      if (bound?.mapFrom) names.add(splitPath(bound.mapFrom)[0] ?? fieldName);
      else if (!bound?.call && !bound?.ref) names.add(fieldName);
    }
    if (payloadFields) {
      const message = payloadFields.get(typeName);
      for (const fields of message ? [message] : payloadFields.values()) for (const name of fields) names.add(name);
    }
    namesByType.set(typeName, names);
    return names;
  };

  for (const binding of def.bindings) {
    if (binding.typeName === 'Query' || binding.typeName === 'Mutation') continue; // {root.…} there is an error already
    let refs: TemplateReference[];
    try {
      refs = referencesIn(templatesOf(binding));
    } catch {
      continue; // a syntax error, reported by the parser
    }
    for (const ref of refs) {
      const name = ref.path[0];
      if (ref.root !== 'root' || name === undefined || payloadNames(binding.typeName).has(name)) continue;
      const renamed = def.bindings.find((b) => b.typeName === binding.typeName && b.fieldName === name && b.mapFrom);
      const hint = renamed
        ? `${binding.typeName}.${name} reads "${renamed.mapFrom}" (@map): write {root.${renamed.mapFrom}}`
        : `declare it on ${binding.typeName} (or @map a field from it), or fix the name`;
      warn(
        binding.line,
        `${binding.typeName}.${binding.fieldName}`,
        `{root.${ref.path.join('.')}} names "${name}", which ${binding.typeName} has no field for: the value is empty at query time; ${hint}`,
      );
    }
  }
}
