import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { PlaceReader, readPlace, StringSpill } from './notes-spill.js';

export interface V8StoreOptions {
  folder: string;
  /** The cache folder as messages show it. */
  displayFolder: string;
  podsiteVersion: string;
}

export interface V8StoreSpec<T> {
  fileName: string;
  format: number;
  /** Whether a deserialized value has the fields of this store (its format and version are checked here). */
  hasShape: (value: Partial<T>) => boolean;
  /** What the build does without the file, for the warning: "its episodes are parsed again". */
  without: string;
}

/**
 * A store of `.podsite-cache/` written with `v8.serialize`: its contents when the file is this
 * podsite's, in this format; otherwise nothing, with a `cache-ignored` warning saying why. A missing
 * file is no warning: the first build has none.
 */
export function readV8Store<T extends object>(options: V8StoreOptions, spec: V8StoreSpec<T>): { stored?: T; diagnostics: Diagnostic[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(options.folder, spec.fileName));
  } catch {
    return { diagnostics: [] };
  }
  const ignored = (what: string) => ({ diagnostics: [ignoredStore(options, spec, what)] });
  let stored: Partial<T> & { format?: unknown; podsiteVersion?: unknown };
  try {
    stored = deserialize(bytes) as typeof stored;
  } catch {
    return ignored('damaged (perhaps cut short)');
  }
  if (typeof stored !== 'object' || stored === null || !spec.hasShape(stored)) return ignored('not a podsite build cache');
  if (stored.format !== spec.format || stored.podsiteVersion !== options.podsiteVersion) {
    return ignored(`from another version of podsite (${String(stored.podsiteVersion)}, format ${String(stored.format)}; this is ${options.podsiteVersion}, format ${spec.format})`);
  }
  return { stored: stored as T, diagnostics: [] };
}

export function ignoredStore(options: V8StoreOptions, spec: EntryStoreSpec, what: string): Diagnostic {
  return diagnostic(`${options.displayFolder}/${spec.fileName}`, { line: 0, column: 0 }, 'cache-ignored', `the build cache file is ${what}: ignored, ${spec.without}`, 'nothing to do: the file is written anew after this build (deleting .podsite-cache/ is always safe)');
}

/**
 * What begins a store of entries (after the 4 bytes of its length): the entries' ids and sizes,
 * whose bytes follow it back to back in the same order, each serialized on its own.
 */
interface EntriesHeader {
  format: number;
  podsiteVersion: string;
  key: string;
  ids: string[];
  sizes: number[];
}

/** Bytes of the number that gives the length of the header, at the start of a store of entries. */
const LENGTH_BYTES = 4;

/** Bytes gathered before each write when a store is saved: one write per entry would be thousands of them. */
const WRITE_CHUNK_BYTES = 1 << 20;

/** A file that entries are read from. */
export interface EntrySource {
  /** The bytes at `place`, in a buffer of their own. */
  readBytes(place: { at: number; bytes: number }): Buffer;
  /** The same bytes without a copy, valid until the next read of this source: for bytes deserialized or copied at once. */
  readView(place: { at: number; bytes: number }): Buffer;
  /** The bytes at `place`, read straight into `target` at `offset`. */
  readInto(place: { at: number; bytes: number }, target: Uint8Array, offset: number): void;
}

/** Where the bytes of one entry are: in the store file read when the build began, or in this build's scratch file. */
export interface EntryPlace {
  readonly source: EntrySource;
  readonly at: number;
  readonly bytes: number;
}

export type EntryStoreSpec = Omit<V8StoreSpec<never>, 'hasShape'>;

/**
 * A store of `.podsite-cache/` whose entries are read one at a time, when asked for: opening it
 * reads its header (ids and sizes), not the entries, and the file stays open while any entry may
 * be read. The header of this podsite and format, the file's size and each size are checked; a
 * file that fails is ignored with a `cache-ignored` warning. A missing file is no warning.
 */
export function readEntryStore(options: V8StoreOptions, spec: EntryStoreSpec): { stored?: { key: string; places: Map<string, EntryPlace> }; diagnostics: Diagnostic[] } {
  const ignored = (what: string) => ({ diagnostics: [ignoredStore(options, spec, what)] });
  let fd: number;
  try {
    fd = openSync(path.join(options.folder, spec.fileName), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { diagnostics: [] };
    return ignored(`unreadable (${(error as Error).message})`);
  }
  let keepOpen = false;
  try {
    const size = fstatSync(fd).size;
    if (size < LENGTH_BYTES) return ignored('damaged (perhaps cut short)');
    const headerBytes = readPlace(fd, { at: 0, bytes: LENGTH_BYTES, encoding: 'utf8' }).readUInt32LE(0);
    if (LENGTH_BYTES + headerBytes > size) return ignored('damaged (perhaps cut short)');
    let header: Partial<EntriesHeader>;
    try {
      header = deserialize(readPlace(fd, { at: LENGTH_BYTES, bytes: headerBytes, encoding: 'utf8' })) as typeof header;
    } catch {
      return ignored('damaged (its header cannot be read)');
    }
    if (typeof header !== 'object' || header === null || !('format' in header) || !('podsiteVersion' in header)) return ignored('not a podsite build cache');
    if (header.format !== spec.format || header.podsiteVersion !== options.podsiteVersion) {
      return ignored(`from another version of podsite (${String(header.podsiteVersion)}, format ${String(header.format)}; this is ${options.podsiteVersion}, format ${spec.format})`);
    }
    const { key, ids, sizes } = header;
    if (typeof key !== 'string' || !Array.isArray(ids) || !Array.isArray(sizes) || ids.length !== sizes.length) return ignored('not a podsite build cache');
    const file = new EntriesFile(fd);
    const places = new Map<string, EntryPlace>();
    let at = LENGTH_BYTES + headerBytes;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index];
      const bytes = sizes[index];
      if (typeof id !== 'string' || typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) return ignored('damaged (an entry has the wrong shape)');
      places.set(id, { source: file, at, bytes });
      at += bytes;
    }
    if (at !== size) return ignored(at > size ? 'damaged (perhaps cut short)' : 'damaged (longer than its entries)');
    keepOpen = places.size > 0;
    if (keepOpen) entriesFiles.register(file, fd);
    return { stored: { key, places }, diagnostics: [] };
  } catch (error) {
    return ignored(`unreadable (${(error as Error).message})`);
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

/** A store file read by `readEntryStore`, open while any of its entries may be read: closed once they are all let go. */
class EntriesFile {
  private readonly reader: PlaceReader;

  constructor(fd: number) {
    this.reader = new PlaceReader(fd);
  }

  readBytes(place: { at: number; bytes: number }): Buffer {
    return this.reader.bytes(place);
  }

  readView(place: { at: number; bytes: number }): Buffer {
    return this.reader.view(place);
  }

  readInto(place: { at: number; bytes: number }, target: Uint8Array, offset: number): void {
    this.reader.into(place, target, offset);
  }
}

const entriesFiles = new FinalizationRegistry<number>((fd) => closeSync(fd));

/**
 * The entries of a store that this build keeps. A new entry goes to a scratch file as soon as it is
 * kept, beside the cache folder and removed at once where the system allows it, rather than wait
 * in memory for the end of the build (about 20 MB of bytes for each store at 20,000 episodes);
 * `save` then writes the store file entry by entry, a chunk at a time, never whole in memory.
 * A build that never saves (one with errors) leaves no file in the cache.
 */
export class EntryStoreWriter {
  private readonly places = new Map<string, EntryPlace>();
  private scratch: StringSpill | undefined;
  /** A scratch file that could not be made or written: the store is not saved, which only costs time at the next build. */
  private failed = false;

  constructor(private readonly folder: string) {}

  get size(): number {
    return this.places.size;
  }

  has(id: string): boolean {
    return this.places.has(id);
  }

  /** An entry of the store read at the start, kept as it was. */
  keepEarlier(id: string, place: EntryPlace): void {
    this.places.set(id, place);
  }

  keepNew(id: string, bytes: Uint8Array): void {
    if (this.failed) return;
    try {
      const scratch = (this.scratch ??= new StringSpill(this.folder));
      this.places.set(id, { source: scratch, at: scratch.putBytes(bytes), bytes: bytes.length });
    } catch {
      this.failed = true;
      this.places.clear();
    }
  }

  /** Writes the entries kept, in the order they were kept, through a temporary file renamed into place. */
  async save(fileName: string, header: Omit<EntriesHeader, 'ids' | 'sizes'>): Promise<void> {
    if (this.failed) return;
    const file = path.join(this.folder, fileName);
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const headerBytes = serialize({ ...header, ids: [...this.places.keys()], sizes: [...this.places.values()].map((place) => place.bytes) } satisfies EntriesHeader);
    let handle: FileHandle | undefined;
    try {
      await mkdir(this.folder, { recursive: true });
      handle = await open(temporary, 'w');
      await writePieces(handle, withHeader(headerBytes, runsOf(this.places.values())));
      await handle.close();
      handle = undefined;
      await rename(temporary, file);
    } catch {
      // Only costs time at the next build.
      await handle?.close().catch(() => undefined);
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }
}

/**
 * The pieces, with places that follow each other in one source joined into runs, in the same order:
 * after an edit, nearly every entry is kept from the last store file, where it followed the one
 * before, and the file is copied a chunk at a time rather than with a read and a copy for each of
 * its thousands of entries (144 ms of CPU for parsed.v8, search.v8 and search-index.v8 in a
 * profiled build). Bytes in memory end a run and pass as they are.
 */
export function* runsOf(pieces: Iterable<FilePiece>): Generator<FilePiece> {
  let run: { source: FilePlace['source']; at: number; bytes: number } | undefined;
  for (const piece of pieces) {
    if (!(piece instanceof Uint8Array) && run !== undefined && run.source === piece.source && run.at + run.bytes === piece.at) {
      run.bytes += piece.bytes;
      continue;
    }
    if (run !== undefined) yield run;
    run = undefined;
    if (piece instanceof Uint8Array) yield piece;
    else run = { source: piece.source, at: piece.at, bytes: piece.bytes };
  }
  if (run !== undefined) yield run;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, length: number): Promise<void> {
  for (let done = 0; done < length; ) done += (await handle.write(bytes, done, length - done)).bytesWritten;
}

/** A file's pieces after its header and the 4 bytes of its length. */
export function* withHeader(header: Uint8Array, pieces: Iterable<FilePiece>): Generator<FilePiece> {
  yield lengthOf(header);
  yield header;
  yield* pieces;
}

/** The 4 bytes that give the length of a header, before it. */
export function lengthOf(header: Uint8Array): Buffer {
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(header.length);
  return length;
}

/** Bytes at a place of a file, read when their turn comes. */
export interface FilePlace {
  source: Pick<EntrySource, 'readInto'>;
  at: number;
  bytes: number;
}

/** Bytes of a file to write: in memory, or at a place of a file. */
export type FilePiece = Uint8Array | FilePlace;

/**
 * Writes the pieces in order, gathered a chunk at a time: one write per piece would be thousands of
 * them, and the file whole in memory would hold it twice (a notes shard is about 20 MB at 20,000
 * episodes). Bytes at a place of a file are read straight into the chunk; bytes in memory of a chunk
 * or more are written as they are.
 */
export async function writePieces(handle: FileHandle, pieces: Iterable<FilePiece>, chunkBytes = WRITE_CHUNK_BYTES): Promise<void> {
  let chunk: Buffer | undefined;
  let filled = 0;
  for (const piece of pieces) {
    const inMemory = piece instanceof Uint8Array;
    const bytes = inMemory ? piece.length : piece.bytes;
    if (inMemory && bytes >= chunkBytes) {
      if (filled > 0) await writeAll(handle, chunk!, filled);
      filled = 0;
      await writeAll(handle, piece, bytes);
      continue;
    }
    for (let done = 0; done < bytes; ) {
      chunk ??= Buffer.allocUnsafe(chunkBytes);
      if (filled === chunkBytes) {
        await writeAll(handle, chunk, filled);
        filled = 0;
      }
      const part = Math.min(bytes - done, chunkBytes - filled);
      if (inMemory) chunk.set(piece.subarray(done, done + part), filled);
      else piece.source.readInto({ at: piece.at + done, bytes: part }, chunk, filled);
      filled += part;
      done += part;
    }
  }
  if (filled > 0) await writeAll(handle, chunk!, filled);
}
