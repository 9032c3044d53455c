import { createHash, type Hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isoDate } from './dates.js';
import type { OutputFile } from './pages.js';
import { siteHref, type Episode, type Site } from './site.js';
import { removeForbiddenHtmlCharacters } from './xml-text.js';
import type { Place, StringSpill } from './notes-spill.js';
import { wordsOf } from './search-words.js';
import type { EntryPlace } from './v8-store.js';

/**
 * The only door to MiniSearch: the archive's search index, made at build time, and the library the
 * browser loads it with. The index is in two parts, as Pagefind splits its own: a head, loaded on
 * first use, that finds titles, descriptions and the start of the notes at once; and the terms of
 * the whole notes in shards by range of terms, of which a query loads only those its words fall in.
 */

/** Where the head, the shards and the library are written, relative to the output folder. */
export const SEARCH_INDEX_FILE = 'search-index.json';
export const SEARCH_SHARD_FOLDER = 'search';
export const SEARCH_LIBRARY_FILE = 'assets/minisearch.js';

/** Bumped when the files' shape changes, so that a theme's script can tell an index it does not know. */
export const FORMAT = 2;

/** What a result shows; nothing else is stored, so the notes cost only their terms. */
export interface StoredFields {
  title: string;
  /** Root-relative link, base path included. */
  url: string;
  /** `YYYY-MM-DD` in the show's time zone; the page formats it in its own language. */
  date: string;
}

const SEARCHED_FIELDS = ['title', 'description', 'notes'] as const;
const SHARD_FIELDS = ['notes'] as const;
const STORED_FIELDS: readonly (keyof StoredFields)[] = ['title', 'url', 'date'];

/**
 * Words too common to find anything, in the two languages of the theme, written folded. Dropping
 * them shrinks the index (each is in nearly every entry) and the page drops them from queries too,
 * from the list in the index file.
 */
const STOP_WORDS: readonly string[] = [
  // English
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'have', 'he', 'her', 'his', 'i', 'if', 'in', 'into', 'is', 'it', 'its',
  'me', 'my', 'no', 'not', 'of', 'on', 'or', 'our', 'she', 'so', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'we', 'were', 'what', 'when', 'which', 'who', 'will', 'with', 'you', 'your',
  // French, but for words English has already (folded: `a` also stands for `à`)
  'au', 'aux', 'avec', 'c', 'ce', 'ces', 'cette', 'd', 'dans', 'de', 'des', 'du', 'elle', 'en', 'est', 'et', 'eux', 'il', 'ils', 'j', 'je', 'l', 'la', 'le',
  'les', 'leur', 'lui', 'ma', 'mais', 'meme', 'mes', 'moi', 'mon', 'n', 'ne', 'nos', 'notre', 'nous', 'ou', 'par', 'pas', 'pour', 'qu', 'que',
  'qui', 's', 'sa', 'se', 'ses', 'son', 'sont', 'sur', 't', 'ta', 'te', 'tes', 'toi', 'ton', 'tu', 'un', 'une', 'vos', 'votre', 'vous', 'y',
  // Pieces of the web addresses that notes are full of
  'http', 'https', 'www', 'com', 'html',
];
const STOP_SET = new Set(STOP_WORDS);

/** Lower case, accents and other combining marks removed: `Été` and `ete` are one term. */
export function foldTerm(term: string): string {
  return term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * How the build turns each word into a term; the page's script folds queries and drops the stop
 * words the same way. In the notes, numbers and words of one or two letters are left out too: a
 * title's `42` finds its episode, but every version number and date of the notes would grow the
 * index and find nothing in particular.
 */
const NOTES_TERM_LENGTH = 3;

/**
 * Terms already worked out, by word, for the notes and for the other fields: an archive says the
 * same words again and again, and folding each one again was most of the time spent indexing.
 */
const knownTerms = { notes: new Map<string, string | null>(), other: new Map<string, string | null>() };
const KNOWN_TERMS_KEPT = 200_000;

function indexTerm(term: string, field?: string): string | null {
  const known = field === 'notes' ? knownTerms.notes : knownTerms.other;
  let made = known.get(term);
  if (made === undefined) {
    if (known.size >= KNOWN_TERMS_KEPT) known.clear();
    made = newIndexTerm(term, field);
    known.set(term, made);
  }
  return made;
}

function newIndexTerm(term: string, field?: string): string | null {
  const folded = foldTerm(term);
  if (folded === '' || STOP_SET.has(folded)) return null;
  if (field === 'notes' && (folded.length < NOTES_TERM_LENGTH || /^\d+$/.test(folded))) return null;
  return folded;
}

/**
 * The head indexes only the start of the notes: it says what an entry is about, and gives results
 * before any shard arrives, while the long tails of links of an archive's notes would make the
 * head grow with every word ever said (on the 359 entries of Les Cast Codeurs, whole notes make
 * one index of 1.4 MB, 313 KB gzip). The shards have the whole notes.
 */
export const NOTES_INDEXED_CHARACTERS = 300;

export interface Options {
  /**
   * The most bytes of terms in one shard file (a single term may exceed it). Pagefind's chunks
   * are of this order: small enough that a query's few shards come at once, large enough that
   * the archive has tens of files, not thousands.
   */
  shardBytes: number;
}

export const defaults = { shardBytes: 40_000 } satisfies Options;

/**
 * Query words shorter than this are looked up in the head only: the notes have no such words
 * (see indexTerm), so in the shards they would only be prefixes of nearly every term of a range
 * of shards, fetched while the listener is still typing.
 */
export const SHARD_QUERY_LENGTH = NOTES_TERM_LENGTH;

/** The text up to `length` characters, without the word the cut would halve. */
function startOf(text: string, length: number): string {
  if (text.length <= length) return text;
  return text.slice(0, length).replace(/\S*$/u, '');
}

interface SearchDocument extends StoredFields {
  description: string;
  notes: string;
}

/** `notes`: the entry's whole text, cleaned as below. */
function documentOf(site: Site, entry: Episode, notes: string): SearchDocument {
  return {
    // The same text as the pages show (templates.ts), not controls the listener never sees.
    title: removeForbiddenHtmlCharacters(entry.title),
    description: removeForbiddenHtmlCharacters(entry.description ?? ''),
    notes: startOf(notes, NOTES_INDEXED_CHARACTERS),
    url: siteHref(site.settings, entry.path),
    date: isoDate(entry.date, site.settings.timezone).slice(0, 'YYYY-MM-DD'.length),
  };
}

/** A shard as the head lists it: its file, and the first term it may hold (`from` of the next one ends it). */
export interface ShardReference {
  from: string;
  file: string;
}

/** One field of one entry as MiniSearch indexes it: its length in distinct words, and its terms with their counts. */
export interface FieldTerms {
  /** Distinct words before processing, stop words included: MiniSearch's field length, which scores use. */
  unique: number;
  terms: ReadonlyMap<string, number>;
}

function fieldTerms(text: string, field: string): FieldTerms {
  // Counted by word first: each distinct word is then made a term once, where a word of the notes comes back several times.
  const words = new Map<string, number>();
  for (const word of wordsOf(text)) words.set(word, (words.get(word) ?? 0) + 1);
  const terms = new Map<string, number>();
  for (const [word, count] of words) {
    const term = indexTerm(word, field);
    if (term) terms.set(term, (terms.get(term) ?? 0) + count);
  }
  return { unique: words.size, terms };
}

/** What an entry's terms are made from: an entry with the same is not indexed again. */
type IndexedSource = Pick<Episode, 'title' | 'description' | 'text' | 'path'> & { time: number };

/** An entry, indexed once and kept while its title, description, notes, address and date stay the same. */
export interface IndexedEntry {
  /**
   * Kept only by an index updated between builds (podsite dev, whose entries hold their notes
   * anyway): a build reads each entry's notes back from its spill, and would hold them all here.
   */
  entry?: IndexedSource;
  /** Its stored fields, as JSON. */
  stored: string;
  /** The head's fields (SEARCHED_FIELDS) and the shards' (SHARD_FIELDS). */
  head: FieldTerms[];
  notes: FieldTerms[];
  /** The lengths of its fields in each index, as JSON. */
  lengths: { head: string; notes: string };
}

export function indexEntry(site: Site, entry: Episode): Omit<IndexedEntry, 'entry'> {
  // Read once: a streamed build's entry reads its text from the spill at each use.
  const notes = removeForbiddenHtmlCharacters(entry.text);
  const head = documentOf(site, entry, notes);
  const stored: StoredFields = { title: head.title, url: head.url, date: head.date };
  const fields = {
    head: SEARCHED_FIELDS.map((field) => fieldTerms(head[field], field)),
    // The shards' one field, the whole notes.
    notes: [fieldTerms(notes, SHARD_FIELDS[0])],
  };
  const lengths = (terms: FieldTerms[]) => JSON.stringify(terms.map(({ unique }) => unique));
  return {
    stored: JSON.stringify(stored),
    ...fields,
    lengths: { head: lengths(fields.head), notes: lengths(fields.notes) },
  };
}

const sourceOf = (entry: Episode): IndexedSource => ({ title: entry.title, description: entry.description, text: entry.text, path: entry.path, time: entry.date.getTime() });

const unchanged = ({ entry: source }: IndexedEntry, entry: Episode) =>
  source !== undefined &&
  source.text === entry.text &&
  source.title === entry.title &&
  source.description === entry.description &&
  source.path === entry.path &&
  source.time === entry.date.getTime();

/**
 * The terms of one MiniSearch index, kept between builds: an edit takes out the terms its entry
 * had and puts in those it has, and only the terms it touched are serialized again. Document ids
 * are places in the list of entries, as `addAll` gives them.
 */
class TermIndex {
  /** Term → document id → count in each field. */
  private readonly postings = new Map<string, Map<number, (number | undefined)[]>>();
  /**
   * In an index made once, instead: term → its postings packed in a typed array, a sixth of the
   * memory of the maps (an archive of 20,000 episodes has millions of them), but no way to take one
   * out. A term's postings go once its entry in the file is made.
   */
  private readonly packed = new Map<string, PackedPostings>();
  /** Term → its entry in the file, as JSON, for the terms not touched since it was made. */
  private readonly texts = new Map<string, string>();
  /**
   * In an index made once with a spill, instead: where each term's entry was written, from the
   * time its size is asked (every term of the shards, before any shard is cut) to the time its
   * shard takes it; in memory, the entries of all the terms would wait together (about 23 MB at
   * 20,000 episodes).
   */
  private readonly spilled = new Map<string, Place>();
  private readonly sizes = new Map<string, number>();
  /** Terms whose documents were taken out or put in since the last `done`: each is serialized again. None in an index made once, where every term is new. */
  private readonly touched = new Set<string>();
  /** Those of them whose entry in the file is not what it was (an entry saved again often leaves most of its terms as they were). */
  readonly changed = new Set<string>();
  private sorted: string[] = [];
  private added: string[] = [];
  private removed = new Set<string>();

  constructor(
    private readonly once = false,
    private readonly spill?: StringSpill,
  ) {}

  /**
   * The document's terms go from `before` to `after` (either may be absent). A term whose count
   * stays the same is not touched: an edit of an entry's notes changes few of its terms, and the
   * common terms it shares with thousands of entries are long to serialize again.
   */
  replace(id: number, before: readonly FieldTerms[] | undefined, after: readonly FieldTerms[] | undefined): void {
    if (this.once) {
      if (before !== undefined) throw new Error('internal: a search index made once is never updated');
      this.add(id, after ?? []);
      return;
    }
    const fields = Math.max(before?.length ?? 0, after?.length ?? 0);
    for (let field = 0; field < fields; field++) {
      const old = before?.[field]?.terms;
      const now = after?.[field]?.terms;
      if (old !== undefined) for (const term of old.keys()) if (now?.has(term) !== true) this.set(term, id, field, undefined);
      if (now !== undefined) for (const [term, count] of now) if (old?.get(term) !== count) this.set(term, id, field, count);
    }
  }

  /** A document put in an index made once, as `set` would for each of its terms. */
  private add(id: number, after: readonly FieldTerms[]): void {
    for (let field = 0; field < after.length; field++) {
      for (const [term, count] of after[field]!.terms) {
        let postings = this.packed.get(term);
        if (postings === undefined) {
          this.packed.set(term, (postings = new PackedPostings()));
          this.added.push(term);
        }
        postings.push(id, field, count);
      }
    }
  }

  private set(term: string, id: number, field: number, count: number | undefined): void {
    this.touched.add(term);
    let documents = this.postings.get(term);
    if (count === undefined) {
      const counts = documents?.get(id);
      if (documents === undefined || counts === undefined) return;
      counts[field] = undefined;
      if (counts.some((n) => n !== undefined)) return;
      documents.delete(id);
      if (documents.size > 0) return;
      this.postings.delete(term);
      this.texts.delete(term);
      this.sizes.delete(term);
      this.removed.add(term);
      return;
    }
    if (documents === undefined) {
      this.postings.set(term, (documents = new Map()));
      if (!this.removed.delete(term)) this.added.push(term);
    }
    let counts = documents.get(id);
    if (counts === undefined) documents.set(id, (counts = []));
    counts[field] = count;
  }

  /** Called once the files are made: what was touched is now serialized. */
  done(): void {
    this.touched.clear();
    this.changed.clear();
  }

  /** Every term in code-unit order, the order the shards are cut in and the page compares in. */
  terms(): readonly string[] {
    if (this.once) {
      // Every term was added, none removed: the postings of some may be gone already (text).
      if (this.added.length > 0) this.sorted = [...this.sorted, ...this.added].sort();
    } else if (this.added.length + this.removed.size > 64) {
      this.sorted = [...this.postings.keys()].sort();
    } else {
      if (this.removed.size > 0) this.sorted = this.sorted.filter((term) => !this.removed.has(term));
      for (const term of this.added) this.sorted.splice(insertionPoint(this.sorted, term), 0, term);
    }
    this.added = [];
    this.removed.clear();
    return this.sorted;
  }

  /**
   * The term's entry in a file, as `text` gives it; in an index made once, its last use: the text
   * is not kept, so that the made files and the texts of all their terms are not held together.
   */
  take(term: string): string {
    const text = this.text(term, !this.once);
    if (this.once) {
      this.texts.delete(term);
      this.spilled.delete(term);
    }
    return text;
  }

  /** The term's `[term, {fieldId: {documentId: count}}]`, as MiniSearch's `toJSON` writes it. */
  text(term: string, keep = true): string {
    const place = this.spilled.get(term);
    const before = place === undefined ? this.texts.get(term) : this.spill!.read(place);
    // In an index made once, every term's text is made once.
    let text = !this.once && this.touched.has(term) ? undefined : before;
    if (text === undefined) {
      if (this.once) {
        text = termEntryText(term, this.packed.get(term)!);
        this.packed.delete(term);
      } else {
        const documents = this.postings.get(term)!;
        text = termEntryText(term, {
          forEach(each) {
            for (const [id, counts] of documents) {
              for (let field = 0; field < counts.length; field++) {
                const count = counts[field];
                if (count !== undefined) each(id, field, count);
              }
            }
          },
        });
      }
      if (keep && this.once && this.spill !== undefined) this.spilled.set(term, this.spill.put(text));
      else if (keep) this.texts.set(term, text);
      if (text !== before) {
        this.changed.add(term);
        this.sizes.delete(term);
      }
    }
    return text;
  }

  /** The size of the term's entry in a file: UTF-8, and the comma after it. */
  bytes(term: string): number {
    if (this.once && this.sizes.has(term)) return this.sizes.get(term)!;
    const text = this.text(term);
    let size = this.sizes.get(term);
    if (size === undefined) this.sizes.set(term, (size = Buffer.byteLength(text) + 1));
    return size;
  }
}

/** A term's postings, one `(document id, field, count)` at a time. */
export interface Postings {
  forEach(each: (id: number, field: number, count: number) => void): void;
}

/**
 * `[term, {fieldId: {documentId: count}}]` as `JSON.stringify` writes those objects, integer keys
 * in ascending order. Written as a string when the postings come by ascending document id, as they
 * do in a first build: an object made and serialized per term was the largest cost of the index's terms.
 */
export function termEntryText(term: string, postings: Postings): string {
  const fields: string[] = [];
  const lastIds: number[] = [];
  let ascending = true;
  postings.forEach((id, field, count) => {
    const last = lastIds[field];
    if (last !== undefined && id <= last) ascending = false;
    lastIds[field] = id;
    fields[field] = last === undefined ? `"${id}":${count}` : `${fields[field]!},"${id}":${count}`;
  });
  if (!ascending) {
    const data: Record<number, Record<number, number>> = {};
    postings.forEach((id, field, count) => ((data[field] ??= {})[id] = count));
    return JSON.stringify([term, data]);
  }
  let text = '';
  for (let field = 0; field < fields.length; field++) {
    if (fields[field] !== undefined) text += `${text === '' ? '' : ','}"${field}":{${fields[field]!}}`;
  }
  return `[${JSON.stringify(term)},{${text}}]`;
}

/** Bits of a packed posting that hold its field: the head has three fields, the shards one. */
const FIELD_BITS = 2;

/** A count below this fits in the low byte of a posting's one number; this value of the byte says that the posting takes three. */
const LONG_POSTING = 0xff;

/** The largest (document id, field) that fits with its count in one number of 32 bits. */
const SHORT_KEY_LIMIT = 2 ** 24;

/**
 * One term's postings in an index made once, each (document id, field, count) packed in one
 * number of 32 bits: 4 bytes a posting, where a number for the key and one for the count took 8
 * (about 30 MB of postings at 20,000 episodes, all held until the shards are cut). A count of 255
 * or more, or an id past 4 million, takes three numbers: the marker, the key, the count.
 */
export class PackedPostings implements Postings {
  private values = new Uint32Array(2);
  private length = 0;

  push(id: number, field: number, count: number): void {
    const key = id * (1 << FIELD_BITS) + field;
    const short = count < LONG_POSTING && key < SHORT_KEY_LIMIT;
    const needed = short ? 1 : 3;
    if (this.length + needed > this.values.length) {
      const grown = new Uint32Array(Math.max(this.values.length * 2, this.length + needed));
      grown.set(this.values);
      this.values = grown;
    }
    if (short) this.values[this.length++] = key * 0x100 + count;
    else {
      this.values[this.length++] = LONG_POSTING;
      this.values[this.length++] = key;
      this.values[this.length++] = count;
    }
  }

  forEach(each: (id: number, field: number, count: number) => void): void {
    for (let i = 0; i < this.length; ) {
      const value = this.values[i]!;
      let key: number;
      let count: number;
      if ((value & 0xff) === LONG_POSTING) {
        key = this.values[i + 1]!;
        count = this.values[i + 2]!;
        i += 3;
      } else {
        key = Math.floor(value / 0x100);
        count = value & 0xff;
        i += 1;
      }
      each(Math.floor(key / (1 << FIELD_BITS)), key % (1 << FIELD_BITS), count);
    }
  }
}

/** Where `item` goes in `sorted` (ascending): before the first that is not smaller. */
export function insertionPoint<T extends string | number>(sorted: readonly T[], item: T): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < item) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** What the head says of its documents besides their terms: each list joined by commas, and the fields' average lengths. */
export interface HeadDocuments {
  count: number;
  /** `"0":0,"1":1,…` */
  ids: string;
  stored: string;
  head: { lengths: string; averages: number[] };
  notes: { lengths: string; averages: number[] };
}

/**
 * What MiniSearch's `toJSON` writes besides the terms and the stored fields, for these fields of
 * these documents.
 */
function documentStats(documents: HeadDocuments, fields: readonly string[], index: 'head' | 'notes'): string {
  return (
    `"documentCount":${documents.count},"nextId":${documents.count},"documentIds":{${documents.ids}},` +
    `"fieldIds":${JSON.stringify(Object.fromEntries(fields.map((field, id) => [field, id])))},` +
    `"fieldLength":{${documents[index].lengths}},"averageFieldLength":${JSON.stringify(documents[index].averages)}`
  );
}

/**
 * Adds the number of distinct terms of a document's field to the running average of that field,
 * in the order MiniSearch's `add` sums them (document `id` after all those before it), so the
 * numbers are the same to the last bit.
 */
export function addToAverage(averages: number[], id: number, field: number, unique: number): void {
  averages[field] = ((averages[field] || 0) * id + unique) / (id + 1);
}

function averageLengths(indexed: readonly IndexedEntry[], index: 'head' | 'notes'): number[] {
  const averages: number[] = [];
  for (let id = 0; id < indexed.length; id++) {
    const terms = indexed[id]![index];
    for (let field = 0; field < terms.length; field++) addToAverage(averages, id, field, terms[field]!.unique);
  }
  return averages;
}

/** `"0":0,"1":1,…`: the ids of `count` documents. */
function documentIdsText(count: number): string {
  const ids: string[] = [];
  for (let id = 0; id < count; id++) ids.push(`"${id}":${id}`);
  return ids.join(',');
}

/**
 * A list of texts joined by commas, kept between updates: an edit changes one of thousands, and
 * making each again (`"id":…`) at every save was a measurable part of podsite dev's rebuild.
 */
class JoinedParts {
  private readonly parts: string[] = [];
  private text: string | undefined = '';

  set(id: number, part: string): void {
    if (this.parts[id] === part) return;
    this.parts[id] = part;
    this.text = undefined;
  }

  truncate(length: number): void {
    if (this.parts.length <= length) return;
    this.parts.length = length;
    this.text = undefined;
  }

  joined(): string {
    return (this.text ??= this.parts.join(','));
  }
}

/** The parts of the head's document lists that follow the entries: their stored fields and the lengths of their fields. */
export class DocumentParts {
  readonly stored = new JoinedParts();
  readonly head = new JoinedParts();
  readonly notes = new JoinedParts();
  private documentIds: { count: number; text: string } | undefined;

  /** Entry `id` is now `entry`, or gone. */
  set(id: number, entry: IndexedEntry | undefined): void {
    if (entry !== undefined) this.setTexts(id, entry.stored, entry.lengths.head, entry.lengths.notes);
  }

  /** Entry `id`'s stored fields and field lengths, as the head writes them. */
  setTexts(id: number, stored: string, headLengths: string, notesLengths: string): void {
    this.stored.set(id, `"${id}":${stored}`);
    this.head.set(id, `"${id}":${headLengths}`);
    this.notes.set(id, `"${id}":${notesLengths}`);
  }

  /** The first `count` entries as the head says them, with the average lengths of their fields. */
  documents(count: number, averages: { head: number[]; notes: number[] }): HeadDocuments {
    return {
      count,
      ids: this.ids(count),
      stored: this.stored.joined(),
      head: { lengths: this.head.joined(), averages: averages.head },
      notes: { lengths: this.notes.joined(), averages: averages.notes },
    };
  }

  truncate(length: number): void {
    for (const parts of [this.stored, this.head, this.notes]) parts.truncate(length);
  }

  /** `"0":0,"1":1,…`: the same for the same number of entries. */
  ids(count: number): string {
    if (this.documentIds?.count !== count) {
      this.documentIds = { count, text: documentIdsText(count) };
    }
    return this.documentIds.text;
  }
}

export interface Range {
  /** A prefix shared by every term of the range; the smallest term of the range starts with it. */
  from: string;
  /** Places in the sorted terms, `end` excluded. */
  start: number;
  end: number;
  bytes: number;
}

/**
 * Sorted terms cut into ranges of at most `limit` bytes, each range the terms of one prefix, the
 * prefix one character longer at each level. A range is cut at a prefix rather than anywhere so
 * that a query word as long as the prefixes falls in one shard, and a typo past them is forgiven.
 * `sums[i]` is the size in the file of the terms before the i-th (each with the comma after it).
 */
export function rangesOf(terms: readonly string[], sums: readonly number[], start: number, end: number, prefix: string, limit: number, ranges: Range[]): void {
  const bytes = sums[end]! - sums[start]!;
  if (bytes <= limit || end - start === 1) {
    ranges.push({ from: prefix, start, end, bytes });
    return;
  }
  const depth = prefix.length;
  while (start < end) {
    const term = terms[start]!;
    // The prefix itself, as a term, sorts first and goes alone.
    const next = term.length === depth ? term : term.slice(0, depth + 1);
    let stop = start + 1;
    while (stop < end && term.length > depth && terms[stop]!.startsWith(next)) stop++;
    rangesOf(terms, sums, start, stop, next, limit, ranges);
    start = stop;
  }
}

/** Neighbouring ranges joined while they fit, so that rare first letters do not each make a file. */
export function joined(ranges: readonly Range[], limit: number): Range[] {
  const shards: Range[] = [];
  for (const range of ranges) {
    const last = shards.at(-1);
    if (last !== undefined && last.bytes + range.bytes <= limit) {
      last.end = range.end;
      last.bytes += range.bytes;
    } else shards.push({ ...range });
  }
  return shards;
}

/** A short hash of the contents in the name: a browser's cached shard can never meet another head. */
export const contentName = (contents: string | Uint8Array) => `${SEARCH_SHARD_FOLDER}/notes-${createHash('sha256').update(contents).digest('hex').slice(0, 12)}.json`;

interface Shard {
  terms: readonly string[];
  file: OutputFile;
}

/**
 * The search index of an archive, kept by `podsite dev` between builds. It writes the files
 * MiniSearch would write for the same documents (`addAll`, then `toJSON`), terms in code-unit
 * order, without building a MiniSearch index: an edit then costs the terms of its entry, not a
 * pass of the tokenizer over every note of the archive. A full build starts from an empty one, so
 * the same entries give the same bytes whatever came before.
 */
export class SearchIndexState {
  private indexed: IndexedEntry[] = [];
  private byFile = new Map<string, IndexedEntry>();
  private readonly head: TermIndex;
  private readonly notes: TermIndex;
  private shards: Shard[] = [];
  private files: OutputFile[] | undefined;
  private readonly parts = new DocumentParts();
  /** An index made once for a build with a store records what the next build needs to update it rather than make it again. */
  private readonly recording: boolean;
  private entryIds: string[] = [];
  private madeShards: (Pick<Range, 'start' | 'end'> & { path: string; bytes: SearchFileBytes })[] = [];
  /** What was recorded, once the files are made. */
  made: MadeSearchIndex | undefined;

  constructor(
    /** What shapes a result besides the entries: another address or time zone needs another state. */
    readonly settingsKey: string,
    private readonly options: Options = defaults,
    /**
     * False for an index made once: each entry's terms are dropped as soon as they are in the
     * index, rather than kept for the next update (they weigh more than the notes themselves).
     */
    private readonly keepTerms = true,
    /** Entries indexed by an earlier run of podsite, under the same settings key. */
    private readonly earlier?: EarlierIndexedEntries,
    /**
     * Where an index made once writes its files as they are made, each read back when it is
     * written to the site: they wait on disk, not in memory, for the end of the build.
     */
    private readonly spill?: StringSpill,
  ) {
    this.head = new TermIndex(!keepTerms, keepTerms ? undefined : spill);
    this.notes = new TermIndex(!keepTerms, keepTerms ? undefined : spill);
    this.recording = !keepTerms && earlier?.idOf !== undefined;
  }

  /** The head and the shards for these entries, and the paths of the files that were not in the last answer. */
  update(site: Site): { files: OutputFile[]; fresh: string[] } {
    const before = this.indexed;
    const byFile = new Map<string, IndexedEntry>();
    const indexed: IndexedEntry[] = [];
    let changed = this.files === undefined || before.length !== site.entries.length;
    // Each entry indexed and put in at once: an index made once never holds the terms of all of them.
    for (let id = 0; id < Math.max(before.length, site.entries.length); id++) {
      const entry = site.entries[id];
      let now: IndexedEntry | undefined;
      if (entry !== undefined) {
        const known = this.byFile.get(entry.file);
        if (known !== undefined && unchanged(known, entry)) now = known;
        else {
          const made = this.earlier?.get(entry) ?? indexEntry(site, entry);
          now = this.keepTerms ? { ...made, entry: sourceOf(entry) } : made;
        }
        this.earlier?.keep(entry, now);
        if (this.recording) this.entryIds.push(this.earlier!.idOf!(entry));
        byFile.set(entry.file, now);
        indexed.push(now);
      }
      const old = before[id];
      if (old === now) continue;
      changed = true;
      this.parts.set(id, now);
      this.head.replace(id, old?.head, now?.head);
      this.notes.replace(id, old?.notes, now?.notes);
      if (now !== undefined && !this.keepTerms) {
        // Only the lengths are needed from here on (documentStats).
        now.head = now.head.map(({ unique }) => ({ unique, terms: NO_TERMS }));
        now.notes = now.notes.map(({ unique }) => ({ unique, terms: NO_TERMS }));
      }
    }
    this.indexed = indexed;
    this.byFile = byFile;
    this.parts.truncate(indexed.length);
    if (!changed) return { files: this.files!, fresh: [] };

    const known = new Set(this.files?.map((file) => file.path));
    const shards = this.shardFiles();
    const references: ShardReference[] = shards.map(({ from, shard }) => ({ from, file: shard.file.path }));
    const { start: headStart, end: headEnd } = headAround(indexed, this.parts, references);
    const headTerms = this.head.terms();
    const previousHead = this.files?.[0];
    // An index made once for a build store tells it the size of each term's entry, and the digest of the head.
    const record = !this.recording ? undefined : { sizes: new Uint32Array(headTerms.length), digest: createHash('sha256') };
    let termsMade = 0;
    const takeHeadTerm = (term: string) => {
      const text = this.head.take(term);
      if (record) record.sizes[termsMade++] = Buffer.byteLength(text) + 1;
      return text;
    };
    let head: OutputFile;
    let headBytes: SearchFileBytes | undefined;
    if (this.spill !== undefined && !this.keepTerms) {
      const spilled = spilledParts(this.spill, SEARCH_INDEX_FILE, headStart, headTerms, takeHeadTerm, headEnd, record?.digest);
      head = spilled.file;
      headBytes = { source: this.spill, at: spilled.place.at, bytes: spilled.place.bytes };
    } else {
      const headText = `${headStart}${headTerms.map(takeHeadTerm).join(',')}${headEnd}`;
      head = previousHead?.contents === headText ? previousHead : { path: SEARCH_INDEX_FILE, contents: headText };
      if (record) {
        headBytes = Buffer.from(headText);
        record.digest.update(headBytes);
      }
    }
    if (record) {
      const notes = this.notes.terms();
      this.made = {
        layout: {
          key: layoutKeyOf(this.settingsKey, this.options),
          entryIds: this.entryIds,
          stored: indexed.map((entry) => entry.stored),
          headLengths: indexed.map((entry) => entry.lengths.head),
          notesLengths: indexed.map((entry) => entry.lengths.notes),
          headTerms: [...headTerms],
          headSizes: record.sizes,
          headTermsAt: Buffer.byteLength(headStart),
          headDigest: record.digest.digest('base64url'),
          notesTerms: [...notes],
          notesSizes: Uint32Array.from(notes, (term) => this.notes.bytes(term)),
          shards: this.madeShards.map(({ start, end, path }) => ({ start, end, path })),
        },
        head: headBytes!,
        shards: this.madeShards.map(({ bytes }) => bytes),
      };
      this.madeShards = [];
      this.entryIds = [];
    }
    this.head.done();
    this.notes.done();
    this.shards = shards.map(({ shard }) => shard);
    this.files = [head, ...this.shards.map((shard) => shard.file)];
    const fresh = this.files.filter((file) => !known.has(file.path) || (file === head && head !== previousHead)).map((file) => file.path);
    return { files: this.files, fresh };
  }

  /** The shards of the whole notes; a shard whose terms are the same and untouched keeps its file (and hash). */
  private shardFiles(): { from: string; shard: Shard }[] {
    const { notes } = this;
    const terms = notes.terms();
    if (terms.length === 0) return [];
    const sums = [0];
    for (let i = 0; i < terms.length; i++) sums.push(sums[i]! + notes.bytes(terms[i]!));
    const ranges: Range[] = [];
    rangesOf(terms, sums, 0, terms.length, '', this.options.shardBytes, ranges);
    const previous = new Map(this.shards.map((shard) => [shard.terms[0], shard]));
    return joined(ranges, this.options.shardBytes).map(({ from, start, end }) => {
      const mine = terms.slice(start, end);
      const old = previous.get(mine[0]);
      if (old !== undefined && old.terms.length === mine.length && mine.every((term, i) => term === old.terms[i] && !notes.changed.has(term))) {
        return { from, shard: old };
      }
      const contents = shardContents(mine.map((term) => notes.take(term)));
      let file: OutputFile;
      if (this.spill !== undefined && !this.keepTerms) {
        const place = this.spill.put(contents);
        file = readFrom(this.spill, contentName(contents), place);
        if (this.recording) this.madeShards.push({ start, end, path: file.path, bytes: { source: this.spill, at: place.at, bytes: place.bytes } });
      } else {
        file = { path: contentName(contents), contents };
        if (this.recording) this.madeShards.push({ start, end, path: file.path, bytes: Buffer.from(contents) });
      }
      return { from, shard: { terms: mine, file } };
    });
  }
}

/** A shard's file, its terms' entries given. */
export const shardContents = (texts: readonly string[]) => `${SHARD_START}${texts.join(',')}${SHARD_END}`;
export const SHARD_START = `{"format":${FORMAT},"index":[`;
export const SHARD_END = ']}';

/**
 * The head around its terms: the head's MiniSearch index, then the notes' (everything of a
 * MiniSearch index but its terms, and no stored fields: results show the head's).
 */
export function headAround(indexed: readonly IndexedEntry[], parts: DocumentParts, references: readonly ShardReference[]): { start: string; end: string } {
  return headAroundDocuments(parts.documents(indexed.length, { head: averageLengths(indexed, 'head'), notes: averageLengths(indexed, 'notes') }), references);
}

/** The head around its terms, of documents already summed up. */
export function headAroundDocuments(documents: HeadDocuments, references: readonly ShardReference[]): { start: string; end: string } {
  const start =
    `{"format":${FORMAT},"fields":${JSON.stringify(SEARCHED_FIELDS)},"stopWords":${JSON.stringify(STOP_WORDS)},` +
    `"index":{${documentStats(documents, SEARCHED_FIELDS, 'head')},"storedFields":{${documents.stored}},"dirtCount":0,"index":[`;
  const notesIndex = `{${documentStats(documents, SHARD_FIELDS, 'notes')},"dirtCount":0,"serializationVersion":2}`;
  const end = `],"serializationVersion":2},"notes":{"fields":${JSON.stringify(SHARD_FIELDS)},"queryLength":${SHARD_QUERY_LENGTH},"index":${notesIndex},"shards":${JSON.stringify(references)}}}`;
  return { start, end };
}

/** Where the bytes of a made file are: in the build's spill, or in memory when it has none. */
export type SearchFileBytes = EntryPlace | Uint8Array;

/**
 * What a build keeps of the index it made, so that the next one, if few entries changed, updates
 * it: the entries' ids in order and the parts of the head that follow them, every term in order
 * with the size of its entry in the file (the comma after it included), and the shards as ranges
 * of the notes' terms. The entries' texts themselves are in the files, kept beside.
 */
export interface SearchIndexLayout {
  /** The settings key, the shards' size and the files' format: another one is another index. */
  key: string;
  entryIds: string[];
  stored: string[];
  headLengths: string[];
  notesLengths: string[];
  headTerms: string[];
  headSizes: Uint32Array;
  /** Where the first term's entry starts in the head, in bytes. */
  headTermsAt: number;
  /** The head's sha256, base64url: its bytes are trusted only if they are the ones written. */
  headDigest: string;
  notesTerms: string[];
  notesSizes: Uint32Array;
  /** Places in `notesTerms`, `end` excluded; the file's name has a digest of its contents. */
  shards: { start: number; end: number; path: string }[];
}

export interface MadeSearchIndex {
  layout: SearchIndexLayout;
  head: SearchFileBytes;
  shards: SearchFileBytes[];
}

export const layoutKeyOf = (settingsKey: string, options: Options) => JSON.stringify([settingsKey, options.shardBytes, FORMAT]);

/** A file whose contents are read from the spill each time they are asked for. */
export function readFrom(spill: StringSpill, path: string, place: Place): OutputFile {
  return Object.defineProperty({ path } as OutputFile, 'contents', { get: () => spill.read(place), enumerable: true });
}

/** Bytes of text gathered before each write to the spill. */
const SPILL_PIECE_LENGTH = 1 << 16;

/**
 * The file `start`, the texts of `items` joined by commas, `end`, written to the spill piece by
 * piece and never whole in memory until it is read back. Every piece is JSON or made of JSON,
 * which has no lone surrogate: its UTF-8 reads back the same.
 */
function spilledParts<T>(spill: StringSpill, path: string, start: string, items: readonly T[], textOf: (item: T) => string, end: string, digest?: Hash): { file: OutputFile; place: Place } {
  let at: number | undefined;
  let bytes = 0;
  const write = (text: string) => {
    const written = Buffer.from(text);
    digest?.update(written);
    const from = spill.putBytes(written);
    if (at !== undefined && from !== at + bytes) throw new Error('internal: a spilled file was written in two places');
    at ??= from;
    bytes += written.length;
  };
  let piece = start;
  for (let i = 0; i < items.length; i++) {
    piece += i === 0 ? textOf(items[i]!) : `,${textOf(items[i]!)}`;
    if (piece.length >= SPILL_PIECE_LENGTH) {
      write(piece);
      piece = '';
    }
  }
  write(piece + end);
  const place: Place = { at: at!, bytes, encoding: 'utf8' };
  return { file: readFrom(spill, path, place), place };
}

/**
 * The head and the shards, for every entry, newest first, as the page loads them. Made from
 * scratch, so the same entries always give the same bytes. Paths are relative to the output
 * folder; the head names the shards relative to itself.
 */
export function searchIndexFiles(site: Site, options: Options = defaults): OutputFile[] {
  return new SearchIndexState(settingsKeyOf(site), options, false).update(site).files;
}

export const NO_TERMS: ReadonlyMap<string, number> = new Map();

export const settingsKeyOf = (site: Site) => `${site.settings.url}\n${site.settings.timezone}`;

/** Where entries indexed by an earlier run are found, and those of this run kept. */
export interface EarlierIndexedEntries {
  get(entry: Episode): IndexedEntry | undefined;
  keep(entry: Episode, indexed: IndexedEntry): void;
  /** Given by a store: an index made once then records its layout (`made`), by these ids. */
  idOf?(entry: Episode): string;
}

/** The entries kept by the search store: by id too, which updating an index from its layout needs. */
export interface StoredIndexedEntries extends EarlierIndexedEntries {
  /** What the entry's terms are made from, as a hash: the same id, the same terms (under the same settings key). */
  idOf(entry: Episode): string;
  /** Whether the earlier run kept the terms of this id. */
  has(id: string): boolean;
  /** The terms kept under this id, when they can be read. */
  byId(id: string): IndexedEntry | undefined;
  /** Keeps the terms of this id as the earlier run kept them, without reading them; false when it kept none. */
  keepAsRead(id: string): boolean;
}

/**
 * The head and the shards, updated from `cache` for the entries that changed; `fresh` lists the
 * files not given before. Without a cache, entries are taken from `earlier` when it has them, and
 * the files are written to `spill` when there is one, to be read back when they are written.
 */
export function searchIndexFile(
  site: Site,
  cache?: { search?: SearchIndexState },
  earlier?: (settingsKey: string) => EarlierIndexedEntries,
  spill?: StringSpill,
): { files: OutputFile[]; fresh: string[]; made?: MadeSearchIndex } {
  if (cache === undefined) {
    const key = settingsKeyOf(site);
    const state = new SearchIndexState(key, defaults, false, earlier?.(key), spill);
    const files = state.update(site).files;
    return { files, fresh: files.map((file) => file.path), made: state.made };
  }
  const key = settingsKeyOf(site);
  if (cache.search?.settingsKey !== key) cache.search = new SearchIndexState(key);
  return cache.search.update(site);
}

let library: Promise<OutputFile> | undefined;

/**
 * MiniSearch's browser build (an ES module), copied from the installed package into the site so
 * that the page asks no other host for it. The package ships no header, so its MIT notice is put
 * at the top; the source map it points to is not copied, so the pointer goes.
 */
export function searchLibraryFile(): Promise<OutputFile> {
  library ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('minisearch');
    const root = path.resolve(path.dirname(entry), '../..');
    const [source, license, manifest] = await Promise.all([
      readFile(path.join(root, 'dist/es/index.js'), 'utf8'),
      readFile(path.join(root, 'LICENSE.txt'), 'utf8'),
      readFile(path.join(root, 'package.json'), 'utf8'),
    ]);
    const { version } = JSON.parse(manifest) as { version: string };
    const header = `/*! MiniSearch ${version} | MIT License | https://github.com/lucaong/minisearch\n${license.trim().replaceAll('*/', '* /')}\n*/\n`;
    return { path: SEARCH_LIBRARY_FILE, contents: header + source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n') };
  })();
  return library;
}
