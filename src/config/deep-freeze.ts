/**
 * Freezes a loaded configuration in place, all the way down (objects, arrays, and the values of
 * Maps and Sets), so that no part of the gateway can change what `facet check` validated.
 * Already-frozen values are skipped, which also ends cycles (such as AST token lists).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (value instanceof Map) for (const item of value.values()) deepFreeze(item);
  else if (value instanceof Set) for (const item of value) deepFreeze(item);
  else for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return value;
}
