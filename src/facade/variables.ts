import {
  coerceInputValue, getNamedType, getVariableValues, isEnumType, isListType, isNonNullType, isScalarType, typeFromAST,
  type GraphQLInputType, type GraphQLSchema,
} from 'graphql';
import type { RestEndpoint, VersionShape } from './model.js';
import { externalName, unshapeInput } from './shape.js';

export interface ParamProblem {
  /** The parameter as the caller wrote it (path, query or body name). */
  field: string;
  in: 'path' | 'query' | 'body';
  message: string;
}

/** `['items', 0, 'productId']` → `items[0].product_id` (v1) */
function fieldPath(path: ReadonlyArray<string | number>, shape: VersionShape): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${externalName(p, shape.naming)}`)).join('');
}

/** A query-string value as the variable's type: integers strictly, lists comma-separated or repeated. */
function fromString(raw: string[], type: GraphQLInputType): { value?: unknown; problem?: string } {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const items = raw.flatMap((r) => r.split(',')).filter((s) => s !== '');
    const values = [];
    for (const item of items) {
      const one = fromString([item], inner.ofType);
      if (one.problem) return one;
      values.push(one.value);
    }
    return { value: values };
  }
  const text = raw[raw.length - 1] ?? '';
  const named = getNamedType(inner);
  if (isScalarType(named)) {
    if (named.name === 'Int') return /^-?\d{1,10}$/.test(text) ? { value: Number(text) } : { problem: 'must be an integer' };
    if (named.name === 'Float') return text.trim() !== '' && Number.isFinite(Number(text)) ? { value: Number(text) } : { problem: 'must be a number' };
    if (named.name === 'Boolean') return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'must be true or false' };
    return { value: text };
  }
  if (isEnumType(named)) return { value: text };
  return { problem: 'cannot be given in the query string; send it in the JSON body' };
}

/**
 * Maps path, query and body parameters onto the operation's variables, then lets graphql-js
 * coerce and validate them against the variable types, so every problem is reported at once,
 * by the caller's parameter name.
 */
export function requestVariables(
  schema: GraphQLSchema, endpoint: RestEndpoint, shape: VersionShape,
  pathValues: string[], query: URLSearchParams, body: unknown,
): { variables: Record<string, unknown> } | { problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const inputs: Record<string, unknown> = {};
  const definitions = endpoint.operation.variableDefinitions ?? [];
  const fromBody = endpoint.method !== 'GET' && endpoint.method !== 'DELETE';
  const bodyValues = fromBody && body && typeof body === 'object' && !Array.isArray(body) ? (unshapeInput(body, shape) as Record<string, unknown>) : {};
  const known = new Set<string>();
  const where = new Map<string, ParamProblem['in']>();

  for (const definition of definitions) {
    const name = definition.variable.name.value;
    const external = externalName(name, shape.naming);
    const type = typeFromAST(schema, definition.type) as GraphQLInputType;
    const pathIndex = endpoint.pathParams.indexOf(name);
    if (pathIndex >= 0) {
      where.set(name, 'path');
      let raw: string;
      try {
        raw = decodeURIComponent(pathValues[pathIndex] ?? '');
      } catch {
        problems.push({ field: external, in: 'path', message: 'is not valid percent-encoding' });
        continue;
      }
      const converted = fromString([raw], type);
      if (converted.problem) problems.push({ field: external, in: 'path', message: converted.problem });
      else inputs[name] = converted.value;
      continue;
    }
    if (fromBody) {
      where.set(name, 'body');
      if (name in bodyValues) inputs[name] = bodyValues[name];
      continue;
    }
    where.set(name, 'query');
    known.add(external);
    const raw = query.getAll(external);
    if (raw.length === 0) continue;
    const converted = fromString(raw, type);
    if (converted.problem) problems.push({ field: external, in: 'query', message: converted.problem });
    else inputs[name] = converted.value;
  }
  for (const key of new Set(query.keys())) if (!known.has(key)) problems.push({ field: key, in: 'query', message: 'unknown parameter' });
  if (fromBody) {
    const accepted = new Set(definitions.map((d) => d.variable.name.value));
    for (const key of Object.keys(bodyValues)) if (!accepted.has(key)) problems.push({ field: externalName(key, shape.naming), in: 'body', message: 'unknown property' });
  }
  // Coerce each given value with its path, so a problem deep inside a body names its place
  // (`items[0].product_id`) in the version's naming.
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType;
    const location = where.get(name) ?? 'query';
    if (!(name in inputs)) {
      if (problems.some((p) => p.field === externalName(name, shape.naming))) continue; // already reported (e.g. a bad path value)
      if (isNonNullType(type) && !definition.defaultValue) problems.push({ field: externalName(name, shape.naming), in: location, message: 'is required' });
      continue;
    }
    coerceInputValue(inputs[name], type, (path, _value, error) => {
      const missing = /^Field "(\w+)" of required type "[^"]+" was not provided\.$/.exec(error.message);
      const unknown = /^Field "(\w+)" is not defined by type "[^"]+"/.exec(error.message);
      const leaf = missing?.[1] ?? unknown?.[1];
      problems.push({
        field: fieldPath([name, ...path, ...(leaf ? [leaf] : [])], shape),
        in: location,
        message: missing ? 'is required' : unknown ? 'unknown property' : error.message,
      });
    });
  }
  if (problems.length) return { problems };
  const coerced = getVariableValues(schema, definitions, inputs, { maxErrors: 50 });
  if (coerced.errors) return { problems: coerced.errors.map((error) => ({ field: '', in: 'query', message: error.message })) };
  return { variables: coerced.coerced };
}
