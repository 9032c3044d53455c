import { createHash } from 'node:crypto';
import type { Diagnostic } from './diagnostics.js';
import type { OutputFile } from './pages.js';
import type { LastSearchIndex, SearchIndexStore } from './search-index-store.js';
import {
  addToAverage,
  contentName,
  defaults,
  DocumentParts,
  headAroundDocuments,
  indexEntry,
  insertionPoint,
  joined,
  layoutKeyOf,
  rangesOf,
  SEARCH_INDEX_FILE,
  settingsKeyOf,
  SHARD_END,
  SHARD_START,
  type FieldTerms,
  type HeadDocuments,
  type IndexedEntry,
  type MadeSearchIndex,
  type Options,
  type Range,
  type SearchFileBytes,
  type SearchIndexLayout,
  type ShardReference,
  type StoredIndexedEntries,
} from './search-index.js';
import type { Site } from './site.js';
import type { EntryPlace } from './v8-store.js';

/**
 * The search index of a `podsite build` after a few edits, updated from the one the last build
 * made (kept by SearchIndexStore) rather than made again: the same bytes as src/search-index.ts
 * makes from scratch, for the work of the terms the changed entries touch and a few passes over
 * the list of terms. Anything else than the same number of entries with a few of them changed
 * (the first build, an entry added, removed or moved among many, other settings) is left to the
 * index made once.
 */

/** Past this many changed entries, making the index once costs little more than updating it. */
export const MOST_CHANGED_ENTRIES = 32;

/** One document's count of one term in one field; no count: the term is no longer there. */
interface Posting {
  id: number;
  field: number;
  count: number | undefined;
}

export interface UpdatedSearchIndex {
  files: OutputFile[];
  fresh: string[];
  made?: MadeSearchIndex;
  diagnostics: Diagnostic[];
}

/** The index updated, or undefined when it must be made once: the store has no index for these entries, or one found damaged (then with a warning). */
export function updatedSearchIndex(site: Site, store: SearchIndexStore, earlier: StoredIndexedEntries, options: Options = defaults): UpdatedSearchIndex | { diagnostics: Diagnostic[] } | undefined {
  const last = store.takeLast();
  if (last === undefined || last.layout.key !== layoutKeyOf(settingsKeyOf(site), options)) return undefined;
  const changes = changedEntries(site, last.layout, earlier);
  if (changes === undefined) return undefined;
  try {
    return update(last, changes, options);
  } catch (error) {
    if (!(error instanceof DamagedIndex)) throw error;
    return { diagnostics: [store.damaged(`damaged (${error.message})`)] };
  }
}

/** Bytes of the last index that are not what its layout says. */
class DamagedIndex extends Error {}

interface ChangedEntries {
  ids: string[];
  /** Places in the entries whose id is not the one the last index had. */
  places: number[];
  before: Omit<IndexedEntry, 'entry'>[];
  after: Omit<IndexedEntry, 'entry'>[];
}

/**
 * The entries whose terms changed since the last index, their terms then and now; undefined when
 * too many changed, or when the search store has not every entry's terms (it must keep them, for
 * the next update to find those of the entries it changes).
 */
function changedEntries(site: Site, layout: SearchIndexLayout, earlier: StoredIndexedEntries): ChangedEntries | undefined {
  const { entries } = site;
  if (entries.length !== layout.entryIds.length) return undefined;
  const ids: string[] = [];
  const places: number[] = [];
  for (let id = 0; id < entries.length; id++) {
    ids.push(earlier.idOf(entries[id]!));
    if (ids[id] === layout.entryIds[id]) {
      if (!earlier.has(ids[id]!)) return undefined;
    } else if (places.push(id) > MOST_CHANGED_ENTRIES) return undefined;
  }
  const before: Omit<IndexedEntry, 'entry'>[] = [];
  for (const id of places) {
    const terms = earlier.byId(layout.entryIds[id]!);
    if (terms === undefined) return undefined;
    before.push(terms);
  }
  const after = places.map((id) => {
    const entry = entries[id]!;
    const terms = earlier.get(entry) ?? indexEntry(site, entry);
    earlier.keep(entry, terms);
    return terms;
  });
  // Read as they were by the store: the unchanged entries' terms are not deserialized.
  for (let id = 0; id < entries.length; id++) if (ids[id] === layout.entryIds[id]) earlier.keepAsRead(ids[id]!);
  return { ids, places, before, after };
}

function update(last: LastSearchIndex, changes: ChangedEntries, options: Options): UpdatedSearchIndex {
  const { layout } = last;
  const headChanges = new Map<string, Posting[]>();
  const notesChanges = new Map<string, Posting[]>();
  changes.places.forEach((id, k) => {
    postingChanges(headChanges, id, changes.before[k]!.head, changes.after[k]!.head);
    postingChanges(notesChanges, id, changes.before[k]!.notes, changes.after[k]!.notes);
  });

  const oldHead = readVerifiedHead(last);
  const headOffsets = offsetsOf(layout.headSizes);
  const oldHeadBytes: LastBytes = (start, end) => oldHead.subarray(layout.headTermsAt + headOffsets[start]!, layout.headTermsAt + headOffsets[end]! - 1);
  const headTerms = updatedTerms(layout.headTerms, layout.headSizes, headChanges, oldHeadBytes);

  const shards = new OldShards(last);
  const notesOffsets = offsetsOf(layout.notesSizes);
  const oldNotesBytes: LastBytes = (start, end) => {
    const shard = shards.containing(start);
    const shardStart = SHARD_START.length - notesOffsets[layout.shards[shard]!.start]!;
    return shards.bytes(shard).subarray(shardStart + notesOffsets[start]!, shardStart + notesOffsets[end]! - 1);
  };
  const notesTerms = updatedTerms(layout.notesTerms, layout.notesSizes, notesChanges, oldNotesBytes);

  // The shards cut as the index made once cuts them; one with the same terms, none touched, is the same file.
  const sums = [0];
  for (let i = 0; i < notesTerms.terms.length; i++) sums.push(sums[i]! + notesTerms.sizes[i]!);
  const ranges: Range[] = [];
  if (notesTerms.terms.length > 0) rangesOf(notesTerms.terms, sums, 0, notesTerms.terms.length, '', options.shardBytes, ranges);
  const newShards = joined(ranges, options.shardBytes).map((range) => {
    const kept = shards.same(range, notesTerms.origins);
    if (kept !== undefined) return { range, path: layout.shards[kept]!.path, place: last.shards[kept]!, bytes: undefined };
    const bytes = Buffer.concat([Buffer.from(SHARD_START), ...joinedTexts(notesTerms, range.start, range.end, oldNotesBytes, (i) => shards.containing(i)), Buffer.from(SHARD_END)]);
    return { range, path: contentName(bytes), place: undefined, bytes };
  });

  const documents = documentsOf(layout, changes);
  const references: ShardReference[] = newShards.map(({ range, path }) => ({ from: range.from, file: path }));
  const around = headAroundDocuments(documents.head, references);
  const headStart = Buffer.from(around.start);
  const head = Buffer.concat([headStart, ...joinedTexts(headTerms, 0, headTerms.terms.length, oldHeadBytes, () => 0), Buffer.from(around.end)]);

  const files: OutputFile[] = [
    { path: SEARCH_INDEX_FILE, contents: head.toString() },
    ...newShards.map(({ path, place, bytes }) => (bytes !== undefined ? { path, contents: bytes.toString() } : placedFile(path, place!))),
  ];
  const made: MadeSearchIndex | undefined =
    changes.places.length === 0
      ? undefined
      : {
          layout: {
            key: layout.key,
            entryIds: changes.ids,
            stored: documents.stored,
            headLengths: documents.headLengths,
            notesLengths: documents.notesLengths,
            headTerms: headTerms.terms,
            headSizes: Uint32Array.from(headTerms.sizes),
            headTermsAt: headStart.length,
            headDigest: digestOf(head),
            notesTerms: notesTerms.terms,
            notesSizes: Uint32Array.from(notesTerms.sizes),
            shards: newShards.map(({ range, path }) => ({ start: range.start, end: range.end, path })),
          },
          head,
          shards: newShards.map(({ place, bytes }): SearchFileBytes => bytes ?? place!),
        };
  // The shards kept from the last index are its files, unchanged: only the head and the shards cut anew are made afresh.
  const fresh = made === undefined ? [] : [SEARCH_INDEX_FILE, ...newShards.filter(({ bytes }) => bytes !== undefined).map(({ path }) => path)];
  return { files, fresh, made, diagnostics: [] };
}

/** As TermIndex.replace: a term whose count in a field stays the same is not touched. */
function postingChanges(changes: Map<string, Posting[]>, id: number, before: readonly FieldTerms[], after: readonly FieldTerms[]): void {
  const change = (term: string, field: number, count: number | undefined) => {
    let list = changes.get(term);
    if (list === undefined) changes.set(term, (list = []));
    list.push({ id, field, count });
  };
  for (let field = 0; field < Math.max(before.length, after.length); field++) {
    const old = before[field]?.terms;
    const now = after[field]?.terms;
    if (old !== undefined) for (const term of old.keys()) if (now?.has(term) !== true) change(term, field, undefined);
    if (now !== undefined) for (const [term, count] of now) if (old?.get(term) !== count) change(term, field, count);
  }
}

/** The terms of an index after the changes: for each, its size, and where its entry's text is (`origins`: its place in the last terms; -1 for a text made anew, in `texts`). */
interface UpdatedTerms {
  terms: string[];
  sizes: number[];
  origins: Int32Array;
  texts: Map<number, string>;
}

/** The entries of the last index's terms `start` to `end` (excluded), joined by commas: they follow each other in one of its files. */
type LastBytes = (start: number, end: number) => Buffer;

function updatedTerms(lastTerms: readonly string[], lastSizes: Uint32Array, changes: ReadonlyMap<string, Posting[]>, lastBytes: LastBytes): UpdatedTerms {
  const touched = [...changes.keys()].sort();
  const terms: string[] = [];
  const sizes: number[] = [];
  const origins: number[] = [];
  const texts = new Map<number, string>();
  let i = 0;
  const keepLast = (until: number) => {
    for (; i < until; i++) {
      terms.push(lastTerms[i]!);
      sizes.push(lastSizes[i]!);
      origins.push(i);
    }
  };
  for (const term of touched) {
    const at = insertionPoint(lastTerms, term);
    keepLast(at);
    const known = lastTerms[at] === term;
    const text = termText(term, known ? lastBytes(at, at + 1) : undefined, changes.get(term)!);
    if (known) i++;
    if (text === undefined) continue;
    texts.set(terms.length, text);
    terms.push(term);
    sizes.push(Buffer.byteLength(text) + 1);
    origins.push(-1);
  }
  keepLast(lastTerms.length);
  return { terms, sizes, origins: Int32Array.from(origins), texts };
}

/** The term's entry, `[term, {field: {document: count}}]`, after the changes; undefined once no document has it. */
function termText(term: string, last: Buffer | undefined, postings: readonly Posting[]): string | undefined {
  let data: Record<number, Record<number, number>> = {};
  if (last !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(last.toString());
    } catch {
      throw new DamagedIndex('a term’s entry cannot be read');
    }
    if (!Array.isArray(parsed) || parsed[0] !== term || typeof parsed[1] !== 'object' || parsed[1] === null) throw new DamagedIndex('a term’s entry is not where its layout says');
    data = parsed[1] as typeof data;
  }
  for (const { id, field, count } of postings) {
    if (count !== undefined) (data[field] ??= {})[id] = count;
    else if (data[field] !== undefined) {
      delete data[field][id];
      if (Object.keys(data[field]).length === 0) delete data[field];
    }
  }
  // Integer keys: the objects list them in order, whatever the order they were set in, as the index made once writes them.
  return Object.keys(data).length === 0 ? undefined : JSON.stringify([term, data]);
}

/**
 * The entries of terms `start` to `end` joined by commas, as bytes: a run of terms that were
 * neighbours in the same file of the last index is one piece of that file's bytes.
 */
function joinedTexts(terms: UpdatedTerms, start: number, end: number, lastBytes: LastBytes, fileOf: (i: number) => number): Buffer[] {
  const pieces: Buffer[] = [];
  const comma = Buffer.from(',');
  for (let j = start; j < end; ) {
    if (j > start) pieces.push(comma);
    const origin = terms.origins[j]!;
    if (origin < 0) {
      pieces.push(Buffer.from(terms.texts.get(j)!));
      j++;
      continue;
    }
    let stop = j + 1;
    while (stop < end && terms.origins[stop] === origin + (stop - j) && fileOf(terms.origins[stop]!) === fileOf(origin)) stop++;
    pieces.push(lastBytes(origin, origin + (stop - j)));
    j = stop;
  }
  return pieces;
}

/** The shards of the last index, each read (and checked against the digest in its name) at most once. */
class OldShards {
  private readonly read = new Map<number, Buffer>();
  private readonly starts: number[];

  constructor(private readonly last: LastSearchIndex) {
    this.starts = last.layout.shards.map((shard) => shard.start);
  }

  /** The shard that holds the i-th term of the last index. */
  containing(i: number): number {
    return insertionPoint(this.starts, i + 1) - 1;
  }

  bytes(shard: number): Buffer {
    let bytes = this.read.get(shard);
    if (bytes === undefined) {
      const place = this.last.shards[shard]!;
      bytes = place.source.readBytes(place);
      if (contentName(bytes) !== this.last.layout.shards[shard]!.path) throw new DamagedIndex('a shard is not the one its name says');
      this.read.set(shard, bytes);
    }
    return bytes;
  }

  /**
   * The last shard with exactly the terms of `range`, none of them touched: its bytes are checked
   * now, since they are written later, when the index can no longer be made again instead.
   */
  same(range: Range, origins: Int32Array): number | undefined {
    const first = origins[range.start]!;
    if (first < 0) return undefined;
    const shard = this.containing(first);
    const { start, end } = this.last.layout.shards[shard]!;
    if (start !== first || end - start !== range.end - range.start) return undefined;
    for (let j = range.start; j < range.end; j++) if (origins[j] !== first + (j - range.start)) return undefined;
    this.bytes(shard);
    this.read.delete(shard);
    return shard;
  }
}

function readVerifiedHead(last: LastSearchIndex): Buffer {
  const bytes = last.head.source.readBytes(last.head);
  if (digestOf(bytes) !== last.layout.headDigest) throw new DamagedIndex('its head is not the one written');
  return bytes;
}

const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64url');

/** `offsets[i]`: bytes of the entries before the i-th term, each with its comma. */
function offsetsOf(sizes: Uint32Array): Float64Array {
  const offsets = new Float64Array(sizes.length + 1);
  for (let i = 0; i < sizes.length; i++) offsets[i + 1] = offsets[i]! + sizes[i]!;
  return offsets;
}

/**
 * What the head says of the entries, and their stored fields and lengths for the next layout: the
 * changed entries' from their terms, the others' from the last layout, in one pass that makes no
 * object for each of thousands of entries (their number of terms is read from their lengths).
 */
function documentsOf(layout: SearchIndexLayout, changes: ChangedEntries): { head: HeadDocuments; stored: string[]; headLengths: string[]; notesLengths: string[] } {
  const changed = new Map(changes.places.map((id, k) => [id, changes.after[k]!]));
  const count = layout.entryIds.length;
  const stored: string[] = new Array(count);
  const headLengths: string[] = new Array(count);
  const notesLengths: string[] = new Array(count);
  const parts = new DocumentParts();
  const averages = { head: [] as number[], notes: [] as number[] };
  for (let id = 0; id < count; id++) {
    const now = changed.get(id);
    const head = (headLengths[id] = now === undefined ? layout.headLengths[id]! : now.lengths.head);
    const notes = (notesLengths[id] = now === undefined ? layout.notesLengths[id]! : now.lengths.notes);
    stored[id] = now === undefined ? layout.stored[id]! : now.stored;
    parts.setTexts(id, stored[id]!, head, notes);
    const headUniques = now === undefined ? uniquesOf(head) : now.head.map((terms) => terms.unique);
    const notesUniques = now === undefined ? uniquesOf(notes) : now.notes.map((terms) => terms.unique);
    for (let field = 0; field < headUniques.length; field++) addToAverage(averages.head, id, field, headUniques[field]!);
    for (let field = 0; field < notesUniques.length; field++) addToAverage(averages.notes, id, field, notesUniques[field]!);
  }
  return { head: parts.documents(count, averages), stored, headLengths, notesLengths };
}

/** The number of distinct terms of each field, as an entry's lengths say. */
function uniquesOf(lengths: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(lengths);
  } catch {
    throw new DamagedIndex('an entry’s lengths cannot be read');
  }
  if (!Array.isArray(parsed) || !parsed.every((unique) => typeof unique === 'number')) throw new DamagedIndex('an entry’s lengths have the wrong shape');
  return parsed as number[];
}

/** A file of the last index, the same now: read from the store file when it is written. */
function placedFile(path: string, place: EntryPlace): OutputFile {
  return Object.defineProperty({ path } as OutputFile, 'contents', { get: () => place.source.readBytes(place).toString(), enumerable: true });
}

