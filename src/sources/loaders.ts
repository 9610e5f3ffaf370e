import type DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, keyed by request context then by loader key (source + operation +
 * arguments). WeakMap-held, so they vanish with the request; nothing is shared across requests.
 */
const loadersByContext = new WeakMap<object, Map<string, DataLoader<unknown, unknown, unknown>>>();

export function getLoader<K, V, C = K>(
  context: object,
  key: string,
  create: () => DataLoader<K, V, C>,
): DataLoader<K, V, C> {
  let loaders = loadersByContext.get(context);
  if (!loaders) {
    loaders = new Map();
    loadersByContext.set(context, loaders);
  }
  let loader = loaders.get(key) as DataLoader<K, V, C> | undefined;
  if (!loader) {
    loader = create();
    loaders.set(key, loader as unknown as DataLoader<unknown, unknown, unknown>);
  }
  return loader;
}

/** JSON with sorted object keys, so equal arguments give equal loader keys. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
