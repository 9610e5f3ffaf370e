// Seeded random GraphQL queries over a client schema, for the planner/delegation differential test.
// Everything is drawn from one small PRNG (mulberry32), so a (seed, client, case) triple always
// gives the same query, variables and headers.
import {
  astFromValue,
  getNamedType,
  GraphQLBoolean,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  print,
  validate,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { hashSeed, mulberry32, ORDERS, PRODUCT_COUNT, USER_COUNT } from '../../demo/data.js';
import { encodeCursor } from '../../demo/grpc/orders.js';

/** Draws from a seeded PRNG. */
export class Random {
  readonly #next: () => number;
  constructor(seed: number | string) {
    this.#next = mulberry32(typeof seed === 'string' ? hashSeed(seed) : seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.#next() < p;
  }
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[Math.floor(this.#next() * list.length)] as T;
  }
  /** One of the entries, by weight. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((sum, [w]) => sum + w, 0);
    let r = this.#next() * total;
    for (const [w, value] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }
  /** A random subset of `list` (order shuffled), of size in [min, max]. */
  subset<T>(list: readonly T[], min: number, max: number): T[] {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.#next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, Math.min(copy.length, this.int(min, Math.max(min, max))));
  }
}

// ---------------------------------------------------------------- demo values

const ORDER_COUNT = ORDERS.length;
/** Ids no backend knows: lookups answer 404 or leave them out of a batch. */
const UNKNOWN_IDS = ['nope-1', 'missing', 'nope-2'];
const SEARCH_TERMS = ['Kettle', 'eco', 'steel', 'Kitchen', 'Pro', 'Bamboo Tent', 'zzz-nothing', 'a'];

function productId(r: Random): string {
  return r.weighted<() => string>([
    [6, () => `p${r.int(1, 20)}`], // a small pool: repeats within a query are common
    [3, () => `p${r.int(1, PRODUCT_COUNT)}`],
    [1, () => r.pick(UNKNOWN_IDS)],
  ])();
}
function userId(r: Random): string {
  return r.weighted<() => string>([
    [6, () => `u${r.int(1, 10)}`],
    [3, () => `u${r.int(1, USER_COUNT)}`],
    [1, () => r.pick(UNKNOWN_IDS)],
  ])();
}
function orderId(r: Random): string {
  return r.weighted<() => string>([
    [6, () => `o${r.int(1, 30)}`],
    [3, () => `o${r.int(1, ORDER_COUNT)}`],
    [1, () => r.pick(UNKNOWN_IDS)],
  ])();
}

/** A JS value for an argument, from the demo's ids and sizes (unknown ids and odd sizes included). */
function argumentValue(
  r: Random,
  field: GraphQLField<unknown, unknown>,
  argName: string,
  type: GraphQLInputType,
): unknown {
  if (!isNonNullType(type) && r.chance(0.05)) return null;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const count = r.weighted([
      [1, 0],
      [4, 1],
      [6, 2],
      [6, 3],
      [2, 5],
    ]);
    const items = Array.from({ length: count }, () => argumentValue(r, field, argName, inner.ofType));
    // a list with a key no backend knows, between known ones: products(ids: ["p1", "missing", "p2"])
    if (count >= 2 && r.chance(0.3)) items.splice(1, 0, r.pick(UNKNOWN_IDS));
    if (count >= 1 && r.chance(0.15)) items.push(items[0]); // a repeated key
    return items;
  }
  const named = getNamedType(type);
  const where = `${field.name}.${argName}`;
  switch (named.name) {
    case 'ID':
      if (field.name === 'user' || argName === 'userId') return userId(r);
      if (field.name === 'order') return orderId(r);
      return productId(r);
    case 'Int':
      if (where === 'reviews.limit') return r.int(0, 7);
      if (where === 'orderHistory.first' && r.chance(0.1)) return 50;
      return r.weighted([
        [1, 0],
        [4, 1],
        [4, 2],
        [3, 3],
        [1, 5],
        [1, -1],
      ]);
    case 'String':
      if (argName === 'after')
        return r.weighted<string>([
          [3, encodeCursor(r.int(0, 4))],
          [1, ''],
          [1, 'not-a-cursor'],
        ]);
      return r.pick(SEARCH_TERMS);
    case 'Boolean':
      return r.chance(0.5);
    case 'Float':
      return r.int(0, 100) / 10;
    default:
      throw new Error(`no value for ${where}: ${String(type)}`);
  }
}

// ---------------------------------------------------------------- generator

export interface GeneratorOptions {
  /** Levels of object fields below the root. */
  maxDepth: number;
  /** Fields at the root, at most. */
  maxRootFields: number;
  /** Fields per nested selection set, at most. */
  maxFields: number;
}

/** What most cases use. */
export const defaultGeneratorOptions: GeneratorOptions = { maxDepth: 5, maxRootFields: 4, maxFields: 4 };
/** Smaller queries for cases with a failing backend: few calls, so a breaker never reaches its threshold. */
export const faultGeneratorOptions: GeneratorOptions = { maxDepth: 4, maxRootFields: 2, maxFields: 3 };

export interface GeneratedQuery {
  query: string;
  variables: Record<string, unknown>;
}

interface Build {
  r: Random;
  schema: GraphQLSchema;
  options: GeneratorOptions;
  /** `$name: Type[ = default]` */
  variableDefinitions: string[];
  variables: Record<string, unknown>;
  fragments: string[];
  counter: number;
}

function fresh(b: Build, prefix: string): string {
  b.counter += 1;
  return `${prefix}${b.counter}`;
}

/** An argument value: a literal, a variable (sometimes with a default in its definition, or an explicit null). */
function argumentText(
  b: Build,
  field: GraphQLField<unknown, unknown>,
  argName: string,
  type: GraphQLInputType,
): string {
  const value = argumentValue(b.r, field, argName, type);
  if (b.r.chance(0.6)) {
    const ast = astFromValue(value, type);
    if (!ast) throw new Error(`no literal for ${String(value)}`);
    return print(ast);
  }
  const name = fresh(b, 'v');
  if (!isNonNullType(type) && value !== null && b.r.chance(0.3)) {
    // the default in the definition applies: the variable is left out of the request
    b.variableDefinitions.push(`$${name}: ${String(type)} = ${print(astFromValue(value, type)!)}`);
  } else {
    b.variableDefinitions.push(`$${name}: ${String(type)}`);
    b.variables[name] = value;
  }
  return `$${name}`;
}

/** `@skip`/`@include`, with a literal or a variable condition, or nothing. */
function directivesText(b: Build, p = 0.1): string {
  if (!b.r.chance(p)) return '';
  const directive = b.r.pick(['skip', 'include']);
  if (b.r.chance(0.4)) return ` @${directive}(if: ${b.r.pick(['true', 'false'])})`;
  const name = fresh(b, 'c');
  if (b.r.chance(0.2)) {
    b.variableDefinitions.push(`$${name}: Boolean = ${b.r.pick(['true', 'false'])}`);
  } else {
    b.variableDefinitions.push(`$${name}: ${String(GraphQLBoolean)}!`);
    b.variables[name] = b.r.chance(0.5);
  }
  return ` @${directive}(if: $${name})`;
}

/** One field selection, `alias: name(args) @dir { … }`. */
function fieldText(
  b: Build,
  field: GraphQLField<unknown, unknown>,
  depth: number,
  options: { alias?: string; args?: string } = {},
): string | undefined {
  const named = getNamedType(field.type);
  let selection = '';
  if (!isLeafType(named)) {
    if (!isObjectType(named) || depth >= b.options.maxDepth) return undefined;
    selection = ` ${selectionSetText(b, named, depth + 1, b.options.maxFields)}`;
  }
  const args = options.args ?? argsText(b, field);
  const alias = options.alias ? `${options.alias}: ` : '';
  return `${alias}${field.name}${args}${directivesText(b)}${selection}`;
}

function argsText(b: Build, field: GraphQLField<unknown, unknown>): string {
  const parts: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) && !b.r.chance(0.6)) continue;
    parts.push(`${arg.name}: ${argumentText(b, field, arg.name, arg.type)}`);
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** `{ … }` over `type`: a random subset of its fields, aliases, fragments, `__typename`. */
function selectionSetText(b: Build, type: GraphQLObjectType, depth: number, maxFields: number): string {
  const fields = Object.values(type.getFields());
  // object fields are less likely the deeper we are, so queries stay a reasonable size
  const usable = fields.filter((f) => {
    const named = getNamedType(f.type);
    return isLeafType(named) || (depth < b.options.maxDepth && b.r.chance(depth <= 1 ? 0.9 : 0.6 - depth * 0.08));
  });
  const chosen = b.r.subset(usable, 1, maxFields);
  const items: string[] = [];
  for (const field of chosen) {
    const mode = b.r.weighted([
      [10, 'plain'],
      [2, 'alias'],
      [field.args.length ? 2 : 0, 'twice'], // the same field under two aliases with different arguments
      [1, 'repeat'], // the same field and arguments twice, merged (once inside an inline fragment)
    ]);
    if (mode === 'twice') {
      for (let i = 0; i < 2; i++) {
        const text = fieldText(b, field, depth, { alias: fresh(b, `${field.name}_`) });
        if (text) items.push(text);
      }
    } else if (mode === 'repeat') {
      const args = argsText(b, field);
      const alias = b.r.chance(0.5) ? fresh(b, `${field.name}_`) : undefined;
      const first = fieldText(b, field, depth, { args, ...(alias ? { alias } : {}) });
      const second = fieldText(b, field, depth, { args, ...(alias ? { alias } : {}) });
      if (first) items.push(first);
      if (second) items.push(`... on ${type.name} { ${second} }`);
    } else {
      const text = fieldText(b, field, depth, mode === 'alias' ? { alias: fresh(b, `${field.name}_`) } : {});
      if (text) items.push(text);
    }
  }
  if (b.r.chance(0.15))
    items.splice(b.r.int(0, items.length), 0, b.r.chance(0.5) ? '__typename' : `${fresh(b, 't')}: __typename`);
  if (items.length === 0) items.push('__typename');

  // some of the items go into a named fragment or an inline fragment (with or without a type condition)
  const wrapped: string[] = [];
  let rest = items;
  if (rest.length >= 2 && b.r.chance(0.12)) {
    const cut = b.r.int(1, rest.length - 1);
    const name = fresh(b, 'F');
    b.fragments.push(`fragment ${name} on ${type.name} { ${rest.slice(0, cut).join(' ')} }`);
    wrapped.push(`...${name}${directivesText(b, 0.2)}`);
    rest = rest.slice(cut);
  }
  if (rest.length >= 2 && b.r.chance(0.12)) {
    const cut = b.r.int(1, rest.length - 1);
    const condition = b.r.chance(0.7) ? ` on ${type.name}` : '';
    wrapped.push(`...${condition}${directivesText(b, 0.3)} { ${rest.slice(0, cut).join(' ')} }`);
    rest = rest.slice(cut);
  }
  return `{ ${[...wrapped, ...rest].join(' ')} }`;
}

export interface GenerateResult extends GeneratedQuery {
  /** Documents drawn and refused by graphql-js `validate` before this one. */
  invalid: number;
  /** The validation messages of the refused documents (for the report). */
  invalidReasons: string[];
}

/**
 * A valid random query over the client schema. Invalid documents (rare: conflicting merges) are
 * redrawn from the same PRNG and counted, so a generator that degrades cannot go unnoticed.
 */
export function generateQuery(schema: GraphQLSchema, r: Random, options = defaultGeneratorOptions): GenerateResult {
  const invalidReasons: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const b: Build = { r, schema, options, variableDefinitions: [], variables: {}, fragments: [], counter: 0 };
    const root = schema.getQueryType();
    if (!root) throw new Error('the schema has no query type');
    const selection = selectionSetText(b, root, 0, options.maxRootFields);
    const definitions = b.variableDefinitions.length ? `(${b.variableDefinitions.join(', ')})` : '';
    const head = definitions || r.chance(0.3) ? `query ${r.chance(0.7) ? fresh(b, 'Q') : ''}${definitions} ` : '';
    const query = [`${head}${selection}`, ...b.fragments].join('\n');
    const errors = validate(schema, parse(query));
    if (errors.length === 0) return { query, variables: b.variables, invalid: attempt, invalidReasons };
    invalidReasons.push(errors[0]!.message);
  }
  throw new Error(`no valid query in 50 attempts; last: ${invalidReasons.at(-1)}`);
}
