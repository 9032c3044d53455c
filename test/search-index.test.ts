import MiniSearch from 'minisearch';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createCache } from '../src/cache.js';
import { foldTerm, NOTES_INDEXED_CHARACTERS, searchIndexFile, searchIndexText } from '../src/search-index.js';
import type { Site } from '../src/site.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const audio = (n: number) => `episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}`;
const FAR_IN_THE_NOTES = `${'Filler words about nothing much. '.repeat(Math.ceil(NOTES_INDEXED_CHARACTERS / 33) + 1)}Farawayword ends the notes.\n`;

const FILES = {
  'podsite.yaml': MINIMAL_SETTINGS,
  'episodes/2024-01-05-ete.md': episodeFile(`title: Un Été à la mer\ndescription: Les châteaux de sable\n${audio(1)}`, 'We talk about a zeppelin, and the sea.\n'),
  'episodes/2024-02-10-long.md': episodeFile(`title: The long one\n${audio(2)}`, FAR_IN_THE_NOTES),
  'episodes/2024-03-01-news.md': episodeFile('title: Ecole news', 'A news post about the new école.\n'),
};

interface IndexFile {
  format: number;
  fields: string[];
  stopWords: string[];
  index: Parameters<typeof MiniSearch.loadJS>[0];
}

async function siteOf(files: Record<string, string>, baseUrl?: string): Promise<{ root: string; site: Site }> {
  const root = await tempProject(files);
  const result = await build({ cwd: root, write: false, ...(baseUrl && { baseUrl }) });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { root, site: result.site! };
}

/** Searches as assets/search.js does: folded terms, stop words left out, every term required. */
function searcher(text: string) {
  const file = JSON.parse(text) as IndexFile;
  const stopWords = new Set(file.stopWords);
  const index = MiniSearch.loadJS(file.index, { fields: file.fields, storeFields: ['title', 'url', 'date'] });
  return (query: string) => {
    const terms = query
      .split(/[\n\r\p{Z}\p{P}]+/u)
      .map(foldTerm)
      .filter((term) => term !== '' && !stopWords.has(term));
    return index.search(terms.join(' '), { processTerm: (term) => term, prefix: true, combineWith: 'AND' }).map((result) => result.title as string);
  };
}

describe('the search index', () => {
  it('stores only what a result shows: title, link with the base path, and the date in the show’s time zone', async () => {
    const { site } = await siteOf(FILES, 'https://show.example.com/podcast/');
    const file = JSON.parse(searchIndexText(site)) as IndexFile & { index: { storedFields: Record<string, unknown>; documentCount: number } };
    expect(file.format).toBe(1);
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
    const text = searchIndexText(site);
    expect(text).not.toContain('zeppelin, and');
    expect(text).not.toContain('châteaux');
  });

  it('finds titles, descriptions and the start of the notes, accents folded both ways', async () => {
    const { site } = await siteOf(FILES);
    const search = searcher(searchIndexText(site));
    expect(search('ete')).toEqual(['Un Été à la mer']);
    expect(search('ÉTÉ')).toEqual(['Un Été à la mer']);
    expect(search('chateaux')).toEqual(['Un Été à la mer']);
    expect(search('zeppelin')).toEqual(['Un Été à la mer']);
    expect(search('école').sort()).toEqual(['Ecole news']);
    expect(search('zepp')).toEqual(['Un Été à la mer']);
    expect(search('filler')).toEqual(['The long one']);
    // Past the cap, and stop words, are not in the index.
    expect(search('farawayword')).toEqual([]);
    const terms = (JSON.parse(searchIndexText(site)) as { index: { index: [string, unknown][] } }).index.index.map(([term]) => term);
    expect(terms).toContain('zeppelin');
    for (const left of ['farawayword', 'the', 'les', 'la', 'a']) expect(terms).not.toContain(left);
  });

  it('gives the same bytes for the same entries, and is made again only when an entry changes', async () => {
    const { site } = await siteOf(FILES);
    const again = await siteOf(FILES);
    expect(searchIndexText(again.site)).toBe(searchIndexText(site));

    const cache = createCache();
    const first = searchIndexFile(site, cache);
    expect(first.fresh).toBe(true);
    const same = searchIndexFile(again.site, cache);
    expect(same).toEqual({ file: first.file, fresh: false });
    const edited = await siteOf({ ...FILES, 'episodes/2024-03-01-news.md': episodeFile('title: School news', 'About the school.\n') });
    const remade = searchIndexFile(edited.site, cache);
    expect(remade.fresh).toBe(true);
    expect(searcher(remade.file.contents)('school')).toEqual(['School news']);
  });
});

describe('a site with the search', () => {
  it('writes the index, the library with its license and the archive’s search form, valid HTML', async () => {
    const root = await tempProject({ ...FILES, 'podsite.yaml': MINIMAL_SETTINGS.replace('language: en', 'language: fr') });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    const dist = path.join(root, 'dist');
    const index = await readFile(path.join(dist, 'search-index.json'), 'utf8');
    expect(searcher(index)('ete')).toEqual(['Un Été à la mer']);

    const library = await readFile(path.join(dist, 'assets/minisearch.js'), 'utf8');
    expect(library).toMatch(/^\/\*! MiniSearch \d+\.\d+\.\d+ \| MIT License \| [^\n]*\n[\s\S]*Copyright[\s\S]*Permission is hereby granted[\s\S]*?\*\/\n/);
    expect(library).toContain('export { MiniSearch as default };');
    expect(library).not.toContain('sourceMappingURL');

    const archive = await readFile(path.join(dist, 'archive/index.html'), 'utf8');
    expect(archive).toContain('<form role="search" class="archive-search" action="/archive/" hidden data-search-index="/search-index.json" data-library="/assets/minisearch.js"');
    expect(archive).toContain('<label for="archive-search-query">Chercher dans les archives</label>');
    expect(archive).toContain('data-many="{0} résultats"');
    expect(archive).toContain('<p id="archive-search-status" class="archive-search-status" role="status" aria-live="polite"></p>');
    expect(archive).toContain('<script type="module" src="/assets/search.js"></script>');
    // Without JavaScript, every entry is listed.
    for (const entry of result.site!.entries) expect(archive).toContain(`<a href="/${entry.path.slice(1)}">`);

    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });
    const report = await validator.validateString(archive, 'archive/index.html');
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
  });
});
