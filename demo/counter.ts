// Call counters of a demo backend: total, per operation, the ids carried
// by each call of a batch operation, and the W3C traceparent each call came with.

export interface CallCounter {
  total(): number;
  count(op: string): number;
  byOperation(): Record<string, number>;
  /** For batch operations: the ids requested by each call, in call order. */
  batches(op: string): string[][];
  /** The `traceparent` each call carried (REST header, gRPC metadata), in call order; calls without one are left out. */
  traceparents(): string[];
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
  #traceparents: string[] = [];

  /** Records one call of `op`; `ids` is given for batch operations, `traceparent` when the call carried one. */
  record(op: string, ids?: readonly string[], traceparent?: string): void {
    this.#total++;
    if (traceparent) this.#traceparents.push(traceparent);
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

  traceparents(): string[] {
    return [...this.#traceparents];
  }

  reset(): void {
    this.#total = 0;
    this.#traceparents = [];
    this.#ops.clear();
    this.#batches.clear();
  }

  snapshot(): CallSnapshot {
    const batches: Record<string, string[][]> = {};
    for (const op of this.#batches.keys()) batches[op] = this.batches(op);
    return { total: this.#total, byOperation: this.byOperation(), batches };
  }
}
