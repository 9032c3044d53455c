/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, sampleInBrowser } from './browser.js';

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
    await expect.poll(() => resultTitles(page)).toEqual(['Water Towers: The Tallest Batteries in Town', 'Introducing The Slow Build', 'Mailbag: Your Questions, Our Mistakes']);

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
