import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic, type Diagnostic, type Result } from './diagnostics.js';
import type { LinkedFile } from './link-pages.js';
import { listFolderInBackground, type FolderListing } from './folder-listing.js';
import type { PublicFile } from './load.js';
import { isRunning, leftoverFolders, removeInBackground } from './remove-later.js';
import { joinUnder } from './relative-path.js';
import type { OutputFile } from './pages.js';

export interface OutputPlan {
  files: OutputFile[];
  copies: PublicFile[];
}

/**
 * Puts generated files and copied files together, refusing a copied file that would silently
 * replace a generated file or another copy, and any path that would land outside the output folder.
 * `written`: the paths of generated files already written to the staging folder.
 */
export function planOutput(generated: readonly OutputFile[], copies: readonly { origin: string; file: PublicFile }[], written: readonly string[] = []): Result<OutputPlan> {
  const diagnostics: Diagnostic[] = [];
  const taken = new Map<string, string>();
  // The last guard: every check of slugs, permalinks and file names upstream should have caught such a path already.
  const escapes = (origin: string, relative: string) =>
    diagnostics.push(
      diagnostic(origin, { line: 0, column: 0 }, 'invalid-path', `\`${JSON.stringify(relative).slice(1, -1)}\` would not be a file inside the output folder`, 'a slug, permalink or file name has an empty, `.` or `..` segment, or a NUL: rename it'),
    );
  for (const file of [...generated.map((f) => f.path), ...written]) {
    if (!isInside(file)) {
      escapes('', file);
      continue;
    }
    taken.set(file.toLowerCase(), 'a generated page');
  }
  const kept: PublicFile[] = [];
  for (const { origin, file } of copies) {
    if (!isInside(file.sitePath)) {
      escapes(origin, file.sitePath);
      continue;
    }
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
  return relative !== '' && !path.isAbsolute(relative) && !relative.includes('\0') && !relative.split(/[\\/]/).some((part) => part === '..' || part === '.' || part === '');
}

const PARALLEL_WRITES = 32;

/**
 * A file streamed to disk is written in pieces of about this many bytes: few system calls. The
 * pieces are buffers, outside V8's heap (a string this large would go to the large-object space,
 * which only a full collection frees: the feed's 200 MB would pile up there).
 */
const STREAM_CHUNK = 1 << 20;

/** Two files are compared a piece of this many bytes at a time (outside V8's heap). */
const COMPARE_CHUNK = 1 << 20;

/**
 * Writes the site (what is not in `staging` yet) into a fresh folder beside the output folder,
 * then swaps it in, so that a build that fails or is interrupted leaves the previous site as it was.
 */
export async function writeSite(outputFolder: string, plan: OutputPlan, staging = new StagingFolder(outputFolder)): Promise<void> {
  try {
    await staging.writeFiles(plan.files);
    await staging.copyFiles(plan.copies);
    await staging.commit();
  } finally {
    await staging.discard();
  }
}

/**
 * The folder beside the output folder that a build writes the new site into, file by file as the
 * files are made, so that the build never holds the whole site in memory; `commit` swaps it in.
 * A file whose bytes are already in the previous site is linked from there rather than written:
 * it keeps its inode and mtime (so rsync, CDN uploads and browsers see it unchanged), and linking
 * is cheaper than writing.
 *
 * The first problem of the machine (a full disk, a file where a folder should be) is kept and
 * thrown by `commit`, not by the write that met it: a build goes on to report every problem of
 * the site at once, and the files written after it are dropped.
 */
export class StagingFolder {
  private readonly folder: string;
  private readonly previous: string;
  private opened: Promise<void> | undefined;
  /** Whether the folder was made, and so must be removed unless swapped in. */
  private made = false;
  private failure: { error: unknown } | undefined;
  /** Folders inside made so far, so that each is made once. */
  private readonly folders = new Set<string>();
  private done = false;
  /** Folders made ahead of the files, while the build does other work (`prepareFolders`); ends without throwing. */
  private preparing: Promise<void> | undefined;
  private readonly prepared = new Set<string>();
  /**
   * The files placed so far, when the folder is the site before the last one brought up to date
   * (`spareFolder`): what it holds besides them is removed by `commit`. Undefined in a new folder.
   */
  private placed: Set<string> | undefined;
  /** What the spare site held when it was taken: what no file of the new site needs is removed by `commit`. */
  private spare: Promise<FolderListing | { error: unknown }> | undefined;

  constructor(private readonly outputFolder: string) {
    const parent = path.dirname(outputFolder);
    const name = path.basename(outputFolder);
    const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
    this.folder = path.join(parent, `.${name}.tmp-${suffix}`);
    this.previous = path.join(parent, `.${name}.old-${suffix}`);
    this.inside = joinUnder(this.folder);
  }

  /** The absolute path of a file of the new site, by its path in the site. */
  private readonly inside: (relative: string) => string;

  /** Whether the folder is the spare site being brought up to date, rather than a folder made empty. */
  get reused(): boolean {
    return this.placed !== undefined;
  }

  /** Writes generated files, linking those that the previous site already holds byte for byte. */
  async writeFiles(files: readonly OutputFile[]): Promise<void> {
    await this.guard(async () => {
      this.makeFolders(files.map((file) => file.path));
      await inBatches(files, async (file) => {
        const target = this.place(file.path);
        const bytes = Buffer.from(file.contents);
        if (!(await linkUnchanged(path.join(this.outputFolder, file.path), target, async () => bytes.length, () => bytes))) await writeFile(target, bytes);
      });
    });
  }

  /**
   * Writes one file from its pieces, in order, without ever joining them (a feed of 20,000
   * episodes is 200 MB); then links the previous file instead if it has the same bytes. Each piece
   * is copied before the next is asked for: a piece of bytes may be a view its maker reuses.
   */
  async writeChunks(relative: string, chunks: Iterable<string | Buffer>): Promise<void> {
    const pieces = chunks[Symbol.iterator]();
    await this.guard(async () => {
      this.makeFolders([relative]);
      const target = this.place(relative);
      const handle = await open(target, 'w');
      try {
        // One buffer for the whole file: a new one per write would be memory outside V8's heap
        // that grows with the file, and V8 answers that growth with full collections.
        const chunk = Buffer.allocUnsafeSlow(STREAM_CHUNK);
        let size = 0;
        const flush = async () => {
          for (let done = 0; done < size; ) done += (await handle.write(chunk, done, size - done)).bytesWritten;
          size = 0;
        };
        for (let piece = pieces.next(); !piece.done; piece = pieces.next()) {
          const value = piece.value;
          const length = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
          if (size + length > STREAM_CHUNK) await flush();
          if (length > STREAM_CHUNK) {
            // Larger than the buffer: written as it is.
            const bytes = typeof value === 'string' ? Buffer.from(value) : value;
            for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
            continue;
          }
          size += typeof value === 'string' ? chunk.write(value, size) : value.copy(chunk, size);
        }
        await flush();
      } finally {
        await handle.close();
      }
      const previous = path.join(this.outputFolder, relative);
      if (await sameFiles(previous, target)) {
        await unlink(target);
        // Another file system that cannot link: the previous file's bytes are the new ones.
        await link(previous, target).catch(() => copyFile(previous, target));
      }
    });
    // The pieces are made as they are asked for (the feed's items are checked as they are made): all are asked for, even after a failure.
    for (let piece = pieces.next(); !piece.done; piece = pieces.next());
  }

  /** Copies files of the project, linking those unchanged since the previous site. */
  async copyFiles(copies: readonly PublicFile[]): Promise<void> {
    await this.guard(async () => {
      this.makeFolders(copies.map((copy) => copy.sitePath));
      await inBatches(copies, async (copy) => {
        const target = this.place(copy.sitePath);
        const source = copy.absolutePath;
        if (!(await linkUnchanged(path.join(this.outputFolder, copy.sitePath), target, async () => (await stat(source)).size, () => readFile(source)))) await copyFile(source, target);
      });
    });
  }

  /**
   * Links files of the previous output that are known to hold the new bytes (the record of the
   * last build proves it) without reading them; gives the paths linked. Blocking calls, one per
   * folder and per file: through the thread pool, each of the thousands would also wait for a turn.
   * A file that cannot be linked is left for the caller to write.
   */
  async linkFrom(files: readonly LinkedFile[]): Promise<Set<string>> {
    const linked = new Set<string>();
    await this.preparing;
    const spareLinks = await this.spareIdentities();
    await this.guard(() => {
      for (const file of files) {
        const target = this.inside(file.path);
        try {
          // Most pages of the spare site are already links to the live site's files: left as they are.
          if (this.placed !== undefined && (spareLinks?.(target, file) ?? isLinkOf(target, file))) this.markUsed(path.dirname(target));
          else {
            this.makeFolderSync(path.dirname(target));
            if (this.placed !== undefined) clearForFile(target);
            linkSync(file.from, target);
          }
          this.placed?.add(target);
          linked.add(file.path);
        } catch {
          // Written instead; a problem of the machine is met again, and kept, by that write.
        }
      }
    });
    return linked;
  }

  /**
   * Starts making these folders (relative, parents before children), which the files of the new
   * site will most likely need, without waiting: the thread pool makes them while the build reads
   * and renders. Making the thousands of folders of a large archive costs more than all the rest of
   * writing it when nearly every file is linked. A folder that no file needed is removed by `commit`.
   */
  prepareFolders(relatives: readonly string[]): void {
    this.preparing ??= this.guard(async () => {
      // The spare site has the folders of the site before the last: those it lacks are made as files need them.
      if (this.placed !== undefined) return;
      // A level at a time: a folder is made once its parent is there.
      const levels: string[][] = [];
      for (const relative of relatives) {
        const depth = relative.split('/').length - 1;
        (levels[depth] ??= []).push(path.join(this.folder, relative));
      }
      for (const level of levels) {
        if (level === undefined) continue;
        await inBatches(level, async (folder) => {
          try {
            await mkdir(folder);
          } catch {
            // Made already, or met again, and kept, by the write that needs it.
            return;
          }
          this.prepared.add(folder);
        });
      }
    });
  }

  /** Removes the folders made ahead that no file needed, deepest first: the new site is the same as one written without them. */
  private async dropUnusedFolders(): Promise<void> {
    await this.preparing;
    const unused = [...this.prepared].filter((folder) => !this.folders.has(folder)).sort().reverse();
    for (const folder of unused) {
      try {
        rmdirSync(folder);
      } catch {
        // Not empty: in use by a file written into it.
      }
    }
  }

  /**
   * Whether a file of the spare site is the given file (same inode), by the listing of the spare
   * taken in the background as the build began: nothing but this build changes the spare once it
   * is taken, and each path is placed once. Undefined (each file is looked at) until the folder
   * is known to be the spare, or when the listing failed.
   */
  private async spareIdentities(): Promise<((target: string, file: { ino: number; dev: number }) => boolean) | undefined> {
    if (this.placed === undefined || this.spare === undefined) return undefined;
    this.spareLinks ??= this.spare.then((listing) => {
      if ('error' in listing || listing.identities === undefined) return undefined;
      const { files, identities } = listing;
      const indexOf = new Map(files.map((file, index) => [file, index]));
      return (target: string, file: { ino: number; dev: number }) => {
        const index = indexOf.get(target);
        return index !== undefined && identities[index * 2] === file.ino && identities[index * 2 + 1] === file.dev;
      };
    });
    return this.spareLinks;
  }

  private spareLinks: Promise<((target: string, file: { ino: number; dev: number }) => boolean) | undefined> | undefined;

  /** Swaps the new site in; throws the first problem met while writing it, leaving the previous site as it was. */
  async commit(): Promise<void> {
    await this.guard(() => undefined);
    await this.dropUnusedFolders();
    if (this.failure !== undefined) throw this.failure.error;
    if (this.placed !== undefined && this.spare !== undefined) {
      const spare = await this.spare;
      if ('error' in spare) throw spare.error;
      removeUnplaced(spare, this.placed, this.folders);
    }
    await swapIn(this.folder, this.outputFolder, this.previous);
    this.done = true;
  }

  /** Removes the staging folder unless it was swapped in: a build with errors, or one that failed, leaves nothing behind. */
  async discard(): Promise<void> {
    await this.preparing;
    if (this.done || !this.made) return;
    this.done = true;
    await rm(this.folder, { recursive: true, force: true });
  }

  /** Runs a write once the folder exists, keeping the first failure instead of throwing it. */
  private async guard(write: () => unknown): Promise<void> {
    if (this.failure !== undefined) return;
    try {
      this.opened ??= this.open();
      await this.opened;
      await write();
    } catch (error) {
      // Only problems of the machine wait for `commit`; anything else is a bug of podsite.
      if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
      this.failure ??= { error };
    }
  }

  /**
   * Makes the folder, or takes the spare site as it: at once, at the first call, which the build
   * makes before it reads anything (`prepareFolders`). Through the thread pool, busy reading the
   * episodes, a rename waited until the pages needed it.
   */
  private async open(): Promise<void> {
    mkdirSync(path.dirname(this.outputFolder), { recursive: true });
    // The site before the last, kept aside by the last swap, is renamed to this folder's name
    // before anything in it changes: a build killed meanwhile leaves it as a staging folder of a
    // process gone, which the next build removes and does not take as its spare.
    if (renamed(spareFolder(this.outputFolder), this.folder)) {
      this.made = true;
      this.placed = new Set();
      // Listed while the build goes on (the pages found in it meanwhile are placed, and kept).
      this.spare = listFolderInBackground(this.folder, true).catch((error: unknown) => ({ error }));
    } else {
      mkdirSync(this.folder);
      this.made = true;
    }
  }

  private makeFolders(relatives: readonly string[]): void {
    // At once, a system call for each folder that neither `prepareFolders` nor the spare site made:
    // one awaited `mkdir` for each, in turn, took 2.6 s of a first build of 4,000 episodes.
    for (const relative of relatives) this.makeFolderSync(path.dirname(this.inside(relative)));
  }

  /**
   * The absolute path of a file of the new site, ready to be written. In the spare site, whatever
   * stands there goes first: a file there may be a link to the live output's file, which a write
   * would change in place.
   */
  private place(relative: string): string {
    const target = this.inside(relative);
    if (this.placed !== undefined) {
      clearForFile(target);
      this.placed.add(target);
    }
    return target;
  }

  /** Remembers a folder that is there already, and its parents, as used by the new site. */
  private markUsed(folder: string): void {
    for (let inside = folder; inside !== this.folder && !this.folders.has(inside); inside = path.dirname(inside)) this.folders.add(inside);
  }

  /** One `mkdir` per folder not made ahead, parents first, each remembered as used. */
  private makeFolderSync(folder: string): void {
    if (folder === this.folder || this.folders.has(folder)) return;
    this.makeFolderSync(path.dirname(folder));
    if (!this.prepared.has(folder)) {
      try {
        mkdirSync(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // The spare site may hold a file where this site has a folder.
        if (this.placed !== undefined && !lstatSync(folder).isDirectory()) {
          unlinkSync(folder);
          mkdirSync(folder);
        }
      }
    }
    this.folders.add(folder);
  }

}

/** `job` on every item, PARALLEL_WRITES at a time: enough to keep the disk busy, far below any limit of open files. */
async function inBatches<T>(items: readonly T[], job: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL_WRITES) await Promise.all(items.slice(i, i + PARALLEL_WRITES).map(job));
}

/**
 * Where the site before the last waits, to be made the next staging folder: bringing it up to date
 * costs the files that changed in two builds, where a new folder costs every folder of the site
 * (8,547 at 4,000 episodes) and removing the old site as many again.
 */
export function spareFolder(outputFolder: string): string {
  return path.join(path.dirname(outputFolder), `.${path.basename(outputFolder)}.spare`);
}

function renamed(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** Whether `target` is the file of this inode and device (a link to it); false when it is missing. */
function isLinkOf(target: string, file: { ino: number; dev: number }): boolean {
  const stats = lstatSync(target, { throwIfNoEntry: false });
  return stats !== undefined && stats.ino === file.ino && stats.dev === file.dev && stats.isFile();
}

/** Removes whatever stands at `target` (a file, a link, a folder) so that a new file can be made there. */
function clearForFile(target: string): void {
  try {
    unlinkSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    if (code === 'EISDIR' || code === 'EPERM') rmSync(target, { recursive: true, force: true });
    else throw error;
  }
}

/**
 * Removes from the spare site every file this build did not place, and every folder no file of the
 * new site is in (with what it holds): the folder then holds exactly the new site, as a new one would.
 */
function removeUnplaced(spare: FolderListing, placed: ReadonlySet<string>, used: ReadonlySet<string>): void {
  for (const file of spare.files) {
    if (placed.has(file)) continue;
    try {
      unlinkSync(file);
    } catch (error) {
      // Gone with a folder, or replaced by a folder of the new site.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EPERM') throw error;
    }
  }
  // Deepest first: a folder is empty once those inside it are gone.
  for (const folder of [...spare.folders].sort().reverse()) {
    if (used.has(folder) || placed.has(folder)) continue;
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch (error) {
      // Inside a folder that a file of the new site replaced.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    }
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

/** Whether two files hold the same bytes, read side by side a piece at a time: neither is held whole. */
async function sameFiles(previous: string, next: string): Promise<boolean> {
  try {
    const [old, made] = await Promise.all([lstat(previous), stat(next)]);
    if (!old.isFile() || old.size !== made.size) return false;
    const [a, b] = await Promise.all([open(previous, 'r'), open(next, 'r')]);
    try {
      const left = Buffer.alloc(COMPARE_CHUNK);
      const right = Buffer.alloc(COMPARE_CHUNK);
      for (let at = 0; at < made.size; ) {
        const [{ bytesRead }, other] = await Promise.all([a.read(left, 0, COMPARE_CHUNK, at), b.read(right, 0, COMPARE_CHUNK, at)]);
        if (bytesRead === 0 || bytesRead !== other.bytesRead || !left.subarray(0, bytesRead).equals(right.subarray(0, bytesRead))) return false;
        at += bytesRead;
      }
      return true;
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  } catch {
    return false;
  }
}

/**
 * Puts the previous site back when a build was killed in the middle of `swapIn`, after moving the
 * output folder aside and before moving the new site in: the output folder is missing, and the
 * site it held is whole in `.<output>.old-<pid>-*` (only such a swap leaves one: folders are renamed
 * to `.trash-` before they are removed). Run by a build that holds the lock, before it writes.
 * Gives the folder it restored from.
 */
export async function restoreInterrupted(outputFolder: string): Promise<string | undefined> {
  if (await lstat(outputFolder).then(() => true, () => false)) return undefined;
  const parent = path.dirname(outputFolder);
  const prefix = `.${path.basename(outputFolder)}.old-`;
  const names = await readdir(parent).catch(() => [] as string[]);
  const found: { folder: string; changed: number }[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length)) : null;
    if (!match || isRunning(Number(match[1]))) continue;
    const folder = path.join(parent, name);
    const info = await lstat(folder).catch(() => undefined);
    // The rename that moved it aside set its ctime: with several, the last one moved aside was the site.
    if (info?.isDirectory()) found.push({ folder, changed: info.ctimeMs });
  }
  const latest = found.sort((a, b) => b.changed - a.changed)[0];
  if (latest === undefined) return undefined;
  await rename(latest.folder, outputFolder);
  return latest.folder;
}

async function swapIn(staging: string, outputFolder: string, previous: string): Promise<void> {
  const exists = await stat(outputFolder).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await rename(staging, outputFolder);
    removeInBackground(leftoverFolders(outputFolder));
    return;
  }
  await rename(outputFolder, previous);
  try {
    await rename(staging, outputFolder);
  } catch (error) {
    await rename(previous, outputFolder);
    throw error;
  }
  // The new site is in place. The old one is kept as the spare that the next build brings up to
  // date; one that cannot be kept is garbage, removed without making the build wait.
  let kept = false;
  try {
    renameSync(previous, spareFolder(outputFolder));
    kept = true;
  } catch {
    // A spare is there already (left by a build that did not take it): the old site goes.
  }
  removeInBackground([...(kept ? [] : [previous]), ...leftoverFolders(outputFolder)]);
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
