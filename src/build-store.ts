import { createHash, randomBytes } from 'node:crypto';
import { podsiteManifest } from './manifest.js';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { RenderedNotes } from './markdown.js';
import type { StringSpill } from './notes-spill.js';

/**
 * Bumped whenever the shape of an entry, or what the Markdown stage makes of the same text, changes
 * without the package version changing (during development, between releases).
 */
export const STORE_FORMAT = 1;

/** The files are split by the first hex digit of an entry's hash: one edit rewrites one or two of them. */
const SHARDS = 16;

interface ShardFile {
  format: number;
  podsiteVersion: string;
  key: string;
  /** [sha256 of the episode file, its notes]. */
  entries: [string, RenderedNotes][];
}

export interface StoreOptions {
  /** The cache folder (`.podsite-cache/` beside the settings file by default). */
  folder: string;
  /** Everything besides an episode's own text that could change its notes: settings, people, options. */
  key: string;
  /** How to name the cache's files in diagnostics (relative to the project). */
  displayFolder: string;
  /** Where the notes read wait until used, when the build streams its output: not all in memory at once. */
  spill?: StringSpill;
}

/**
 * Rendered notes kept between runs of `podsite build`, by the hash of the episode file they were
 * made from, so that an unchanged episode is never rendered again. Only a shortcut: any file that
 * is unreadable, truncated or written by another version is ignored with a warning, and the
 * folder may be deleted at any time.
 */
export class BuildStore {
  private readonly shards: Map<string, RenderedNotes>[] = Array.from({ length: SHARDS }, () => new Map());
  private readonly used: Map<string, RenderedNotes>[] = Array.from({ length: SHARDS }, () => new Map());
  /** Shards whose file no longer says what `used` holds, so must be written on save. */
  private readonly stale = new Set<number>();
  /** Hashes of the texts looked up, so that keeping a text after its lookup does not hash it again. */
  private readonly hashes = new Map<string, string>();
  private rememberHashes = true;

  private constructor(
    private readonly options: StoreOptions,
    private readonly version: string,
  ) {}

  /** Reads every shard; the diagnostics say which files were ignored and why. */
  static async open(options: StoreOptions): Promise<{ store: BuildStore; diagnostics: Diagnostic[] }> {
    const store = new BuildStore(options, podsiteVersion());
    const diagnostics: Diagnostic[] = [];
    // One shard after the other: read together, the texts of all of them (280 MB for 20,000 episodes) would be in memory at once.
    for (let index = 0; index < SHARDS; index++) {
      const problem = await store.readShard(index);
      if (problem === undefined) continue;
      store.stale.add(index);
      diagnostics.push(
        diagnostic(
          `${options.displayFolder}/${shardName(index)}`,
          { line: 0, column: 0 },
          'cache-ignored',
          `the build cache file is ${problem}: ignored, its episodes are rendered again`,
          'nothing to do: the file is written anew after this build (deleting .podsite-cache/ is always safe)',
        ),
      );
    }
    return { store, diagnostics };
  }

  /** The notes made earlier from exactly this file text under the same settings. */
  get(text: string): RenderedNotes | undefined {
    const hash = this.hashOf(text);
    const index = shardOf(hash);
    return this.shards[index]!.get(hash);
  }

  /** Records the notes of a file of this build; a file not recorded is dropped on save. */
  keep(text: string, notes: RenderedNotes): void {
    const hash = this.hashOf(text);
    const index = shardOf(hash);
    if (!this.shards[index]!.has(hash)) this.stale.add(index);
    this.used[index]!.set(hash, notes);
  }

  /** The SHA-256 of a file's text, worked out once per text. */
  hashOf(text: string): string {
    let hash = this.hashes.get(text);
    if (hash === undefined) {
      hash = hashText(text);
      if (this.rememberHashes) this.hashes.set(text, hash);
    }
    return hash;
  }

  /**
   * Lets go of the texts hashed so far, which would otherwise stay in memory as the keys of their
   * hashes, and remembers no more: a build that spills the texts reads each anew when it needs it.
   */
  forgetTexts(): void {
    this.hashes.clear();
    this.rememberHashes = false;
  }

  /**
   * Writes the shards that changed, each through a temporary file renamed into place, so that a
   * build killed halfway or a build running at the same time never sees half of a file. A store
   * that cannot be written only costs time at the next build.
   */
  async save(): Promise<void> {
    for (let index = 0; index < SHARDS; index++) {
      // Entries of files gone (or of an earlier version of a file) are dropped.
      if (this.used[index]!.size !== this.shards[index]!.size) this.stale.add(index);
    }
    if (this.stale.size === 0) return;
    const { folder } = this.options;
    try {
      await mkdir(folder, { recursive: true });
      // Keeps the cache out of the show's own repository, whatever its .gitignore says.
      await writeFile(path.join(folder, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
    } catch {
      return;
    }
    // One shard after the other, as they are read: each is a large string while it is written.
    for (const index of [...this.stale].sort((a, b) => a - b)) {
      const file = path.join(folder, shardName(index));
      const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      const entries = [...this.used[index]!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const shard: ShardFile = { format: STORE_FORMAT, podsiteVersion: this.version, key: this.options.key, entries };
      try {
        await writeFile(temporary, JSON.stringify(shard));
        await rename(temporary, file);
      } catch {
        await rm(temporary, { force: true }).catch(() => undefined);
      }
    }
    for (let index = 0; index < SHARDS; index++) this.shards[index] = new Map(this.used[index]);
    this.stale.clear();
  }

  /** Loads one shard; says what is wrong with it when it cannot be trusted. */
  private async readShard(index: number): Promise<string | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.options.folder, shardName(index)), 'utf8');
    } catch (error) {
      // A missing file is a cold start, not a problem.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return `unreadable (${(error as Error).message})`;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'not valid JSON (perhaps cut short)';
    }
    if (!isRecord(parsed) || parsed.format === undefined || !Array.isArray(parsed.entries)) return 'not a podsite build cache';
    if (parsed.format !== STORE_FORMAT || parsed.podsiteVersion !== this.version) {
      return `from another version of podsite (${String(parsed.podsiteVersion)}, format ${String(parsed.format)}; this is ${this.version}, format ${STORE_FORMAT})`;
    }
    // Other settings, people or options: an ordinary change, which makes every entry stale but is no problem.
    if (parsed.key !== this.options.key) {
      this.stale.add(index);
      return undefined;
    }
    const shard = new Map<string, RenderedNotes>();
    for (const entry of parsed.entries as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !isNotes(entry[1])) return 'damaged (an entry has the wrong shape)';
      const [hash, notes] = entry as [string, RenderedNotes];
      // An entry filed under the wrong shard was not written by this code: it is not trusted.
      if (!/^[0-9a-f]{64}$/.test(hash) || shardOf(hash) !== index) return 'damaged (an entry has a wrong hash)';
      shard.set(hash, this.options.spill?.putNotes(notes) ?? notes);
    }
    this.shards[index] = shard;
    return undefined;
  }
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function shardOf(hash: string): number {
  return Number.parseInt(hash[0]!, 16) % SHARDS;
}

function shardName(index: number): string {
  return `notes-${index.toString(16)}.json`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlace(value: unknown, field: 'name' | 'url'): boolean {
  return isRecord(value) && typeof value[field] === 'string' && typeof value.line === 'number' && typeof value.column === 'number';
}

function isNotes(value: unknown): value is RenderedNotes {
  return (
    isRecord(value) &&
    typeof value.html === 'string' &&
    typeof value.text === 'string' &&
    Array.isArray(value.unknownTags) &&
    value.unknownTags.every((tag) => isPlace(tag, 'name')) &&
    Array.isArray(value.remoteMedia) &&
    value.remoteMedia.every((media) => isPlace(media, 'url'))
  );
}

let version: string | undefined;
/**
 * The package's version and the exact versions of its dependencies (remark and its plugins among
 * them): upgrading any of them may change the HTML made from the same Markdown.
 */
export function podsiteVersion(): string {
  if (version === undefined) {
    const manifest = podsiteManifest();
    const dependencies = Object.entries(manifest.dependencies ?? {})
      .map(([name, range]) => `${name}@${range}`)
      .join(',');
    version = `${manifest.version}+${hashText(dependencies).slice(0, 12)}`;
  }
  return version;
}
