/// <reference lib="dom" />
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, chromiumPresent, sampleInBrowser } from './browser.js';

const present = chromiumPresent('the accessibility and third-party request tests of the default theme');

/** The pages of the sample podcast that axe checks: one of each template, and a 404. */
const PAGES: readonly string[] = [
  '/',
  '/episodes/water-towers/', // chapters and a transcript
  '/archive/',
  '/people/',
  '/tags/',
  '/about/',
  '/no-such-page/', // served with 404.html and status 404
];

describe.skipIf(!present)('the default theme in a browser: axe-core and no third-party request', () => {
  let browser: Browser;
  let output: string;
  let close: (() => Promise<void>) | undefined;
  let origin: string;
  let personPage: string;
  let tagPage: string;

  beforeAll(async () => {
    const sample = await sampleInBrowser('podsite-axe-', { notFound: '404.html' });
    ({ output, origin, browser, close } = sample);
    expect(sample.result.ok).toBe(true);
    const people = (await readdir(path.join(output, 'people'), { withFileTypes: true })).filter((entry) => entry.isDirectory());
    const tags = (await readdir(path.join(output, 'tags'), { withFileTypes: true })).filter((entry) => entry.isDirectory());
    expect(people.length).toBeGreaterThan(0);
    personPage = `/people/${people[0]!.name}/`;
    tagPage = `/tags/${tags[0]!.name}/`;
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violation on each kind of page, ${colorScheme} scheme`, async () => {
      const page = await browser.newPage();
      await page.emulateMedia({ colorScheme });
      const problems: string[] = [];
      for (const pathname of [...PAGES, personPage, tagPage]) {
        const response = await page.goto(`${origin}${pathname}`);
        expect(response?.status(), pathname).toBe(pathname === '/no-such-page/' ? 404 : 200);
        // The scheme is the one asked for, and the theme follows it (its light paper is #fbf8f2).
        const paper = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(paper === 'rgb(251, 248, 242)', `${pathname}: background ${paper}`).toBe(colorScheme === 'light');
        problems.push(...(await axeProblems(page, pathname)));
      }
      await page.close();
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }

  it('asks no host but its own on any page of the site', async () => {
    const html: string[] = [];
    async function walk(folder: string): Promise<void> {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) await walk(file);
        else if (entry.name.endsWith('.html')) html.push(path.relative(output, file).split(path.sep).join('/'));
      }
    }
    await walk(output);
    expect(html.length).toBeGreaterThan(20);

    const context = await browser.newContext();
    const foreign: string[] = [];
    // The sample's audio lives on a fake host; the player's preload="none" should keep the
    // browser from asking it, but should it ask, the request is recorded and answered here.
    await context.route((url) => url.origin !== origin, (route) => route.fulfill({ status: 204 }));
    const page = await context.newPage();
    let current = '';
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== origin && !request.url().startsWith('data:')) foreign.push(`${current}: ${request.url()}`);
    });
    for (const file of html) {
      current = `/${file.replace(/(^|\/)index\.html$/, '$1')}`;
      await page.goto(`${origin}${current}`, { waitUntil: 'networkidle' });
    }
    await context.close();
    expect(foreign, foreign.join('\n')).toEqual([]);
  }, 240_000); // every page, each until the network is idle: about 45 s on two cores
});
