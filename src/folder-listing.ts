import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerScript } from './worker-script.js';

/** Every file and folder under a folder, by absolute path. */
export interface FolderListing {
  files: string[];
  folders: string[];
  /**
   * With `identities`: the inode and device of each file, two numbers a file in the order of
   * `files` (NaN for a file gone meanwhile), so that a build tells which files of its spare site
   * are links to its live site's without an lstat of each on its own thread.
   */
  identities?: Float64Array;
}

/**
 * Every file and folder under `root`, a folder at a time. A folder that is gone by the time it is
 * read, or that became a file, holds nothing: the walk may run while the folder changes.
 */
export function listFolder(root: string, withIdentities = false): FolderListing {
  const listing: FolderListing = { files: [], folders: [] };
  const pending = [root];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    let found;
    try {
      found = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (folder !== root && (code === 'ENOENT' || code === 'ENOTDIR')) continue;
      throw error;
    }
    for (const entry of found) {
      const inside = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        listing.folders.push(inside);
        pending.push(inside);
      } else listing.files.push(inside);
    }
  }
  if (withIdentities) listing.identities = identitiesOf(listing.files);
  return listing;
}

function identitiesOf(files: readonly string[]): Float64Array {
  const identities = new Float64Array(files.length * 2).fill(Number.NaN);
  files.forEach((file, index) => {
    const stats = lstatSync(file, { throwIfNoEntry: false });
    if (stats === undefined) return;
    identities[index * 2] = stats.ino;
    identities[index * 2 + 1] = stats.dev;
  });
  return identities;
}

/**
 * `listFolder` in a worker thread: the thousands of folders of a large site are read on another
 * core while this thread goes on with the build, where reading them here, or through the thread
 * pool that the build's own reads and writes wait on, costs the build their time.
 */
export function listFolderInBackground(root: string, withIdentities = false): Promise<FolderListing> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(workerScript('folder-listing-worker', import.meta.url), { workerData: { root, withIdentities } });
    let answered = false;
    thread.once('message', (reply: FolderListing | { error: string; code?: string }) => {
      answered = true;
      if ('error' in reply) reject(Object.assign(new Error(reply.error), { code: reply.code }));
      else resolve(reply);
    });
    thread.once('error', reject);
    thread.once('exit', (code) => {
      if (!answered) reject(new Error(`the listing of ${root} stopped (exit code ${code}) before it was done`));
    });
  });
}

