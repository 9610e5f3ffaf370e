import type { Naming, VersionShape } from './model.js';

const toSnake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (name: string) => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
export const externalName = (name: string, naming: Naming) => (naming === 'snake_case' ? toSnake(name) : name);

const centsSuffix = 'Cents';

/**
 * The version's view of a GraphQL result: property names in the version's naming, and money
 * (`<x>Cents` next to `currency`) either kept as cents or turned into `{ amount, currency }`
 * with a decimal string amount (no floating point rounding in clients).
 */
export function shapeOutput(value: unknown, shape: VersionShape, inheritedCurrency?: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => shapeOutput(v, shape, inheritedCurrency));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // amounts without a currency of their own (order items) take the nearest enclosing one (the order's)
  const hasCurrency = 'currency' in record;
  const currency = hasCurrency ? record['currency'] : inheritedCurrency;
  const moneyAsObject = shape.money === 'object' && (hasCurrency || inheritedCurrency !== undefined);
  for (const [key, inner] of Object.entries(record)) {
    if (moneyAsObject && key === 'currency' && Object.keys(record).some(isMoneyKey)) continue;
    if (moneyAsObject && isMoneyKey(key) && (typeof inner === 'number' || inner === null)) {
      out[externalName(key.slice(0, -centsSuffix.length), shape.naming)] = {
        amount: centsToDecimal(inner as number | null),
        currency: currency ?? null,
      };
      continue;
    }
    out[externalName(key, shape.naming)] = shapeOutput(inner, shape, currency);
  }
  return out;
}

/** `totalCents`, `unitPriceCents`: an amount in minor units. */
export function isMoneyKey(key: string): boolean {
  return key.endsWith(centsSuffix) && key.length > centsSuffix.length;
}

function centsToDecimal(cents: number | null): string | null {
  if (cents === null) return null;
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Request bodies: the version's property names back to the GraphQL input names. */
export function unshapeInput(value: unknown, shape: VersionShape): unknown {
  if (Array.isArray(value)) return value.map((v) => unshapeInput(v, shape));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [shape.naming === 'snake_case' ? toCamel(k) : k, unshapeInput(v, shape)]),
  );
}
