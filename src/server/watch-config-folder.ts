import { readdirSync, statSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface ConfigWatcherOptions {
  /** Quiet time after the last change before `onChange` runs, so one save (or a checkout) is one reload. @default 200 */
  debounceMs?: number;
}

export interface ConfigWatcher {
  close(): void;
}

/** The trees whose files make up a configuration; the root itself only holds gateway.yaml. */
const configTrees = ['schema', 'clients'];
const configFile = /\.(graphql|proto|ya?ml|pem)$/;

/**
 * Calls `onChange` (debounced) when a configuration file under `dir` changes. It watches the
 * folders, not the files: editors' atomic saves, `sed -i` and `git checkout` write a new file and
 * rename it over the old one, and a watch on the old file (its inode) would go quiet after the
 * first save. A folder's watch sees every rename into it by name. Folders that appear, disappear
 * or are replaced are re-synced on each rename event, and only schema/, clients/ and gateway.yaml
 * are watched (never node_modules or other neighbours of the folder).
 */
export function watchConfigFolder(
  dir: string,
  onChange: () => void,
  options: ConfigWatcherOptions = {},
): ConfigWatcher {
  const watchers = new Map<string, { watcher: FSWatcher; ino: number }>();
  let pending: NodeJS.Timeout | undefined;
  let closed = false;

  const changed = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      if (!closed) onChange();
    }, options.debounceMs ?? 200);
  };

  /** Watches every folder that should be watched now; returns whether the set of folders changed. */
  function sync(): boolean {
    if (closed) return false;
    let moved = false;
    const wanted = new Map<string, number>([
      [dir, inodeOf(dir)],
      ...configTrees.flatMap((tree) => foldersUnder(join(dir, tree))),
    ]);
    for (const [folder, entry] of watchers) {
      if (wanted.get(folder) === entry.ino) continue;
      entry.watcher.close();
      watchers.delete(folder);
      moved = true;
    }
    for (const [folder, ino] of wanted) {
      if (watchers.has(folder) || ino < 0) continue;
      try {
        const watcher = watch(folder, (event, file) => onEvent(folder, event, file));
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(folder);
        });
        watchers.set(folder, { watcher, ino });
        moved = true;
      } catch {
        // removed between listing and watching: the rename event that follows re-syncs
      }
    }
    return moved;
  }

  function onEvent(folder: string, event: string, file: string | null): void {
    const foldersMoved = event === 'rename' && sync();
    if (folder === dir) {
      if (file === 'gateway.yaml' || (file && configTrees.includes(file)) || foldersMoved) changed();
      return;
    }
    // no name (some platforms) or a folder that came or went: reload to be safe
    if (!file || configFile.test(file) || foldersMoved) changed();
  }

  sync();
  return {
    close() {
      closed = true;
      clearTimeout(pending);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function inodeOf(path: string): number {
  try {
    return statSync(path).ino;
  } catch {
    return -1;
  }
}

/** `root` and every folder below it, with their inodes (a replaced folder gets a new watch). */
function foldersUnder(root: string): Array<[string, number]> {
  const ino = inodeOf(root);
  if (ino < 0) return [];
  const found: Array<[string, number]> = [[root, ino]];
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) if (entry.isDirectory()) found.push(...foldersUnder(join(root, entry.name)));
  return found;
}
