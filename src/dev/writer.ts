import { createHash } from 'node:crypto';
import { copyFile, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputPlan } from '../write.js';

/**
 * Writes `podsite dev`'s private output folder in place: only files whose content changed are
 * written, and files no longer generated are removed. (A production build swaps a whole new
 * folder in instead, so that a published site is never half-written.)
 */
export class IncrementalWriter {
  /** What each written file holds: a content hash, or a copied file's size and time. */
  private readonly written = new Map<string, string>();
  private started = false;

  constructor(private readonly folder: string) {}

  /** Writes what changed; `fresh` lists generated files that may have changed (all, when absent). Returns the paths written or removed. */
  async write(plan: OutputPlan, fresh?: ReadonlySet<string>): Promise<string[]> {
    if (!this.started) {
      await rm(this.folder, { recursive: true, force: true });
      this.started = true;
    }
    const changed: string[] = [];
    const present = new Set<string>();
    const jobs: Promise<void>[] = [];
    const put = (relative: string, signature: string, job: (target: string) => Promise<void>) => {
      present.add(relative);
      if (this.written.get(relative) === signature) return;
      this.written.set(relative, signature);
      changed.push(relative);
      const target = path.join(this.folder, relative);
      jobs.push(mkdir(path.dirname(target), { recursive: true }).then(() => job(target)));
    };
    for (const file of plan.files) {
      if (fresh !== undefined && !fresh.has(file.path) && this.written.has(file.path)) {
        present.add(file.path);
        continue;
      }
      const hash = createHash('sha1').update(file.contents).digest('base64');
      put(file.path, hash, (target) => writeFile(target, file.contents));
    }
    const copies = await Promise.all(plan.copies.map(async (copy) => ({ copy, info: await stat(copy.absolutePath) })));
    for (const { copy, info } of copies) {
      put(copy.sitePath, `${info.size}:${info.mtimeMs}`, (target) => copyFile(copy.absolutePath, target));
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
}
