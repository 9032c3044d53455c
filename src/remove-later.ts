import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync } from 'node:fs';
import path from 'node:path';

/** Removals started by this process that have not ended yet. */
const running = new Set<Promise<void>>();

/**
 * Removes folders in a process of their own, which outlives this one: removing the previous site
 * (thousands of folders) took longer than the rest of a one-edit build, and nothing waits for it.
 * The folders are no longer the site's, so a removal that is killed or fails only leaves garbage
 * that the next build removes (`leftoverFolders`).
 */
export function removeInBackground(given: readonly string[]): void {
  // Renamed first, at once: a folder named `.old-` is then always a whole site, and a build killed
  // while swapping can be undone from it (write.ts, restoreInterrupted), never from one half removed.
  const folders = given.map(toTrash).filter((folder) => folder !== undefined);
  if (folders.length === 0) return;
  // `rm -rf` is many times faster than Node's own recursive removal on large trees; Windows has no `rm`.
  const child =
    process.platform === 'win32'
      ? spawn(process.execPath, ['-e', 'for (const folder of process.argv.slice(1)) require("node:fs").rmSync(folder, { recursive: true, force: true })', ...folders], { detached: true, stdio: 'ignore' })
      : spawn('rm', ['-rf', '--', ...folders], { detached: true, stdio: 'ignore' });
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  running.add(done);
  void done.then(() => running.delete(done));
  child.unref();
}

function toTrash(folder: string): string | undefined {
  const name = path.basename(folder).replace(/\.(?:tmp|old|trash)-\d+-[0-9a-f]+$/, '');
  const trash = path.join(path.dirname(folder), `${name}.trash-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    renameSync(folder, trash);
    return trash;
  } catch {
    // Gone already (another build swept it), or cannot be moved: then it is not removed either.
    return undefined;
  }
}

/** Resolves once every removal this process started has ended: for tests, which look at the folder afterwards. */
export async function backgroundRemovals(): Promise<void> {
  while (running.size > 0) await Promise.all(running);
}

/**
 * The staging, previous, trash and spill folders that builds of `outputFolder` left beside it and that no
 * running build owns: each is named after the process that made it, and only a process that is gone is
 * taken to have left it (a running build may still swap its own back).
 */
export function leftoverFolders(outputFolder: string): string[] {
  const parent = path.dirname(outputFolder);
  const prefix = `.${path.basename(outputFolder)}.`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of names) {
    // spill-: the folder of a build's spill (notes-spill.ts), left when the build was killed in the
    // moment between making it and removing it; its suffix is mkdtemp's, letters and digits.
    const match = name.startsWith(prefix) ? /^(?:tmp|old|trash)-(\d+)-[0-9a-f]+$|^spill-(\d+)-[0-9A-Za-z]+$/.exec(name.slice(prefix.length)) : null;
    if (match && !isRunning(Number(match[1] ?? match[2]))) found.push(path.join(parent, name));
  }
  return found;
}

/** Whether a process of this machine is alive; another user's counts as alive. */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // Another user's process: alive all the same.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
