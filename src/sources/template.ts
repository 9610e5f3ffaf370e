/**
 * Templates used in source directives: `"/users/{args.id}"`, `"{root.userId}"`, `{ ids: "{args.ids}" }`.
 * They are compiled once at start-up into small functions; per request only the compiled
 * functions run. A template that is exactly one `{expr}` keeps the value's type (a list stays a
 * list); a template mixing text and expressions yields a string (lists joined with commas).
 */
export interface TemplateScope {
  args: Record<string, unknown>;
  root: unknown;
  identity: unknown;
}

export type CompiledTemplate = (scope: TemplateScope) => unknown;

export const templateRoots = ['args', 'root', 'identity'] as const;
type TemplateRoot = (typeof templateRoots)[number];

export interface TemplateReference {
  root: TemplateRoot;
  path: string[];
}

const expression = /\{([^{}]+)\}/g;
const whole = /^\{([^{}]+)\}$/;

export class TemplateSyntaxError extends Error {}

/** Parses `args.input.items` into a reference; throws TemplateSyntaxError for unknown roots. */
export function parseReference(text: string): TemplateReference {
  const parts = text.trim().split('.');
  const [root, ...path] = parts;
  if (!root || !(templateRoots as readonly string[]).includes(root)) {
    throw new TemplateSyntaxError(`"{${text}}" must start with one of ${templateRoots.join(', ')}`);
  }
  if (path.some((p) => p === '')) throw new TemplateSyntaxError(`"{${text}}" has an empty path segment`);
  return { root: root as TemplateRoot, path };
}

export function readReference(ref: TemplateReference, scope: TemplateScope): unknown {
  let value: unknown = scope[ref.root];
  // indexed loops on the per-call paths here: no iterator objects in code not yet optimized
  for (let i = 0; i < ref.path.length; i++) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[ref.path[i]!];
  }
  return value;
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(stringify).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Compiles one template string. `encode` is applied to interpolated values (e.g. for URL paths). */
export function compileTemplate(text: string, encode: (s: string) => string = (s) => s): CompiledTemplate {
  const single = whole.exec(text);
  if (single?.[1] !== undefined) {
    const ref = parseReference(single[1]);
    return (scope) => readReference(ref, scope);
  }
  const pieces: Array<string | TemplateReference> = [];
  let last = 0;
  for (const match of text.matchAll(expression)) {
    pieces.push(text.slice(last, match.index));
    pieces.push(parseReference(match[1] ?? ''));
    last = (match.index ?? 0) + match[0].length;
  }
  pieces.push(text.slice(last));
  if (pieces.length === 1) return () => text;
  return (scope) => {
    let out = '';
    for (const piece of pieces)
      out += typeof piece === 'string' ? piece : encode(stringify(readReference(piece, scope)));
    return out;
  };
}

/** Compiles a nested value whose string leaves are templates (query maps, bodies, gRPC requests). */
export function compileValue(value: unknown): CompiledTemplate {
  if (typeof value === 'string') return compileTemplate(value);
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    return (scope) => items.map((item) => item(scope));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, inner]) => [key, compileValue(inner)] as const);
    return (scope) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < entries.length; i++) {
        const [key, compiled] = entries[i]!;
        const v = compiled(scope);
        if (v !== undefined) out[key] = v;
      }
      return out;
    };
  }
  return () => value;
}

/** Every reference used in a template value, for load-time checks (e.g. `args.x` must be an argument). */
export function referencesIn(value: unknown): TemplateReference[] {
  if (typeof value === 'string') return [...value.matchAll(expression)].map((m) => parseReference(m[1] ?? ''));
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(referencesIn);
  return [];
}

/** Reads a dotted result path (`data.items`) out of a payload; an empty path returns the payload. */
export function readPath(payload: unknown, path: readonly string[]): unknown {
  let value = payload;
  for (let i = 0; i < path.length; i++) {
    if (value === null || value === undefined) return value;
    value = (value as Record<string, unknown>)[path[i]!];
  }
  return value;
}

export function splitPath(path: string | undefined): string[] {
  return path ? path.split('.').filter(Boolean) : [];
}
