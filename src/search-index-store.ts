import { deserialize, serialize } from 'node:v8';
import type { Diagnostic } from './diagnostics.js';
import { SHARD_END, SHARD_START, type MadeSearchIndex, type SearchIndexLayout } from './search-index.js';
import { EntryStoreWriter, ignoredStore, readEntryStore, type EntryPlace, type EntryStoreSpec, type V8StoreOptions } from './v8-store.js';

/** Bumped whenever the layout kept, or what it describes, changes without the package version changing. */
export const SEARCH_INDEX_STORE_FORMAT = 1;

const SPEC: EntryStoreSpec = { fileName: 'search-index.v8', format: SEARCH_INDEX_STORE_FORMAT, without: 'the search index is made again from the entries' };

/** The store's entries: the layout, read at once, then the files, each read only when the update needs it. */
const LAYOUT = 'layout';
const HEAD = 'head';
const shardId = (index: number) => `shard-${index}`;

/** Bytes of a shard around its terms' entries (ASCII). */
const SHARD_FRAME_BYTES = SHARD_START.length + SHARD_END.length;

/** The index the last build made: its layout, and the bytes of its files where the store file has them. */
export interface LastSearchIndex {
  readonly layout: SearchIndexLayout;
  readonly head: EntryPlace;
  readonly shards: readonly EntryPlace[];
}

/**
 * The search index the last `podsite build` made, kept in `.podsite-cache/search-index.v8` so that
 * a build after a few edits updates it (src/search-index-update.ts) rather than make it again: the
 * layout of its terms, read when the store is opened, and its files, read when needed. Only a
 * shortcut: a file that cannot be trusted is ignored with a warning, and the index made again.
 */
export class SearchIndexStore {
  private readonly kept: EntryStoreWriter;
  private changed = false;
  private key = '';

  private constructor(
    private readonly options: V8StoreOptions,
    private last: LastSearchIndex | undefined,
  ) {
    this.kept = new EntryStoreWriter(options.folder);
  }

  /** The index the last build kept, given once: a build that makes its index again does not hold the old layout meanwhile. */
  takeLast(): LastSearchIndex | undefined {
    const last = this.last;
    this.last = undefined;
    return last;
  }

  static open(options: V8StoreOptions): { store: SearchIndexStore; diagnostics: Diagnostic[] } {
    const read = readEntryStore(options, SPEC);
    if (read.stored === undefined) return { store: new SearchIndexStore(options, undefined), diagnostics: read.diagnostics };
    const last = lastIndexOf(read.stored.places);
    if (typeof last === 'string') return { store: new SearchIndexStore(options, undefined), diagnostics: [ignoredStore(options, SPEC, last)] };
    return { store: new SearchIndexStore(options, last), diagnostics: [] };
  }

  /** The last index, found damaged while it was being updated: a warning, and the build makes the index again. */
  damaged(what: string): Diagnostic {
    return ignoredStore(this.options, SPEC, what);
  }

  /**
   * The index this build made, to be saved: its layout is serialized at once, and the bytes of its
   * files stay where they are (the build's spill, the last store file) until they are saved.
   */
  keep(made: MadeSearchIndex): void {
    this.changed = true;
    this.key = made.layout.key;
    this.kept.keepNew(LAYOUT, serialize(made.layout));
    const keepBytes = (id: string, bytes: MadeSearchIndex['head']) => (bytes instanceof Uint8Array ? this.kept.keepNew(id, bytes) : this.kept.keepEarlier(id, bytes));
    keepBytes(HEAD, made.head);
    made.shards.forEach((bytes, index) => keepBytes(shardId(index), bytes));
  }

  /** Writes the index kept by this build, if it made or updated one. */
  async save(): Promise<void> {
    if (!this.changed) return;
    await this.kept.save(SPEC.fileName, { format: SEARCH_INDEX_STORE_FORMAT, podsiteVersion: this.options.podsiteVersion, key: this.key });
  }
}

/** The last index from the store's entries, or why it cannot be trusted. */
function lastIndexOf(places: ReadonlyMap<string, EntryPlace>): LastSearchIndex | string {
  const layoutPlace = places.get(LAYOUT);
  const head = places.get(HEAD);
  if (layoutPlace === undefined || head === undefined) return 'not a podsite build cache';
  let layout: unknown;
  try {
    layout = deserialize(layoutPlace.source.readView(layoutPlace));
  } catch {
    return 'damaged (its layout cannot be read)';
  }
  if (!isLayout(layout)) return 'damaged (its layout has the wrong shape)';
  const shards: EntryPlace[] = [];
  for (let index = 0; index < layout.shards.length; index++) {
    const place = places.get(shardId(index));
    if (place === undefined) return 'damaged (a shard is missing)';
    shards.push(place);
  }
  const problem = inconsistency(layout, head, shards);
  return problem === undefined ? { layout, head, shards } : `damaged (${problem})`;
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function isLayout(value: unknown): value is SearchIndexLayout {
  if (typeof value !== 'object' || value === null) return false;
  const layout = value as Partial<SearchIndexLayout>;
  return (
    typeof layout.key === 'string' &&
    isStrings(layout.entryIds) &&
    isStrings(layout.stored) &&
    isStrings(layout.headLengths) &&
    isStrings(layout.notesLengths) &&
    isStrings(layout.headTerms) &&
    layout.headSizes instanceof Uint32Array &&
    Number.isSafeInteger(layout.headTermsAt) &&
    typeof layout.headDigest === 'string' &&
    isStrings(layout.notesTerms) &&
    layout.notesSizes instanceof Uint32Array &&
    Array.isArray(layout.shards) &&
    layout.shards.every((shard: unknown) => {
      const { start, end, path } = (shard ?? {}) as Partial<SearchIndexLayout['shards'][number]>;
      return Number.isSafeInteger(start) && Number.isSafeInteger(end) && typeof path === 'string';
    })
  );
}

/**
 * What does not hold together in a layout of the right shape: the update finds each term by
 * halving the sorted terms, and each term's entry by the sizes before it, so both are checked.
 */
function inconsistency(layout: SearchIndexLayout, head: EntryPlace, shards: readonly EntryPlace[]): string | undefined {
  const entries = layout.entryIds.length;
  if (layout.stored.length !== entries || layout.headLengths.length !== entries || layout.notesLengths.length !== entries) return 'its entries do not match';
  if (layout.headTerms.length !== layout.headSizes.length || layout.notesTerms.length !== layout.notesSizes.length) return 'its terms do not match their sizes';
  if (!strictlySorted(layout.headTerms) || !strictlySorted(layout.notesTerms)) return 'its terms are out of order';
  if (layout.headTermsAt + sizeOf(layout.headSizes, 0, layout.headSizes.length) > head.bytes + 1) return 'its head is too short';
  let start = 0;
  for (let index = 0; index < layout.shards.length; index++) {
    const shard = layout.shards[index]!;
    if (shard.start !== start || shard.end <= shard.start || shard.end > layout.notesTerms.length) return 'its shards do not follow each other';
    // `{"format":…,"index":[`, the entries and their commas but the last, `]}`.
    if (shards[index]!.bytes !== SHARD_FRAME_BYTES + sizeOf(layout.notesSizes, shard.start, shard.end) - 1) return 'a shard is not the size of its terms';
    start = shard.end;
  }
  if (start !== layout.notesTerms.length) return 'its shards do not hold every term';
  return undefined;
}

function strictlySorted(terms: readonly string[]): boolean {
  for (let i = 1; i < terms.length; i++) if (!(terms[i - 1]! < terms[i]!)) return false;
  return true;
}

function sizeOf(sizes: Uint32Array, start: number, end: number): number {
  let bytes = 0;
  for (let i = start; i < end; i++) bytes += sizes[i]!;
  return bytes;
}
