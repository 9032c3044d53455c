import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerScript } from './worker-script.js';

/** Every file and folder under a folder, by absolute path. */
export interface FolderListing {
  files: string[];
  folders: string[];
  /**
   * With `identities`: each file's `fileIdentities`, in the order of `files`, so that a build
   * tells which files of its spare site are links to its live site's without an lstat of each on
   * its own thread.
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
  if (withIdentities) listing.identities = fileIdentities(listing.files);
  return listing;
}

/** Numbers `fileIdentities` gives for each file, in this order. */
export const IDENTITY_FIELDS = 4;

/**
 * The size, modification time (ms), inode and device of each file, four numbers a file in the
 * order of `files`; NaN for a path that is missing or is no regular file (a folder, a link).
 */
export function fileIdentities(files: readonly string[]): Float64Array {
  const identities = new Float64Array(files.length * IDENTITY_FIELDS).fill(Number.NaN);
  files.forEach((file, index) => {
    const stats = lstatSync(file, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile()) return;
    identities.set([stats.size, stats.mtimeMs, stats.ino, stats.dev], index * IDENTITY_FIELDS);
  });
  return identities;
}

/** What the worker thread is asked: a folder to list, or files to look at. */
export type FolderWork = { root: string; withIdentities: boolean } | { files: readonly string[] };

/**
 * `listFolder` in a worker thread: the thousands of folders of a large site are read on another
 * core while this thread goes on with the build, where reading them here, or through the thread
 * pool that the build's own reads and writes wait on, costs the build their time.
 */
export function listFolderInBackground(root: string, withIdentities = false): Promise<FolderListing> {
  return inBackground<FolderListing>({ root, withIdentities }, `the listing of ${root}`);
}

/** `fileIdentities` in a worker thread, for the same reason: an lstat of each of thousands of pages. */
export function fileIdentitiesInBackground(files: readonly string[]): Promise<Float64Array> {
  return inBackground<Float64Array>({ files }, `the look at ${files.length} files`);
}

function inBackground<T>(work: FolderWork, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(workerScript('folder-listing-worker', import.meta.url), { workerData: work });
    let answered = false;
    thread.once('message', (reply: T | { error: string; code?: string }) => {
      answered = true;
      if (typeof reply === 'object' && reply !== null && 'error' in reply) reject(Object.assign(new Error(reply.error), { code: reply.code }));
      else resolve(reply as T);
    });
    thread.once('error', reject);
    thread.once('exit', (code) => {
      if (!answered) reject(new Error(`${what} stopped (exit code ${code}) before it was done`));
    });
  });
}

