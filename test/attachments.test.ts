import { existsSync } from 'node:fs';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { planOutput } from '../src/write.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject, type XmlElement } from './helpers.js';

const VTT = 'WEBVTT\n\n00:00.000 --> 00:04.000\nWelcome to the show.\n';
const SRT = '1\n00:00:00,000 --> 00:00:04,000\nBienvenue.\n';
const audio = (n: number, duration = '45:00') => `episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}\n  duration: "${duration}"`;

const FILES = {
  'podsite.yaml': MINIMAL_SETTINGS,
  // Beside the episode file: found by its name, in the show's language.
  'episodes/2024-01-05-bricks.md': episodeFile(`title: Bricks\n${audio(1)}`, 'Notes.\n\n- 00:00 Intro\n- (12:30) – Clay\n- [30:00] [Kilns](https://example.com/kilns)\n'),
  'episodes/2024-01-05-bricks.vtt': VTT,
  // Named in the front matter: a file elsewhere in the project, and a URL.
  'episodes/2024-02-10-bridges.md': episodeFile(
    `title: Bridges\n${audio(2)}\ntranscript:\n  - ../transcripts/bridges.srt\n  - { url: "https://cdn.example.com/bridges.json", language: fr }\nchapters:\n  - { start: 0, title: Intro, image: /images/intro.png }\n  - { start: "0:10:00", title: Arches, url: "https://example.com/arches" }`,
  ),
  'transcripts/bridges.srt': SRT,
  // No transcript, no chapters: nothing new in its item.
  'episodes/2024-03-01-towers.md': episodeFile(`title: Towers\n${audio(3)}`),
  'public/artwork.png': 'png',
};

async function listTree(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(folder, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

async function feedItems(root: string): Promise<Map<string, XmlElement>> {
  const channel = child(parseXmlStrict(await readText(path.join(root, 'dist/feed.xml'))), 'channel')!;
  return new Map(children(channel, 'item').map((item) => [child(item, 'title')!.text, item]));
}

describe('transcripts and chapters in a built site', () => {
  it('copies transcripts beside the pages, writes chapters files, and declares both in the feed', async () => {
    const root = await tempProject(FILES);
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    // The transcript files are not episodes: three entries, no diagnostics about them.
    expect(result.stats).toMatchObject({ episodes: 3, posts: 0, pages: 6 });
    expect(await listTree(path.join(root, 'dist'))).toEqual([
      '2024/01/05/bricks/chapters.json',
      '2024/01/05/bricks/index.html',
      '2024/01/05/bricks/transcript.vtt',
      '2024/02/10/bridges/chapters.json',
      '2024/02/10/bridges/index.html',
      '2024/02/10/bridges/transcript.srt',
      '2024/03/01/towers/index.html',
      '404.html',
      'archive/index.html',
      'artwork.png',
      'assets/feed.xsl',
      'assets/minisearch.js',
      'assets/player.js',
      'assets/search.js',
      'assets/style.css',
      'feed.xml',
      'index.html',
      'robots.txt',
      'search-index.json',
      expect.stringMatching(/^search\/notes-[0-9a-f]{12}\.json$/),
      'sitemap.xml',
    ]);
    expect(await readText(path.join(root, 'dist/2024/01/05/bricks/transcript.vtt'))).toBe(VTT);
    expect(await readText(path.join(root, 'dist/2024/02/10/bridges/transcript.srt'))).toBe(SRT);

    expect(JSON.parse(await readText(path.join(root, 'dist/2024/01/05/bricks/chapters.json')))).toEqual({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro' },
        { startTime: 750, title: 'Clay' },
        { startTime: 1800, title: 'Kilns', url: 'https://example.com/kilns' },
      ],
    });
    expect(JSON.parse(await readText(path.join(root, 'dist/2024/02/10/bridges/chapters.json')))).toEqual({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro', img: 'https://show.example.com/images/intro.png' },
        { startTime: 600, title: 'Arches', url: 'https://example.com/arches' },
      ],
    });

    const items = await feedItems(root);
    const attributes = (item: XmlElement, name: string) => children(item, name).map((element) => element.attributes);
    expect(attributes(items.get('Bricks')!, 'podcast:transcript')).toEqual([
      { url: 'https://show.example.com/2024/01/05/bricks/transcript.vtt', type: 'text/vtt', language: 'en', rel: 'captions' },
    ]);
    expect(attributes(items.get('Bricks')!, 'podcast:chapters')).toEqual([
      { url: 'https://show.example.com/2024/01/05/bricks/chapters.json', type: 'application/json+chapters' },
    ]);
    expect(attributes(items.get('Bridges')!, 'podcast:transcript')).toEqual([
      { url: 'https://show.example.com/2024/02/10/bridges/transcript.srt', type: 'application/x-subrip', language: 'en', rel: 'captions' },
      { url: 'https://cdn.example.com/bridges.json', type: 'application/json', language: 'fr' },
    ]);
    expect(attributes(items.get('Towers')!, 'podcast:transcript')).toEqual([]);
    expect(attributes(items.get('Towers')!, 'podcast:chapters')).toEqual([]);

    // What a theme gets, for links that seek the player.
    const bricks = result.site!.entries.find((e) => e.title === 'Bricks')!;
    expect(bricks.chapters.map((c) => c.startTime)).toEqual([0, 750, 1800]);
    expect(bricks.chaptersUrl).toBe('https://show.example.com/2024/01/05/bricks/chapters.json');
    expect(bricks.transcripts.map((t) => t.url)).toEqual(['https://show.example.com/2024/01/05/bricks/transcript.vtt']);
  });

  it('puts the files beside a page named `.html`, under the base path of the site', async () => {
    const root = await tempProject({ ...FILES, 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  permalink: /:year/:slug.html\n` });
    const result = await build({ cwd: root, baseUrl: 'https://example.org/show/' });
    expect(result.diagnostics).toEqual([]);
    const files = await listTree(path.join(root, 'dist'));
    expect(files).toEqual(expect.arrayContaining(['2024/bricks.html', '2024/bricks.transcript.vtt', '2024/bricks.chapters.json', '2024/bridges.transcript.srt']));
    const bricks = (await feedItems(root)).get('Bricks')!;
    expect(child(bricks, 'podcast:transcript')!.attributes.url).toBe('https://example.org/show/2024/bricks.transcript.vtt');
    expect(child(bricks, 'podcast:chapters')!.attributes.url).toBe('https://example.org/show/2024/bricks.chapters.json');
  });

  it('reports a named transcript that is missing, and writes nothing', async () => {
    const { 'transcripts/bridges.srt': _gone, ...files } = FILES;
    const root = await tempProject(files);
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.file, d.line, d.column, d.rule])).toEqual([['episodes/2024-02-10-bridges.md', 9, 5, 'missing-transcript']]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('leaves a missing transcript out of the feed when the rule is lowered', async () => {
    const { 'transcripts/bridges.srt': _gone, ...files } = FILES;
    const root = await tempProject({ ...files, 'podsite.yaml': `${MINIMAL_SETTINGS}rules:\n  missing-transcript: warn\n` });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.rule, d.severity])).toEqual([['missing-transcript', 'warning']]);
    const bridges = (await feedItems(root)).get('Bridges')!;
    expect(children(bridges, 'podcast:transcript').map((t) => t.attributes.url)).toEqual(['https://cdn.example.com/bridges.json']);
  });

  it('refuses a public file where a transcript copy or a chapters file goes, naming both', async () => {
    const root = await tempProject({
      ...FILES,
      'public/2024/01/05/bricks/transcript.vtt': 'an older copy',
      'public/2024/02/10/bridges/chapters.json': '{}',
    });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.file, d.rule, d.message])).toEqual([
      ['episodes/2024-01-05-bricks.vtt', 'output-conflict', '`2024/01/05/bricks/transcript.vtt` would overwrite public/2024/01/05/bricks/transcript.vtt with the same path'],
      ['public/2024/02/10/bridges/chapters.json', 'output-conflict', '`2024/02/10/bridges/chapters.json` would overwrite a generated page with the same path'],
    ]);
  });

  it('checks the transcripts of published entries only, as it does the notes', async () => {
    const root = await tempProject({ ...FILES, 'episodes/2024-04-01-draft.md': episodeFile(`title: Draft\ndraft: true\n${audio(4)}\ntranscript: not-yet.vtt`) });
    expect((await build({ cwd: root })).diagnostics).toEqual([]);
    const withDrafts = await build({ cwd: root, drafts: true });
    expect(withDrafts.diagnostics.map((d) => [d.file, d.rule])).toEqual([['episodes/2024-04-01-draft.md', 'missing-transcript']]);
  });

  it('follows the files from one build to the next: a transcript is found by the episode file name', async () => {
    const root = await tempProject(FILES);
    await build({ cwd: root });
    await rename(path.join(root, 'episodes/2024-01-05-bricks.md'), path.join(root, 'episodes/2024-01-06-bricks.md'));
    await rm(path.join(root, 'transcripts/bridges.srt'));
    await writeFile(path.join(root, 'episodes/2024-02-10-bridges.md'), FILES['episodes/2024-02-10-bridges.md'].replace('  - ../transcripts/bridges.srt\n', ''));
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    expect((await listTree(path.join(root, 'dist'))).filter((file) => file.includes('transcript'))).toEqual([]);
    const items = await feedItems(root);
    expect(children(items.get('Bricks')!, 'podcast:transcript')).toEqual([]);
    expect(children(items.get('Bridges')!, 'podcast:transcript').map((t) => t.attributes.url)).toEqual(['https://cdn.example.com/bridges.json']);
  });

  it('never plans a copy outside the output folder', () => {
    const copy = (sitePath: string) => [{ origin: 'episodes/one.vtt', file: { sitePath, absolutePath: '/show/episodes/one.vtt' } }];
    expect(planOutput([], copy('episodes/one/transcript.vtt')).value.copies).toHaveLength(1);
    for (const sitePath of ['../transcript.vtt', 'episodes/../../transcript.vtt', '/etc/transcript.vtt', '']) {
      const plan = planOutput([], copy(sitePath));
      expect(plan.value.copies, sitePath).toEqual([]);
      expect(plan.diagnostics.map((d) => [d.file, d.rule]), sitePath).toEqual([['episodes/one.vtt', 'invalid-path']]);
    }
  });
});
