// Runs the `facet` CLI (bin/facet.js) as a child process, with a timeout.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const facetBin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  /** Exit code; null when killed by a signal (e.g. on timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunCliOptions {
  cwd?: string;
  /** Added to process.env; an undefined value removes the variable. */
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) after this long. @default 20000 */
  timeoutMs?: number;
}

/** process.env for a child: outside the test runner, logs silent, plus `extra` (undefined removes). */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries({
    ...process.env,
    NODE_TEST_CONTEXT: undefined,
    LOG_LEVEL: 'silent',
    ...extra,
  })) {
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** `node bin/facet.js ...args`; resolves when the process exits (or is killed on timeout). */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [facetBin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}
