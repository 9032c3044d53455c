import { lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type WriteOutcome = { written: string[] } | { existing: string[] } | { failed: string; reason: string };

/** Why a file could not be written, as people say it; other errors are bugs. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOTDIR: 'a file is in the way of a folder on its path',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way of a folder on its path',
};

/** Why writing failed, as people say it; undefined for an error that is a bug. */
export function writeFailureReason(error: unknown): string | undefined {
  return REASONS[(error as NodeJS.ErrnoException).code ?? ''];
}

/**
 * Writes each file under `root`, making its folders, unless one of them is there already: then
 * nothing is written and those are returned (all of them, so that one message names every file).
 * With `force` they are replaced. A file that appears between the check and the write is still
 * not replaced (`wx`).
 */
export async function writeNewFiles(root: string, files: Readonly<Record<string, string | Buffer>>, force = false): Promise<WriteOutcome> {
  const names = Object.keys(files);
  if (!force) {
    const existing = await existingFiles(root, names);
    if (existing.length > 0) return { existing };
  }
  const written: string[] = [];
  for (const name of names) {
    const target = path.join(root, name);
    try {
      await mkdir(path.dirname(target), { recursive: true });
    } catch (error) {
      const reason = writeFailureReason(error);
      if (reason === undefined) throw error;
      return { failed: name, reason };
    }
    try {
      await writeFile(target, files[name]!, { flag: force ? 'w' : 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return { existing: [name] };
      const reason = writeFailureReason(error);
      if (reason === undefined) throw error;
      return { failed: name, reason };
    }
    written.push(name);
  }
  return { written };
}

/** Those of `names` (paths under `root`) that are there, as files, folders or links. */
export async function existingFiles(root: string, names: readonly string[]): Promise<string[]> {
  const present = await Promise.all(names.map((name) => lstat(path.join(root, name)).then(() => true, () => false)));
  return names.filter((_, index) => present[index]);
}
