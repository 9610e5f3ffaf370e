import {
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { didYouMean } from '../config/nearest.js';
import { referencesIn } from '../sources/template.js';
import { groupRootNames } from './client-groups.js';

export interface RootReferenceProblem {
  message: string;
  /** True when the problem only says the graph lacks something (undecidable while a source is missing). */
  graphGap: boolean;
}

/**
 * `{root.…}` in a client @from on `type`. In a client-only group, it names an argument of the group
 * (or of an enclosing group); on a graph type, a path of fields of that type in the graph ending in
 * a value (which stitching then fetches for the field); root fields have no parent.
 */
export function rootReferenceProblems(
  type: GraphQLObjectType,
  args: Record<string, unknown>,
  client: GraphQLSchema,
  graph: GraphQLSchema,
  hasFrom: (coordinate: string) => boolean,
): RootReferenceProblem[] {
  let paths: string[][];
  try {
    paths = referencesIn(args)
      .filter((ref) => ref.root === 'root')
      .map((ref) => ref.path);
  } catch {
    return []; // template syntax is reported by parseClientSchema
  }
  if (paths.length === 0) return [];
  if (type.name === 'Query' || type.name === 'Mutation') {
    return paths.map((path) => ({
      message: `@from uses {root.${path.join('.')}} but ${type.name} fields have no parent; use {args.…} or {identity.…}`,
      graphGap: false,
    }));
  }
  const graphType = graph.getType(type.name);
  if (graphType) {
    return paths.flatMap((path) => {
      const problem = graphPathProblem(graphType, path);
      return problem ? [problem] : [];
    });
  }
  const carried = groupRootNames(type, client, graph, hasFrom);
  return paths
    .filter(([name]) => !carried.has(name ?? ''))
    .map(([name = '']) => ({
      message: `@from uses {root.${name}} but ${type.name} is a client-only group: its {root.…} are the arguments of the fields returning it (${carried.size ? [...carried].join(', ') : 'none'})${didYouMean(name, carried)}; add an argument "${name}" to each field returning ${type.name}, or use {args.…} or {identity.…}`,
      graphGap: true,
    }));
}

function graphPathProblem(type: GraphQLNamedType, path: string[]): RootReferenceProblem | undefined {
  const template = `{root.${path.join('.')}}`;
  let current = type;
  let list = false;
  for (const [i, segment] of path.entries()) {
    if (!isObjectType(current) && !isInterfaceType(current)) {
      return {
        message: `@from uses ${template} but ${path.slice(0, i).join('.')} is a ${current.name}, which has no field "${segment}"`,
        graphGap: false,
      };
    }
    const fields = current.getFields();
    const field = fields[segment];
    if (!field)
      return {
        message: `@from uses ${template} but ${current.name} has no field "${segment}" in the graph${didYouMean(segment, Object.keys(fields))}`,
        graphGap: true,
      };
    if (i < path.length - 1 && isListType(isNonNullType(field.type) ? field.type.ofType : field.type)) {
      return {
        message: `@from uses ${template} but ${segment} is a list; a template reads one value, not a field of each item`,
        graphGap: false,
      };
    }
    current = getNamedType(field.type);
    list = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
  }
  if (list && (isObjectType(current) || isInterfaceType(current))) {
    return {
      message: `@from uses ${template}, which is a list of ${current.name} objects; a template reads values, not objects`,
      graphGap: false,
    };
  }
  if (isObjectType(current) || isInterfaceType(current)) {
    return {
      message: `@from uses ${template}, which is a ${current.name} object; name one of its fields, like {root.${path.join('.')}.${Object.keys(current.getFields())[0]}}`,
      graphGap: false,
    };
  }
  return undefined;
}
