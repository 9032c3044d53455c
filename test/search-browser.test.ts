/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { chromiumPresent, launchChromium, sampleInBrowser, serveFolder } from './browser.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const present = chromiumPresent("the browser tests of the archive's search");

/** A listener looking for an episode in the sample podcast's archive. */
describe.skipIf(!present)('the archive’s search in a browser', () => {
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let origin: string;

  beforeAll(async () => {
    const sample = await sampleInBrowser('podsite-search-');
    ({ origin, browser, close } = sample);
    expect(sample.result.ok).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  /** The archive, with every request the page makes. */
  async function openArchive(query = ''): Promise<{ page: Page; requests: string[] }> {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => requests.push(`page error: ${error.message}`));
    await page.goto(`${origin}/archive/${query}`);
    return { page, requests };
  }

  const resultTitles = (page: Page) => page.locator('#archive-search-results li a').allTextContents();

  it('loads the index on first use, answers as the listener types, accents folded, asking no other host', async () => {
    const { page, requests } = await openArchive();
    const field = page.getByRole('searchbox', { name: 'Search the archive' });
    await expect.poll(() => field.isVisible()).toBe(true);
    // Nothing of the search is loaded until the field is used.
    expect(requests.filter((url) => /search-index\.json|minisearch\.js/.test(url))).toEqual([]);

    await field.fill('humble brîck');
    await expect.poll(() => resultTitles(page), { timeout: 10_000 }).toEqual(['The Humble Brick', 'Mailbag: Your Questions, Our Mistakes']);
    expect(await page.locator('#archive-search-results li a').first().getAttribute('href')).toBe('/episodes/the-humble-brick/');
    expect(await page.locator('#archive-list').isHidden()).toBe(true);
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toBe('2 results');

    await field.fill('water tow');
    // The last paragraph of Red, Amber, Green's notes has a photo of a water tower.
    await expect.poll(() => resultTitles(page)).toEqual(['Water Towers: The Tallest Batteries in Town', 'Red, Amber, Green', 'Introducing The Slow Build', 'Mailbag: Your Questions, Our Mistakes']);

    await field.fill('zzzz');
    await expect.poll(() => resultTitles(page)).toEqual([]);
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toBe('No results');

    await field.fill('');
    await expect.poll(() => page.locator('#archive-list').isVisible()).toBe(true);
    expect(await page.locator('#archive-search-results').isHidden()).toBe(true);

    // Loaded once, from the site itself.
    expect(requests.filter((url) => /search-index\.json|minisearch\.js/.test(url)).sort()).toEqual([`${origin}/assets/minisearch.js`, `${origin}/search-index.json`]);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    await page.close();
  });

  it('answers a query in the address, and shows the full list without JavaScript', async () => {
    const { page } = await openArchive('?q=tallest+batteries');
    await expect.poll(() => resultTitles(page), { timeout: 10_000 }).toEqual(['Water Towers: The Tallest Batteries in Town', 'Introducing The Slow Build']);
    expect(await page.getByRole('searchbox').inputValue()).toBe('tallest batteries');
    await page.close();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`${origin}/archive/`);
    expect(await plain.locator('form[role="search"]').isHidden()).toBe(true);
    expect(await plain.locator('.archive-year li').count()).toBeGreaterThanOrEqual(14);
    await context.close();
  });
});

/** Words of letters only, from a fixed sequence: many distinct terms of every first letter, the same at each run. */
function words(count: number, seed: number): string[] {
  let state = seed;
  const letter = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 'abcdefghijklmnopqrstuvwxyz'[state % 26]!;
  };
  return Array.from({ length: count }, (_, i) => Array.from({ length: 6 + (i % 4) }, letter).join(''));
}

describe.skipIf(!present)('the archive’s search over long notes, in a browser', () => {
  it('finds a word at the very end of a long note, fetching only the shard it falls in', { timeout: 60_000 }, async () => {
    const audio = (n: number) => `episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}`;
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS };
    // Enough distinct words for several shards of the default size.
    for (let n = 1; n <= 12; n++) {
      files[`episodes/2024-01-${String(n).padStart(2, '0')}-e${n}.md`] = episodeFile(`title: Episode ${n}\n${audio(n)}`, `${words(400, n).join(' ')}\n`);
    }
    files['episodes/2024-02-01-long.md'] = episodeFile(`title: The long one\n${audio(13)}`, `${'Filler words about nothing much. '.repeat(200)}\n\nLast of all, the quokkaphone.\n`);
    const root = await tempProject(files);
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    const dist = path.join(root, 'dist');
    const head = JSON.parse(await readFile(path.join(dist, 'search-index.json'), 'utf8')) as { notes: { shards: { from: string; file: string }[] } };
    const shards = head.notes.shards;
    expect(shards.length).toBeGreaterThan(2);
    const holding = (term: string) => shards.filter((shard, i) => shard.from <= term && (i + 1 === shards.length || term < shards[i + 1]!.from)).map((shard) => shard.file);

    const { server, origin } = await serveFolder(dist);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const fetched: string[] = [];
      page.on('request', (request) => {
        if (/\/search\/notes-/.test(request.url())) fetched.push(request.url().slice(origin.length + 1));
      });
      page.on('pageerror', (error) => fetched.push(`page error: ${error.message}`));
      await page.goto(`${origin}/archive/`);
      const field = page.getByRole('searchbox', { name: 'Search the archive' });
      await field.fill('quokkaphone');
      await expect.poll(() => page.locator('#archive-search-results li a').allTextContents(), { timeout: 10_000 }).toEqual(['The long one']);
      await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toBe('1 result');
      expect(await page.locator('#archive-search-results').getAttribute('aria-busy')).toBeNull();
      expect(fetched).toEqual(holding('quokkaphone'));

      // A word of the notes' start is in the head, but each word still asks its own shard, once.
      await field.fill('filler quokka');
      await expect.poll(() => page.locator('#archive-search-results li a').allTextContents()).toEqual(['The long one']);
      await field.fill('zzzzzz');
      await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toBe('No results');
      expect(fetched.sort()).toEqual([...new Set([...holding('quokkaphone'), ...holding('filler'), ...holding('zzzzzz')])].sort());
      expect(fetched.length).toBeLessThan(shards.length);
      // Words of one or two letters ask no shard: the notes have no such words.
      const before = fetched.length;
      await field.fill('zy');
      await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toBe('No results');
      await field.fill('fi');
      await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toBe('1 result');
      expect(fetched).toHaveLength(before);

      // Shards held back: the head's results show at once, marked busy, and no count is announced
      // until the shards have refined them; a shard that cannot be fetched leaves the head's
      // results, and the status says the notes were only partly searched.
      const slow = await browser.newPage();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await slow.route('**/search/notes-*', async (route) => {
        await held;
        await route.continue();
      });
      await slow.goto(`${origin}/archive/`);
      const slowField = slow.getByRole('searchbox', { name: 'Search the archive' });
      await slowField.fill('filler');
      await expect.poll(() => slow.locator('#archive-search-results li a').allTextContents(), { timeout: 10_000 }).toEqual(['The long one']);
      expect(await slow.locator('#archive-search-results').getAttribute('aria-busy')).toBe('true');
      await slow.waitForTimeout(800);
      expect(await slow.getByRole('status').textContent()).toBe('');
      release();
      await expect.poll(() => slow.getByRole('status').textContent(), { timeout: 5_000 }).toBe('1 result');
      expect(await slow.locator('#archive-search-results').getAttribute('aria-busy')).toBeNull();

      await slow.unroute('**/search/notes-*');
      await slow.route('**/search/notes-*', (route) => route.abort());
      await slowField.fill('nothing zzzzzy');
      await expect.poll(() => slow.getByRole('status').textContent(), { timeout: 5_000 }).toMatch(/^No results: only the titles, descriptions and starts of the notes were searched/);
      expect(await slow.locator('#archive-search-results').getAttribute('aria-busy')).toBeNull();
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
