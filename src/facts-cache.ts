import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The folder beside the settings file where facts learnt about audio are kept between builds. */
export const CACHE_FOLDER = '.podsite-cache';

/**
 * A JSON file of entries by key, kept between builds so that what was learnt once (an audio file's
 * duration, a host's answer) is not learnt again. Deleting it is always safe: it only costs time.
 */
export class FactsCache<T> {
  private entries = new Map<string, T>();
  private changed = false;

  private constructor(
    private readonly file: string,
    /** Changes when the shape of the entries does, so an old file is ignored rather than misread. */
    private readonly version: number,
  ) {}

  /** Reads the file; a missing, unreadable or foreign file is an empty cache. */
  static async open<T>(file: string, version: number): Promise<FactsCache<T>> {
    const cache = new FactsCache<T>(file, version);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown; entries?: unknown };
      if (parsed.version === version && typeof parsed.entries === 'object' && parsed.entries !== null) {
        cache.entries = new Map(Object.entries(parsed.entries as Record<string, T>));
      }
    } catch {
      // A cache is only ever a shortcut: without it, the facts are learnt again.
    }
    return cache;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: T): void {
    this.entries.set(key, value);
    this.changed = true;
  }

  /**
   * Writes the file when something changed, through a temporary file so that a build running at
   * the same time never reads half of it. A cache that cannot be written is only a lost shortcut.
   */
  async save(): Promise<void> {
    if (!this.changed) return;
    const sorted = Object.fromEntries([...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const temporary = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      const folder = path.dirname(this.file);
      await mkdir(folder, { recursive: true });
      // Keeps the cache out of the show's own repository, whatever its .gitignore says.
      await writeFile(path.join(folder, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
      await writeFile(temporary, `${JSON.stringify({ version: this.version, entries: sorted }, null, 1)}\n`);
      await rename(temporary, this.file);
      this.changed = false;
    } catch {
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }
}
