import {
  getOperationAST,
  Kind,
  getNamedType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  typeFromAST,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../../document/operation.js';

/** One place a gated field is selected: its response path and whether each step may be null. */
export interface Occurrence<P> {
  node: FieldNode;
  /** Response keys from the root (aliases count: each alias is its own occurrence). */
  path: string[];
  /** nullable[i] — may the value at path[0..i] be null? Used to bubble a refusal like GraphQL does. */
  nullable: boolean[];
  policy: P;
  /** Argument values of this occurrence, when literal (for argument-keyed limits). */
  fieldName: string;
  typeName: string;
}

export type PolicyLookup<P> = (parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>) => P | undefined;

/**
 * Lists the selections of an operation that carry a policy, following fragments. Pure and
 * cacheable per (schema, document, operation): per request only the decisions run.
 */
export function collectOccurrences<P>(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  policyOf: PolicyLookup<P>,
): Occurrence<P>[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const fragments = fragmentsOf(document);
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return [];
  const found: Occurrence<P>[] = [];

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    path: string[],
    nullable: boolean[],
    seen: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        const key = selection.alias?.value ?? selection.name.value;
        const here = [...path, key];
        const hereNullable = [...nullable, !isNonNullType(field.type)];
        const policy = policyOf(parent, field);
        if (policy !== undefined)
          found.push({
            node: selection,
            path: here,
            nullable: hereNullable,
            policy,
            fieldName: field.name,
            typeName: parent.name,
          });
        const named = getNamedType(field.type);
        if (
          selection.selectionSet &&
          (isObjectType(named) || isInterfaceType(named) || named.constructor.name === 'GraphQLUnionType')
        ) {
          walk(selection.selectionSet, named as GraphQLCompositeType, here, hereNullable, seen);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? (typeFromAST(schema, selection.typeCondition) as GraphQLCompositeType | undefined)
          : parent;
        if (type) walk(selection.selectionSet, type, path, nullable, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = typeFromAST(schema, fragment.typeCondition) as GraphQLCompositeType | undefined;
        if (type) walk(fragment.selectionSet, type, path, nullable, new Set([...seen, fragment.name.value]));
      }
    }
  };
  walk(operation.selectionSet, root, [], [], new Set());
  return found;
}
