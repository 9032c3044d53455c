/// <reference lib="dom" />
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type Dev } from '../src/dev/dev.js';
import { chromiumPresent, launchChromium } from './browser.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const present = chromiumPresent('the browser tests of podsite dev');

const audio = (n: number) => `episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}`;

/** A podcaster with the episode page open beside the editor. */
describe.skipIf(!present)('podsite dev in a browser', () => {
  let browser: Browser;
  const servers: Dev[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((dev) => dev.close()));
  });

  /** A temp site (removed after the test) served by podsite dev. */
  async function serve(): Promise<{ root: string; dev: Dev }> {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}`, 'First notes.\n'),
      'episodes/2024-02-01-two.md': episodeFile(`title: Two\n${audio(2)}`, 'Second notes.\n'),
    });
    const dev = await startDev({ cwd: root, port: 0 });
    servers.push(dev);
    await dev.ready;
    return { root, dev };
  }

  it('shows a saved edit, then an error overlay with its line, then the fix', async () => {
    const { root, dev } = await serve();
    const page = await browser.newPage();
    await page.goto(new URL('2024/02/01/two/', dev.url).href);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Two');
    await page.waitForFunction(() => document.querySelector('script[data-events]') !== null);
    // Give the page time to open its event stream before the first save.
    await page.waitForTimeout(300);

    const file = path.join(root, 'episodes/2024-02-01-two.md');
    await writeFile(file, episodeFile(`title: Two, rewritten\n${audio(2)}`, 'Second notes, longer now.\n'));
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe('Two, rewritten');
    await expect.poll(() => page.locator('.notes').textContent()).toContain('longer now');

    await writeFile(file, '---\ntitle: Two\nseason: [1\n---\nNotes\n');
    const overlay = page.locator('#podsite-error-overlay');
    await expect.poll(() => overlay.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await overlay.locator('.podsite-location').first().textContent()).toContain('episodes/2024-02-01-two.md:3:');
    expect(await overlay.textContent()).toContain('season: [1');
    expect(await page.locator('h1').textContent()).toBe('Two, rewritten');

    await writeFile(file, episodeFile(`title: Two, fixed\n${audio(2)}`));
    await expect.poll(() => overlay.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe('Two, fixed');
  });

  it('swaps the stylesheet without reloading the page', async () => {
    const { root, dev } = await serve();
    const page = await browser.newPage();
    await page.goto(dev.url);
    await page.waitForTimeout(300);
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await mkdir(path.join(root, 'templates/assets'), { recursive: true });
    await writeFile(path.join(root, 'templates/assets/style.css'), 'body { background: rgb(1, 2, 3); }\n');
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor), { timeout: 10_000 }).toBe('rgb(1, 2, 3)');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });
});
