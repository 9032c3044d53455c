import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { isoDate } from './dates.js';
import type { OutputFile } from './pages.js';
import { siteHref, type Episode, type Site } from './site.js';

/** The only door to MiniSearch: the archive's search index, made at build time, and the library the browser loads it with. */

/** Where the index and the library are written, relative to the output folder. */
export const SEARCH_INDEX_FILE = 'search-index.json';
export const SEARCH_LIBRARY_FILE = 'assets/minisearch.js';

/** Bumped when the file's shape changes, so that a theme's script can tell an index it does not know. */
const FORMAT = 1;

/** What a result shows; nothing else is stored, so the notes cost only their terms. */
export interface StoredFields {
  title: string;
  /** Root-relative link, base path included. */
  url: string;
  /** `YYYY-MM-DD` in the show's time zone; the page formats it in its own language. */
  date: string;
}

const SEARCHED_FIELDS = ['title', 'description', 'notes'] as const;
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
function indexTerm(term: string, field?: string): string | null {
  const folded = foldTerm(term);
  if (folded === '' || STOP_SET.has(folded)) return null;
  if (field === 'notes' && (folded.length < 3 || /^\d+$/.test(folded))) return null;
  return folded;
}

/**
 * Only the start of the notes is indexed: it says what an entry is about, while the long tails
 * of links of an archive's notes would make the index grow with every word ever said. On the
 * 359 entries of Les Cast Codeurs: 1.4 MB (313 KB gzip) with whole notes, 449 KB (108 KB gzip)
 * with this cap.
 */
export const NOTES_INDEXED_CHARACTERS = 1000;

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

function documentOf(site: Site, entry: Episode, id: number): SearchDocument {
  return {
    id,
    title: entry.title,
    description: entry.description ?? '',
    notes: startOf(entry.text, NOTES_INDEXED_CHARACTERS),
    url: siteHref(site.settings, entry.path),
    date: isoDate(entry.date, site.settings.timezone).slice(0, 'YYYY-MM-DD'.length),
  };
}

/**
 * The index of every entry, newest first, as the page loads it. Made from scratch each time (never
 * updated in place), so the same entries always give the same bytes.
 */
export function searchIndexText(site: Site): string {
  const search = new MiniSearch<SearchDocument>({
    fields: [...SEARCHED_FIELDS],
    storeFields: [...STORED_FIELDS],
    processTerm: indexTerm,
  });
  search.addAll(site.entries.map((entry, id) => documentOf(site, entry, id)));
  return JSON.stringify({ format: FORMAT, fields: SEARCHED_FIELDS, stopWords: STOP_WORDS, index: search.toJSON() });
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
  file: OutputFile;
}

/** The index file, taken from `cache` when no entry changed. */
export function searchIndexFile(site: Site, cache?: { search?: SearchCache }): { file: OutputFile; fresh: boolean } {
  const key = searchIndexKey(site);
  if (cache?.search?.key === key) return { file: cache.search.file, fresh: false };
  const file = { path: SEARCH_INDEX_FILE, contents: searchIndexText(site) };
  if (cache) cache.search = { key, file };
  return { file, fresh: true };
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
