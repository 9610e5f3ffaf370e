import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import type { ProblemList } from './config-error.js';
import { interpolateEnv } from './env.js';

/**
 * Reads a YAML config file and validates it against a zod schema. Every problem (YAML syntax,
 * unknown key, wrong type) is reported with the file, the line and the key path; values are never
 * echoed, so a mistyped secret does not end up in a terminal or CI log.
 */
export function readYamlFile<T extends z.ZodType>(file: string, text: string, schema: T, problems: ProblemList, env: Readonly<Record<string, string | undefined>> = {}): z.output<T> | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const error of doc.errors) problems.add({ file, line: lineCounter.linePos(error.pos[0]).line, message: `YAML: ${error.message.split('\n')[0]}` });
    return undefined;
  }
  const before = problems.items.length;
  const data = interpolateStrings(doc.toJS() ?? {}, env, (path, missing) => {
    const node = doc.getIn(path, true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    problems.add({ file, line: offset !== undefined ? lineCounter.linePos(offset).line : undefined, path: path.join('.'), message: `uses ${missing.map((m) => '${' + m + '}').join(', ')} but no such environment variable is set and no default is given` });
  }, []);
  if (problems.items.length > before) return undefined;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const node = doc.getIn(keys.length ? [...path, keys[0]] : path, true) ?? doc.getIn(path.slice(0, -1), true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const where = keys.length ? [...path, keys[0]!] : path;
    problems.add({ file, line: offset !== undefined ? lineCounter.linePos(offset).line : undefined, path: where.join('.') || undefined, message: issue.message });
  }
  return undefined;
}

/** `${VAR}` / `${VAR:-default}` in every string value, so secrets and addresses come from the environment. */
function interpolateStrings(value: unknown, env: Readonly<Record<string, string | undefined>>, onMissing: (path: (string | number)[], missing: string[]) => void, path: (string | number)[]): unknown {
  if (typeof value === 'string') {
    const { value: out, missing } = interpolateEnv(value, env);
    if (missing.length) onMissing(path, missing);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateStrings(v, env, onMissing, [...path, i]));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateStrings(v, env, onMissing, [...path, k])]));
  return value;
}
