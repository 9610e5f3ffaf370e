// What one process costs, read from Linux's /proc: CPU time (utime + stime) and resident memory.
// The benchmark runs the gateway, the aggregator and the backends as separate processes so that
// each one's share can be read here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Clock ticks per second (`getconf CLK_TCK`), the unit of utime/stime; 100 on nearly every Linux. */
export const clockTicksPerSecond: number = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time the process has used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)" start at field 3 (state); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

/** A `Vm…` line of /proc/<pid>/status, in bytes (the kernel reports kB). */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const found = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return found ? Number(found[1]) * 1024 : 0;
}

/** Peak resident set since the process started (VmHWM): start-up and warm-up included. */
export function peakRssBytes(pid: number): number {
  return statusBytes(pid, 'VmHWM');
}

/**
 * Resolves once the process has used no CPU for `quietMs` (the requests a load run left in flight
 * are answered), or after `timeoutMs`.
 */
export async function waitUntilIdle(pid: number, quietMs = 300, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let before = cpuMs(pid);
  while (Date.now() < deadline) {
    await sleep(quietMs);
    const now = cpuMs(pid);
    if (now - before <= quietMs * 0.05) return; // a timer tick or two is idle

    before = now;
  }
}

export interface ProcessUsage {
  cpuMs: number;
  /** Largest VmRSS seen while measuring. */
  peakRssBytes: number;
}

/** Measures one process over a window: CPU used between start and stop, RSS sampled every `everyMs`. */
export function measureProcess(pid: number, everyMs = 100): { stop(): ProcessUsage } {
  const cpuBefore = cpuMs(pid);
  let peak = statusBytes(pid, 'VmRSS');
  const sampler = setInterval(() => {
    peak = Math.max(peak, statusBytes(pid, 'VmRSS'));
  }, everyMs);
  return {
    stop() {
      clearInterval(sampler);
      peak = Math.max(peak, statusBytes(pid, 'VmRSS'));
      return { cpuMs: cpuMs(pid) - cpuBefore, peakRssBytes: peak };
    },
  };
}
