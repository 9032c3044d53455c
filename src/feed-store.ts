import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, openSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { serialize } from 'node:v8';
import type { Diagnostic } from './diagnostics.js';
import { readV8Store } from './v8-store.js';
import { PlaceReader } from './notes-spill.js';
import { xmlText, type FeedItemSource, type FeedItemXml } from './feed.js';
import type { FeedCheckInParts, ItemCheck } from './feed-check.js';
import { hashText } from './build-store.js';
import { codeDigest } from './up-to-date.js';
import { runtimeVersion } from './runtime-version.js';

/** Bumped whenever what is kept of an item, or what its check finds, changes without podsite's code changing. */
export const FEED_STORE_FORMAT = 1;

const FILE_NAME = 'feed.v8';

/** A feed file of the output as the build that wrote it left it: size, modification time, inode. */
type FileIdentity = [size: number, mtimeMs: number, inode: number];

/** Where an item's XML is in a feed file of the output, in bytes, and what making and checking it found. */
interface StoredItem {
  file: string;
  start: number;
  length: number;
  forbidden: boolean;
  check: ItemCheck;
}

interface StoreFile {
  format: number;
  podsiteVersion: string;
  key: string;
  /** The output's feed files, by path in the output folder, as the build that wrote them left them. */
  files: Map<string, FileIdentity>;
  /** By item key (the entry's key and the item's GUID). */
  items: Map<string, StoredItem>;
}

export interface FeedStoreOptions {
  folder: string;
  /** Everything besides an item's key that could change its XML or its check: settings, options, podsite's code. */
  key: string;
  podsiteVersion: string;
  displayFolder: string;
}

/**
 * The feed's items between runs of `podsite build`: for each, where its XML is in the feed files of
 * the output and what the feed check found in it, so that an unchanged item is neither made nor
 * checked again but read back from the last feed. The XML itself is not kept twice: a feed of
 * 20,000 episodes is 200 MB. Only a shortcut: a feed file that is not the one the last build wrote
 * (same size, time and inode), or bytes there that are not an item, mean the item is made again.
 */
export class FeedStore {
  private constructor(
    private readonly options: FeedStoreOptions,
    private readonly stored: StoreFile | undefined,
  ) {}

  static open(options: FeedStoreOptions): { store: FeedStore; diagnostics: Diagnostic[] } {
    const read = readV8Store<StoreFile>(options, {
      fileName: FILE_NAME,
      format: FEED_STORE_FORMAT,
      hasShape: (stored) => stored.items instanceof Map && stored.files instanceof Map && typeof stored.key === 'string',
      without: "the feed's items are made and checked again",
    });
    // Other settings, options or code: every item is stale, which is no problem.
    return { store: new FeedStore(options, read.stored?.key === options.key ? read.stored : undefined), diagnostics: read.diagnostics };
  }

  /** The items of one build writing into `outputFolder`, whose last feed files are read from. */
  items(outputFolder: string): FeedItems {
    return new FeedItems(outputFolder, this.stored);
  }

  /**
   * Keeps where this build wrote each item, once its output is in place: the feed files as they are
   * now in `outputFolder`. Through a temporary file renamed into place.
   */
  async save(items: FeedItems | undefined): Promise<void> {
    if (items === undefined) return;
    const made = items.made();
    if (made === undefined) return;
    // A build that changed nothing of the feed (a page's template, a public file) has nothing to write.
    if (this.stored !== undefined && sameItems(this.stored, made)) return;
    const file = path.join(this.options.folder, FILE_NAME);
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const stored: StoreFile = { format: FEED_STORE_FORMAT, podsiteVersion: this.options.podsiteVersion, key: this.options.key, ...made };
    try {
      await mkdir(this.options.folder, { recursive: true });
      await writeFile(temporary, serialize(stored));
      await rename(temporary, file);
    } catch {
      // Only costs time at the next build.
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }
}

/** The last feed's bytes read at once: its kept items are asked for in the order it has them. */
const FEED_READ_AHEAD_BYTES = 1 << 20;

/**
 * The feed's items for `planFeed` (as its item cache) and for the writer: gives an item kept by the
 * last build from the last feed's bytes, and notes where each item of this build is written.
 */
export class FeedItems implements FeedItemSource {
  /** The last feed files, open for reading, or null when they are not the ones the store describes. */
  private readonly open = new Map<string, number | null>();
  /** The item `planFeed` asked for last: the one the writer checks and writes next. */
  private current: { key: string; forbidden: boolean; check: ItemCheck | undefined } | undefined;
  /** The item given to the writer, waiting to be found among the pieces written. */
  private pending: { key: string; xml: FeedItemXml; forbidden: boolean; check: ItemCheck } | undefined;
  private readonly placed = new Map<string, StoredItem>();
  private readonly written: string[] = [];
  private broken = false;
  private readonly readers = new Map<number, PlaceReader>();

  constructor(
    private readonly outputFolder: string,
    private readonly stored: StoreFile | undefined,
  ) {}

  /** A kept item's bytes, valid until the next call. */
  get(key: string): { xml: Buffer; forbidden: boolean } | undefined {
    this.current = undefined;
    const kept = this.stored?.items.get(key);
    if (kept === undefined) return undefined;
    const fd = this.fileOf(kept.file);
    if (fd === null) return undefined;
    // Kept as bytes: an item that is written again as it was need not be decoded, nor encoded
    // again. Read into one buffer, reused by the next items (the writer copies each piece at once):
    // a buffer per item is memory outside V8's heap that V8 answers with full collections. The
    // items come in the order of the last feed, a megabyte of them at a time.
    let reader = this.readers.get(fd);
    if (reader === undefined) this.readers.set(fd, (reader = new PlaceReader(fd, FEED_READ_AHEAD_BYTES)));
    let xml: Buffer;
    try {
      xml = reader.view({ at: kept.start, bytes: kept.length });
    } catch {
      return undefined;
    }
    if (!isItemBytes(xml)) return undefined;
    this.current = { key, forbidden: kept.forbidden, check: kept.check };
    return { xml, forbidden: kept.forbidden };
  }

  set(key: string, made: { xml: string; forbidden: boolean }): void {
    this.current = { key, forbidden: made.forbidden, check: undefined };
  }

  /** Checks the item just made or read, through its kept check when there is one. */
  check(xml: FeedItemXml, check: FeedCheckInParts): void {
    const current = this.current;
    this.current = undefined;
    // The item before was never written where it was expected.
    if (this.pending !== undefined) this.broken = true;
    if (current?.check !== undefined) {
      check.addChecked(current.check);
      this.pending = { key: current.key, xml, forbidden: current.forbidden, check: current.check };
      return;
    }
    const made = check.add(xmlText(xml));
    this.pending = current && made && { key: current.key, xml, forbidden: current.forbidden, check: made };
  }

  /** The pieces of feed file `file` as they are written, noting the byte at which each item starts. */
  *track(file: string, pieces: Iterable<FeedItemXml>): Generator<FeedItemXml> {
    this.written.push(file);
    let offset = 0;
    for (const piece of pieces) {
      const pending = this.pending;
      const length = typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
      // The item is a piece of its own (feedPieces), the very string or bytes given to the check.
      if (pending !== undefined && piece === pending.xml) {
        this.pending = undefined;
        this.placed.set(pending.key, { file, start: offset, length, forbidden: pending.forbidden, check: pending.check });
      }
      offset += length;
      yield piece;
    }
    if (this.pending !== undefined) this.broken = true;
    this.close();
  }

  /** Closes the last feed files. */
  close(): void {
    for (const fd of this.open.values()) if (fd !== null) closeSync(fd);
    this.open.clear();
  }

  /** What the store keeps of this build: where its items are in the feed files now in the output. */
  made(): Pick<StoreFile, 'files' | 'items'> | undefined {
    this.close();
    if (this.broken) return undefined;
    const files = new Map<string, FileIdentity>();
    for (const file of this.written) {
      const stats = lstatSync(path.join(this.outputFolder, file), { throwIfNoEntry: false });
      if (stats === undefined || !stats.isFile()) return undefined;
      files.set(file, [stats.size, stats.mtimeMs, stats.ino]);
    }
    return { files, items: this.placed };
  }

  /** The last feed file `file` opened for reading, if it is the one the store describes. */
  private fileOf(file: string): number | null {
    let fd = this.open.get(file);
    if (fd !== undefined) return fd;
    fd = null;
    const known = this.stored?.files.get(file);
    if (known !== undefined) {
      try {
        fd = openSync(path.join(this.outputFolder, file), 'r');
        const stats = fstatSync(fd);
        if (!stats.isFile() || stats.size !== known[0] || stats.mtimeMs !== known[1] || stats.ino !== known[2]) {
          closeSync(fd);
          fd = null;
        }
      } catch {
        fd = null;
      }
    }
    this.open.set(file, fd);
    return fd;
  }
}

/**
 * Whether this build placed every item where the store says, in the same feed files, each with the
 * very check read from the store (an item made and checked again has a check of its own, and is
 * written, even when it is the same).
 */
function sameItems(stored: StoreFile, made: Pick<StoreFile, 'files' | 'items'>): boolean {
  if (stored.files.size !== made.files.size || stored.items.size !== made.items.size) return false;
  for (const [file, identity] of made.files) {
    const kept = stored.files.get(file);
    if (kept === undefined || kept.length !== identity.length || kept.some((value, index) => value !== identity[index])) return false;
  }
  for (const [key, item] of made.items) {
    const kept = stored.items.get(key);
    if (kept === undefined || kept.file !== item.file || kept.start !== item.start || kept.length !== item.length || kept.forbidden !== item.forbidden || kept.check !== item.check) return false;
  }
  return true;
}

const ITEM_START = Buffer.from('<item');
const ITEM_END = Buffer.from('</item>');

/** Bytes of the last feed that are still an item (the file was not rewritten with the same size). */
function isItemBytes(xml: Buffer): boolean {
  return xml.length >= ITEM_START.length + ITEM_END.length && xml.subarray(0, ITEM_START.length).equals(ITEM_START) && xml.subarray(xml.length - ITEM_END.length).equals(ITEM_END);
}

/** The store's key: the settings' (as the other stores have it), the options that shape items, and podsite's code, whose checks find what they find. */
export function feedStoreKey(settingsKey: string, options: { analytics?: boolean; future?: boolean }): string {
  return hashText(JSON.stringify([settingsKey, options.analytics !== false, options.future === true, codeDigest(), runtimeVersion()]));
}
