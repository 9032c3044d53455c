import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file of the cache folder through a temporary file renamed into place, so that a build
 * killed halfway, or one running at the same time, never reads half of it. A file that cannot be
 * written is only a shortcut lost: the next build does the work again.
 */
export async function saveStoreFile(folder: string, name: string, contents: string | Uint8Array): Promise<void> {
  const target = path.join(folder, name);
  const temporary = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(temporary, contents);
    await rename(temporary, target);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}
