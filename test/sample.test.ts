import { readdir, readFile } from 'node:fs/promises';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { child, children, parseXmlStrict, type XmlElement } from './helpers.js';

const repository = fileURLToPath(new URL('..', import.meta.url));

/** The sample podcast of the repository, built as a newcomer would, into a temp folder. */
describe('the sample podcast', () => {
  let output: string;
  let result: BuildResult;

  beforeAll(async () => {
    output = await mkdtemp(path.join(tmpdir(), 'podsite-sample-'));
    // A copy of the committed ledger, which the build keeps up to date.
    await copyFile(path.join(repository, 'podsite.lock'), `${output}.lock`);
    result = await build({ cwd: repository, output, ledger: `${output}.lock` });
  });
  afterAll(() => Promise.all([rm(output, { recursive: true, force: true }), rm(`${output}.lock`, { force: true })]));

  it('has its GUID ledger committed and up to date', async () => {
    expect(await readFile(`${output}.lock`, 'utf8')).toBe(await readFile(path.join(repository, 'podsite.lock'), 'utf8'));
  });

  it('builds without errors or warnings', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('is a real-looking show: two seasons, a trailer, a bonus, news posts and a draft left out', () => {
    const site = result.site!;
    const seasons = new Set(site.episodes.map((e) => e.season));
    const full = site.episodes.filter((e) => e.episodeType === 'full');
    expect(seasons).toEqual(new Set([1, 2]));
    expect(full.length).toBeGreaterThanOrEqual(8);
    expect(site.episodes.some((e) => e.episodeType === 'trailer')).toBe(true);
    expect(site.episodes.some((e) => e.episodeType === 'bonus')).toBe(true);
    expect(site.entries.filter((e) => e.kind === 'post').length).toBeGreaterThanOrEqual(1);
    expect(site.entries.some((e) => e.draft)).toBe(false);
    for (const episode of site.episodes) {
      expect(episode.audio, episode.file).toMatchObject({ length: expect.any(Number), duration: expect.any(Number) });
    }
  });

  it('has square PNG artwork of 1400–3000 px', async () => {
    const png = await readFile(path.join(output, 'artwork.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(1400);
    expect(width).toBeLessThanOrEqual(3000);
  });

  it('writes valid, accessible HTML5 pages', async () => {
    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });
    const pages = (await readdir(output, { recursive: true })).filter((name) => name.endsWith('.html'));
    expect(pages.length).toBe(result.stats!.pages);
    // The pages of the theme beyond episodes and lists are among those checked.
    expect(pages).toEqual(expect.arrayContaining(['about/index.html', 'people/index.html', 'people/maya-okafor/index.html', 'tags/index.html', 'tags/bricks/index.html', 'seasons/index.html', 'seasons/2/index.html']));
    for (const page of pages) {
      const html = await readFile(path.join(output, page), 'utf8');
      const report = await validator.validateString(html, page);
      const messages = report.results.flatMap((r) => r.messages.map((m) => `${page}:${m.line}:${m.column} ${m.ruleId} ${m.message}`));
      expect(messages).toEqual([]);
      expect(html).toMatch(/<html lang="en">/);
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(html).toMatch(/<meta name="description" content="[^"]+">/);
      expect(html).toContain('type="application/rss+xml"');
    }
  });

  it('has transcripts for two episodes and chapters for four, declared in their feed items', async () => {
    const channel = child(parseXmlStrict(await readFile(path.join(output, 'feed.xml'), 'utf8')), 'channel')!;
    const item = (title: string) => children(channel, 'item').find((i) => child(i, 'title')!.text.startsWith(title))!;
    const attributes = (element: XmlElement, name: string) => children(element, name).map((e) => e.attributes);

    // A WebVTT file beside the episode file, and chapters from the front matter.
    const waterTowers = item('Water Towers');
    expect(attributes(waterTowers, 'podcast:transcript')).toEqual([
      { url: 'https://slowbuild.example.com/episodes/water-towers/transcript.vtt', type: 'text/vtt', language: 'en', rel: 'captions' },
    ]);
    expect(attributes(waterTowers, 'podcast:chapters')).toEqual([{ url: 'https://slowbuild.example.com/episodes/water-towers/chapters.json', type: 'application/json+chapters' }]);
    expect(await readFile(path.join(output, 'episodes/water-towers/transcript.vtt'), 'utf8')).toBe(await readFile(path.join(repository, 'episodes/2025-04-15-water-towers.vtt'), 'utf8'));

    // A WebVTT file the front matter names, and chapters from the timestamps in the notes.
    const box = item('The Box');
    expect(attributes(box, 'podcast:transcript')).toEqual([
      { url: 'https://slowbuild.example.com/episodes/the-box-that-shrank-the-world/transcript.vtt', type: 'text/vtt', language: 'en', rel: 'captions' },
    ]);
    expect(await readFile(path.join(output, 'episodes/the-box-that-shrank-the-world/transcript.vtt'), 'utf8')).toMatch(/^WEBVTT\n/);

    // Chapters from the front matter (Water Towers), and from the timestamps in the notes of three more.
    const withChapters = [
      ['water-towers', 'Water Towers'],
      ['the-box-that-shrank-the-world', 'The Box'],
      ['the-humble-brick', 'The Humble Brick'],
      ['flat-as-a-lake', 'Flat as a Lake'],
    ] as const;
    for (const [slug, title] of withChapters) {
      expect(attributes(item(title), 'podcast:chapters'), title).toEqual([{ url: `https://slowbuild.example.com/episodes/${slug}/chapters.json`, type: 'application/json+chapters' }]);
      const chapters = JSON.parse(await readFile(path.join(output, `episodes/${slug}/chapters.json`), 'utf8')) as { version: string; chapters: { startTime: number; title: string }[] };
      expect(chapters.version).toBe('1.2.0');
      expect(chapters.chapters.length).toBeGreaterThanOrEqual(5);
      const times = chapters.chapters.map((c) => c.startTime);
      expect(times[0]).toBe(0);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(times.length);
      expect(times.at(-1)).toBeLessThan(Number(child(item(title), 'itunes:duration')!.text));
    }
    // The episode carries them for the theme.
    expect(result.site!.entries.find((e) => e.slug === 'the-box-that-shrank-the-world')!.chapters[1]).toEqual({ startTime: 130, title: 'Welcome to season 2' });

    const items = children(channel, 'item');
    expect(items.filter((i) => children(i, 'podcast:transcript').length > 0)).toEqual([box, waterTowers]);
    expect(items.filter((i) => children(i, 'podcast:chapters').length > 0)).toHaveLength(withChapters.length);
  });

  it('has a feed that a strict XML parser accepts, with one item per published episode', async () => {
    const rss = parseXmlStrict(await readFile(path.join(output, 'feed.xml'), 'utf8'));
    const items = children(child(rss, 'channel')!, 'item');
    expect(items).toHaveLength(result.site!.episodes.length);
    for (const item of items) {
      expect(child(item, 'enclosure')!.attributes.length).toMatch(/^[1-9]\d*$/);
      expect(child(item, 'guid')!.text).toMatch(/^https:\/\/slowbuild\.example\.com\/episodes\/[a-z0-9-]+\/$/);
      expect(child(item, 'pubDate')!.text).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
    }
  });

  it('credits its hosts on the channel, and the hosts and guests of each episode, from people/', async () => {
    const channel = child(parseXmlStrict(await readFile(path.join(output, 'feed.xml'), 'utf8')), 'channel')!;
    const credits = (element: typeof channel) => children(element, 'podcast:person').map((person) => `${person.text} (${person.attributes.role})`);
    expect(credits(channel)).toEqual(['Maya Okafor (host)', 'Tom Lindqvist (host)']);
    const bridges = children(channel, 'item').find((item) => child(item, 'title')!.text.startsWith('Why Bridges'))!;
    expect(credits(bridges)).toEqual(['Maya Okafor (host)', 'Tom Lindqvist (host)', 'Raymond Achterberg (guest)', 'Lena Castellanos-Wu (guest)']);
    for (const episode of result.site!.episodes) {
      expect(episode.people.hosts.length + episode.people.guests.length, episode.file).toBe(episode.hosts.length + episode.guests.length);
    }
  });
});
