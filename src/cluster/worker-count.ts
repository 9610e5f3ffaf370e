import { availableParallelism } from 'node:os';

/** More workers than this is a typo, not a deployment: each worker holds a whole gateway in memory. */
export const maxWorkers = 64;

/**
 * `--workers` / FACET_WORKERS: a count from 1 to maxWorkers, or `auto` (one per core the process
 * may use, `os.availableParallelism()`). Undefined when the text is neither.
 */
export function parseWorkerCount(text: string): number | undefined {
  if (text === 'auto') return Math.min(availableParallelism(), maxWorkers);
  if (!/^\d+$/.test(text)) return undefined;
  const count = Number(text);
  return count >= 1 && count <= maxWorkers ? count : undefined;
}
