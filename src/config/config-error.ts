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
  const where = problem.line ? `${problem.file}:${problem.line}${problem.column ? `:${problem.column}` : ''}` : problem.file;
  return `${where}${problem.path ? ` (${problem.path})` : ''}: ${problem.message}`;
}

/** Thrown when a configuration folder is invalid; carries every problem found, not just the first. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` + problems.map((p) => `  - ${formatProblem(p)}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Collects problems while a loader keeps going, so one run reports everything. */
export class ProblemList {
  readonly items: ConfigProblem[] = [];
  add(problem: ConfigProblem): void {
    this.items.push(problem);
  }
  get isEmpty(): boolean {
    return this.items.length === 0;
  }
  throwIfAny(): void {
    if (!this.isEmpty) throw new ConfigError(this.items);
  }
}
