import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic, type Diagnostic, type Result } from './diagnostics.js';
import type { PublicFile } from './load.js';
import type { OutputFile } from './pages.js';

export interface OutputPlan {
  files: OutputFile[];
  copies: PublicFile[];
}

/**
 * Puts generated files and copied files together, refusing a copied file that would silently
 * replace a generated file or another copy, and any path that would land outside the output folder.
 */
export function planOutput(generated: readonly OutputFile[], copies: readonly { origin: string; file: PublicFile }[]): Result<OutputPlan> {
  const diagnostics: Diagnostic[] = [];
  const taken = new Map<string, string>();
  for (const file of generated) {
    if (!isInside(file.path)) throw new Error(`internal: generated path escapes the output folder: ${file.path}`);
    taken.set(file.path.toLowerCase(), 'a generated page');
  }
  const kept: PublicFile[] = [];
  for (const { origin, file } of copies) {
    if (!isInside(file.sitePath)) throw new Error(`internal: copied path escapes the output folder: ${file.sitePath}`);
    const key = file.sitePath.toLowerCase();
    const other = taken.get(key);
    if (other !== undefined) {
      diagnostics.push(
        diagnostic(origin, { line: 0, column: 0 }, 'output-conflict', `\`${file.sitePath}\` would overwrite ${other} with the same path`, 'rename or remove one of them'),
      );
      continue;
    }
    taken.set(key, origin);
    kept.push(file);
  }
  return { value: { files: [...generated], copies: kept }, diagnostics };
}

function isInside(relative: string): boolean {
  return relative !== '' && !path.isAbsolute(relative) && !relative.split(/[\\/]/).some((part) => part === '..' || part === '');
}

const PARALLEL_WRITES = 32;

/**
 * Writes the whole site into a fresh folder beside the output folder, then swaps it in, so that
 * a build that fails or is interrupted leaves the previous site as it was. A file whose bytes are
 * already in the previous site is linked from there rather than written: it keeps its inode and
 * mtime (so rsync, CDN uploads and browsers see it unchanged), and linking is cheaper than writing.
 */
export async function writeSite(outputFolder: string, plan: OutputPlan): Promise<void> {
  const parent = path.dirname(outputFolder);
  const name = path.basename(outputFolder);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = path.join(parent, `.${name}.tmp-${suffix}`);
  await mkdir(parent, { recursive: true });
  await mkdir(staging);
  try {
    const folders = new Set<string>();
    for (const relative of [...plan.files.map((f) => f.path), ...plan.copies.map((c) => c.sitePath)]) {
      folders.add(path.dirname(path.join(staging, relative)));
    }
    for (const folder of [...folders].sort()) await mkdir(folder, { recursive: true });
    const jobs: (() => Promise<void>)[] = [
      ...plan.files.map((file) => async () => {
        const target = path.join(staging, file.path);
        const bytes = Buffer.from(file.contents);
        if (!(await linkUnchanged(path.join(outputFolder, file.path), target, async () => bytes.length, () => bytes))) await writeFile(target, bytes);
      }),
      ...plan.copies.map((copy) => async () => {
        const target = path.join(staging, copy.sitePath);
        const source = copy.absolutePath;
        if (!(await linkUnchanged(path.join(outputFolder, copy.sitePath), target, async () => (await stat(source)).size, () => readFile(source)))) await copyFile(source, target);
      }),
    ];
    for (let i = 0; i < jobs.length; i += PARALLEL_WRITES) {
      await Promise.all(jobs.slice(i, i + PARALLEL_WRITES).map((job) => job()));
    }
    await swapIn(staging, outputFolder, path.join(parent, `.${name}.old-${suffix}`));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Links the previous output file into the staging folder when it holds exactly the new bytes.
 * Comparing the bytes themselves, rather than trusting a manifest of hashes, costs a read of the
 * previous file, which is cheaper than the write it saves, and cannot be fooled by a file edited
 * by hand in the output folder. Anything unexpected (no such file, another file system that
 * cannot link) just means the file is written.
 */
async function linkUnchanged(previous: string, target: string, size: () => Promise<number>, bytes: () => Buffer | Promise<Buffer>): Promise<boolean> {
  try {
    const old = await lstat(previous);
    // Sizes first: a media file of another size is never read twice.
    if (!old.isFile() || old.size !== (await size())) return false;
    if (!(await readFile(previous)).equals(await bytes())) return false;
    await link(previous, target);
    return true;
  } catch {
    return false;
  }
}

async function swapIn(staging: string, outputFolder: string, previous: string): Promise<void> {
  const exists = await stat(outputFolder).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await rename(staging, outputFolder);
    return;
  }
  await rename(outputFolder, previous);
  try {
    await rename(staging, outputFolder);
  } catch (error) {
    await rename(previous, outputFolder);
    throw error;
  }
  await rm(previous, { recursive: true, force: true });
}

/** Replaces the ledger in one step (a new file renamed over the old), so that it is never half-written. */
export async function writeLedgerFile(ledgerPath: string, text: string): Promise<void> {
  const temporary = `${ledgerPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, text);
  try {
    await rename(temporary, ledgerPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
