import { isAbsolute, relative, sep } from 'node:path';

/** One problem found in a configuration folder, located as precisely as the file allows. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Where in the file's structure: a type/field coordinate or a YAML key path. */
  path?: string;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line
    ? `${problem.file}:${problem.line}${problem.column ? `:${problem.column}` : ''}`
    : problem.file;
  return `${where}${problem.path ? ` (${problem.path})` : ''}: ${problem.message}`;
}

/** Thrown when a configuration folder is invalid; carries every problem found, not just the first. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Collects problems while a loader keeps going, so one run reports everything. Files are shown
 * relative to the configuration folder (`schema/orders.graphql`), whatever the working directory:
 * an absolute path under the folder, in `file` or in a message, is shortened on the way in.
 */
export class ProblemList {
  readonly items: ConfigProblem[] = [];
  /** The configuration folder (absolute); set by loadConfigFolder when not given here. */
  folder: string | undefined;
  constructor(folder?: string) {
    this.folder = folder;
  }
  add(problem: ConfigProblem): void {
    this.items.push({ ...problem, file: this.display(problem.file), message: this.withinFolder(problem.message) });
  }
  /** Doubtful but not fatal (e.g. a template naming a field the parent does not declare): `facet check` prints them, start-up logs them. */
  readonly warnings: ConfigProblem[] = [];
  warn(problem: ConfigProblem): void {
    this.warnings.push({ ...problem, file: this.display(problem.file), message: this.withinFolder(problem.message) });
  }
  /** A file as messages show it: relative to the folder when inside it, else as given. */
  display(file: string): string {
    if (!this.folder || !isAbsolute(file)) return file;
    const inside = relative(this.folder, file);
    if (inside === '') return '.';
    return inside.startsWith('..') || isAbsolute(inside) ? file : inside.split(sep).join('/');
  }
  private withinFolder(message: string): string {
    return this.folder ? message.split(this.folder + sep).join('') : message;
  }
  get isEmpty(): boolean {
    return this.items.length === 0;
  }
  throwIfAny(): void {
    if (!this.isEmpty) throw new ConfigError(this.items);
  }
}
