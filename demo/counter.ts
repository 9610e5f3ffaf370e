// Call counters of a demo backend: total, per operation, and the ids carried
// by each call of a batch operation.

export interface CallCounter {
  total(): number;
  count(op: string): number;
  byOperation(): Record<string, number>;
  /** For batch operations: the ids requested by each call, in call order. */
  batches(op: string): string[][];
  reset(): void;
}

export interface CallSnapshot {
  total: number;
  byOperation: Record<string, number>;
  batches: Record<string, string[][]>;
}

export class Counter implements CallCounter {
  #total = 0;
  #ops = new Map<string, number>();
  #batches = new Map<string, string[][]>();

  /** Records one call of `op`; `ids` is given for batch operations. */
  record(op: string, ids?: readonly string[]): void {
    this.#total++;
    this.#ops.set(op, (this.#ops.get(op) ?? 0) + 1);
    if (ids) {
      const list = this.#batches.get(op) ?? [];
      list.push([...ids]);
      this.#batches.set(op, list);
    }
  }

  total(): number {
    return this.#total;
  }

  count(op: string): number {
    return this.#ops.get(op) ?? 0;
  }

  byOperation(): Record<string, number> {
    return Object.fromEntries(this.#ops);
  }

  batches(op: string): string[][] {
    return (this.#batches.get(op) ?? []).map((ids) => [...ids]);
  }

  reset(): void {
    this.#total = 0;
    this.#ops.clear();
    this.#batches.clear();
  }

  snapshot(): CallSnapshot {
    const batches: Record<string, string[][]> = {};
    for (const op of this.#batches.keys()) batches[op] = this.batches(op);
    return { total: this.#total, byOperation: this.byOperation(), batches };
  }
}
