import { readdirSync, statSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface TreeWatcher {
  close(): void;
}

/**
 * Watches a folder and its subfolders, one `fs.watch` each, and reports the path of every file an
 * event names: added, changed or removed, whatever the event says. It never lists a folder again
 * after an event, as chokidar does: in an episodes folder of thousands of files, that listing cost
 * more than the rebuild of the save that caused it. A folder that appears is listed once (its
 * files are reported); one that goes reports the files it held.
 */
export function watchTree(root: string, report: (file: string) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  /** The entries of each watched folder, by name, whether each is a folder. */
  const entries = new Map<string, Map<string, boolean>>();

  const entriesOf = (folder: string): Dirent[] => {
    try {
      return readdirSync(folder, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  const isFolder = (file: string): boolean | undefined => {
    try {
      return statSync(file).isDirectory();
    } catch {
      return undefined;
    }
  };

  const add = (folder: string, reportFiles: boolean) => {
    if (watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      // Watched before it is listed: a file written in between is in the listing, an event, or both.
      watcher = watch(folder, { persistent: true }, (_event, name) => changed(folder, name === null ? undefined : String(name)));
    } catch {
      return;
    }
    watcher.on('error', () => forget(folder));
    watchers.set(folder, watcher);
    const known = new Map<string, boolean>();
    entries.set(folder, known);
    for (const entry of entriesOf(folder)) {
      const file = path.join(folder, entry.name);
      const folderEntry = entry.isDirectory() || (entry.isSymbolicLink() && isFolder(file) === true);
      known.set(entry.name, folderEntry);
      if (folderEntry) add(file, reportFiles);
      else if (reportFiles) report(file);
    }
  };

  /** Stops watching a folder that is gone, and reports the files it held. */
  const forget = (folder: string) => {
    watchers.get(folder)?.close();
    watchers.delete(folder);
    const known = entries.get(folder);
    entries.delete(folder);
    for (const [name, folderEntry] of known ?? []) {
      const file = path.join(folder, name);
      if (folderEntry) forget(file);
      else report(file);
    }
  };

  const changed = (folder: string, name: string | undefined) => {
    const known = entries.get(folder);
    if (known === undefined) return;
    if (name === undefined) {
      // An event without a name (the kernel's queue overflowed): the folder is compared with what it held.
      const now = new Set(entriesOf(folder).map((entry) => entry.name));
      for (const gone of [...known.keys()].filter((entry) => !now.has(entry))) changed(folder, gone);
      for (const entry of now) changed(folder, entry);
      return;
    }
    const file = path.join(folder, name);
    const wasFolder = known.get(name);
    const folderNow = isFolder(file);
    if (folderNow === undefined) known.delete(name);
    else known.set(name, folderNow);
    if (wasFolder === true && folderNow !== true) forget(file);
    if (folderNow === true) {
      if (!watchers.has(file)) add(file, true);
      return;
    }
    if (file === root) return;
    report(file);
  };

  add(root, false);
  return {
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      entries.clear();
    },
  };
}
