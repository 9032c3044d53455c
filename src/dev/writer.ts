import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFile } from '../pages.js';
import type { OutputPlan } from '../write.js';

const SYNC_WRITES = 8;

/** What files were before a write, by output path, to put them back: no contents means there was no file. */
export type Undo = Map<string, { contents: string | undefined; signature: Signature | undefined }>;

/** What a written file holds: its length and content hash, or a copied file's size and time. */
type Signature = { length: number; hash: (contents: string) => string } | { copied: string };

const hashOf = (contents: string) => createHash('sha1').update(contents).digest('base64');

/** The hash of what was written, computed the first time it is needed. */
function lazyHash(contents: string): (unused: string) => string {
  let hash: string | undefined;
  let kept: string | undefined = contents;
  return () => {
    if (hash === undefined) {
      hash = hashOf(kept!);
      kept = undefined;
    }
    return hash;
  };
}

/**
 * Writes `podsite dev`'s private output folder in place: only files whose content changed are
 * written, and files no longer generated are removed. (A production build swaps a whole new
 * folder in instead, so that a published site is never half-written.)
 */
export class IncrementalWriter {
  private readonly written = new Map<string, Signature>();
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
      const length = Buffer.byteLength(file.contents);
      // A different length needs no hash to tell that the content changed (a 40 MB feed, say);
      // the hash is then made only when a later file of the same length asks for it.
      const sameLength = previous !== undefined && 'length' in previous && previous.length === length;
      if (sameLength && previous.hash(file.contents) === hashOf(file.contents)) continue;
      if (undo !== undefined && !undo.has(file.path)) undo.set(file.path, { contents: this.readNow(file.path), signature: previous });
      this.written.set(file.path, { length, hash: lazyHash(file.contents) });
      changed.push(file.path);
      // A few pages (a save) are written at once, without waiting in the thread pool behind a watcher.
      if (changed.length <= SYNC_WRITES) this.putNow(file.path, file.contents);
      else jobs.push(this.put(file.path, (target) => writeFile(target, file.contents)));
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

  private putNow(relative: string, contents: string): void {
    const target = path.join(this.folder, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, contents);
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

  private async put(relative: string, write: (target: string) => Promise<void>): Promise<void> {
    const target = path.join(this.folder, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await write(target);
  }
}
