import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ParsedEntry } from './entry.js';
import type { RenderedNotes } from './markdown.js';
import { isOnDisk } from './known-files.js';

/** UTF-8 unless the string holds a lone surrogate, which UTF-8 cannot carry: UTF-16 keeps every string as it was. */
export type Encoding = 'utf8' | 'utf16le';

/** Strings kept in a file, each read back from where it was written. */
export interface StringSource {
  read(place: Place): string;
}

/** Where one string was written: its first byte, its length in bytes and its encoding. */
export interface Place {
  at: number;
  bytes: number;
  encoding: Encoding;
}

/**
 * The large strings of a build (notes as HTML and as text, episode files), written to a temporary
 * file as they are made (the short ones a few hundred KB at a time) and read back each time they
 * are used. A build that streams its
 * pages and feed uses each of them once or twice, a batch at a time: holding them all would make
 * its memory grow with the archive (about 430 MB of strings for 20,000 episodes), while the file
 * sits in the system's page cache and a read costs microseconds.
 */
export class StringSpill implements StringSource {
  private readonly fd: number;
  private readonly reader: PlaceReader;
  private size = 0;
  /** Bytes in the file: `size` less those pending. */
  private fileBytes = 0;
  /**
   * The last bytes put, not yet in the file: one write per WRITE_BEHIND_BYTES rather than one per
   * string. The search index of a first build puts each of its terms (tens of thousands of short
   * strings on the real archive), one system call each: 351 ms of a 10.6 s cold build.
   */
  private pending: Buffer | undefined;
  private pendingBytes = 0;

  /**
   * `beside`: a folder path whose parent holds the spill (the output folder's, where the new site is
   * staged too). Not the system's temporary folder, which is often in memory (tmpfs): the strings
   * would leave the process only to take the same memory elsewhere.
   */
  constructor(beside?: string) {
    const folder = spillFolder(beside);
    this.fd = openSync(path.join(folder, 'strings'), 'w+');
    this.reader = new PlaceReader(this.fd);
    // The site a build returns reads its notes from here, for as long as it is used: the file is
    // closed when the spill is collected, and removed at once where an open file can be (POSIX).
    let left: string | undefined;
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      left = folder;
      removeOnExit(folder);
    }
    closer.register(this, { fd: this.fd, folder: left });
  }

  /** Writes a string; it can be read back, the same to the code unit, until the spill is closed. */
  put(text: string): Place {
    const encoding: Encoding = isWellFormed(text) ? 'utf8' : 'utf16le';
    // Most strings are short: encoded straight into the bytes waiting to be written, not into a buffer of their own first.
    if (text.length <= WRITE_BEHIND_BYTES / 12) {
      const bytes = Buffer.byteLength(text, encoding);
      const at = this.size;
      this.room(bytes).write(text, this.pendingBytes, encoding);
      this.pendingBytes += bytes;
      this.size += bytes;
      return { at, bytes, encoding };
    }
    const bytes = Buffer.from(text, encoding);
    return { at: this.putBytes(bytes), bytes: bytes.length, encoding };
  }

  /** Writes bytes as they are (they may wait in memory until the next read needs them); says where they start. */
  putBytes(bytes: Uint8Array): number {
    const at = this.size;
    this.size += bytes.length;
    if (bytes.length > WRITE_BEHIND_BYTES / 4) {
      this.flush();
      writeAll(this.fd, bytes, at);
      this.fileBytes = this.size;
      return at;
    }
    this.room(bytes.length).set(bytes, this.pendingBytes);
    this.pendingBytes += bytes.length;
    return at;
  }

  /** The buffer of bytes waiting to be written, with room for `bytes` more after `pendingBytes` (written first if it has not). */
  private room(bytes: number): Buffer {
    if (this.pendingBytes + bytes > WRITE_BEHIND_BYTES) this.flush();
    return (this.pending ??= Buffer.allocUnsafeSlow(WRITE_BEHIND_BYTES));
  }

  read(place: Place): string {
    return this.reader.text(this.written(place));
  }

  /** The bytes written at `place`, as `putBytes` was given them, in a buffer of their own. */
  readBytes(place: Omit<Place, 'encoding'>): Buffer {
    return this.reader.bytes(this.written(place));
  }

  /** The same bytes without a copy, valid until the next read of the spill. */
  readView(place: Omit<Place, 'encoding'>): Buffer {
    return this.reader.view(this.written(place));
  }

  /** The bytes written at `place`, read straight into `target` at `offset`. */
  readInto(place: Omit<Place, 'encoding'>, target: Uint8Array, offset: number): void {
    this.reader.into(this.written(place), target, offset);
  }

  /** The place, once the file holds all of it. */
  private written<T extends Omit<Place, 'encoding'>>(place: T): T {
    if (place.at + place.bytes > this.fileBytes) this.flush();
    return place;
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const bytes = this.pending!.subarray(0, this.pendingBytes);
    // A failed write throws, as it did when each string was written at once; what it held is not written again.
    this.pendingBytes = 0;
    writeAll(this.fd, bytes, this.fileBytes);
    this.fileBytes += bytes.length;
  }

  /** Notes whose HTML and text live in the spill; the rest, small, stays in memory. */
  putNotes(notes: RenderedNotes): SpilledNotes {
    return new SpilledNotes(this, this.put(notes.html), this.put(notes.text), notes.unknownTags, notes.remoteMedia, notes.tooDeep);
  }

}

/** Bytes put together before they are written: a few pages of the file, outside V8's heap. */
const WRITE_BEHIND_BYTES = 256 * 1024;

function writeAll(fd: number, bytes: Uint8Array, at: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
}

function spillFolder(beside: string | undefined): string {
  if (beside !== undefined) {
    try {
      return mkdtempSync(path.join(path.dirname(beside), `.${path.basename(beside)}.spill-${process.pid}-`));
    } catch {
      // A parent that cannot be written fails the build later, with a diagnostic; the spill is no reason to stop.
    }
  }
  return mkdtempSync(path.join(tmpdir(), 'podsite-spill-'));
}

const closer = new FinalizationRegistry<{ fd: number; folder: string | undefined }>(({ fd, folder }) => {
  closeSync(fd);
  if (folder !== undefined) {
    rmSync(folder, { recursive: true, force: true });
    leftFolders.delete(folder);
  }
});

const leftFolders = new Set<string>();
function removeOnExit(folder: string): void {
  if (leftFolders.size === 0) process.once('exit', () => leftFolders.forEach((left) => rmSync(left, { recursive: true, force: true })));
  leftFolders.add(folder);
}

/** A string as bytes: UTF-8, or UTF-16 when it holds a lone surrogate, which UTF-8 cannot carry. */
export function encodedString(text: string): { bytes: Buffer; encoding: Encoding } {
  const encoding: Encoding = isWellFormed(text) ? 'utf8' : 'utf16le';
  return { bytes: Buffer.from(text, encoding), encoding };
}

/** The bytes written at `place` of an open file, outside V8's heap. */
export function readPlace(fd: number, place: Place): Buffer {
  const bytes = Buffer.allocUnsafeSlow(place.bytes);
  for (let done = 0; done < place.bytes; ) {
    const read = readSync(fd, bytes, done, place.bytes - done, place.at + done);
    if (read === 0) throw new Error('a file of strings was cut short');
    done += read;
  }
  return bytes;
}

/** Bytes read at once around a small place: the next places asked for are most often beside it. */
const READ_AHEAD_BYTES = 64 * 1024;

/**
 * Reads places of one file whose written bytes never change (a spill, a store file read as the
 * build began). Its places are mostly read in the order they were written, or in the reverse
 * order: a build after an edit at 4,000 episodes read 21,153 small places, one system call each
 * (192 ms of a 3.3 s build, through a counting wrapper). A small place is read with the bytes
 * around it, kept until a place outside them is asked for.
 */
export class PlaceReader {
  private window: Buffer | undefined;
  private windowAt = 0;
  private windowBytes = 0;

  constructor(
    private readonly fd: number,
    private readonly readAheadBytes = READ_AHEAD_BYTES,
  ) {}

  /** The bytes at `place`, in a buffer of their own. */
  bytes(place: Omit<Place, 'encoding'>): Buffer {
    const start = this.windowed(place);
    if (start === undefined) return readPlace(this.fd, { ...place, encoding: 'utf8' });
    // Not Buffer.from(view), which copies a byte at a time (115 ms of a profiled build after an edit).
    const copy = Buffer.allocUnsafe(place.bytes);
    this.window!.copy(copy, 0, start, start + place.bytes);
    return copy;
  }

  text(place: Place): string {
    const start = this.windowed(place);
    return start === undefined ? readPlace(this.fd, place).toString(place.encoding) : this.window!.toString(place.encoding, start, start + place.bytes);
  }

  /** The bytes at `place` without a copy: valid until the next read. */
  view(place: Omit<Place, 'encoding'>): Buffer {
    const start = this.windowed(place);
    return start === undefined ? readPlace(this.fd, { ...place, encoding: 'utf8' }) : this.window!.subarray(start, start + place.bytes);
  }

  /** Reads the bytes at `place` straight into `target` at `offset`: for long runs of bytes copied as they are, which a window would only copy twice. */
  into(place: Omit<Place, 'encoding'>, target: Uint8Array, offset: number): void {
    for (let done = 0; done < place.bytes; ) {
      const read = readSync(this.fd, target, offset + done, place.bytes - done, place.at + done);
      if (read === 0) throw new Error('a file of strings was cut short');
      done += read;
    }
  }

  /** Where the place starts in the window, read again around it if need be; undefined for a place too large to read ahead of. */
  private windowed(place: Omit<Place, 'encoding'>): number | undefined {
    const size = this.readAheadBytes;
    if (place.bytes > size / 4) return undefined;
    if (place.at >= this.windowAt && place.at + place.bytes <= this.windowAt + this.windowBytes) return place.at - this.windowAt;
    // Going back, the window ends with the place; going on, it starts with it.
    const from = place.at < this.windowAt ? Math.max(0, place.at + place.bytes - size) : place.at;
    const needed = place.at + place.bytes - from;
    const window = (this.window ??= Buffer.allocUnsafeSlow(size));
    let read = 0;
    // Keep nothing of a window that a failed read may have half overwritten.
    this.windowBytes = 0;
    while (read < needed) {
      const got = readSync(this.fd, window, read, size - read, from + read);
      if (got === 0) throw new Error('a file of strings was cut short');
      read += got;
    }
    this.windowAt = from;
    this.windowBytes = read;
    return place.at - from;
  }
}

/** Rendered notes as a file keeps them (the spill, the build cache): `html` and `text` are read from it at each use. */
export class SpilledNotes implements RenderedNotes {
  constructor(
    protected readonly spill: StringSource,
    protected readonly htmlPlace: Place,
    protected readonly textPlace: Place,
    readonly unknownTags: RenderedNotes['unknownTags'],
    readonly remoteMedia: RenderedNotes['remoteMedia'],
    readonly tooDeep?: RenderedNotes['tooDeep'],
  ) {}

  get html(): string {
    return this.spill.read(this.htmlPlace);
  }

  get text(): string {
    return this.spill.read(this.textPlace);
  }

  /** The notes store writes notes with JSON.stringify, which sees no getter of a prototype: each is read as it is written. */
  toJSON(): RenderedNotes {
    return { html: this.html, text: this.text, unknownTags: this.unknownTags, remoteMedia: this.remoteMedia, ...(this.tooDeep && { tooDeep: this.tooDeep }) };
  }
}

/**
 * Turns a string property of an object into one read from the spill. Every reader gets the same
 * string as before; the object no longer holds it.
 */
export function spillProperty<T extends object>(spill: StringSpill, object: T, key: keyof T & string, text: string | (() => string) = object[key] as string): void {
  const read = typeof text === 'string' ? placeReader(spill, spill.put(text)) : text;
  Object.defineProperty(object, key, { get: read, enumerable: true, configurable: true });
}

function placeReader(spill: StringSpill, place: Place): () => string {
  return () => spill.read(place);
}

function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed is in Node 20 (V8 11.3), not yet in TypeScript's ES2023 library.
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * V8 keeps a substring as a slice of the string it was cut from: every front-matter value parsed
 * from a file keeps the file's whole text alive. A copy through V8's serializer owns its strings,
 * so once the body is spilled the text can go. The body itself stays a slice of the text.
 */
export function detachedFromText(parsed: ParsedEntry, text: string): ParsedEntry {
  const markdown = parsed.episode?.markdown;
  if (markdown === undefined || !text.endsWith(markdown)) return parsed;
  const { markdown: _body, ...episode } = parsed.episode!;
  const copy = deserialize(serialize({ episode, diagnostics: parsed.diagnostics })) as { episode: Omit<NonNullable<ParsedEntry['episode']>, 'markdown'>; diagnostics: ParsedEntry['diagnostics'] };
  return { episode: withBody(copy.episode, text.slice(text.length - markdown.length)), diagnostics: copy.diagnostics };
}

const BODY = Symbol('body');

type Body = string | (() => string);

/**
 * `markdown` read from a hidden property that holds the body or, once it is spilled, its reader.
 * A data property made an accessor later would turn the episode into a dictionary in V8 (about
 * 1.5 KB an episode, held until the entries are made): added as a new property, one getter for
 * every episode, it keeps them all in one hidden class.
 */
const bodyGetter: PropertyDescriptor = {
  get(this: { [BODY]: Body }) {
    const body = this[BODY];
    return typeof body === 'string' ? body : body();
  },
  enumerable: true,
  configurable: true,
};

export function withBody<T extends object>(episode: T, body: Body): T & { markdown: string } {
  Object.defineProperty(episode, BODY, { value: body, writable: true });
  return Object.defineProperty(episode, 'markdown', bodyGetter) as T & { markdown: string };
}

/** The reader behind an episode's `markdown`, when it reads its body from elsewhere (its file on disk). */
function bodyReaderOf(episode: object): (() => string) | undefined {
  const body = Object.prototype.hasOwnProperty.call(episode, BODY) ? (episode as { [BODY]: Body })[BODY] : undefined;
  return typeof body === 'function' ? body : undefined;
}

/** Makes `markdown` read from the spill; says whether the episode had its body behind `bodyGetter`. */
function readBodyFrom(episode: object, read: () => string): boolean {
  if (!Object.prototype.hasOwnProperty.call(episode, BODY)) return false;
  (episode as { [BODY]: Body })[BODY] = read;
  return true;
}

/**
 * Once the notes are made, the episode files' text and bodies serve only a rare diagnostic of the
 * feed (where a forbidden character was written): they are spilled, each text once, and every
 * object that held them reads them back when asked.
 */
export class SpilledTexts {
  private readonly texts = new Map<{ text: string }, () => string>();
  private readonly spilledFiles = new WeakSet<object>();
  private readonly bodies = new WeakMap<object, () => string>();

  constructor(private readonly spill: StringSpill) {}

  /** Spills the bodies that `holders` hold, then the files' text. */
  spillSources(files: Iterable<{ text: string }>, holders: Iterable<{ file: { text: string }; episode: { markdown: string } }>): void {
    for (const { file, episode } of holders) this.spillBodyOf(file, episode);
    for (const file of files) this.spillText(file);
  }

  /**
   * Spills one file as soon as it is parsed: its body, if it made an episode, then its text. The
   * texts of a whole archive then never wait in memory together for the Markdown stage.
   */
  spillSource(file: { text: string }, episode: { markdown: string } | undefined): void {
    if (episode !== undefined) this.spillBodyOf(file, episode);
    this.spillText(file);
  }

  private spillBodyOf(file: { text: string }, episode: { markdown: string }): void {
    // The same episode may be held twice (parsed, then measured unchanged).
    if (this.bodies.has(episode)) return;
    // Its body is read from its file at each use already (bodyOf), unless a copy holds it.
    if (isOnDisk(file) && bodyReaderOf(episode) !== undefined) return;
    const body = this.spillBody(file, episode.markdown);
    this.bodies.set(episode, body);
    if (!readBodyFrom(episode, body)) spillProperty(this.spill, episode, 'markdown', body);
  }

  private spillText(file: { text: string }): void {
    // Spilled already (by spillSource): its getter reads what was written. Or never held.
    if (this.spilledFiles.has(file) || isOnDisk(file)) return;
    spillProperty(this.spill, file, 'text', this.textOf(file));
    this.spilledFiles.add(file);
  }

  /** How to read the body of an episode given to `spillSources`, without reading it now. */
  bodyOf(episode: object): (() => string) | undefined {
    return this.bodies.get(episode) ?? bodyReaderOf(episode);
  }

  /** A body is read back as a slice of its file's text when it is one, so that it is not written twice. */
  private spillBody(file: { text: string }, markdown: string): () => string {
    const text = file.text;
    if (!text.endsWith(markdown)) return placeReader(this.spill, this.spill.put(markdown));
    const read = this.textOf(file);
    const from = text.length - markdown.length;
    return () => read().slice(from);
  }

  private textOf(file: { text: string }): () => string {
    let read = this.texts.get(file);
    if (read === undefined) {
      read = placeReader(this.spill, this.spill.put(file.text));
      this.texts.set(file, read);
    }
    return read;
  }
}
