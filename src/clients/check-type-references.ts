import { Kind, specifiedScalarTypes, type DocumentNode, type GraphQLSchema, type TypeNode } from 'graphql';
import { didYouMean } from '../config/nearest.js';
import { isUserType } from './client-groups.js';

export interface TypeReferenceProblem {
  /** The undeclared type. */
  typeName: string;
  line?: number;
  path: string;
  message: string;
}

/** graphql-js's own message for these, replaced by one that names the field and the way out. */
export const unknownTypeMessage = /^Unknown type "(\w+)"/;

const namedTypeOf = (type: TypeNode): string =>
  type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);

/**
 * Every field, argument and input field of a client schema whose type the client schema does not
 * declare. A type of the graph must be declared (with the fields this client sees); a type that
 * is in neither is most likely a typo, so the nearest known name is suggested.
 * `graphComplete` is false when some source failed to load: a type missing from the graph may
 * then come from it, so only "declare it" is said.
 */
export function unknownTypeReferences(
  document: DocumentNode,
  graph: GraphQLSchema,
  graphComplete: boolean,
): TypeReferenceProblem[] {
  const declared = new Set<string>(specifiedScalarTypes.map((t) => t.name));
  for (const def of document.definitions)
    if ('name' in def && def.name && def.kind !== Kind.DIRECTIVE_DEFINITION) declared.add(def.name.value);
  const known = [
    ...declared,
    ...Object.values(graph.getTypeMap())
      .filter(isUserType)
      .map((t) => t.name),
  ];
  const problems: TypeReferenceProblem[] = [];
  const check = (type: TypeNode, path: string, what: string, line: number | undefined) => {
    const name = namedTypeOf(type);
    if (declared.has(name)) return;
    const message = graph.getType(name)
      ? `${what} ${name}, which this client schema does not declare: add \`type ${name} { … }\` with the fields this client sees`
      : graphComplete
        ? `${what} ${name}, which is not a type of the graph or this client schema${didYouMean(name, known)}`
        : `${what} ${name}, which this client schema does not declare${didYouMean(name, known)}`;
    problems.push({ typeName: name, line, path, message });
  };
  for (const def of document.definitions) {
    if (!('fields' in def) || !def.fields || !('name' in def)) continue;
    for (const field of def.fields) {
      const coordinate = `${def.name.value}.${field.name.value}`;
      const line = field.loc?.startToken.line;
      const isInput = def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION;
      check(field.type, coordinate, isInput ? `input field ${coordinate} is of type` : `${coordinate} returns`, line);
      for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
        check(
          arg.type,
          coordinate,
          `argument ${coordinate}(${arg.name.value}) is of type`,
          arg.loc?.startToken.line ?? line,
        );
      }
    }
  }
  return problems;
}
