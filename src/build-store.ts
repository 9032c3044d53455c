import { randomBytes } from 'node:crypto';
import { digestOfText } from './digest.js';
import { podsiteManifest } from './manifest.js';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { RenderedNotes } from './markdown.js';
import { deserialize, serialize } from 'node:v8';
import { knownHashOf } from './known-files.js';
import { encodedString, PlaceReader, readPlace, SpilledNotes, type Place, type StringSource } from './notes-spill.js';
import { runsOf, withHeader, writePieces, type FilePiece } from './v8-store.js';

/**
 * Bumped whenever the shape of an entry, or what the Markdown stage makes of the same text, changes
 * without the package version changing (during development, between releases).
 */
export const STORE_FORMAT = 2;

/** The files are split by the first hex digit of an entry's hash: one edit rewrites one or two of them. */
const SHARDS = 16;

/**
 * What a shard file says of one entry, in its header: [sha256 of the episode file, where its HTML
 * and its text are in the file (first byte and length), whether each is UTF-16 rather than UTF-8
 * (bit 1 the HTML, bit 2 the text), its unknown tags, its remote media, how it nests too deep, the
 * digest of its text].
 */
type KeptNotes = [string, number, number, number, number, number, RenderedNotes['unknownTags'], RenderedNotes['remoteMedia'], RenderedNotes['tooDeep'] | null, string];

/** The header of a shard file; the notes' bytes follow it. */
interface ShardHeader {
  format: number;
  podsiteVersion: string;
  key: string;
  /** How many bytes of notes follow the header: a file cut short is found by its size. */
  payloadBytes: number;
  entries: KeptNotes[];
}

/** Bytes of the number that gives the length of the header, at the start of a shard file. */
const LENGTH_BYTES = 4;

export interface StoreOptions {
  /** The cache folder (`.podsite-cache/` beside the settings file by default). */
  folder: string;
  /** Everything besides an episode's own text that could change its notes: settings, people, options. */
  key: string;
  /** How to name the cache's files in diagnostics (relative to the project). */
  displayFolder: string;
}

/**
 * Rendered notes kept between runs of `podsite build`, by the hash of the episode file they were
 * made from, so that an unchanged episode is never rendered again. Only a shortcut: any file that
 * is unreadable, truncated or written by another version is ignored with a warning, and the
 * folder may be deleted at any time.
 *
 * Opening the store reads only the headers of its files: each note's HTML and text stay on disk
 * until a page or feed item that changed asks for them, so a build that renders one episode of
 * thousands neither reads nor holds the notes of the others (60 MB at 4,000 episodes).
 */
export class BuildStore {
  private readonly shards: Map<string, RenderedNotes>[] = Array.from({ length: SHARDS }, () => new Map());
  private readonly used: Map<string, RenderedNotes>[] = Array.from({ length: SHARDS }, () => new Map());
  /** Shards whose file no longer says what `used` holds, so must be written on save. */
  private readonly stale = new Set<number>();
  /** The hash of each file's text, by the object that holds the text: its text may since have moved to the spill. */
  private readonly hashes = new WeakMap<object, string>();

  private constructor(
    private readonly options: StoreOptions,
    private readonly version: string,
  ) {}

  /** Reads the header of every shard; the diagnostics say which files were ignored and why. */
  static async open(options: StoreOptions): Promise<{ store: BuildStore; diagnostics: Diagnostic[] }> {
    const store = new BuildStore(options, podsiteVersion());
    const diagnostics: Diagnostic[] = [];
    for (let index = 0; index < SHARDS; index++) {
      const problem = store.readShard(index);
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
  get(file: { text: string }): RenderedNotes | undefined {
    const hash = this.hashOf(file);
    return this.shards[shardOf(hash)]!.get(hash);
  }

  /** Records the notes of a file of this build; a file not recorded is dropped on save. */
  keep(file: { text: string }, notes: RenderedNotes): void {
    const hash = this.hashOf(file);
    const index = shardOf(hash);
    if (!this.shards[index]!.has(hash)) this.stale.add(index);
    this.used[index]!.set(hash, notes);
  }

  /**
   * The SHA-256 of a file's text, worked out once per file: a build that spills the texts would
   * otherwise read each back from disk to hash it again.
   */
  hashOf(file: { text: string }): string {
    // Known from the last build: not kept a second time.
    const known = knownHashOf(file);
    if (known !== undefined) return known;
    let hash = this.hashes.get(file);
    if (hash === undefined) {
      hash = hashText(file.text);
      this.hashes.set(file, hash);
    }
    return hash;
  }

  /**
   * Writes the shards that changed, each through a temporary file renamed into place, so that a
   * build killed halfway or a build running at the same time never sees half of a file. A store
   * that cannot be written only costs time at the next build. A build still reading notes from the
   * file replaced reads them from the file it opened, which the rename does not touch.
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
    // One shard after the other: each is in memory while it is written.
    for (const index of [...this.stale].sort((a, b) => a - b)) {
      const file = path.join(folder, shardName(index));
      const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      const entries = [...this.used[index]!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      let handle: FileHandle | undefined;
      try {
        handle = await open(temporary, 'w');
        await writePieces(handle, this.shardPieces(entries));
        await handle.close();
        handle = undefined;
        await rename(temporary, file);
        // The notes of podsite before this format, a file each shard too: never read again.
        await rm(path.join(folder, `notes-${index.toString(16)}.json`), { force: true });
      } catch {
        await handle?.close().catch(() => undefined);
        await rm(temporary, { force: true }).catch(() => undefined);
      }
    }
    for (let index = 0; index < SHARDS; index++) this.shards[index] = new Map(this.used[index]);
    this.stale.clear();
  }

  /**
   * A shard file: its header, then the HTML and text of each entry. Notes read from a shard are
   * copied as bytes, not decoded, and those that follow each other in it (nearly all of them after
   * an edit: both files list the entries by hash) as one run, read a chunk at a time as the file is
   * written, rather than with a read and a buffer for each HTML and text. Notes made by this build
   * are in memory until the shard is written.
   */
  private shardPieces(entries: readonly [string, RenderedNotes][]): Iterable<FilePiece> {
    const pieces: FilePiece[] = [];
    const kept: KeptNotes[] = [];
    let at = 0;
    const place = (piece: FilePiece) => {
      const bytes = piece instanceof Uint8Array ? piece.length : piece.bytes;
      pieces.push(piece);
      at += bytes;
      return [at - bytes, bytes] as const;
    };
    for (const [hash, notes] of entries) {
      let html: readonly [number, number];
      let text: readonly [number, number];
      let encodings: number;
      if (notes instanceof StoredNotes) {
        const stored = notes.places();
        html = place({ source: stored.file, at: stored.html.at, bytes: stored.html.bytes });
        text = place({ source: stored.file, at: stored.text.at, bytes: stored.text.bytes });
        encodings = (stored.html.encoding === 'utf16le' ? 1 : 0) | (stored.text.encoding === 'utf16le' ? 2 : 0);
      } else {
        const htmlBytes = encodedString(notes.html);
        const textBytes = encodedString(notes.text);
        html = place(htmlBytes.bytes);
        text = place(textBytes.bytes);
        encodings = (htmlBytes.encoding === 'utf16le' ? 1 : 0) | (textBytes.encoding === 'utf16le' ? 2 : 0);
      }
      kept.push([hash, html[0], html[1], text[0], text[1], encodings, notes.unknownTags, notes.remoteMedia, notes.tooDeep ?? null, textDigest(notes)]);
    }
    const header: ShardHeader = { format: STORE_FORMAT, podsiteVersion: this.version, key: this.options.key, payloadBytes: at, entries: kept };
    return withHeader(serialize(header), runsOf(pieces));
  }

  /** Reads the header of one shard; says what is wrong with the file when it cannot be trusted. */
  private readShard(index: number): string | undefined {
    let fd: number;
    try {
      fd = openSync(path.join(this.options.folder, shardName(index)), 'r');
    } catch (error) {
      // A missing file is a cold start, not a problem.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return `unreadable (${(error as Error).message})`;
    }
    let keepOpen = false;
    try {
      const size = fstatSync(fd).size;
      if (size < LENGTH_BYTES) return 'cut short';
      const headerBytes = readPlace(fd, { at: 0, bytes: LENGTH_BYTES, encoding: 'utf8' }).readUInt32LE(0);
      if (LENGTH_BYTES + headerBytes > size) return 'cut short';
      let parsed: unknown;
      try {
        parsed = deserialize(readPlace(fd, { at: LENGTH_BYTES, bytes: headerBytes, encoding: 'utf8' }));
      } catch {
        return 'damaged (its header cannot be read)';
      }
      if (!isRecord(parsed) || parsed.format === undefined || !Array.isArray(parsed.entries) || typeof parsed.payloadBytes !== 'number') return 'not a podsite build cache';
      if (parsed.format !== STORE_FORMAT || parsed.podsiteVersion !== this.version) {
        return `from another version of podsite (${String(parsed.podsiteVersion)}, format ${String(parsed.format)}; this is ${this.version}, format ${STORE_FORMAT})`;
      }
      // Other settings, people or options: an ordinary change, which makes every entry stale but is no problem.
      if (parsed.key !== this.options.key) {
        this.stale.add(index);
        return undefined;
      }
      const payloadBytes = parsed.payloadBytes;
      if (LENGTH_BYTES + headerBytes + payloadBytes !== size) return 'cut short';
      const strings = new NotesFile(fd, LENGTH_BYTES + headerBytes);
      const shard = new Map<string, RenderedNotes>();
      for (const entry of parsed.entries as unknown[]) {
        if (!isKeptNotes(entry, payloadBytes)) return 'damaged (an entry has the wrong shape)';
        const [hash, htmlAt, htmlBytes, textAt, textBytes, encodings, unknownTags, remoteMedia, tooDeep, digest] = entry;
        // An entry filed under the wrong shard was not written by this code: it is not trusted.
        if (!SHA256_HEX.test(hash) || shardOf(hash) !== index) return 'damaged (an entry has a wrong hash)';
        const html: Place = { at: htmlAt, bytes: htmlBytes, encoding: encodings & 1 ? 'utf16le' : 'utf8' };
        const text: Place = { at: textAt, bytes: textBytes, encoding: encodings & 2 ? 'utf16le' : 'utf8' };
        shard.set(hash, new StoredNotes(strings, html, text, unknownTags, remoteMedia, tooDeep ?? undefined, digest));
      }
      this.shards[index] = shard;
      keepOpen = shard.size > 0;
      if (keepOpen) strings.keepOpen();
      return undefined;
    } catch (error) {
      return `unreadable (${(error as Error).message})`;
    } finally {
      if (!keepOpen) closeSync(fd);
    }
  }
}

/** A shard file, kept open while any of its notes may be read: closed once they are all let go. */
class NotesFile implements StringSource {
  private readonly reader: PlaceReader;

  constructor(
    readonly fd: number,
    /** Where the notes' bytes start, after the header. */
    private readonly start: number,
  ) {
    this.reader = new PlaceReader(fd);
  }

  /** Closes the file once none of its notes can be read any more; a file of no use is closed at once instead. */
  keepOpen(): void {
    notesFiles.register(this, this.fd);
  }

  read(place: Place): string {
    return this.reader.text({ ...place, at: this.start + place.at });
  }

  /** The bytes of notes at `place` (one note's HTML or text, or several that follow each other), read straight into `target` at `offset`. */
  readInto(place: { at: number; bytes: number }, target: Uint8Array, offset: number): void {
    this.reader.into({ at: this.start + place.at, bytes: place.bytes }, target, offset);
  }
}

const notesFiles = new FinalizationRegistry<number>((fd) => closeSync(fd));

/** Notes read from a shard file at each use, with the digest of their text that the file keeps. */
class StoredNotes extends SpilledNotes {
  constructor(
    private readonly file: NotesFile,
    html: Place,
    text: Place,
    unknownTags: RenderedNotes['unknownTags'],
    remoteMedia: RenderedNotes['remoteMedia'],
    tooDeep: RenderedNotes['tooDeep'],
    readonly textDigest: string,
  ) {
    super(file, html, text, unknownTags, remoteMedia, tooDeep);
  }

  /** Where the HTML and text are in their file, to be copied as bytes without being decoded. */
  places(): { file: NotesFile; html: Place; text: Place } {
    return { file: this.file, html: this.htmlPlace, text: this.textPlace };
  }
}

/**
 * A digest of the notes' text, for the search store: it tells whether an entry's search terms may
 * have changed without reading the text. Notes from the build cache carry it.
 */
export function textDigest(notes: RenderedNotes): string {
  return notes instanceof StoredNotes ? notes.textDigest : digestOf(notes.text);
}

/** The digest `textDigest` gives for this text. */
export function digestOf(text: string): string {
  return digestOfText('sha256', text, 'base64url');
}

export function hashText(text: string): string {
  return digestOfText('sha256', text, 'hex');
}

function shardOf(hash: string): number {
  return Number.parseInt(hash[0]!, 16) % SHARDS;
}

function shardName(index: number): string {
  return `notes-${index.toString(16)}.bin`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlace(value: unknown, field: 'name' | 'url'): boolean {
  return isRecord(value) && typeof value[field] === 'string' && typeof value.line === 'number' && typeof value.column === 'number';
}

/** A hash as the shards file entries under: one pattern for the thousands of entries a build opens, not one made for each. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checked with no function or array made for each entry: a build opens thousands of them. */
function isKeptNotes(value: unknown, payloadBytes: number): value is KeptNotes {
  if (!Array.isArray(value) || value.length !== 10) return false;
  const [hash, htmlAt, htmlBytes, textAt, textBytes, encodings, unknownTags, remoteMedia, tooDeep, digest] = value as unknown[];
  return (
    typeof hash === 'string' &&
    isInPayload(htmlAt, htmlBytes, payloadBytes) &&
    isInPayload(textAt, textBytes, payloadBytes) &&
    (encodings === 0 || encodings === 1 || encodings === 2 || encodings === 3) &&
    arePlaces(unknownTags, 'name') &&
    arePlaces(remoteMedia, 'url') &&
    (tooDeep === null || (isRecord(tooDeep) && typeof tooDeep.line === 'number' && typeof tooDeep.column === 'number' && typeof tooDeep.what === 'string' && typeof tooDeep.limit === 'number')) &&
    typeof digest === 'string'
  );
}

function isInPayload(at: unknown, bytes: unknown, payloadBytes: number): boolean {
  return Number.isSafeInteger(at) && Number.isSafeInteger(bytes) && (at as number) >= 0 && (bytes as number) >= 0 && (at as number) + (bytes as number) <= payloadBytes;
}

function arePlaces(value: unknown, field: 'name' | 'url'): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!isPlace(item, field)) return false;
  return true;
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
