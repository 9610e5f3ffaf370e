import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import type { ProblemList } from './config-error.js';

/**
 * Reads a YAML config file and validates it against a zod schema. Every problem (YAML syntax,
 * unknown key, wrong type) is reported with the file, the line and the key path; values are never
 * echoed, so a mistyped secret does not end up in a terminal or CI log.
 */
export function readYamlFile<T extends z.ZodType>(file: string, text: string, schema: T, problems: ProblemList): z.output<T> | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const error of doc.errors) problems.add({ file, line: lineCounter.linePos(error.pos[0]).line, message: `YAML: ${error.message.split('\n')[0]}` });
    return undefined;
  }
  const result = schema.safeParse(doc.toJS() ?? {});
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
