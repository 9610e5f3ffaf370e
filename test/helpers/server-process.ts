// Long-running entry points (`facet start`, `npm start`) as child processes in their own process
// group, so a test can signal them like a container runtime would and then check that nothing of
// the group is left alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv, repoRoot } from './run-cli.js';

export interface ServerProcess {
  child: ChildProcess;
  /** The first http://… URL printed after "listening on". */
  url: Promise<string>;
  /** Exit code and signal, once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** SIGKILLs whatever of the process group is still alive (cleanup after a failed test). */
  kill(): void;
}

export function spawnServer(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): ServerProcess {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let onUrl: (url: string) => void = () => {};
  const url = new Promise<string>((resolve, reject) => {
    onUrl = resolve;
    child.once('exit', (code) => reject(new Error(`exited (${code}) before listening:\n${output}`)));
  });
  url.catch(() => {});
  const collect = (chunk: string) => {
    output += chunk;
    const found = /listening on (http:\/\/[^\s]+)/.exec(output);
    if (found) onUrl(found[1]!);
  };
  child.stdout!.setEncoding('utf8').on('data', collect);
  child.stderr!.setEncoding('utf8').on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    url,
    exited,
    output: () => output,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
  };
}

/** Live (not zombie) processes of a process group, from /proc. */
export function liveProcessesInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // after "(comm)": state, ppid, pgrp
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') live.push(Number(entry));
    } catch {
      // exited while listing
    }
  }
  return live;
}

/** Waits until no live process is left in the group; returns those still alive after `timeoutMs`. */
export async function groupGone(pgid: number, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let live = liveProcessesInGroup(pgid);
  while (live.length && Date.now() < deadline) {
    await sleep(50);
    live = liveProcessesInGroup(pgid);
  }
  return live;
}
