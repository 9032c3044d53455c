import { createHash } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { SourceFile } from './load.js';
import { saveStoreFile } from './store-file.js';

/** Bumped whenever the file's shape, or what a known file is trusted for, changes. */
const KNOWN_FILES_FORMAT = 1;

const FILE_NAME = 'files.json';

/**
 * Files changed this long before their stats were taken, or later, are read again: a second write
 * within the same tick of the file system's clock, of the same size, would otherwise look unchanged
 * (git's "racily clean" files). A second covers the coarsest clocks in use.
 */
export const RACY_WINDOW_MS = 1000;

/**
 * One episode file as the last build read it: its stats, then the SHA-256 and the length (in UTF-16
 * code units) of its text, and when its stats were taken.
 */
type KnownFile = [path: string, size: number, mtimeMs: number, ctimeMs: number, inode: number, device: number, hash: string, length: number, observedAt: number];

interface StoredFiles {
  format: number;
  key: string;
  files: KnownFile[];
}

export interface KnownFilesOptions {
  folder: string;
  /** What a file passed besides its bytes when it was read: the podsite version and the input limits. */
  key: string;
  displayFolder: string;
}

/**
 * A file whose text is known from the last build: its hash and length, its text read at each use
 * and checked against the hash it was trusted for. A file saved meanwhile gives its new text, and
 * `changed` is told (the build must stop). Each read is counted, for `--verbose`. A class of its own rather than a WeakMap of sources:
 * thousands of WeakMap entries a build showed in profiles.
 */
class SourceOnDisk implements SourceFile {
  constructor(
    readonly file: string,
    readonly absolutePath: string,
    readonly hash: string,
    readonly length: number,
    private readonly known: { changed: Set<string>; readLater: Set<string> },
  ) {}

  get text(): string {
    this.known.readLater.add(this.file);
    let text: string;
    try {
      text = readFileSync(this.absolutePath, 'utf8');
    } catch {
      this.known.changed.add(this.file);
      return '';
    }
    if (createHash('sha256').update(text).digest('hex') !== this.hash) this.known.changed.add(this.file);
    return text;
  }
}

/**
 * The episode files the last build read, by their stats: a file whose size, times, inode and device
 * are the same, and that had not changed for a while when they were taken, still has the text that
 * build hashed. A build after one edit then reads one file, not thousands, and the notes, parse and
 * search stores find the others by the hash kept here. Only a shortcut: a file that cannot be read
 * or is not in this format is ignored with a warning, and deleting it costs one read of each file.
 */
export class KnownFiles {
  /** Files read or trusted by this build, for the next one. */
  private readonly seen = new Map<string, KnownFile | { file: SourceFile; stats: Stats; length: number; observedAt: number }>();
  /** Files trusted by their stats whose text turned out otherwise when read: the build must stop. */
  readonly changed = new Set<string>();
  /** Files trusted by their stats whose text something read after all (a note not in the cache, a diagnostic). */
  readonly readLater = new Set<string>();

  private constructor(
    private readonly options: KnownFilesOptions,
    private readonly known: Map<string, KnownFile>,
  ) {}

  static open(options: KnownFilesOptions): { known: KnownFiles; diagnostics: Diagnostic[] } {
    let text: string;
    try {
      text = readFileSync(path.join(options.folder, FILE_NAME), 'utf8');
    } catch {
      return { known: new KnownFiles(options, new Map()), diagnostics: [] };
    }
    let stored: Partial<StoredFiles> | null = null;
    try {
      stored = JSON.parse(text) as Partial<StoredFiles> | null;
    } catch {
      // Reported below.
    }
    if (stored === null || typeof stored !== 'object' || !Array.isArray(stored.files) || !stored.files.every(isKnownFile)) {
      return {
        known: new KnownFiles(options, new Map()),
        diagnostics: [
          diagnostic(`${options.displayFolder}/${FILE_NAME}`, { line: 0, column: 0 }, 'cache-ignored', 'the build cache file is not a list of episode files podsite can read: ignored, every episode file is read again', 'nothing to do: the file is written anew after this build (deleting .podsite-cache/ is always safe)'),
        ],
      };
    }
    const known = new Map<string, KnownFile>();
    // Another podsite or other input limits: every file is read again, which is no problem.
    if (stored.format === KNOWN_FILES_FORMAT && stored.key === options.key) for (const file of stored.files) known.set(file[0], file);
    return { known: new KnownFiles(options, known), diagnostics: [] };
  }

  /**
   * The file at `absolutePath` as a source whose text is read from disk when asked, when its stats
   * say it is the file the last build read. Otherwise the stats, taken before the caller reads the
   * file, and when they were taken, for `read`. `taken`: stats taken earlier by this build, before
   * it read any file.
   */
  lookup(file: string, absolutePath: string, taken?: { stats: ReadonlyMap<string, Stats>; observedAt: number }): { source: SourceFile } | { stats: Stats | undefined; observedAt: number } {
    // Taken by the walk that fingerprints the inputs, before this build read anything, when it found the file.
    const given = taken?.stats.get(absolutePath);
    const observedAt = given === undefined ? Date.now() : taken!.observedAt;
    const stats = given ?? statSync(absolutePath, { throwIfNoEntry: false });
    const known = this.known.get(absolutePath);
    if (stats === undefined || known === undefined || !sameStats(known, stats) || !settled(known)) return { stats, observedAt };
    this.seen.set(absolutePath, known);
    this.trusted++;
    return { source: new SourceOnDisk(file, absolutePath, known[6], known[7], this) };
  }

  /** A file this build read itself, with the stats taken before the read, for the next build. */
  read(source: SourceFile, stats: Stats, observedAt: number): void {
    // Its length now: by the time the store is saved, the text may wait in the spill.
    this.seen.set(source.absolutePath, { file: source, stats, length: source.text.length, observedAt });
  }

  /** How many episode files the last build left known. */
  get size(): number {
    return this.known.size;
  }

  /** Episode files taken as the last build read them, without reading them. */
  trusted = 0;

  /** Files trusted by their stats but found changed when read: the build stops rather than mix two versions of them. */
  changedDiagnostics(): Diagnostic[] {
    return [...this.changed].map((file) =>
      diagnostic(file, { line: 1, column: 1 }, 'unreadable-file', 'this file changed while podsite was building the site, so nothing was written', 'build again once the file is saved'),
    );
  }

  /**
   * Writes the files of this build through a temporary file renamed into place, unless they are the
   * very records the last build left (every file trusted by its stats, none added or gone): a build
   * that changed no episode file (a template, a setting of the theme) then writes nothing here.
   * `hashOf` gives the hash of a file read.
   */
  async save(hashOf: (file: SourceFile) => string): Promise<void> {
    if (this.asLastBuildLeft()) return;
    const files: KnownFile[] = [];
    for (const [absolutePath, seen] of this.seen) {
      if (Array.isArray(seen)) files.push(seen);
      else {
        const { file, stats, length, observedAt } = seen;
        files.push([absolutePath, stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, stats.dev, hashOf(file), length, observedAt]);
      }
    }
    files.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const stored: StoredFiles = { format: KNOWN_FILES_FORMAT, key: this.options.key, files };
    await saveStoreFile(this.options.folder, FILE_NAME, JSON.stringify(stored));
  }

  /** Whether the files of this build are those the last build left, each record the one it read (none when the file was missing, damaged or of another key: it is written). */
  private asLastBuildLeft(): boolean {
    if (this.known.size === 0 || this.seen.size !== this.known.size) return false;
    for (const [absolutePath, seen] of this.seen) if (seen !== this.known.get(absolutePath)) return false;
    return true;
  }
}

/** The hash of a file whose text stays on disk until asked for, as the last build found it. */
export function knownHashOf(file: object): string | undefined {
  return file instanceof SourceOnDisk ? file.hash : undefined;
}

/** Whether the file's text stays on disk: holding or spilling it would read it for nothing. */
export function isOnDisk(file: object): boolean {
  return file instanceof SourceOnDisk;
}

/** The length of a file's text, read only when it is not known. */
export function textLengthOf(file: SourceFile): number {
  return file instanceof SourceOnDisk ? file.length : file.text.length;
}

/** The end of a file's text from `from`, or, for a file whose text stays on disk, how to read it. */
export function textFrom(file: SourceFile, from: number): string | (() => string) {
  return file instanceof SourceOnDisk ? () => file.text.slice(from) : file.text.slice(from);
}

function sameStats(known: KnownFile, stats: Stats): boolean {
  return known[1] === stats.size && known[2] === stats.mtimeMs && known[3] === stats.ctimeMs && known[4] === stats.ino && known[5] === stats.dev;
}

/**
 * Written well before its stats were taken: a later write could not share its modification time.
 * (A change of status alone, such as `touch -d`, leaves the bytes as they were: any write after it
 * gives a new modification time.)
 */
function settled(known: KnownFile): boolean {
  return known[2] < known[8] - RACY_WINDOW_MS;
}

/** Field by field, with no array or function made for each of thousands of files (a build after an edit opens this list first). */
function isKnownFile(value: unknown): value is KnownFile {
  if (!Array.isArray(value) || value.length !== 9) return false;
  for (let index = 0; index < 9; index++) if (typeof value[index] !== (index === 0 || index === 6 ? 'string' : 'number')) return false;
  return true;
}
