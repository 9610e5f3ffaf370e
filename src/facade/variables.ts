import {
  coerceInputValue,
  getVariableValues,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { RestEndpoint, VersionShape } from './model.js';
import type { JsonSchema } from './json-schema.js';
import { externalName, unshapeInput } from './shape.js';

export interface ParamProblem {
  /** The parameter as the caller wrote it (path, query or body name). */
  field: string;
  in: 'path' | 'query' | 'body';
  message: string;
}

/** `['items', 0, 'productId']` → `items[0].product_id` (v1) */
function fieldPath(path: ReadonlyArray<string | number>, shape: VersionShape): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${externalName(p, shape.naming)}`))
    .join('');
}

/**
 * A path or query value (text) read by its parameter's schema, the one the OpenAPI document
 * shows: integers strictly and within their bounds, lists comma-separated or repeated, with
 * their minimum number of items. graphql-js then coerces the result as for any variable.
 */
function fromText(raw: string[], schema: JsonSchema): { value?: unknown; problem?: string } {
  if (schema['type'] === 'array') {
    const items = raw.flatMap((r) => r.split(',')).filter((s) => s !== '');
    const minItems = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
    if (items.length < minItems) return { problem: `needs at least ${minItems} item${minItems === 1 ? '' : 's'}` };
    const values = [];
    for (const item of items) {
      const one = fromText([item], schema['items'] as JsonSchema);
      if (one.problem) return one;
      values.push(one.value);
    }
    return { value: values };
  }
  const text = raw[raw.length - 1] ?? '';
  switch (schema['type']) {
    case 'integer': {
      const min = schema['minimum'] as number;
      const max = schema['maximum'] as number;
      if (!/^-?\d+$/.test(text)) return { problem: 'must be an integer' };
      const value = Number(text);
      return value >= min && value <= max ? { value } : { problem: `must be an integer from ${min} to ${max}` };
    }
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text))
        ? { value: Number(text) }
        : { problem: 'must be a number' };
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'must be true or false' };
    case 'string':
      return { value: text };
    case 'object':
      return { problem: 'cannot be given in the query string; send it in the JSON body' };
    default:
      return { value: text }; // custom scalars: graphql-js decides
  }
}

/**
 * graphql-js also takes integers for an ID; the OpenAPI documents say string, and so does the
 * facade: the places of numbers given for IDs in a body value.
 */
function numericIds(
  value: unknown,
  type: GraphQLInputType,
  path: Array<string | number>,
  found: Array<Array<string | number>>,
): void {
  if (isNonNullType(type)) {
    numericIds(value, type.ofType, path, found);
    return;
  }
  if (value === null || value === undefined) return;
  if (isListType(type)) {
    if (Array.isArray(value))
      value.forEach((item, i) => {
        numericIds(item, type.ofType, [...path, i], found);
      });
    else numericIds(value, type.ofType, path, found);
  } else if (isInputObjectType(type)) {
    if (typeof value === 'object')
      for (const field of Object.values(type.getFields()))
        numericIds((value as Record<string, unknown>)[field.name], field.type, [...path, field.name], found);
  } else if (isScalarType(type) && type.name === 'ID' && typeof value === 'number') found.push(path);
}

/**
 * Maps path, query and body parameters onto the operation's variables, then lets graphql-js
 * coerce and validate them against the variable types, so every problem is reported at once,
 * by the caller's parameter name.
 */
export function requestVariables(
  schema: GraphQLSchema,
  endpoint: RestEndpoint,
  shape: VersionShape,
  pathValues: string[],
  query: URLSearchParams,
  body: unknown,
): { variables: Record<string, unknown> } | { problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const inputs: Record<string, unknown> = {};
  const fromBody = endpoint.method !== 'GET' && endpoint.method !== 'DELETE';
  const bodyValues =
    fromBody && body && typeof body === 'object' && !Array.isArray(body)
      ? (unshapeInput(body, shape) as Record<string, unknown>)
      : {};

  for (const parameter of endpoint.parameters) {
    const { name, external } = parameter;
    if (parameter.in === 'body') {
      if (name in bodyValues) inputs[name] = bodyValues[name];
      continue;
    }
    let raw: string[];
    if (parameter.in === 'path') {
      try {
        raw = [decodeURIComponent(pathValues[endpoint.pathParams.indexOf(name)] ?? '')];
      } catch {
        problems.push({ field: external, in: 'path', message: 'is not valid percent-encoding' });
        continue;
      }
    } else {
      raw = query.getAll(external);
      if (raw.length === 0) continue;
    }
    const converted = fromText(raw, parameter.schema);
    if (converted.problem) problems.push({ field: external, in: parameter.in, message: converted.problem });
    else inputs[name] = converted.value;
  }
  const queryNames = new Set(endpoint.parameters.filter((p) => p.in === 'query').map((p) => p.external));
  for (const key of new Set(query.keys()))
    if (!queryNames.has(key)) problems.push({ field: key, in: 'query', message: 'unknown parameter' });
  if (fromBody) {
    const accepted = new Set(endpoint.parameters.map((p) => p.name));
    for (const key of Object.keys(bodyValues))
      if (!accepted.has(key))
        problems.push({ field: externalName(key, shape.naming), in: 'body', message: 'unknown property' });
  }
  // Coerce each given value with its path, so a problem deep inside a body names its place
  // (`items[0].product_id`) in the version's naming.
  for (const { name, external, type, required, in: location } of endpoint.parameters) {
    if (!(name in inputs)) {
      if (problems.some((p) => p.field === external)) continue; // already reported (e.g. a bad path value)
      if (required) problems.push({ field: external, in: location, message: 'is required' });
      continue;
    }
    const ids: Array<Array<string | number>> = [];
    if (location === 'body') numericIds(inputs[name], type, [], ids);
    for (const path of ids)
      problems.push({ field: fieldPath([name, ...path], shape), in: location, message: 'must be a string' });
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
  const coerced = getVariableValues(schema, endpoint.operation.variableDefinitions ?? [], inputs, { maxErrors: 50 });
  if (coerced.errors)
    return { problems: coerced.errors.map((error) => ({ field: '', in: 'query', message: error.message })) };
  return { variables: coerced.coerced };
}
