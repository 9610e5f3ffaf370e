import {
  getNamedType,
  getNullableType,
  getArgumentValues,
  isListType,
  GraphQLNonNull,
  GraphQLString,
  isLeafType,
  isEnumType,
  isScalarType,
  isObjectType,
  Kind,
  print,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { collectFields, UnsupportedShape } from './collect-fields.js';
import { EntityJoin, joinableServe, planJoins } from './entity-joins.js';
import { fromOwnPayload, selectionText } from './pushdown.js';
import { leadsToJoins } from './preload-joins.js';
import type { ClientFieldModel, GraphModel } from './graph-model.js';
import type { DirectRead, Fetch, Hoist, PlannedField, PlanOutcome } from './plan.js';

/** The payload source of an object in the plan: a source name, a client-only group, or the root. */
type Origin = string | 'group' | 'root';

interface Planning {
  schema: GraphQLSchema;
  model: GraphModel;
  clientFields: ReadonlyMap<string, ClientFieldModel>;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/**
 * Compiles one operation into a plan, or says why it cannot (the request then runs through
 * delegation). `variables` only decide `@skip`/`@include`; field arguments holding variables are
 * coerced per request.
 */
export function buildPlan(
  planning: Omit<Planning, 'fragments'>,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): PlanOutcome {
  if (operation.operation === 'subscription') return { unsupported: 'subscription', detail: 'subscription' };
  const serial = operation.operation === 'mutation';
  const rootType = serial ? planning.schema.getMutationType() : planning.schema.getQueryType();
  if (!rootType) return { unsupported: `no-${operation.operation}-type`, detail: `no ${operation.operation} type` };
  try {
    const { fields } = planSelection({ ...planning, fragments }, rootType, 'root', [operation.selectionSet]);
    return { plan: { rootType, fields, serial } };
  } catch (error) {
    if (error instanceof UnsupportedShape) return { unsupported: error.reason, detail: error.message };
    throw error;
  }
}

/**
 * Plans the fields of one object whose payload comes from `origin`. `provided`: fields the
 * origin's subgraph answers on this path (`@provides`) though they are another's.
 */
function planSelection(
  p: Planning,
  type: GraphQLObjectType,
  origin: Origin,
  sets: readonly SelectionSetNode[],
  provided?: ReadonlySet<string>,
): { fields: PlannedField[]; joins?: EntityJoin[] } {
  const planned: PlannedField[] = [];
  for (const [responseKey, nodes] of collectFields(type, sets, p.fragments, p.variables)) {
    const node = nodes[0]!;
    const fieldName = node.name.value;
    if (fieldName === '__schema' || fieldName === '__type') throw new UnsupportedShape('introspection');
    const definition =
      fieldName === '__typename' ? undefined : (type.getFields()[fieldName] as PlannedField['definition'] | undefined);
    if (fieldName === '__typename' || !definition) {
      if (fieldName !== '__typename') throw new UnsupportedShape('unknown-field', `${type.name}.${fieldName}`);
      planned.push(typenameField(responseKey, type, nodes));
      continue;
    }
    const { fetch, childOrigin, pushed } = fetchOf(p, type, origin, definition.name, definition.type, provided);
    // a GraphQL source answers the pushed-down selection by response key
    const pushedAs = pushed ? pushedText(node, responseKey) : undefined;
    if (pushed && (fetch.kind === 'property' || fetch.kind === 'joined')) fetch.path = [responseKey];
    const named = getNamedType(definition.type);
    if (isEnumType(named)) throw new UnsupportedShape('enum', definition.name);
    let selection: PlannedField[] | undefined;
    let joins: EntityJoin[] | undefined;
    if (!isLeafType(named)) {
      if (!isObjectType(named)) throw new UnsupportedShape('abstract-type', named.name);
      const subSets = nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => s !== undefined);
      const provides = p.model.source(childOrigin)?.definition.federation?.provides.get(`${type.name}.${fieldName}`);
      ({ fields: selection, joins } = planSelection(p, named, childOrigin, subSets, provides && new Set(provides)));
    }
    const pushdown =
      selection && isPushedCall(p, fetch) ? { selection: selectionText(selection, joins, fromOwnPayload) } : undefined;
    const feeds = isSingleCall(fetch) && selection ? batchedLookupsIn(selection) : [];
    const hoist = selection ? hoistOf(p, fetch, definition, selection) : undefined;
    planned.push({
      responseKey,
      fieldName,
      parentType: type,
      nodes,
      definition,
      type: definition.type,
      fetch,
      staticArgs: hasVariables(node) ? undefined : getArgumentValues(definition, node, {}),
      selection,
      ...(feeds.length ? { feeds } : {}),
      ...(hoist ? { hoist } : {}),
      ...(pushedAs ? { pushedAs } : {}),
      ...(pushdown ? { pushdown } : {}),
      ...(joins?.length ? { joins } : {}),
    });
    const added = planned[planned.length - 1]!;
    const direct = directRead(added);
    if (direct) added.direct = direct;
    else if (added.selection && (fetch.kind === 'property' || fetch.kind === 'joined') && fetch.path.length === 1)
      added.directValue =
        fetch.kind === 'joined' ? { property: fetch.path[0]!, join: fetch.join } : { property: fetch.path[0]! };
    if (leadsToJoins(added)) added.joinsBelow = true;
  }
  if (origin === 'root' || origin === 'group' || !planned.some((f) => f.fetch.kind === 'joined'))
    return { fields: planned };
  return { fields: planned, joins: planJoins(p.model, type, origin, planned) };
}

/** The built-in scalars whose plain values serialize to themselves (graphql-js's rules). */
const plainValues: Record<string, DirectRead['plain']> = {
  String: 'string',
  ID: 'string',
  Int: 'int',
  Float: 'float',
  Boolean: 'boolean',
};

/** A scalar (not a list) read from one payload property, emptyAsNull aside: the executor's fast path. */
function directRead(field: PlannedField): DirectRead | undefined {
  const { fetch } = field;
  const type = getNullableType(field.type);
  if (!isScalarType(type)) return undefined;
  const plain = plainValues[type.name];
  const serialize = (value: unknown) => type.serialize(value);
  if (fetch.kind === 'property' && fetch.path.length === 1 && !fetch.emptyAsNull)
    return { property: fetch.path[0]!, plain, serialize };
  if (fetch.kind === 'joined' && fetch.path.length === 1)
    return { property: fetch.path[0]!, join: fetch.join, plain, serialize };
  return undefined;
}

/** A call to a GraphQL source: its sub-selection is pushed down. */
function isPushedCall(p: Planning, fetch: Fetch): boolean {
  return (
    (fetch.kind === 'call' || fetch.kind === 'from') &&
    p.model.source(fetch.serve.source)?.definition.protocol === 'GRAPHQL'
  );
}

/** `alias: name(args)` as a GraphQL source is asked for it; arguments holding variables are left to delegation. */
function pushedText(node: FieldNode, responseKey: string): string {
  if (hasVariables(node)) throw new UnsupportedShape('graphql-source-variable-argument', node.name.value);
  const alias = responseKey === node.name.value ? '' : `${responseKey}:`;
  const args = node.arguments?.length ? `(${node.arguments.map((a) => print(a)).join(',')})` : '';
  return `${alias}${node.name.value}${args}`;
}

type SingleCall = Extract<Fetch, { kind: 'call' | 'from' }> & { serve: { kind: 'call' } };

/** A fetch that is one upstream call of its own (not a key in a batch). */
function isSingleCall(fetch: Fetch): fetch is SingleCall {
  return (fetch.kind === 'call' || fetch.kind === 'from') && fetch.serve.kind === 'call';
}

/** Children of an entity fetched by its key that need only that key (see `Hoist`). */
function hoistOf(
  p: Planning,
  fetch: Fetch,
  definition: PlannedField['definition'],
  selection: readonly PlannedField[],
): Hoist | undefined {
  if (!isSingleCall(fetch)) return undefined;
  if (fetch.kind === 'call' && fetch.stub) return undefined;
  if (isListType(getNullableType(definition.type))) return undefined;
  const entity = p.model.entity(getNamedType(definition.type).name);
  const payloadKey = entity?.payloadKey.get(fetch.serve.source);
  if (!entity || !payloadKey) return undefined;
  const keyArgs = fetch.kind === 'from' ? fetch.serve.args : definition.args;
  if (!keyArgs.some((a) => a.name === entity.key && !isListType(getNullableType(a.type)))) return undefined;
  const children = selection.filter((c) => c.fetch.kind === 'call' && c.fetch.stub?.from === payloadKey);
  return children.length ? { keyArg: entity.key, payloadKey, children } : undefined;
}

/** The sources of the batched lookups in a sub-selection, at any depth. */
function batchedLookupsIn(selection: readonly PlannedField[]): string[] {
  const sources = new Set<string>();
  const visit = (fields: readonly PlannedField[]) => {
    for (const field of fields) {
      const { fetch } = field;
      if (fetch.kind === 'ref' && fetch.lookup) sources.add(fetch.lookup.source);
      if ((fetch.kind === 'call' || fetch.kind === 'from') && fetch.serve.kind === 'batch')
        sources.add(fetch.serve.source);
      for (const join of field.joins ?? []) sources.add(join.source);
      if (field.selection) visit(field.selection);
    }
  };
  visit(selection);
  return [...sources].sort();
}

const typenameType = new GraphQLNonNull(GraphQLString);

function typenameField(responseKey: string, type: GraphQLObjectType, nodes: FieldNode[]): PlannedField {
  const definition = type.getFields()['__typename'] ?? ({ name: '__typename', args: [] } as never);
  return {
    responseKey,
    fieldName: '__typename',
    parentType: type,
    nodes,
    definition,
    type: typenameType,
    fetch: { kind: 'typename', typeName: type.name },
    staticArgs: {},
  };
}

function hasVariables(node: FieldNode): boolean {
  const visit = (value: import('graphql').ValueNode): boolean =>
    value.kind === Kind.VARIABLE ||
    (value.kind === Kind.LIST && value.values.some(visit)) ||
    (value.kind === Kind.OBJECT && value.fields.some((f) => visit(f.value)));
  return (node.arguments ?? []).some((a) => visit(a.value));
}

/** How a field of `type` is served for a parent of `origin`, and the origin of its value. */
function fetchOf(
  p: Planning,
  type: GraphQLObjectType,
  origin: Origin,
  fieldName: string,
  returnType: import('graphql').GraphQLOutputType,
  provided?: ReadonlySet<string>,
): { fetch: Fetch; childOrigin: Origin; pushed?: boolean } {
  const coordinate = `${type.name}.${fieldName}`;
  const clientField = p.clientFields.get(coordinate);
  if (clientField?.kind === 'from') {
    if (origin !== 'root' && origin !== 'group') throw new UnsupportedShape('from-on-graph-type', coordinate);
    const root = clientField.spec.operation === 'mutation' ? 'Mutation' : 'Query';
    const serve = p.model.servesOf(`${root}.${clientField.spec.fieldName}`)?.values().next().value;
    if (serve?.kind !== 'call' && serve?.kind !== 'batch') throw new UnsupportedShape('from-target', coordinate);
    return {
      fetch: { kind: 'from', serve, args: clientField.args, needsIdentity: clientField.needsIdentity },
      childOrigin: serve.source,
    };
  }
  const named = getNamedType(returnType);
  if (!p.model.hasType(type.name) || !p.model.servesOf(coordinate)) {
    if (isObjectType(named) && !p.model.hasType(named.name) && (origin === 'root' || origin === 'group'))
      return { fetch: { kind: 'group', nested: origin === 'group' }, childOrigin: 'group' };
    throw new UnsupportedShape('client-field', coordinate);
  }
  const serves = p.model.servesOf(coordinate)!;
  const own = serves.get(origin);
  if (own) {
    if (own.kind === 'property') {
      // a value several sources declare may be merged from another: only keys are read as-is
      // (a subgraph's field others declare too is @shareable: any of them answers it)
      if (serves.size > 1 && !own.pushed && p.model.entity(type.name)?.key !== fieldName)
        throw new UnsupportedShape('shared-field', coordinate);
      return {
        fetch: { kind: 'property', path: own.path, emptyAsNull: own.emptyAsNull },
        childOrigin: origin,
        pushed: own.pushed,
      };
    }
    if (own.kind === 'ref') return refFetch(p, coordinate, own);
    return { fetch: { kind: 'call', serve: own }, childOrigin: own.source };
  }
  if (origin === 'root') {
    const [serve] = serves.values();
    if (serves.size !== 1 || (serve!.kind !== 'call' && serve!.kind !== 'batch'))
      throw new UnsupportedShape('root-field', coordinate);
    return { fetch: { kind: 'call', serve: serve! }, childOrigin: serve!.source };
  }
  if (provided?.has(fieldName))
    return { fetch: { kind: 'property', path: [fieldName], emptyAsNull: false }, childOrigin: origin, pushed: true };
  // another source's copy of the entity: a subgraph's `_entities`, or another source's lookup
  if (![...serves.values()].some((s) => s.kind === 'call')) {
    const joinable = joinableServe(p.model, type.name, serves, origin);
    if (!joinable) throw new UnsupportedShape('merged-field', coordinate);
    return {
      fetch: {
        kind: 'joined',
        join: new EntityJoin(joinable.source, type.name, joinable.federated),
        path: joinable.path,
      },
      childOrigin: joinable.source,
      pushed: joinable.federated,
    };
  }
  // another source's field of an entity: called with the `{ key }` stub stitching would pass
  const entity = p.model.entity(type.name);
  const from = entity?.payloadKey.get(origin);
  const remote = [...serves.values()].find((s) => s.kind === 'call');
  if (!entity || !from || remote?.kind !== 'call' || serves.size !== 1)
    throw new UnsupportedShape('merged-field', coordinate);
  const to = entity.payloadKey.get(remote.source);
  if (!to) throw new UnsupportedShape('merged-field', coordinate);
  return { fetch: { kind: 'call', serve: remote, stub: { from, to } }, childOrigin: remote.source };
}

function refFetch(
  p: Planning,
  coordinate: string,
  serve: Extract<import('./graph-model.js').FieldServe, { kind: 'ref' }>,
): { fetch: Fetch; childOrigin: Origin } {
  const entity = p.model.entity(serve.target);
  const stubKey = entity?.payloadKey.get(serve.source);
  if (!entity || !stubKey) throw new UnsupportedShape('ref', coordinate);
  const own = entity.lookups.get(serve.source);
  const [other] = entity.lookups.values();
  const lookup = own ?? other;
  return {
    fetch: { kind: 'ref', serve, coordinate, lookup, own: own !== undefined, stubKey },
    childOrigin: lookup ? lookup.source : serve.source,
  };
}
