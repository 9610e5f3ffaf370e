import { readFileSync } from 'node:fs';

/**
 * Graceful shutdown on SIGINT/SIGTERM: stop accepting, drain in-flight requests, then exit 0.
 * A second signal exits at once (1). Returns `drain(reason)`, the same shutdown for other
 * triggers (a worker told by its primary); it does nothing once shutting down, so a worker that
 * gets both the terminal's Ctrl-C and its primary's message drains once and exits 0.
 */
export function installShutdownHandlers(
  close: () => Promise<void>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) process.exit(1);
    drain(reason);
  };
  const drain = (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${reason}: draining and shutting down`);
    close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (env['npm_lifecycle_event']) followNpmLauncher(() => stop('launcher stopped'));
  return drain;
}

/** How often a process started by npm checks that its launcher is still there. */
const launcherPollMs = 250;

/**
 * npm (`npx facet start`, and any script without `exec`) runs us through `sh -c`. On SIGTERM npm
 * forwards the signal to that shell only, and the shell dies without passing it on, so the
 * gateway would keep running, re-parented, after its container or terminal asked it to stop.
 * Inside an npm script the parent only goes away like that, so losing it counts as the signal.
 */
function followNpmLauncher(onGone: () => void): void {
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (!launcherGone(launcher)) return;
    clearInterval(timer);
    onGone();
  }, launcherPollMs);
  timer.unref();
}

/** `process.ppid` is read once at start-up, so ask the kernel: re-parented (Linux), or the pid is gone. */
function launcherGone(launcher: number): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // fields after "(command)": state, ppid, …
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== launcher;
  } catch {
    try {
      process.kill(launcher, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}
