import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { build } from '../src/build.js';
import { createCache } from '../src/cache.js';
import { tagSlug } from '../src/collections.js';
import { episodeFile, MINIMAL_SETTINGS, readText, tempProject } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const audio = (n: number, season?: number) =>
  `${season === undefined ? '' : `season: ${season}\n`}episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}`;
const person = (frontMatter: string, bio = 'A bio.') => `---\n${frontMatter.trim()}\n---\n${bio}\n`;

/** The main part of a page: what its template wrote, without the header and footer. */
const mainOf = (html: string) => /<main id="main">([\s\S]*)<\/main>/.exec(html)![1]!;

async function buildSite(files: Record<string, string>) {
  const root = await tempProject({ 'public/artwork.png': 'png', ...files });
  const result = await build({ cwd: root, now: NOW });
  const page = (urlPath: string) => readText(path.join(root, 'dist', urlPath, urlPath.endsWith('/') ? 'index.html' : ''));
  return { root, result, page, exists: (urlPath: string) => existsSync(path.join(root, 'dist', urlPath)) };
}

describe('person pages', () => {
  const files = {
    'podsite.yaml': MINIMAL_SETTINGS,
    'people/ann.md': person('name: Ann Archer\nimage: /people/ann.jpg\nwebsite: https://ann.example.com/\ntwitter: "@annarcher"', 'Ann *builds* things.'),
    'people/bob.md': person('name: Bob Baker\nimage: https://cdn.elsewhere.example/bob.jpg\nalumni: true'),
    'people/cleo.md': person('name: Cléo Dupré\nrole: guest'),
    'people/dan.md': person('name: Dan Editor\nrole: editor'),
    'public/people/ann.jpg': 'jpg',
    'episodes/2024-01-01-one.md': episodeFile(`title: One\nhosts: [Ann Archer, bob]\n${audio(1)}`),
    'episodes/2024-02-01-two.md': episodeFile(`title: Two\nhosts: ann\nguests: [cleo dupre, Somebody Else]\n${audio(2)}`),
    'episodes/2024-03-01-three.md': episodeFile(`title: Three\nhosts: Bob Baker\nguests: Ann Archer\n${audio(3)}`),
  };

  it('has a page per person with bio, links, a picture the site serves, and their episodes newest first', async () => {
    const { result, page } = await buildSite(files);
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['unknown-person']);
    const ann = mainOf(await page('/people/ann/'));
    expect(ann).toContain('<h1 dir="auto">Ann Archer</h1>');
    expect(ann).toContain('<img class="person-image" src="/people/ann.jpg"');
    expect(ann).toContain('<p>Ann <em>builds</em> things.</p>');
    expect(ann).toContain('<a href="https://ann.example.com/" rel="me">Website</a>');
    expect(ann).toContain('<a href="https://twitter.com/annarcher" rel="me">Twitter (@annarcher)</a>');
    const titles = [...ann.matchAll(/<a href="\/2024\/\d\d\/01\/(\w+)\/">/g)].map((m) => m[1]);
    expect(titles).toEqual(['three', 'two', 'one']);
    expect(ann).toMatch(/three\/"><bdi>Three<\/bdi><\/a> <span class="badge">guest<\/span>/);
    expect(ann).not.toMatch(/two\/">Two<\/a> <span class="badge">/);
  });

  it('never shows a picture from another host, and writes valid, accessible pages', async () => {
    const { root, result } = await buildSite({ ...files, 'pages/about.md': '---\ntitle: About\nmenu: true\n---\nUs.\n', 'podsite.yaml': `${MINIMAL_SETTINGS}footer:\n  - { title: Legal, url: /legal/ }\n` });
    expect(result.ok).toBe(true);
    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });
    for (const entry of readdirSync(path.join(root, 'dist'), { recursive: true, withFileTypes: true })) {
      if (!entry.name.endsWith('.html')) continue;
      const html = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
      expect(html).not.toContain('cdn.elsewhere.example');
      const report = await validator.validateString(html, entry.name);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${entry.parentPath}:${m.line} ${m.ruleId} ${m.message}`))).toEqual([]);
    }
  });

  it('has a team page with current hosts, the rest of the team, alumni and guests apart', async () => {
    const { page } = await buildSite(files);
    const team = mainOf(await page('/people/'));
    const section = (id: string) => new RegExp(`<h2 id="team-${id}">[\\s\\S]*?</section>`).exec(team)?.[0] ?? '';
    expect(section('hosts')).toContain('<a href="/people/ann/"><bdi>Ann Archer</bdi></a>');
    expect(section('hosts')).not.toContain('Bob');
    expect(section('crew')).toContain('<a href="/people/dan/"><bdi>Dan Editor</bdi></a> <span class="person-role">editor</span>');
    expect(section('alumni')).toContain('<a href="/people/bob/"><bdi>Bob Baker</bdi></a>');
    expect(section('guests')).toContain('<a href="/people/cleo/"><bdi>Cléo Dupré</bdi></a>');
  });

  it('links hosts and guests of an episode to their pages, and shows a name found nowhere as written', async () => {
    const { page } = await buildSite(files);
    const two = await page('/2024/02/01/two/');
    expect(two).toContain('<strong>Hosts:</strong> <bdi><a href="/people/ann/">Ann Archer</a></bdi></p>');
    expect(two).toContain('<strong>Guests:</strong> <bdi><a href="/people/cleo/">Cléo Dupré</a></bdi>, <bdi>Somebody Else</bdi></p>');
    expect(await page('/')).toContain('<a href="/people/">People</a>');
  });

  it('has no people pages nor menu entry without a people folder', async () => {
    const { exists, page } = await buildSite({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-one.md': episodeFile(`title: One\nhosts: Ann\n${audio(1)}`) });
    expect(exists('people')).toBe(false);
    expect(await page('/2024/01/01/one/')).toContain('<strong>Hosts:</strong> <bdi>Ann</bdi></p>');
    expect(await page('/')).not.toContain('/people/');
  });
});

describe('tag pages', () => {
  it('makes safe slugs: lower case, accents folded, only a-z 0-9 and -', () => {
    expect(tagSlug('Café')).toBe('cafe');
    expect(tagSlug('  Ça  va ? ')).toBe('ca-va');
    expect(tagSlug('C++ & Rust/Go')).toBe('c-rust-go');
    expect(tagSlug('../etc')).toBe('etc');
    expect(tagSlug('日本')).toMatch(/^tag-[0-9a-f]{8}$/);
    expect(tagSlug('日本')).not.toBe(tagSlug('中国'));
  });

  it('has a page per tag, one page for tags with the same slug, an index, and links from entries', async () => {
    const { result, page, exists } = await buildSite({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\ntags: [Café, Économie]\n${audio(1)}`),
      'episodes/2024-02-01-two.md': episodeFile(`title: Two\ntags: [cafe, café]\n${audio(2)}`),
      'episodes/2024-03-01-news.md': episodeFile('title: News\ntags: [日本]'),
    });
    expect(result.diagnostics).toEqual([]);
    const cafe = mainOf(await page('/tags/cafe/'));
    expect(cafe).toContain('<h1>Tag: Café / cafe / café</h1>');
    expect([...cafe.matchAll(/<h2 dir="auto"><a href="[^"]+">(\w+)<\/a><\/h2>/g)].map((m) => m[1])).toEqual(['Two', 'One']);
    expect(exists(`tags/${tagSlug('日本')}/index.html`)).toBe(true);
    const index = mainOf(await page('/tags/'));
    expect(index).toContain('<a href="/tags/cafe/"><bdi>Café / cafe / café</bdi></a> <span class="count">(2)</span>');
    expect(index).toContain('<a href="/tags/economie/"><bdi>Économie</bdi></a> <span class="count">(1)</span>');
    expect(await page('/2024/01/01/one/')).toContain('<li><a href="/tags/cafe/"><bdi>Café</bdi></a></li><li><a href="/tags/economie/"><bdi>Économie</bdi></a></li>');
  });

  it('makes no tag pages when no entry has tags', async () => {
    const { exists } = await buildSite({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}`) });
    expect(exists('tags')).toBe(false);
  });
});

describe('season pages', () => {
  it('has a page per season in the order it was published, and an index when there are several', async () => {
    const { page, exists } = await buildSite({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-a.md': episodeFile(`title: First of one\n${audio(1, 1)}`),
      'episodes/2024-02-01-b.md': episodeFile(`title: Second of one\n${audio(2, 1)}`),
      'episodes/2024-03-01-c.md': episodeFile(`title: First of two\n${audio(3, 2)}`),
    });
    const one = mainOf(await page('/seasons/1/'));
    expect(one).toContain('<h1>Season 1</h1>');
    expect(one.indexOf('First of one')).toBeLessThan(one.indexOf('Second of one'));
    expect(one).not.toContain('First of two');
    expect(one).toContain('<a href="/seasons/">All seasons</a>');
    const index = mainOf(await page('/seasons/'));
    expect(index).toContain('<a href="/seasons/1/">Season 1</a> · 2 entries · <time datetime="2024-01-01T00:00:00+01:00">January 1, 2024</time>');
    expect(index).toContain('<a href="/seasons/2/">Season 2</a>');
    expect(exists('seasons/3')).toBe(false);
    // Each entry's season, on its page and in lists, leads to the season's page.
    const episodePage = mainOf(await page('/2024/03/01/c/'));
    expect(episodePage).toContain('<a href="/seasons/2/">Season 2</a>');
    expect(mainOf(await page('/'))).toContain('<a href="/seasons/1/">Season 1</a>');
  });

  it('has no index for a single season', async () => {
    const { page, exists } = await buildSite({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile(`title: A\n${audio(1, 1)}`) });
    expect(exists('seasons/index.html')).toBe(false);
    expect(await page('/seasons/1/')).not.toContain('All seasons');
  });
});

describe('pages of the pages folder, menu and footer', () => {
  const episodes = { 'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}`) };

  it('renders each Markdown page at /<name>/, with the pages marked for the menu in the header in their order', async () => {
    const { result, page } = await buildSite({
      'podsite.yaml': MINIMAL_SETTINGS,
      ...episodes,
      'pages/about.md': '---\ntitle: About <us>\ndescription: Who we are.\nmenu: true\norder: 2\n---\nWe *talk*.\n',
      'pages/support.md': '---\ntitle: Support\nmenu: true\norder: 1\n---\nGive.\n',
      'pages/legal/privacy.md': '---\ntitle: Privacy\n---\nNothing kept.\n',
    });
    expect(result.diagnostics).toEqual([]);
    const about = await page('/about/');
    expect(mainOf(about)).toContain('<h1 dir="auto">About &lt;us&gt;</h1>');
    expect(mainOf(about)).toContain('<p>We <em>talk</em>.</p>');
    expect(about).toContain('<meta name="description" content="Who we are.">');
    expect(about).toContain('<a href="/about/" aria-current="page"><bdi>About &lt;us&gt;</bdi></a>');
    expect(mainOf(await page('/legal/privacy/'))).toContain('<p>Nothing kept.</p>');
    const menu = [...(await page('/')).matchAll(/<li><a href="([^"]+)"[^>]*>/g)].map((m) => m[1]);
    expect(menu).toEqual(['/', '/archive/', '/support/', '/about/', 'https://show.example.com/feed.xml']);
  });

  it('takes the menu and the footer links from the settings, with the base path', async () => {
    const { result, page } = await buildSite({
      'podsite.yaml': `${MINIMAL_SETTINGS.replace('https://show.example.com/', 'https://show.example.com/base/')}nav:\n  - { title: Episodes, url: /archive/ }\n  - { title: Shop, url: https://shop.example.com/ }\nfooter:\n  - { title: Legal, url: /legal/ }\n`,
      ...episodes,
      'pages/legal.md': '---\ntitle: Legal\nmenu: true\n---\nText.\n',
    });
    expect(result.diagnostics).toEqual([]);
    const home = await page('/');
    expect(home).toContain('<li><a href="/base/archive/"><bdi>Episodes</bdi></a></li>');
    expect(home).toContain('<li><a href="https://shop.example.com/"><bdi>Shop</bdi></a></li>');
    expect(home).not.toMatch(/<header[\s\S]*>Legal<\/bdi><\/a>[\s\S]*<\/header>/);
    expect(home).toMatch(/<footer[\s\S]*<nav aria-label="More links">[\s\S]*<a href="\/base\/legal\/"><bdi>Legal<\/bdi><\/a>/);
  });

  it('reports a page whose address a generated page has, and keeps the generated page', async () => {
    const { result } = await buildSite({
      'podsite.yaml': MINIMAL_SETTINGS,
      ...episodes,
      'pages/archive.md': '---\ntitle: My archive\n---\nMine.\n',
    });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toMatchObject([
      { file: 'pages/archive.md', line: 1, rule: 'duplicate-permalink', message: 'this page\'s address `/archive/` is also the address of the generated page `/archive/`' },
    ]);
  });

  it('makes a build cache forget pages rendered while a page gave way, so that a rebuild equals a full build', async () => {
    const one = (tags: string) => episodeFile(`title: One\n${tags}${audio(1)}`);
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': one(''),
      'episodes/2024-02-01-two.md': episodeFile(`title: Two\n${audio(2)}`),
      'pages/tags.md': '---\ntitle: Topics\nmenu: true\n---\nWhat we talk about.\n',
      'public/artwork.png': 'png',
    });
    const cache = createCache();
    const rebuild = async () => {
      cache.dirty = 'all';
      return build({ cwd: root, cache, write: false, now: NOW });
    };
    const notFoundOf = (result: Awaited<ReturnType<typeof build>>) => result.output!.files.find((file) => file.path === '404.html')!.contents;
    expect(notFoundOf(await rebuild())).toContain('>Topics</bdi></a>');
    await writeFile(path.join(root, 'episodes/2024-01-01-one.md'), one('tags: [bricks]\n'));
    const clash = await rebuild();
    expect(clash.diagnostics.map((d) => [d.file, d.rule])).toEqual([['pages/tags.md', 'duplicate-permalink']]);
    expect(notFoundOf(clash)).not.toContain('>Topics</bdi></a>');
    await writeFile(path.join(root, 'episodes/2024-01-01-one.md'), one(''));
    const fixed = await rebuild();
    expect(fixed.ok).toBe(true);
    expect(notFoundOf(fixed)).toContain('>Topics</bdi></a>');
  });

  it('reads the pages from build.pages, relative to the settings file, and checks the front matter', async () => {
    const root = await tempProject({
      // The settings sit in a folder of their own, beside the content, on purpose.
      'site/podsite.yaml': `${MINIMAL_SETTINGS}build:\n  episodes: ../episodes\n  public: ../public\n  pages: ../texts\nrules:\n  path-outside-project: off\n`,
      ...episodes,
      'public/artwork.png': 'png',
      'texts/about.md': '---\ntitel: About\n---\nText.\n',
    });
    const result = await build({ cwd: root, config: 'site/podsite.yaml', now: NOW });
    const found = result.diagnostics.map((d) => [d.file, d.rule]);
    expect(found).toContainEqual(['texts/about.md', 'unknown-key']);
    expect(found).toContainEqual(['texts/about.md', 'missing-field']);
  });

  it('reports a menu link that is neither a path on the site nor a URL, where it was written', async () => {
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}nav:\n  - title: About\n    url: about\n`, ...episodes, 'public/artwork.png': 'png' });
    const result = await build({ cwd: root, now: NOW });
    expect(result.diagnostics).toMatchObject([{ file: 'podsite.yaml', line: 13, rule: 'invalid-url' }]);
  });
});
