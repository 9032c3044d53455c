import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createCache } from '../src/cache.js';
import { foldTerm, indexEntry, NOTES_INDEXED_CHARACTERS, PackedPostings, SEARCH_INDEX_FILE, searchIndexFile, searchIndexFiles, SearchIndexState, termEntryText, type IndexedEntry, type ShardReference } from '../src/search-index.js';
import type { OutputFile } from '../src/pages.js';
import type { Site } from '../src/site.js';
import { StringSpill } from '../src/notes-spill.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const audio = (n: number) => `episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}`;
const FAR_IN_THE_NOTES = `${'Filler words about nothing much. '.repeat(Math.ceil(NOTES_INDEXED_CHARACTERS / 33) + 1)}Farawayword ends the notes.\n`;

const FILES = {
  'podsite.yaml': MINIMAL_SETTINGS,
  'episodes/2024-01-05-ete.md': episodeFile(`title: Un Été à la mer\ndescription: Les châteaux de sable\n${audio(1)}`, 'We talk about a zeppelin, and the sea.\n'),
  'episodes/2024-02-10-long.md': episodeFile(`title: The long one\n${audio(2)}`, FAR_IN_THE_NOTES),
  'episodes/2024-03-01-news.md': episodeFile('title: Ecole news', 'A news post about the new école.\n'),
};

type IndexJSON = Parameters<typeof MiniSearch.loadJS>[0];

interface IndexFile {
  format: number;
  fields: string[];
  stopWords: string[];
  index: IndexJSON;
  notes: { fields: string[]; queryLength: number; index: Omit<IndexJSON, 'index' | 'storedFields'>; shards: ShardReference[] };
}

interface ShardFile {
  format: number;
  index: IndexJSON['index'];
}

const headOf = (files: readonly OutputFile[]) => JSON.parse(files.find((file) => file.path === SEARCH_INDEX_FILE)!.contents) as IndexFile;
const headText = (site: Site) => searchIndexFiles(site)[0]!.contents;

/** The shards a query word needs, chosen as assets/search.js chooses them. */
function shardsFor(head: IndexFile, term: string): ShardReference[] | undefined {
  const list = head.notes.shards;
  if (term.length < head.notes.queryLength) return undefined;
  return list.filter((shard, i) => (i + 1 === list.length || list[i + 1]!.from > term) && (shard.from <= term || shard.from.startsWith(term)));
}

async function siteOf(files: Record<string, string>, baseUrl?: string): Promise<{ root: string; site: Site }> {
  const root = await tempProject(files);
  const result = await build({ cwd: root, write: false, ...(baseUrl && { baseUrl }) });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { root, site: result.site! };
}

/**
 * Searches as assets/search.js does once the shards are here: folded terms, stop words left out,
 * each word in the head's title and description and in its shards' notes (short words in the
 * head only), every word required; also says which shard files were read.
 */
function searcher(files: readonly OutputFile[]) {
  const head = headOf(files);
  const stopWords = new Set(head.stopWords);
  const index = MiniSearch.loadJS(head.index, { fields: head.fields, storeFields: ['title', 'url', 'date'] });
  const read: string[] = [];
  const shard = (reference: ShardReference) => {
    read.push(reference.file);
    const file = JSON.parse(files.find((f) => f.path === reference.file)!.contents) as ShardFile;
    expect(file.format).toBe(2);
    return MiniSearch.loadJS({ ...head.notes.index, storedFields: {}, index: file.index } as IndexJSON, { fields: head.notes.fields });
  };
  const search = (query: string) => {
    const terms = query
      .split(/[\n\r\p{Z}\p{P}]+/u)
      .map(foldTerm)
      .filter((term) => term !== '' && !stopWords.has(term));
    let found: Map<number, number> | undefined;
    for (const term of terms) {
      const scores = new Map<number, number>();
      const add = (source: MiniSearch, fields: string[]) => {
        for (const result of source.search(term, { fields, processTerm: (t) => t, prefix: true, boost: { title: 3, description: 2 } })) {
          scores.set(result.id as number, (scores.get(result.id as number) ?? 0) + result.score);
        }
      };
      const shards = shardsFor(head, term);
      add(index, shards === undefined ? head.fields : ['title', 'description']);
      for (const reference of shards ?? []) add(shard(reference), head.notes.fields);
      const before = found;
      found = before === undefined ? scores : new Map([...scores].filter(([id]) => before.has(id)).map(([id, score]) => [id, score + before.get(id)!]));
    }
    return [...(found ?? [])].sort(([a, x], [b, y]) => y - x || a - b).map(([id]) => index.getStoredFields(id)!.title as string);
  };
  return Object.assign(search, { read });
}

/** Many words of many first letters, a word that is also the prefix of others, accents: shards at several depths. */
const VOCABULARY = ['con', 'console', 'constant', 'container', 'conteneur', 'conférence', 'cœur', 'zèbre', 'éléphant', 'ZZtop', '3dfx', 'a11y'].concat(
  Array.from({ length: 400 }, (_, i) => `${'bcdfgklmnprstv'[i % 14]}${'aeiou'[(i * 7) % 5]}${'bcdfgklmnprstv'[(i * 3) % 14]}${i.toString(36)}word`),
  Array.from({ length: 80 }, (_, i) => `con${i.toString(36)}tent`),
);
const WORDY = {
  ...FILES,
  'episodes/2024-04-01-words.md': episodeFile(`title: Words\n${audio(3)}`, `${VOCABULARY.slice(0, 200).join(' ')}\n\nThe les pour dans http www a de.\n`),
  'episodes/2024-05-01-more.md': episodeFile(`title: More words\n${audio(4)}`, `${VOCABULARY.slice(150).join(', ')}.\n`),
};

/** The head's and the shards' indexes as MiniSearch makes them, for the same documents and terms. */
function miniSearchIndexes(site: Site) {
  // Stored fields and stop words as the file has them: the first test checks those.
  const file = JSON.parse(searchIndexFiles(site)[0]!.contents) as { stopWords: string[]; index: { storedFields: Record<string, object> } };
  const stopWords = new Set(file.stopWords);
  const processTerm = (term: string, field?: string) => {
    const folded = foldTerm(term);
    if (folded === '' || stopWords.has(folded)) return null;
    if (field === 'notes' && (folded.length < 3 || /^\d+$/.test(folded))) return null;
    return folded;
  };
  const head = new MiniSearch({ fields: ['title', 'description', 'notes'], storeFields: ['title', 'url', 'date'], processTerm });
  const notes = new MiniSearch({ fields: ['notes'], processTerm });
  const stored = file.index.storedFields;
  site.entries.forEach((entry, id) => {
    const cut = entry.text.length <= NOTES_INDEXED_CHARACTERS ? entry.text : entry.text.slice(0, NOTES_INDEXED_CHARACTERS).replace(/\S*$/u, '');
    head.add({ id, title: entry.title, description: entry.description ?? '', notes: cut, ...stored[id] });
    notes.add({ id, notes: entry.text });
  });
  return { head: head.toJSON(), notes: notes.toJSON() };
}
const shardFiles = (files: readonly OutputFile[]) => files.filter((file) => file.path !== SEARCH_INDEX_FILE);
const termsOf = (file: OutputFile) => (JSON.parse(file.contents) as ShardFile).index.map(([term]) => term);

describe('the search index', () => {
  it('stores only what a result shows in the head: title, link with the base path, and the date in the show’s time zone', async () => {
    const { site } = await siteOf(FILES, 'https://show.example.com/podcast/');
    const file = JSON.parse(headText(site)) as IndexFile & { index: { storedFields: Record<string, unknown>; documentCount: number } };
    expect(file.format).toBe(2);
    expect(file.fields).toEqual(['title', 'description', 'notes']);
    expect(new Set(file.stopWords).size).toBe(file.stopWords.length);
    for (const word of file.stopWords) expect(foldTerm(word)).toBe(word);
    expect(file.index.documentCount).toBe(3);
    // Newest first, as the archive lists them.
    expect(Object.values(file.index.storedFields)).toEqual([
      { title: 'Ecole news', url: '/podcast/2024/03/01/news/', date: '2024-03-01' },
      { title: 'The long one', url: '/podcast/2024/02/10/long/', date: '2024-02-10' },
      { title: 'Un Été à la mer', url: '/podcast/2024/01/05/ete/', date: '2024-01-05' },
    ]);
    // The shards share the head's document ids and notes lengths, and store nothing.
    expect(file.notes.index).toMatchObject({ documentCount: 3, fieldIds: { notes: 0 } });
    expect(file.notes.index).not.toHaveProperty('storedFields');
    expect(file.notes.index).not.toHaveProperty('index');
    for (const f of searchIndexFiles(site)) {
      expect(f.contents).not.toContain('zeppelin, and');
      expect(f.contents).not.toContain('châteaux');
    }
  });

  it('finds titles, descriptions and the whole notes, accents folded both ways, and a deep word in its shard only', async () => {
    const { site } = await siteOf(FILES);
    const files = searchIndexFiles(site);
    const search = searcher(files);
    expect(search('ete')).toEqual(['Un Été à la mer']);
    expect(search('ÉTÉ')).toEqual(['Un Été à la mer']);
    expect(search('chateaux')).toEqual(['Un Été à la mer']);
    expect(search('zeppelin')).toEqual(['Un Été à la mer']);
    expect(search('école').sort()).toEqual(['Ecole news']);
    expect(search('zepp')).toEqual(['Un Été à la mer']);
    expect(search('filler')).toEqual(['The long one']);
    // Past the head's start of the notes: only a shard has it.
    const terms = headOf(files).index.index.map(([term]) => term);
    expect(terms).toContain('zeppelin');
    expect(terms).not.toContain('farawayword');
    search.read.length = 0;
    expect(search('farawayword')).toEqual(['The long one']);
    expect(search('faraway long')).toEqual(['The long one']);
    expect(search('faraway sea')).toEqual([]);
    expect(new Set(search.read).size).toBe(1);
  });

  it('cuts the notes’ terms into shards: each term in exactly one, the one its query word asks for, each within the size', async () => {
    const { site } = await siteOf(WORDY);
    const limit = 600;
    const files = searchIndexFiles(site, { shardBytes: limit });
    const head = headOf(files);
    const shards = shardFiles(files);
    expect(shards.length).toBeGreaterThan(10);
    expect(head.notes.shards.map((shard) => shard.file)).toEqual(shards.map((file) => file.path));
    const holder = new Map<string, string>();
    head.notes.shards.forEach((reference, i) => {
      const file = shards[i]!;
      expect(file.path).toMatch(/^search\/notes-[0-9a-f]{12}\.json$/);
      const entries = (JSON.parse(file.contents) as ShardFile).index;
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.length === 1 || entries.reduce((sum, entry) => sum + Buffer.byteLength(JSON.stringify(entry)) + 1, 0) <= limit).toBe(true);
      const next = head.notes.shards[i + 1]?.from;
      for (const [term] of entries) {
        expect(holder.has(term), term).toBe(false);
        holder.set(term, file.path);
        expect(term >= reference.from && (next === undefined || term < next), `${term} in [${reference.from}, ${next})`).toBe(true);
      }
    });
    const words = VOCABULARY.map(foldTerm).filter((word) => word.length >= 3 && !/^\d+$/.test(word));
    for (const word of words) {
      expect(holder.has(word), word).toBe(true);
      expect(shardsFor(head, word)!.map((shard) => shard.file), word).toContain(holder.get(word));
    }
    // A word as long as the shards' prefixes needs only one shard; `con`, a prefix of others, several.
    expect(head.notes.shards.filter((shard) => shard.from.startsWith('con')).length).toBeGreaterThan(2);
    expect(shardsFor(head, 'conteneur')).toHaveLength(1);
    expect(shardsFor(head, 'con')!.length).toBeGreaterThan(1);
    expect(shardsFor(head, 'co')).toBeUndefined();

    const search = searcher(files);
    expect(search('conteneur')).toEqual(['Words']);
    expect(search('conférence CŒUR')).toEqual(['Words']);
    expect(search(VOCABULARY[170]!).sort()).toEqual(['More words', 'Words']);
    expect(search(`${VOCABULARY[399]!} ${VOCABULARY[170]!}`)).toEqual(['More words']);

    // Stop words are in no shard and not in the head.
    for (const word of ['the', 'les', 'pour', 'dans', 'http', 'www', 'a', 'de']) {
      expect(holder.has(word), word).toBe(false);
      expect(head.index.index.map(([term]) => term)).not.toContain(word);
    }
  });

  it('gives the same bytes for the same entries, and is made again only when an entry changes', async () => {
    const { site } = await siteOf(WORDY);
    const again = await siteOf(WORDY);
    expect(searchIndexFiles(again.site, { shardBytes: 600 })).toEqual(searchIndexFiles(site, { shardBytes: 600 }));

    const cache = createCache();
    const first = searchIndexFile(site, cache);
    expect(first.fresh).toEqual(first.files.map((file) => file.path));
    expect(first.files.length).toBeGreaterThan(1);
    const same = searchIndexFile(again.site, cache);
    expect(same.files).toEqual(first.files);
    expect(same.fresh).toEqual([]);
    const edited = await siteOf({ ...WORDY, 'episodes/2024-03-01-news.md': episodeFile('title: School news', 'About the school and its gymnasium.\n') });
    const remade = searchIndexFile(edited.site, cache);
    expect(remade.files).toEqual(searchIndexFiles(edited.site));
    // Fresh: the head, and the shards whose terms changed; the others keep their names.
    expect(remade.fresh).toContain(SEARCH_INDEX_FILE);
    expect(remade.fresh.sort()).toEqual(remade.files.map((file) => file.path).filter((p) => !first.files.some((f) => f.path === p) || p === SEARCH_INDEX_FILE).sort());
    expect(searcher(remade.files)('school')).toEqual(['School news']);
    expect(searcher(remade.files)('gymnasium')).toEqual(['School news']);
    expect(searchIndexFile(edited.site, cache).fresh).toEqual([]);
  });

  it('writes what MiniSearch itself makes of the same documents, terms in code-unit order', async () => {
    for (const files of [FILES, WORDY]) {
      const { site } = await siteOf(files, 'https://show.example.com/podcast/');
      const made = searchIndexFiles(site, { shardBytes: 600 });
      const head = headOf(made);
      const reference = miniSearchIndexes(site);
      const terms = head.index.index.map(([term]) => term);
      expect(terms).toEqual([...terms].sort());
      expect(head.index).toEqual({ ...reference.head, index: [...reference.head.index].sort(([a], [b]) => (a < b ? -1 : 1)) });
      const { index: notesTerms, storedFields, ...notesRest } = reference.notes;
      expect(storedFields).toEqual({});
      expect(head.notes.index).toEqual(notesRest);
      // The shards, in order, are the sorted terms of the whole notes, each once.
      expect(shardFiles(made).flatMap((file) => (JSON.parse(file.contents) as ShardFile).index)).toEqual([...notesTerms].sort(([a], [b]) => (a < b ? -1 : 1)));
    }
  });

  it('made once, keeps no entry’s notes: a build reads them back from its spill, and would hold them all', async () => {
    const { site } = await siteOf(WORDY);
    const kept: IndexedEntry[] = [];
    const files = searchIndexFile(site, undefined, () => ({ get: () => undefined, keep: (_entry, indexed) => void kept.push(indexed) })).files;
    expect(files).toEqual(searchIndexFiles(site));
    expect(kept).toHaveLength(site.entries.length);
    const notes = site.entries.map((entry) => entry.text).filter((text) => text.length > 40);
    expect(notes.length).toBeGreaterThan(0);
    for (const indexed of kept) {
      expect(indexed.entry).toBeUndefined();
      const held = JSON.stringify(indexed, (_key, value: unknown) => (value instanceof Map ? [...value] : value));
      for (const text of notes) expect(held).not.toContain(text);
    }
  });

  it('made once with a spill, gives the same files, each read back from the spill when it is asked for', async () => {
    const { root, site } = await siteOf(WORDY);
    // Enough entries for a head written to the spill in several pieces.
    const entries = Array.from({ length: 1500 }, (_, i) => site.entries.map((entry) => ({ ...entry, title: `${entry.title} ${i}`, path: `${entry.path}${i}/` }))).flat();
    const large: Site = { ...site, entries };
    const spill = new StringSpill(path.join(root, 'dist'));
    const spilled = new SearchIndexState('key', { shardBytes: 600 }, false, undefined, spill).update(large).files;
    expect(spilled.length).toBeGreaterThan(10);
    expect(spilled.every((file) => typeof Object.getOwnPropertyDescriptor(file, 'contents')?.get === 'function')).toBe(true);
    expect(Buffer.byteLength(spilled[0]!.contents)).toBeGreaterThan(2 ** 17);
    expect(spilled).toEqual(searchIndexFiles(large, { shardBytes: 600 }));
  });

  it('made once, packs each posting in one number, or three for a large count or id, and gives them back in order', () => {
    const postings = new PackedPostings();
    const pushed: [number, number, number][] = [
      [0, 0, 1],
      [1, 2, 254],
      [1, 3, 255],
      [7, 1, 100_000],
      [2 ** 22 - 1, 3, 254],
      [2 ** 22, 0, 1],
      [2 ** 30 - 1, 2, 3],
    ];
    for (const [id, field, count] of pushed) postings.push(id, field, count);
    const given: [number, number, number][] = [];
    postings.forEach((id, field, count) => given.push([id, field, count]));
    expect(given).toEqual(pushed);
  });

  it('reads an entry\u2019s text once to index it: a streamed build reads it from the spill at each use', async () => {
    const { site } = await siteOf(FILES);
    const entry = site.entries.find((e) => e.text.includes('zeppelin'))!;
    let reads = 0;
    const counted = Object.defineProperty({ ...entry }, 'text', { get: () => (reads++, entry.text), enumerable: true });
    const indexed = indexEntry(site, counted);
    expect(reads).toBe(1);
    expect(indexed).toEqual(indexEntry(site, entry));
    expect([...indexed.notes[0]!.terms.keys()]).toContain('zeppelin');
  });

  it('writes a term and its postings as JSON.stringify writes them, whatever the order of the documents', () => {
    const posting = fc.tuple(fc.nat({ max: 2 ** 30 - 1 }), fc.nat({ max: 3 }), fc.integer({ min: 1, max: 100_000 }));
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(posting, { maxLength: 40 }), fc.boolean(), (term, drawn, sorted) => {
        // One count per document and field, as an entry's terms give them.
        const unique = [...new Map(drawn.map((p) => [`${p[0]} ${p[1]}`, p])).values()];
        const postings = sorted ? unique.sort((a, b) => a[0] - b[0] || a[1] - b[1]) : unique;
        const data: Record<number, Record<number, number>> = {};
        for (const [id, field, count] of postings) (data[field] ??= {})[id] = count;
        const given = { forEach: (each: (id: number, field: number, count: number) => void) => postings.forEach((p) => each(...p)) };
        expect(termEntryText(term, given)).toBe(JSON.stringify([term, data]));
      }),
      { numRuns: 2000 },
    );
  });

  it('made once or kept between builds, gives the same bytes for a word said hundreds of times in an entry', async () => {
    const { site } = await siteOf({ ...WORDY, 'episodes/2024-03-02-again.md': episodeFile('title: Again and again', `${'zeppelin '.repeat(300)}\n`) });
    const once = searchIndexFiles(site, { shardBytes: 600 });
    expect(once.some((file) => file.contents.includes('"zeppelin",{"0":{'))).toBe(true);
    expect(once.map((file) => file.contents).join('')).toContain(':300');
    expect(new SearchIndexState('key', { shardBytes: 600 }).update(site).files).toEqual(once);
  });

  it('kept between builds, gives after any edits the bytes of an index made from scratch', async () => {
    const sites = [
      WORDY,
      // A word added to one entry's notes.
      { ...WORDY, 'episodes/2024-04-01-words.md': episodeFile(`title: Words\n${audio(3)}`, `${VOCABULARY.slice(0, 200).join(' ')} zanzibar\n`) },
      // One entry's notes edited: terms gone, terms new to the archive, counts changed.
      { ...WORDY, 'episodes/2024-04-01-words.md': episodeFile(`title: Words\n${audio(3)}`, `${VOCABULARY.slice(0, 120).join(' ')} zanzibar zanzibar quokka\n`) },
      // A new entry, newest: every document id moves.
      { ...WORDY, 'episodes/2024-06-01-new.md': episodeFile('title: Brand new', `${VOCABULARY.slice(300).join(' ')} quokka\n`) },
      // A title and a description changed, an entry removed.
      { ...FILES, 'episodes/2024-03-01-news.md': episodeFile('title: School news\ndescription: The gymnasium', 'About the école.\n') },
      WORDY,
    ];
    const state = new SearchIndexState('same settings', { shardBytes: 600 });
    const fresh: string[][] = [];
    for (const files of sites) {
      const { site } = await siteOf(files);
      const updated = state.update(site);
      expect(updated.files).toEqual(searchIndexFiles(site, { shardBytes: 600 }));
      fresh.push(updated.fresh);
    }
    // A word added leaves the other shards as they were.
    expect(fresh[1]).toContain(SEARCH_INDEX_FILE);
    expect(fresh[1]!.length).toBeGreaterThan(1);
    expect(fresh[1]!.length).toBeLessThan(4);
  });
});

describe('a site with the search', () => {
  it('writes the index, the library with its license and the archive’s search form, valid HTML', async () => {
    const root = await tempProject({ ...FILES, 'podsite.yaml': MINIMAL_SETTINGS.replace('language: en', 'language: fr') });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    const dist = path.join(root, 'dist');
    const head = await readFile(path.join(dist, 'search-index.json'), 'utf8');
    const shards = await Promise.all(
      (JSON.parse(head) as IndexFile).notes.shards.map(async ({ file }) => ({ path: file, contents: await readFile(path.join(dist, file), 'utf8') })),
    );
    expect(shards.length).toBeGreaterThan(0);
    const search = searcher([{ path: SEARCH_INDEX_FILE, contents: head }, ...shards]);
    expect(search('ete')).toEqual(['Un Été à la mer']);
    expect(search('farawayword')).toEqual(['The long one']);

    const library = await readFile(path.join(dist, 'assets/minisearch.js'), 'utf8');
    expect(library).toMatch(/^\/\*! MiniSearch \d+\.\d+\.\d+ \| MIT License \| [^\n]*\n[\s\S]*Copyright[\s\S]*Permission is hereby granted[\s\S]*?\*\/\n/);
    expect(library).toContain('export { MiniSearch as default };');
    expect(library).not.toContain('sourceMappingURL');

    const archive = await readFile(path.join(dist, 'archive/index.html'), 'utf8');
    expect(archive).toContain('<form role="search" class="archive-search" action="/archive/" hidden data-search-index="/search-index.json" data-library="/assets/minisearch.js"');
    expect(archive).toContain('<label for="archive-search-query">Chercher dans les archives</label>');
    expect(archive).toContain('data-many="{0} résultats"');
    expect(archive).toContain('data-partial="{0} : seuls les titres');
    expect(archive).toContain('<p id="archive-search-status" class="archive-search-status" role="status" aria-live="polite"></p>');
    expect(archive).toContain('<script type="module" src="/assets/search.js"></script>');
    // Without JavaScript, every entry is listed.
    for (const entry of result.site!.entries) expect(archive).toContain(`<a href="/${entry.path.slice(1)}">`);

    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });
    const report = await validator.validateString(archive, 'archive/index.html');
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
  });
});
