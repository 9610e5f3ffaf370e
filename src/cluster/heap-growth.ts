import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past the live heap before its next full collection:
 * to (1 + percent/100) × live. V8's own policy picks up to 4× when allocation is fast, which is
 * what a gateway under load does, so a gateway holding 35 MB of live objects peaks near 300 MB.
 * 100 (2×) keeps it near 230 MB for a few more full collections (see the README's performance
 * section); 0 leaves V8's own policy.
 */
export const defaultHeapGrowthPercent = 100;
const maxHeapGrowthPercent = 400;
/** What `--heap-growth` / FACET_HEAP_GROWTH take, for messages. */
export const heapGrowthRange = `a percentage from 0 to ${maxHeapGrowthPercent}`;

/** `--heap-growth` / FACET_HEAP_GROWTH: 0 to 400; undefined when the text is not that. */
export function parseHeapGrowthPercent(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const percent = Number(text);
  return percent <= maxHeapGrowthPercent ? percent : undefined;
}

/** Applies to this process from its next full collection on: call it before building the gateway. */
export function setHeapGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
