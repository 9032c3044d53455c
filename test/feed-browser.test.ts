/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSample, chromiumPresent, launchChromium } from './browser.js';
import { build, type BuildResult } from '../src/build.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const present = chromiumPresent("the browser test of the feed's stylesheet");

/** The types most static hosts give these files (nginx: text/xml; GitHub Pages and Netlify: application/xml). */
const TYPES: Record<string, string> = { '.xml': 'application/xml', '.xsl': 'text/xsl', '.png': 'image/png', '.css': 'text/css' };

/** A listener who opens the feed's address in a browser instead of a podcast app. */
describe.skipIf(!present)('the feed in a browser', () => {
  let output: string;
  let remove: (() => Promise<void>) | undefined;
  /** A second show's project, served under /fr/; made by its test, as temp projects last one test. */
  let french = '';
  let result: BuildResult;
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ output, result, remove } = await buildSample('podsite-feed-browser-'));
    server = createServer((request, response) => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      const file = pathname.startsWith('/fr/') ? path.join(french, 'dist', pathname.slice('/fr/'.length)) : path.join(output, pathname);
      readFile(file).then(
        (contents) => response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(contents),
        () => response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await remove?.();
  });

  it('shows the show, how to subscribe and every episode, asking nothing of other hosts', async () => {
    expect(result.ok).toBe(true);
    const page = await browser.newPage();
    const requested: string[] = [];
    // The artwork's address is the real site's: answer it here rather than from the network.
    await page.route('**/*', (route) => {
      requested.push(route.request().url());
      const url = new URL(route.request().url());
      return url.origin === origin ? route.continue() : route.fulfill({ status: 404 });
    });
    await page.goto(`${origin}/feed.xml`);

    await expect.poll(() => page.locator('h1').textContent()).toBe('The Slow Build');
    expect(await page.locator('.about-feed').textContent()).toMatch(/This is a podcast feed\.\s+To subscribe, copy its address into your podcast app/);
    expect(await page.locator('input.feed-url').inputValue()).toBe('https://slowbuild.example.com/feed.xml');
    const subscribe = page.getByRole('link', { name: 'Subscribe in your podcast app' });
    expect(await subscribe.getAttribute('href')).toBe('podcast://slowbuild.example.com/feed.xml');
    expect(await page.getByRole('link', { name: 'Visit the website' }).getAttribute('href')).toBe('https://slowbuild.example.com/');

    const episodes = page.locator('article.episode');
    expect(await episodes.count()).toBe(result.site!.episodes.length);
    const waterTowers = episodes.filter({ hasText: 'Water Towers' });
    expect(await waterTowers.locator('.meta').textContent()).toMatch(/15 Apr 2025 · 44:05/);
    const download = waterTowers.getByRole('link', { name: /Download the episode \(42\.3 MB\)/ });
    expect(await download.getAttribute('href')).toBe('https://media.example.com/slowbuild/s01e03.mp3');

    // The stylesheet and the artwork the feed names (on the site's own host), nothing else.
    const hosts = new Set(requested.map((url) => new URL(url).origin));
    expect([...hosts].sort()).toEqual([origin, 'https://slowbuild.example.com'].sort());
    expect(requested).toContain(`${origin}/assets/feed.xsl`);
  });

  it('speaks the show’s language, and keeps the base path', async () => {
    french = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS.replace('language: en', 'language: fr-CA').replace('url: https://show.example.com/', 'url: https://show.example.com/fr/'),
      'episodes/2024-01-05-un.md': episodeFile('title: Premier\nepisode: 1\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1000\n  duration: 3723'),
      'public/artwork.png': 'x',
    });
    await build({ cwd: french });
    const page = await browser.newPage();
    await page.route('**/*', (route) => (new URL(route.request().url()).origin === origin ? route.continue() : route.fulfill({ status: 404 })));
    await page.goto(`${origin}/fr/feed.xml`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Test Show');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr-CA');
    expect(await page.locator('.about-feed').textContent()).toMatch(/Ceci est le flux d’un podcast\.\s+Pour vous abonner/);
    expect(await page.locator('input.feed-url').inputValue()).toBe('https://show.example.com/fr/feed.xml');
    expect(await page.locator('article.episode .meta').textContent()).toMatch(/05 Jan 2024 · 1:02:03/);
  });
});
