import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ProblemList } from '../config/config-error.js';
import type { ClientDefinition } from './parse-client.js';

interface Placed {
  client: ClientDefinition;
  /** Where the endpoint path comes from: client.yaml's `path` line, or the folder (the default). */
  file: string;
  line?: number;
  explicit: boolean;
}

/**
 * Endpoint paths across clients (the per-file checks are in client-path.ts): two clients cannot
 * share a path, and no client's path may sit under another client's REST facade (`/<client>/…`),
 * which the front door hands to that facade. Each problem names both places.
 */
export function checkClientPaths(dir: string, clients: readonly ClientDefinition[], problems: ProblemList): void {
  const placed = clients.map((client) => place(dir, client));
  const facades = clients.filter((c) => existsSync(join(dirname(resolve(dir, c.schemaFile)), 'rest')));
  for (const here of placed) {
    const where = { file: here.file, line: here.line, path: here.explicit ? 'path' : undefined };
    for (const other of placed) {
      // reported on the client that chose the path (both, when both did)
      if (other === here || other.client.endpoint !== here.client.endpoint || (!here.explicit && other.explicit))
        continue;
      problems.add({
        ...where,
        message: `${here.client.endpoint} is also the endpoint of client "${other.client.name}" (${describe(other)}); each client needs its own path`,
      });
    }
    for (const facade of facades) {
      const prefix = `/${facade.name}`;
      if (facade === here.client || (here.client.endpoint !== prefix && !here.client.endpoint.startsWith(`${prefix}/`)))
        continue;
      problems.add({
        ...where,
        message: `${here.client.endpoint} is under ${prefix}/, where client "${facade.name}" serves its REST facade (${dirname(facade.schemaFile)}/rest/); choose a path outside it`,
      });
    }
  }
}

function place(dir: string, client: ClientDefinition): Placed {
  const explicit = client.options.path !== undefined;
  if (!explicit) return { client, file: `${dirname(client.optionsFile)}/`, explicit };
  let line: number | undefined;
  try {
    const index = readFileSync(resolve(dir, client.optionsFile), 'utf8')
      .split('\n')
      .findIndex((l) => /^path\s*:/.test(l));
    if (index >= 0) line = index + 1;
  } catch {
    // the file was read at load; without it the problem is still named by file
  }
  return { client, file: client.optionsFile, line, explicit };
}

function describe(placed: Placed): string {
  return placed.explicit ? `${placed.file}${placed.line ? `:${placed.line}` : ''}` : `its default, from ${placed.file}`;
}
