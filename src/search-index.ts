import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { isoDate } from './dates.js';
import type { OutputFile } from './pages.js';
import { siteHref, type Episode, type Site } from './site.js';

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
const FORMAT = 2;

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

function indexTerm(term: string, field?: string): string | null {
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
  id: number;
  description: string;
  notes: string;
}

function documentOf(site: Site, entry: Episode, id: number, notesLength: number): SearchDocument {
  return {
    id,
    title: entry.title,
    description: entry.description ?? '',
    notes: startOf(entry.text, notesLength),
    url: siteHref(site.settings, entry.path),
    date: isoDate(entry.date, site.settings.timezone).slice(0, 'YYYY-MM-DD'.length),
  };
}

/** MiniSearch's serialized index, as `toJSON` gives it and `loadJS` takes it. */
type IndexJSON = ReturnType<MiniSearch['toJSON']>;
type TermEntry = IndexJSON['index'][number];

/** A shard as the head lists it: its file, and the first term it may hold (`from` of the next one ends it). */
export interface ShardReference {
  from: string;
  file: string;
}

/**
 * Whole notes, indexed once for all the shards: each shard file is a slice of its terms, and what
 * every slice needs besides (document ids, notes lengths for the scores) goes once into the head.
 */
function notesIndex(site: Site): IndexJSON {
  const search = new MiniSearch<SearchDocument>({ fields: [...SHARD_FIELDS], processTerm: indexTerm });
  search.addAll(site.entries.map((entry, id) => documentOf(site, entry, id, Infinity)));
  return search.toJSON();
}

/** Code-unit order, as the page's `<` compares a query's words with the shards' first terms. */
const byTerm = (a: TermEntry, b: TermEntry) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

interface Range {
  /** A prefix shared by every term of the range; the smallest term of the range starts with it. */
  from: string;
  entries: TermEntry[];
  bytes: number;
}

/** A term's entry and its size in the file (UTF-8, and the comma after it), measured once. */
interface Sized {
  entry: TermEntry;
  bytes: number;
}

const sized = (entry: TermEntry): Sized => ({ entry, bytes: Buffer.byteLength(JSON.stringify(entry)) + 1 });
const bytesOf = (items: readonly Sized[]) => items.reduce((sum, item) => sum + item.bytes, 0);

/**
 * Sorted terms cut into ranges of at most `limit` bytes, each range the terms of one prefix, the
 * prefix one character longer at each level. A range is cut at a prefix rather than anywhere so
 * that a query word as long as the prefixes falls in one shard, and a typo past them is forgiven.
 */
function rangesOf(items: readonly Sized[], prefix: string, bytes: number, limit: number): Range[] {
  if (bytes <= limit || items.length === 1) return [{ from: prefix, entries: items.map((item) => item.entry), bytes }];
  const depth = prefix.length;
  const ranges: Range[] = [];
  let start = 0;
  while (start < items.length) {
    const term = items[start]!.entry[0];
    // The prefix itself, as a term, sorts first and goes alone.
    const next = term.length === depth ? term : term.slice(0, depth + 1);
    let end = start + 1;
    while (end < items.length && term.length > depth && items[end]!.entry[0].startsWith(next)) end++;
    const slice = items.slice(start, end);
    ranges.push(...rangesOf(slice, next, bytesOf(slice), limit));
    start = end;
  }
  return ranges;
}

/** Neighbouring ranges joined while they fit, so that rare first letters do not each make a file. */
function joined(ranges: readonly Range[], limit: number): Range[] {
  const shards: Range[] = [];
  for (const range of ranges) {
    const last = shards.at(-1);
    if (last !== undefined && last.bytes + range.bytes <= limit) {
      last.entries.push(...range.entries);
      last.bytes += range.bytes;
    } else shards.push({ ...range, entries: [...range.entries] });
  }
  return shards;
}

/** A short hash of the contents in the name: a browser's cached shard can never meet another head. */
const contentName = (contents: string) => `${SEARCH_SHARD_FOLDER}/notes-${createHash('sha256').update(contents).digest('hex').slice(0, 12)}.json`;

/**
 * The head and the shards, for every entry, newest first, as the page loads them. Made from
 * scratch each time (never updated in place), so the same entries always give the same bytes.
 * Paths are relative to the output folder; the head names the shards relative to itself.
 */
export function searchIndexFiles(site: Site, options: Options = defaults): OutputFile[] {
  const head = new MiniSearch<SearchDocument>({
    fields: [...SEARCHED_FIELDS],
    storeFields: [...STORED_FIELDS],
    processTerm: indexTerm,
  });
  head.addAll(site.entries.map((entry, id) => documentOf(site, entry, id, NOTES_INDEXED_CHARACTERS)));

  const { index: terms, documentCount, nextId, documentIds, fieldIds, fieldLength, averageFieldLength, dirtCount, serializationVersion } = notesIndex(site);
  // Everything of a MiniSearch index but its terms, and no stored fields: results show the head's.
  const notes = { documentCount, nextId, documentIds, fieldIds, fieldLength, averageFieldLength, dirtCount, serializationVersion };
  const sorted = [...terms].sort(byTerm).map(sized);
  const ranges = sorted.length === 0 ? [] : joined(rangesOf(sorted, '', bytesOf(sorted), options.shardBytes), options.shardBytes);
  const shardFiles = ranges.map((range) => {
    const contents = JSON.stringify({ format: FORMAT, index: range.entries });
    return { from: range.from, file: { path: contentName(contents), contents } };
  });
  const shards: ShardReference[] = shardFiles.map(({ from, file }) => ({ from, file: file.path }));
  const headText = JSON.stringify({
    format: FORMAT,
    fields: SEARCHED_FIELDS,
    stopWords: STOP_WORDS,
    index: head.toJSON(),
    notes: { fields: SHARD_FIELDS, queryLength: SHARD_QUERY_LENGTH, index: notes, shards },
  });
  return [{ path: SEARCH_INDEX_FILE, contents: headText }, ...shardFiles.map(({ file }) => file)];
}

/**
 * The key of what the index is made from: each entry's file (and whether it is in the future) and
 * address, and the settings that shape a result. The cache forgets the index when the settings
 * change in other ways (see resetDerived).
 */
export function searchIndexKey(site: Site): string {
  const { url, timezone } = site.settings;
  return [url, timezone, ...site.entries.map((entry) => `${entry.key}|${entry.path}`)].join('\n');
}

export interface SearchCache {
  key: string;
  files: OutputFile[];
}

/** The head and the shards, taken from `cache` when no entry changed. */
export function searchIndexFile(site: Site, cache?: { search?: SearchCache }): { files: OutputFile[]; fresh: boolean } {
  const key = searchIndexKey(site);
  if (cache?.search?.key === key) return { files: cache.search.files, fresh: false };
  const files = searchIndexFiles(site);
  if (cache) cache.search = { key, files };
  return { files, fresh: true };
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
