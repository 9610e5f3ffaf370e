import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import type { ProblemList } from './config-error.js';
import { interpolateEnv } from './env.js';
import { didYouMean } from './nearest.js';

/**
 * Reads a YAML config file and validates it against a zod schema. Every problem (YAML syntax,
 * unknown key, wrong type) is reported with the file, the line and the key path; values are never
 * echoed, so a mistyped secret does not end up in a terminal or CI log.
 */
export function readYamlFile<T extends z.ZodType>(
  file: string,
  text: string,
  schema: T,
  problems: ProblemList,
  env: Readonly<Record<string, string | undefined>> = {},
): z.output<T> | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const error of doc.errors)
      problems.add({
        file,
        line: lineCounter.linePos(error.pos[0]).line,
        message: `YAML: ${error.message.split('\n')[0]}`,
      });
    return undefined;
  }
  const before = problems.items.length;
  const data = interpolateStrings(
    doc.toJS() ?? {},
    env,
    (path, missing) => {
      const node = doc.getIn(path, true);
      const offset = isNode(node) ? node.range?.[0] : undefined;
      problems.add({
        file,
        line: offset !== undefined ? lineCounter.linePos(offset).line : undefined,
        path: path.join('.'),
        message: `uses ${missing.map((m) => `\${${m}}`).join(', ')} but no such environment variable is set and no default is given`,
      });
    },
    [],
  );
  if (problems.items.length > before) return undefined;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const lineOf = (path: (string | number)[]) => {
    const node = doc.getIn(path, true) ?? doc.getIn(path.slice(0, -1), true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset !== undefined ? lineCounter.linePos(offset).line : undefined;
  };
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      // one problem per unknown key, on its own line, with the nearest valid key as a hint
      const valid = keysAt(schema, path);
      for (const key of issue.keys) {
        problems.add({
          file,
          line: lineOf([...path, key]),
          path: [...path, key].join('.'),
          message: `unknown key \`${key}\`${didYouMean(key, valid)} (valid here: ${valid.join(', ')})`,
        });
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && path.length > 0 && !doc.hasIn(issue.path as (string | number)[]);
    problems.add({
      file,
      line: lineOf(path),
      path: path.join('.') || undefined,
      message: missing ? `missing required key \`${path.at(-1)}\`` : issue.message,
    });
  }
  return undefined;
}

/** The line of the value at `path` in a YAML text (for checks made after validation), if it is there. */
export function yamlLineOf(text: string, path: readonly (string | number)[]): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const node = doc.getIn(path, true);
  const offset = isNode(node) ? node.range?.[0] : undefined;
  return offset !== undefined ? lineCounter.linePos(offset).line : undefined;
}

/** The keys an object of `schema` accepts at `path` (through defaults, optionals, arrays, records, unions). */
function keysAt(schema: z.ZodType, path: string[]): string[] {
  const keys = new Set<string>();
  const visit = (type: z.core.$ZodType | undefined, rest: string[]): void => {
    const def = type?._zod.def as (Record<string, unknown> & { type: string }) | undefined;
    if (!def) return;
    const inner = (key: string) => def[key] as z.core.$ZodType;
    switch (def.type) {
      case 'default':
      case 'optional':
      case 'nullable':
      case 'prefault':
      case 'catch':
      case 'readonly':
        visit(inner('innerType'), rest);
        break;
      case 'pipe':
        visit(inner('in'), rest);
        break;
      case 'union':
        for (const option of def['options'] as z.core.$ZodType[]) visit(option, rest);
        break;
      case 'array':
        visit(inner('element'), rest.slice(1));
        break;
      case 'record':
        visit(inner('valueType'), rest.slice(1));
        break;
      case 'object': {
        const shape = def['shape'] as Record<string, z.core.$ZodType>;
        const [key, ...deeper] = rest;
        if (key === undefined) for (const name of Object.keys(shape)) keys.add(name);
        else visit(shape[key], deeper);
      }
    }
  };
  visit(schema, path);
  return [...keys];
}

/** `${VAR}` / `${VAR:-default}` in every string value, so secrets and addresses come from the environment. */
function interpolateStrings(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  onMissing: (path: (string | number)[], missing: string[]) => void,
  path: (string | number)[],
): unknown {
  if (typeof value === 'string') {
    const { value: out, missing } = interpolateEnv(value, env);
    if (missing.length) onMissing(path, missing);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateStrings(v, env, onMissing, [...path, i]));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateStrings(v, env, onMissing, [...path, k])]),
    );
  return value;
}
