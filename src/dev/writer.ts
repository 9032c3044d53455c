import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writevSync } from 'node:fs';
import { copyFile, mkdir, open, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeedParts } from '../feed-check.js';
import type { OutputFile } from '../pages.js';
import type { OutputPlan } from '../write.js';

const SYNC_WRITES = 8;

/** What files were before a write, by output path, to put them back: no contents means there was no file. */
export type Undo = Map<string, { contents: string | undefined; signature: Signature | undefined }>;

/**
 * What a written file holds: its length and content hash, or a copied file's size and time. A file
 * written in pieces keeps them, to be compared piece by piece with the next one.
 */
type Signature = { length: number; hash: () => string; pieces?: readonly string[] } | { copied: string };

/** The text of a generated file, or its pieces when it was made of them (the feed), so that it is never joined. */
type Contents = string | { pieces: readonly string[]; bytes: Buffer[]; kept?: number };

function hashOf(contents: Contents): string {
  const hash = createHash('sha1');
  if (typeof contents === 'string') hash.update(contents);
  else for (const bytes of contents.bytes) hash.update(bytes);
  return hash.digest('base64');
}

/** The hash of what was written, computed the first time it is needed. */
function lazyHash(contents: Contents): () => string {
  let hash: string | undefined;
  let kept: Contents | undefined = contents;
  return () => {
    if (hash === undefined) {
      hash = hashOf(kept!);
      kept = undefined;
    }
    return hash;
  };
}

/** The feed's parts in file order. */
function piecesOf(file: OutputFile): readonly string[] | undefined {
  const parts = (file as { parts?: FeedParts }).parts;
  if (parts === undefined) return undefined;
  const pieces = [parts.around[0]!];
  for (let index = 0; index < parts.items.length; index++) pieces.push(parts.items[index]!, parts.around[index + 1]!);
  return pieces;
}

/** How many pieces at the start of two files are the same: on disk, what comes before the first that is not stays as it is. */
function samePrefix(before: readonly string[], after: readonly string[]): number {
  let index = 0;
  while (index < before.length && index < after.length && before[index] === after[index]) index++;
  return index;
}

/**
 * What to write of a file in pieces: the file as last written holds the first `kept` pieces
 * already, so only the rest is written from `offset` (an edit in the middle of a 40 MB feed writes
 * half of it), and the file is cut to its new `length`.
 */
function tailOf({ bytes, kept = 0 }: Exclude<Contents, string>): { offset: number; rest: Buffer[]; length: number } {
  let offset = 0;
  for (let index = 0; index < kept; index++) offset += bytes[index]!.length;
  const rest = bytes.slice(kept);
  return { offset, rest, length: rest.reduce((sum, piece) => sum + piece.length, offset) };
}

/** Whether two files cut at the same places hold the same text: undefined when they are cut differently. */
function samePieces(before: readonly string[], after: readonly string[]): boolean | undefined {
  if (before.length !== after.length) return undefined;
  for (let index = 0; index < after.length; index++) if (before[index]!.length !== after[index]!.length) return undefined;
  for (let index = 0; index < after.length; index++) if (before[index] !== after[index]) return false;
  return true;
}

/**
 * Writes `podsite dev`'s private output folder in place: only files whose content changed are
 * written, and files no longer generated are removed. (A production build swaps a whole new
 * folder in instead, so that a published site is never half-written.)
 */
export class IncrementalWriter {
  private readonly written = new Map<string, Signature>();
  /** The bytes of each piece of the files written in pieces, by path: a save re-encodes only the item it changed. */
  private readonly pieceBytes = new Map<string, Map<string, Buffer>>();
  private started = false;

  constructor(private readonly folder: string) {}

  /**
   * Writes generated files whose content changed; `fresh` lists those that may have changed
   * (all of them when absent). Returns the paths written.
   */
  async writeFiles(files: readonly OutputFile[], fresh?: ReadonlySet<string>, undo?: Undo): Promise<string[]> {
    await this.start();
    const changed: string[] = [];
    const jobs: Promise<void>[] = [];
    for (const file of files) {
      const previous = this.written.get(file.path);
      if (fresh !== undefined && !fresh.has(file.path) && previous !== undefined) continue;
      const pieces = piecesOf(file);
      const contents: Contents = pieces === undefined ? file.contents : { pieces, bytes: this.encode(file.path, pieces) };
      const length = typeof contents === 'string' ? Buffer.byteLength(contents) : contents.bytes.reduce((sum, bytes) => sum + bytes.length, 0);
      // A different length needs no hash to tell that the content changed (a 40 MB feed, say);
      // the hash is then made only when a later file of the same length asks for it.
      const sameLength = previous !== undefined && 'length' in previous && previous.length === length;
      if (sameLength) {
        const unchanged = (pieces && previous.pieces && samePieces(previous.pieces, pieces)) ?? previous.hash() === hashOf(contents);
        if (unchanged) continue;
      }
      if (undo !== undefined && !undo.has(file.path)) undo.set(file.path, { contents: this.readNow(file.path), signature: previous });
      if (typeof contents !== 'string' && previous !== undefined && 'length' in previous && previous.pieces !== undefined) {
        contents.kept = samePrefix(previous.pieces, contents.pieces);
      }
      this.written.set(file.path, { length, hash: lazyHash(contents), ...(pieces && { pieces }) });
      changed.push(file.path);
      // A few pages (a save) are written at once, without waiting in the thread pool behind a watcher.
      if (changed.length <= SYNC_WRITES) this.putNow(file.path, contents);
      else jobs.push(this.put(file.path, contents));
    }
    await Promise.all(jobs);
    return changed;
  }

  /** Puts back the files as `undo` recorded them before they were written. Returns the paths written or removed. */
  restore(undo: Undo): string[] {
    for (const [relative, { contents, signature }] of undo) {
      if (contents === undefined) rmSync(path.join(this.folder, relative), { force: true });
      else this.putNow(relative, contents);
      if (signature === undefined) this.written.delete(relative);
      else this.written.set(relative, signature);
    }
    return [...undo.keys()];
  }

  private readNow(relative: string): string | undefined {
    try {
      return readFileSync(path.join(this.folder, relative), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** The bytes of each piece: those of the last write of the file are reused, the others encoded. */
  private encode(relative: string, pieces: readonly string[]): Buffer[] {
    const before = this.pieceBytes.get(relative);
    const now = new Map<string, Buffer>();
    const bytes = pieces.map((piece) => {
      let encoded = now.get(piece) ?? before?.get(piece);
      if (encoded === undefined) encoded = Buffer.from(piece);
      now.set(piece, encoded);
      return encoded;
    });
    this.pieceBytes.set(relative, now);
    return bytes;
  }

  private putNow(relative: string, contents: Contents): void {
    const target = path.join(this.folder, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    if (typeof contents === 'string') {
      writeFileSync(target, contents);
      return;
    }
    const { offset, rest, length } = tailOf(contents);
    const handle = offset > 0 && existsSync(target) ? openSync(target, 'r+') : openSync(target, 'w');
    try {
      if (offset > 0) {
        writevSync(handle, rest, offset);
        ftruncateSync(handle, length);
      } else writevSync(handle, contents.bytes);
    } finally {
      closeSync(handle);
    }
  }

  /** Writes the whole plan: generated files as above, copies whose source changed, and removes the rest. */
  async write(plan: OutputPlan, fresh?: ReadonlySet<string>): Promise<string[]> {
    const changed = await this.writeFiles(plan.files, fresh);
    const present = new Set([...plan.files.map((file) => file.path), ...plan.copies.map((copy) => copy.sitePath)]);
    const copies = await Promise.all(plan.copies.map(async (copy) => ({ copy, info: await stat(copy.absolutePath) })));
    const jobs: Promise<void>[] = [];
    for (const { copy, info } of copies) {
      const signature = `${info.size}:${info.mtimeMs}`;
      const previous = this.written.get(copy.sitePath);
      if (previous !== undefined && 'copied' in previous && previous.copied === signature) continue;
      this.written.set(copy.sitePath, { copied: signature });
      changed.push(copy.sitePath);
      jobs.push(this.put(copy.sitePath, (target) => copyFile(copy.absolutePath, target)));
    }
    await Promise.all(jobs);
    for (const relative of [...this.written.keys()]) {
      if (present.has(relative)) continue;
      this.written.delete(relative);
      this.pieceBytes.delete(relative);
      changed.push(relative);
      await unlink(path.join(this.folder, relative)).catch(() => undefined);
    }
    return changed;
  }

  private async start(): Promise<void> {
    if (this.started) return;
    // A folder left by an earlier session may hold anything: start from nothing.
    await rm(this.folder, { recursive: true, force: true });
    this.started = true;
  }

  private async put(relative: string, write: Contents | ((target: string) => Promise<void>)): Promise<void> {
    const target = path.join(this.folder, relative);
    await mkdir(path.dirname(target), { recursive: true });
    if (typeof write === 'function') return write(target);
    if (typeof write === 'string') return writeFile(target, write);
    const { offset, rest, length } = tailOf(write);
    const handle = offset > 0 && existsSync(target) ? await open(target, 'r+') : await open(target, 'w');
    try {
      if (offset > 0) {
        await handle.writev(rest, offset);
        await handle.truncate(length);
      } else await handle.writev(write.bytes);
    } finally {
      await handle.close();
    }
  }
}
