import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHtml } from 'hast-util-from-html';
import type { Element, Root, Text } from 'hast';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { parseSettings } from '../src/config.js';
import { isoDuration, machineFiles, openGraphLocale, scriptSafeJson, SITEMAP_URL_LIMIT } from '../src/machines.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject } from './helpers.js';

const repository = fileURLToPath(new URL('..', import.meta.url));

/** The page's `<head>`, parsed the way a browser parses it. */
function headOf(html: string): Element[] {
  const elements: Element[] = [];
  const visit = (node: Root | Element) => {
    for (const inner of node.children) {
      if (inner.type !== 'element') continue;
      elements.push(inner);
      visit(inner);
    }
  };
  const head = (fromHtml(html).children.find((n) => n.type === 'element' && n.tagName === 'html') as Element).children.find(
    (n) => n.type === 'element' && n.tagName === 'head',
  ) as Element;
  visit(head);
  return elements;
}

/** `og:…` and `twitter:…` meta tags of the head, by property or name; every one appears once. */
function metaTags(head: Element[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const element of head.filter((e) => e.tagName === 'meta')) {
    const key = String(element.properties.property ?? element.properties.name ?? '');
    if (!/^(og|twitter|article):/.test(key)) continue;
    expect(tags, key).not.toHaveProperty(key);
    tags[key] = String(element.properties.content);
  }
  return tags;
}

/** The parsed JSON-LD of a head; the test fails unless there is exactly one such script and no other. */
function jsonLd(head: Element[]): Record<string, unknown> {
  const scripts = head.filter((e) => e.tagName === 'script');
  expect(scripts.map((s) => s.properties.type)).toEqual(['application/ld+json']);
  return JSON.parse(scripts[0]!.children.map((c) => (c as Text).value).join('')) as Record<string, unknown>;
}

describe('the sample podcast, for machines', () => {
  let output: string;
  let result: BuildResult;
  const page = (file: string) => readFile(path.join(output, file), 'utf8');

  beforeAll(async () => {
    output = await mkdtemp(path.join(tmpdir(), 'podsite-machines-'));
    await copyFile(path.join(repository, 'podsite.lock'), `${output}.lock`);
    result = await build({ cwd: repository, output, ledger: `${output}.lock` });
  });
  afterAll(() => Promise.all([rm(output, { recursive: true, force: true }), rm(`${output}.lock`, { force: true })]));

  it('lists every page but the 404 page in sitemap.xml, entry pages with their date', async () => {
    expect(result.diagnostics).toEqual([]);
    const urlset = parseXmlStrict(await page('sitemap.xml'));
    expect(urlset.name).toBe('urlset');
    expect(urlset.attributes).toEqual({ xmlns: 'http://www.sitemaps.org/schemas/sitemap/0.9' });
    const urls = children(urlset, 'url').map((url) => ({ loc: child(url, 'loc')!.text, lastmod: child(url, 'lastmod')?.text }));

    const htmlFiles = (await readdir(output, { recursive: true })).filter((name) => name.endsWith('.html')).map((name) => name.split(path.sep).join('/'));
    expect(htmlFiles).toContain('404.html');
    const expected = htmlFiles
      .filter((name) => name !== '404.html')
      .map((name) => `https://slowbuild.example.com/${name.replace(/index\.html$/, '')}`)
      .sort();
    expect(urls.map((url) => url.loc).sort()).toEqual(expected);
    expect(new Set(urls.map((url) => url.loc)).size).toBe(urls.length);

    const waterTowers = urls.find((url) => url.loc.endsWith('/episodes/water-towers/'))!;
    expect(waterTowers.lastmod).toBe('2025-04-15T00:00:00+01:00');
    expect(urls.filter((url) => url.lastmod !== undefined)).toHaveLength(result.site!.entries.length);
    expect(urls.find((url) => url.loc === 'https://slowbuild.example.com/')!.lastmod).toBeUndefined();
  });

  it('writes a robots.txt that allows everything and names the sitemap', async () => {
    expect(await page('robots.txt')).toBe('User-agent: *\nDisallow:\n\nSitemap: https://slowbuild.example.com/sitemap.xml\n');
  });

  it('describes the show on the home page: Open Graph, Twitter card, PodcastSeries', async () => {
    const head = headOf(await page('index.html'));
    expect(metaTags(head)).toEqual({
      'og:site_name': 'The Slow Build',
      'og:locale': 'en_US',
      'og:url': 'https://slowbuild.example.com/',
      'og:type': 'website',
      'og:title': 'The Slow Build',
      'og:description': expect.stringMatching(/^Every brick, bridge and zipper/),
      'og:image': 'https://slowbuild.example.com/artwork.png',
      'twitter:card': 'summary',
      'twitter:title': 'The Slow Build',
      'twitter:description': expect.stringMatching(/^Every brick, bridge and zipper/),
      'twitter:image': 'https://slowbuild.example.com/artwork.png',
    });
    expect(head.filter((e) => e.tagName === 'link').map((e) => [String(e.properties.rel), e.properties.href])).toContainEqual(['canonical', 'https://slowbuild.example.com/']);
    expect(jsonLd(head)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'PodcastSeries',
      name: 'The Slow Build',
      description: expect.stringMatching(/^Every brick/),
      url: 'https://slowbuild.example.com/',
      image: 'https://slowbuild.example.com/artwork.png',
      webFeed: 'https://slowbuild.example.com/feed.xml',
      author: { '@type': 'Person', name: 'Maya Okafor & Tom Lindqvist' },
      inLanguage: 'en',
    });
  });

  it('describes an episode on its page: og:audio, its own image, PodcastEpisode with its season and audio', async () => {
    const head = headOf(await page('episodes/water-towers/index.html'));
    expect(metaTags(head)).toMatchObject({
      'og:url': 'https://slowbuild.example.com/episodes/water-towers/',
      'og:type': 'article',
      'og:title': 'Water Towers: The Tallest Batteries in Town',
      'article:published_time': '2025-04-15T00:00:00+01:00',
      'og:image': 'https://slowbuild.example.com/images/s01e03.png',
      'og:audio': 'https://media.example.com/slowbuild/s01e03.mp3',
      'og:audio:type': 'audio/mpeg',
      'twitter:image': 'https://slowbuild.example.com/images/s01e03.png',
    });
    const series = { '@type': 'PodcastSeries', name: 'The Slow Build', url: 'https://slowbuild.example.com/' };
    expect(jsonLd(head)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'PodcastEpisode',
      name: 'Water Towers: The Tallest Batteries in Town',
      description: expect.stringMatching(/^A water tower is not a reservoir/),
      url: 'https://slowbuild.example.com/episodes/water-towers/',
      datePublished: '2025-04-15T00:00:00+01:00',
      image: 'https://slowbuild.example.com/images/s01e03.png',
      episodeNumber: 3,
      partOfSeason: { '@type': 'PodcastSeason', seasonNumber: 1, partOfSeries: series },
      partOfSeries: series,
      inLanguage: 'en',
      timeRequired: 'PT44M5S',
      associatedMedia: {
        '@type': 'MediaObject',
        contentUrl: 'https://media.example.com/slowbuild/s01e03.mp3',
        encodingFormat: 'audio/mpeg',
        contentSize: '42349644 B',
        duration: 'PT44M5S',
      },
    });
  });

  it('points the feed at its stylesheet, a well-formed XSL file that loads nothing from elsewhere', async () => {
    const feed = await page('feed.xml');
    expect(feed.split('\n').slice(0, 2)).toEqual(['<?xml version="1.0" encoding="UTF-8"?>', '<?xml-stylesheet type="text/xsl" href="/assets/feed.xsl"?>']);
    // Still the RSS that apps read: the same strict parser, the same root.
    expect(parseXmlStrict(feed).name).toBe('rss');

    const xsl = await page('assets/feed.xsl');
    const stylesheet = parseXmlStrict(xsl);
    expect(stylesheet.name).toBe('xsl:stylesheet');
    expect(stylesheet.attributes.version).toBe('1.0');
    expect(xsl).not.toMatch(/<xsl:(import|include)\b|document\(|disable-output-escaping|<script|<link\b|@import|url\(/);
    const addresses = [...xsl.matchAll(/https?:\/\/[^\s"']+/g)].map((match) => match[0]);
    expect(new Set(addresses)).toEqual(new Set(['http://www.w3.org/1999/XSL/Transform', 'http://www.w3.org/2005/Atom', 'http://www.itunes.com/dtds/podcast-1.0.dtd']));
  });

  it('gives news posts and lists no JSON-LD and no og:audio', async () => {
    const post = result.site!.entries.find((entry) => entry.kind === 'post')!;
    for (const file of [post.outputFile, 'archive/index.html', 'page/2/index.html']) {
      const head = headOf(await page(file));
      expect(head.filter((e) => e.tagName === 'script'), file).toEqual([]);
      expect(metaTags(head), file).not.toHaveProperty('og:audio');
    }
    expect(metaTags(headOf(await page(post.outputFile)))['og:type']).toBe('article');
    expect(metaTags(headOf(await page('archive/index.html')))['og:type']).toBe('website');
  });
});

describe('machine-readable parts of any site', () => {
  const HOSTILE = 'Bye</script><script>alert(1)</script> <!-- & \u2028 line \u2029 paragraph';

  it('keeps a hostile title inside the JSON-LD, and the page valid', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-05-bye.md': episodeFile(`title: ${JSON.stringify(HOSTILE)}\nseason: 2\nepisode: 1\naudio:\n  url: https://media.example.com/e1.mp3\n  length: 1000\n  duration: 3723`),
      'public/artwork.png': 'not really a png',
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const html = await readText(path.join(root, 'dist/2024/01/05/bye/index.html'));
    expect(html).not.toContain('<script>alert(1)');
    const head = headOf(html);
    const data = jsonLd(head);
    expect(data.name).toBe(HOSTILE);
    expect(data.timeRequired).toBe('PT1H2M3S');
    expect(data.partOfSeason).toMatchObject({ '@type': 'PodcastSeason', seasonNumber: 2 });
    expect(metaTags(head)['og:title']).toBe(HOSTILE);
    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });
    const report = await validator.validateString(html, 'bye.html');
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
  });

  it('lets a robots.txt of the public folder replace the generated one', async () => {
    const own = 'User-agent: *\nDisallow: /private/\n';
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-05-news.md': episodeFile('title: News'), 'public/artwork.png': 'x', 'public/robots.txt': own });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    expect(await readText(path.join(root, 'dist/robots.txt'))).toBe(own);
  });

  it('puts the base path in the sitemap, robots.txt and the feed\'s stylesheet', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS.replace('url: https://show.example.com/', 'url: https://example.com/podcast/'),
      'episodes/2024-01-05-news.md': episodeFile('title: News'),
      'public/artwork.png': 'x',
    });
    await build({ cwd: root });
    const locs = children(parseXmlStrict(await readText(path.join(root, 'dist/sitemap.xml'))), 'url').map((url) => child(url, 'loc')!.text);
    expect(locs.sort()).toEqual(['https://example.com/podcast/', 'https://example.com/podcast/2024/01/05/news/', 'https://example.com/podcast/archive/']);
    expect(await readText(path.join(root, 'dist/robots.txt'))).toContain('Sitemap: https://example.com/podcast/sitemap.xml\n');
    expect(await readText(path.join(root, 'dist/feed.xml'))).toContain('<?xml-stylesheet type="text/xsl" href="/podcast/assets/feed.xsl"?>');
  });
});

describe('helpers for machines', () => {
  it('writes og:locale as language_TERRITORY', () => {
    expect(openGraphLocale('en')).toBe('en_US');
    expect(openGraphLocale('fr')).toBe('fr_FR');
    expect(openGraphLocale('fr-CA')).toBe('fr_CA');
    expect(openGraphLocale('pt-BR')).toBe('pt_BR');
  });

  it('writes ISO 8601 durations', () => {
    expect(isoDuration(0)).toBe('PT0S');
    expect(isoDuration(59.6)).toBe('PT1M');
    expect(isoDuration(3600)).toBe('PT1H');
    expect(isoDuration(3723)).toBe('PT1H2M3S');
  });

  it('splits a sitemap of more URLs than a sitemap may hold into parts listed by a sitemap index', () => {
    const settings = parseSettings(`${MINIMAL_SETTINGS.replace('https://show.example.com/', 'https://example.com/podcast/')}`, 'podsite.yaml').settings!;
    const pages = ['/', '/a/', '/b/', '/c/', '/hidden/', '/d/', '/e/'].map((path) => ({ path, noindex: path === '/hidden/' }));
    const files = machineFiles(settings, pages, new Set(), 2);
    expect(files.map((file) => file.path)).toEqual(['sitemap.xml', 'sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml', 'robots.txt']);
    const index = parseXmlStrict(String(files[0]!.contents));
    expect(index.name).toBe('sitemapindex');
    expect(index.attributes).toEqual({ xmlns: 'http://www.sitemaps.org/schemas/sitemap/0.9' });
    expect(children(index, 'sitemap').map((entry) => child(entry, 'loc')!.text)).toEqual([1, 2, 3].map((n) => `https://example.com/podcast/sitemap-${n}.xml`));
    const listed = files.slice(1, 4).map((file) => children(parseXmlStrict(String(file.contents)), 'url').map((url) => child(url, 'loc')!.text.replace('https://example.com/podcast', '')));
    expect(listed).toEqual([['/', '/a/'], ['/b/', '/c/'], ['/d/', '/e/']]);
    expect(String(files[4]!.contents)).toContain('Sitemap: https://example.com/podcast/sitemap.xml\n');
    // Up to the limit, one sitemap, as crawlers accept.
    expect(machineFiles(settings, pages.slice(0, 3), new Set(), 3).map((file) => file.path)).toEqual(['sitemap.xml', 'robots.txt']);
    expect(SITEMAP_URL_LIMIT).toBe(50_000);
  });

  it('escapes what could end a script element, and parses back to the same value', () => {
    const value = { title: '</script><!-- a & b \u2028\u2029' };
    const json = scriptSafeJson(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
