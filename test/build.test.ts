import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { writeSite } from '../src/write.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject } from './helpers.js';

const EPISODE_ONE = episodeFile(
  `
title: First <Episode> & more
season: 1
episode: 1
audio:
  url: https://media.example.com/e1.mp3
  length: 1000
  duration: "1:02:03"
`,
  'Notes with <img src="/images/cover.png" alt="cover"> and a [link](/archive/).\n\nA CDATA end ]]> inside.\n',
);
const EPISODE_TWO = episodeFile(`
title: Second
date: 2024-02-10 18:30
season: 1
episode: 2
guid: my-stable-guid
audio:
  url: https://media.example.com/e2.m4a
  length: 2000
  duration: 125
`);
const NEWS = episodeFile('title: We are back', 'A news post.\n');
const DRAFT = episodeFile('title: Not yet\ndraft: true\nepisode: 3\naudio:\n  url: https://media.example.com/e3.mp3\n  length: 3');

async function sampleProject(extra: Record<string, string> = {}) {
  return tempProject({
    'podsite.yaml': MINIMAL_SETTINGS,
    'episodes/2024-01-05-first.md': EPISODE_ONE,
    'episodes/2024-02-10-second.md': EPISODE_TWO,
    'episodes/2024-03-01-back.md': NEWS,
    'episodes/2024-04-01-next.md': DRAFT,
    'public/artwork.png': 'not really a png',
    ...extra,
  });
}

async function listTree(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(folder, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('build', () => {
  it('takes theme texts from the settings over the theme’s own', async () => {
    const root = await sampleProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}strings:\n  archive: All episodes\n  skip-to-content: Straight to the notes\n` });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const archive = await readText(path.join(root, 'dist/archive/index.html'));
    expect(archive).toContain('<title>All episodes · Test Show</title>');
    expect(archive).toContain('Straight to the notes');
    expect(archive).not.toContain('Skip to content');
  });

  it('reads a theme’s strings.json over the default theme’s, text by text, with the settings over both', async () => {
    const root = await sampleProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}strings:\n  skip-to-content: Straight to the notes\n`,
      // Only two texts, one of them also in the settings: every other text stays the theme's.
      'templates/strings.json': JSON.stringify({ en: { archive: 'Back catalogue', 'skip-to-content': 'Skip it' } }),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const archive = await readText(path.join(root, 'dist/archive/index.html'));
    expect(archive).toContain('<title>Back catalogue · Test Show</title>');
    expect(archive).toContain('Straight to the notes');
    expect(archive).not.toContain('Skip it');
    // A text the user's file leaves out, as the default theme says it.
    const home = await readText(path.join(root, 'dist/index.html'));
    expect(home).toContain('Subscribe with RSS');
  });

  it('writes a page per entry, home, archive, 404, feed, theme assets and public files', async () => {
    const root = await sampleProject();
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(await listTree(path.join(root, 'dist'))).toEqual([
      '2024/01/05/first/index.html',
      '2024/02/10/second/index.html',
      '2024/03/01/back/index.html',
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
      'seasons/1/index.html',
      'sitemap.xml',
    ]);
    expect(result.stats).toEqual({ pages: 7, episodes: 2, posts: 1, feedItems: 2, files: 18 });
  });

  it('includes drafts only when asked', async () => {
    const root = await sampleProject();
    await build({ cwd: root, drafts: true });
    expect(existsSync(path.join(root, 'dist/2024/04/01/next/index.html'))).toBe(true);
    const feed = parseXmlStrict(await readText(path.join(root, 'dist/feed.xml')));
    expect(children(child(feed, 'channel')!, 'item')).toHaveLength(3);
  });

  it('renders escaped titles, the notes, neighbours and the page head', async () => {
    const root = await sampleProject();
    await build({ cwd: root });
    const page = await readText(path.join(root, 'dist/2024/01/05/first/index.html'));
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<h1 dir="auto">First &lt;Episode&gt; &amp; more</h1>');
    expect(page).toContain('<title>First &lt;Episode&gt; &amp; more · Test Show</title>');
    expect(page).toContain('<link rel="alternate" type="application/rss+xml" title="Test Show" href="https://show.example.com/feed.xml">');
    expect(page).toContain('<link rel="canonical" href="https://show.example.com/2024/01/05/first/">');
    expect(page).toMatch(/<meta name="description" content="Notes with and a link. A CDATA end \]\]&gt; inside.">/);
    expect(page).toContain('<img src="/images/cover.png" alt="cover">');
    expect(page).toContain('<a rel="next" href="/2024/02/10/second/"><bdi>Second</bdi> →</a>');
    expect(page).toContain('<time datetime="2024-01-05T00:00:00+01:00">January 5, 2024</time>');
    expect(page).toContain('<audio controls preload="none" src="https://media.example.com/e1.mp3">');
  });

  it('produces a well-formed feed with every element apps need', async () => {
    const root = await sampleProject();
    await build({ cwd: root });
    const rss = parseXmlStrict(await readText(path.join(root, 'dist/feed.xml')));
    expect(rss.name).toBe('rss');
    expect(rss.attributes).toMatchObject({
      version: '2.0',
      'xmlns:itunes': 'http://www.itunes.com/dtds/podcast-1.0.dtd',
      'xmlns:podcast': 'https://podcastindex.org/namespace/1.0',
      'xmlns:atom': 'http://www.w3.org/2005/Atom',
      'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
    });
    const channel = child(rss, 'channel')!;
    const text = (name: string, parent = channel) => child(parent, name)?.text.trim();
    expect(child(channel, 'atom:link')!.attributes).toEqual({ href: 'https://show.example.com/feed.xml', rel: 'self', type: 'application/rss+xml' });
    expect(text('title')).toBe('Test Show');
    expect(text('link')).toBe('https://show.example.com/');
    expect(text('description')).toBe('A show made for tests.');
    expect(text('language')).toBe('en');
    expect(text('itunes:author')).toBe('Test Author');
    expect(text('itunes:explicit')).toBe('false');
    expect(text('itunes:type')).toBe('episodic');
    expect(child(channel, 'itunes:image')!.attributes.href).toBe('https://show.example.com/artwork.png');
    expect(child(channel, 'itunes:category')!.attributes.text).toBe('Technology');
    expect(text('itunes:email', child(channel, 'itunes:owner'))).toBe('owner@example.com');
    expect(text('podcast:guid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const items = children(channel, 'item');
    expect(items.map((item) => text('title', item))).toEqual(['Second', 'First <Episode> & more']);
    const [second, first] = items as [typeof channel, typeof channel];
    expect(child(first, 'enclosure')!.attributes).toEqual({ url: 'https://media.example.com/e1.mp3', length: '1000', type: 'audio/mpeg' });
    expect(child(second, 'enclosure')!.attributes.type).toBe('audio/x-m4a');
    expect(text('guid', first)).toBe('https://show.example.com/2024/01/05/first/');
    expect(child(first, 'guid')!.attributes.isPermaLink).toBeUndefined();
    expect(text('guid', second)).toBe('my-stable-guid');
    expect(child(second, 'guid')!.attributes.isPermaLink).toBe('false');
    expect(text('pubDate', first)).toBe('Fri, 05 Jan 2024 00:00:00 +0100');
    expect(text('pubDate', second)).toBe('Sat, 10 Feb 2024 18:30:00 +0100');
    expect(text('itunes:duration', first)).toBe('3723');
    expect(text('itunes:episode', first)).toBe('1');
    expect(text('itunes:season', first)).toBe('1');
    expect(text('itunes:episodeType', first)).toBe('full');
    expect(text('link', first)).toBe('https://show.example.com/2024/01/05/first/');
    const notes = text('content:encoded', first)!;
    expect(notes).toContain('<img src="https://show.example.com/images/cover.png" alt="cover">');
    expect(notes).toContain('<a href="https://show.example.com/archive/">link</a>');
    // Text writes `>` as `&gt;`; an attribute keeps it (next test).
    expect(notes).toContain('<p>A CDATA end ]]&gt; inside.</p>');
  });

  it('keeps a raw ]]> in the notes intact inside CDATA', async () => {
    const root = await sampleProject({
      'episodes/2024-01-05-first.md': EPISODE_ONE.replace('A CDATA end ]]> inside.', '<span data-x="]]>">raw</span>'),
    });
    await build({ cwd: root });
    const first = children(child(parseXmlStrict(await readText(path.join(root, 'dist/feed.xml'))), 'channel')!, 'item')[1]!;
    expect(child(first, 'content:encoded')!.text).toContain('<span data-x="]]>">raw</span>');
  });

  it('removes characters that XML forbids, with a warning naming the file', async () => {
    const root = await sampleProject({ 'episodes/2024-01-05-first.md': EPISODE_ONE.replace('First <Episode>', 'First\u0007 <Episode>') });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([expect.objectContaining({ file: 'episodes/2024-01-05-first.md', rule: 'invalid-xml-character', severity: 'warning' })]);
    const xml = await readText(path.join(root, 'dist/feed.xml'));
    expect(() => parseXmlStrict(xml)).not.toThrow();
    expect(xml).toContain('<title>First &lt;Episode&gt; &amp; more</title>');
  });

  it('a build with errors writes nothing and leaves the previous output untouched', async () => {
    const root = await sampleProject();
    expect((await build({ cwd: root })).ok).toBe(true);
    const output = path.join(root, 'dist');
    const before = await listTree(output);
    const feedBefore = await readFile(path.join(output, 'feed.xml'));
    const mtimeBefore = (await stat(path.join(output, 'feed.xml'))).mtimeMs;

    await writeFile(path.join(root, 'episodes/2024-02-10-second.md'), EPISODE_TWO.replace('date: 2024-02-10 18:30', 'date: 2024-02-30'));
    await writeFile(path.join(root, 'episodes/2024-05-01-new.md'), episodeFile('title: New'));
    const failed = await build({ cwd: root });
    expect(failed.ok).toBe(false);
    expect(failed.diagnostics).toEqual([expect.objectContaining({ file: 'episodes/2024-02-10-second.md', line: 3, rule: 'invalid-date' })]);
    expect(await listTree(output)).toEqual(before);
    expect(await readFile(path.join(output, 'feed.xml'))).toEqual(feedBefore);
    expect((await stat(path.join(output, 'feed.xml'))).mtimeMs).toBe(mtimeBefore);
    expect((await readdir(root)).filter((name) => name.startsWith('.dist'))).toEqual([]);
  });

  it('a successful build removes pages whose source is gone', async () => {
    const root = await sampleProject();
    await build({ cwd: root });
    await writeFile(path.join(root, 'episodes/2024-03-01-back.md'), episodeFile('title: Renamed\nslug: renamed'));
    await build({ cwd: root });
    expect(existsSync(path.join(root, 'dist/2024/03/01/back/index.html'))).toBe(false);
    expect(existsSync(path.join(root, 'dist/2024/03/01/renamed/index.html'))).toBe(true);
  });

  it('refuses a public file that would overwrite a generated page, naming both', async () => {
    const root = await sampleProject({ 'public/feed.xml': '<rss/>' });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file: 'public/feed.xml', rule: 'output-conflict', message: expect.stringContaining('a generated page') }),
    ]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('reports two entries with the same address, even when only the case differs', async () => {
    const root = await sampleProject({ 'episodes/2024-01-05-first-again.md': episodeFile('title: Again\nslug: First') });
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['duplicate-permalink']);
  });

  it('copies .well-known and .nojekyll from public, but not editor or system clutter', async () => {
    const root = await sampleProject({
      'public/.well-known/security.txt': 'Contact: mailto:a@example.com',
      'public/.nojekyll': '',
      'public/.DS_Store': 'x',
      'episodes/.#2024-01-05-first.md': 'an editor lock file',
    });
    expect((await build({ cwd: root })).diagnostics).toEqual([]);
    const files = await listTree(path.join(root, 'dist'));
    expect(files).toContain('.well-known/security.txt');
    expect(files).toContain('.nojekyll');
    expect(files).not.toContain('.DS_Store');
  });

  it('uses a template from the user folder in place of the built-in one, and reports template errors by line', async () => {
    const root = await sampleProject({ 'templates/archive.hbs': '<h1>My archive</h1>{{#each years}}<p>{{year}}</p>{{/each}}\n' });
    await build({ cwd: root });
    const archive = await readText(path.join(root, 'dist/archive/index.html'));
    expect(archive).toContain('<h1>My archive</h1><p>2024</p>');
    expect(archive).toContain('<html lang="en">');

    await writeFile(path.join(root, 'templates/archive.hbs'), '<h1>x</h1>\n{{#each years}}\n{{/each}\n');
    const broken = await build({ cwd: root });
    expect(broken.diagnostics).toEqual([expect.objectContaining({ file: 'templates/archive.hbs', line: 3, rule: 'template-syntax' })]);
  });

  it('puts the base path of the site URL in every link', async () => {
    const root = await sampleProject();
    const result = await build({ cwd: root, baseUrl: 'https://example.org/show' });
    expect(result.ok).toBe(true);
    const page = await readText(path.join(root, 'dist/2024/01/05/first/index.html'));
    expect(page).toContain('href="/show/assets/style.css"');
    expect(page).toContain('<img src="/show/images/cover.png" alt="cover">');
    expect(page).toContain('<a href="/show/archive/">link</a>');
    const xml = await readText(path.join(root, 'dist/feed.xml'));
    expect(xml).toContain('<link>https://example.org/show/2024/01/05/first/</link>');
    expect(xml).toContain('src="https://example.org/show/images/cover.png"');
  });

  it('paginates the home page', async () => {
    const root = await sampleProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  perPage: 1\n` });
    await build({ cwd: root });
    expect(existsSync(path.join(root, 'dist/page/3/index.html'))).toBe(true);
    expect(existsSync(path.join(root, 'dist/page/4/index.html'))).toBe(false);
    const second = await readText(path.join(root, 'dist/page/2/index.html'));
    expect(second).toContain('<a rel="prev" href="/">');
    expect(second).toContain('<a rel="next" href="/page/3/">');
    expect(second).toContain('<a href="/page/2/" aria-current="page">2</a>');
    expect(second).toContain('Second');
  });

  it('reports a missing settings file as a diagnostic, not a crash', async () => {
    const root = await tempProject({});
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ rule: 'missing-settings', hint: expect.stringContaining('podsite.yaml') })]);
  });

  it('reports all problems of all files in one run', async () => {
    const root = await sampleProject({
      'episodes/2024-06-01-a.md': episodeFile('title: A\nepisode: zero'),
      'episodes/2024-06-02-b.md': '---\ntitle: [\n---\n',
      'episodes/2024-06-03-c.md': Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe]).toString('latin1'),
    });
    await writeFile(path.join(root, 'episodes/2024-06-03-c.md'), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe]));
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => [d.file, d.rule])).toEqual([
      ['episodes/2024-06-01-a.md', 'wrong-type'],
      ['episodes/2024-06-02-b.md', 'yaml-syntax'],
      ['episodes/2024-06-03-c.md', 'invalid-utf8'],
    ]);
  });
});

describe('writing the site', () => {
  it('turns a machine problem into a diagnostic', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, blocker: 'a file where a folder should be' });
    const result = await build({ cwd: root, output: 'blocker/dist' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ rule: 'write-failed', message: expect.stringContaining('the previous site was left as it was') }),
    ]);
    expect(await readText(path.join(root, 'blocker'))).toBe('a file where a folder should be');
  });

  it('a write that fails halfway leaves the previous output as it was and no staging folder', async () => {
    const root = await tempProject({ 'dist/index.html': 'previous site' });
    const output = path.join(root, 'dist');
    const plan = {
      files: [{ path: 'index.html', contents: 'new site' }],
      copies: [{ sitePath: 'gone.png', absolutePath: path.join(root, 'deleted-since-listing.png') }],
    };
    await expect(writeSite(output, plan)).rejects.toThrow(/ENOENT/);
    expect(await readText(path.join(output, 'index.html'))).toBe('previous site');
    expect(await readdir(root)).toEqual(['dist']);
  });

  it('checks everything without writing when asked to', async () => {
    const root = await sampleProject();
    const result = await build({ cwd: root, write: false });
    expect(result.ok).toBe(true);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });
});
