// Artificial latency and run-time fault injection shared by all demo backends.

/**
 * 'huge' (REST backends only) answers the next call with a valid JSON body of about 15 MB, then
 * clears itself: one oversized answer, as a misbehaving backend sends it.
 */
export type Fault = 'error' | 'malformed' | 'hang' | 'unavailable' | 'huge';
export const FAULTS: readonly Fault[] = ['error', 'malformed', 'hang', 'unavailable', 'huge'];

let hugeBody: string | undefined;
/** About 15 MB of valid JSON shaped like a product list (built once). */
export function hugeJsonBody(): string {
  hugeBody ??= JSON.stringify({
    items: Array.from({ length: 60_000 }, (_, i) => ({
      id: `p${i}`,
      name: `Product ${i}`,
      description: 'x'.repeat(200),
    })),
  });
  return hugeBody;
}

/**
 * Internal-looking details put into 'error' responses. A gateway must never
 * leak them to its clients; tests assert on these markers.
 */
export const INTERNAL_ERROR_DETAILS = (backend: string): string =>
  `Error: connection reset by peer\n    at query (/srv/internal/${backend}.js:12:7)\n    at /srv/internal/${backend}.js:12 http://10.0.0.7:8080/db`;

/** Default latency: env DEMO_LATENCY_MS, else 0. */
export function defaultLatencyMs(): number {
  const n = Number(process.env['DEMO_LATENCY_MS'] ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Per-backend latency/fault state. Timers are tracked so close() never waits on them. */
export class Control {
  fault: Fault | null = null;
  latencyMs: number;
  #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(latencyMs?: number) {
    this.latencyMs = latencyMs ?? defaultLatencyMs();
  }

  setFault(fault: Fault | null): void {
    if (fault !== null && !FAULTS.includes(fault)) throw new Error(`unknown fault ${String(fault)}`);
    this.fault = fault;
  }

  setLatency(ms: number): void {
    this.latencyMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
  }

  /** Waits latencyMs (no timer when 0). Never resolves once the backend is closed. */
  delay(): Promise<void> {
    if (this.latencyMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#closed) return;
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, this.latencyMs);
      this.#timers.add(t);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Cancels pending latency timers; pending calls are then dropped by the server shutdown. */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
