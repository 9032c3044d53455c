/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../src/site.js';
import { axeProblems, chromiumPresent, fulfilAudio, sampleInBrowser, silentWav } from './browser.js';

const present = chromiumPresent('the interaction, keyboard and no-JavaScript browser tests of the default theme');

/** The sample episode with chapters, a transcript and a video (the only one with a video). */
const BOX = '/episodes/the-box-that-shrank-the-world/';
const BOX_AUDIO = 'https://media.example.com/slowbuild/s02e01.mp3';
/** Its chapters (from the "Timestamps" of its notes), in seconds. */
const BOX_CHAPTERS = [0, 130, 405, 1110, 1860, 2415, 3160, 3665];

const SCHEMES = ['light', 'dark'] as const;

/**
 * The states of the theme's pages that only interaction reaches, checked as the load-time ones are
 * (test/accessibility-browser.test.ts): axe-core in light and dark, the keyboard alone, and the
 * pages without JavaScript. No request leaves the machine: every other host is answered here.
 */
describe.skipIf(!present)('the default theme after interaction, in a browser', () => {
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let origin: string;
  let site: Site;
  const wav = silentWav(150); // past the second chapter (2:10)

  beforeAll(async () => {
    const sample = await sampleInBrowser('podsite-interact-');
    ({ origin, browser, close } = sample);
    expect(sample.result.ok).toBe(true);
    site = sample.result.site!;
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  /**
   * A context in which every request to another host is recorded and answered here: the episode's
   * audio with real (silent) audio so that seeking works, anything else with an empty 204.
   */
  async function isolated(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page; foreign: string[] }> {
    const context = await browser.newContext(options);
    const foreign: string[] = [];
    const audio = fulfilAudio(wav);
    await context.route(
      (url) => url.origin !== origin,
      (route) => (route.request().url().startsWith(BOX_AUDIO) ? audio(route) : route.fulfill({ status: 204 })),
    );
    context.on('request', (request) => {
      if (new URL(request.url()).origin !== origin && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => foreign.push(`page error: ${error.message}`));
    return { context, page, foreign };
  }

  const playbackRate = (page: Page) => page.locator('[data-player] audio').evaluate((audio: HTMLAudioElement) => audio.playbackRate);
  const currentTime = (page: Page) => page.locator('[data-player] audio').evaluate((audio: HTMLAudioElement) => audio.currentTime);
  const pressedSpeeds = (page: Page) => page.locator('[data-speeds] button[aria-pressed="true"]').allTextContents();

  for (const colorScheme of SCHEMES) {
    it(`has no serious or critical axe-core violation on the episode page after speed, transcript and video, ${colorScheme}`, async () => {
      const { context, page, foreign } = await isolated({ colorScheme });
      await page.goto(`${origin}${BOX}`);
      await page.waitForLoadState('load');
      const problems: string[] = [];

      await expect.poll(() => page.locator('[data-speeds]').isVisible()).toBe(true);
      await page.getByRole('button', { name: '1.5×' }).click();
      expect(await playbackRate(page)).toBe(1.5);
      // The pressed state is in the accessibility tree, not only in the colour of the button.
      expect(await pressedSpeeds(page)).toEqual(['1.5×']);
      expect(await page.getByRole('button', { name: '1×' }).getAttribute('aria-pressed')).toBe('false');
      problems.push(...(await axeProblems(page, 'speed 1.5× pressed')));

      const transcript = page.locator('details.transcript');
      expect(await transcript.evaluate((details: HTMLDetailsElement) => details.open)).toBe(false);
      await transcript.locator('summary').click();
      await expect.poll(() => transcript.locator('a[data-seek="11.5"]').isVisible()).toBe(true);
      problems.push(...(await axeProblems(page, 'transcript open')));

      // Nothing so far, the page, the speed or the transcript, asked another host for anything.
      expect(foreign).toEqual([]);
      expect(await page.locator('iframe').count()).toBe(0);

      // With the script the preview plays in place, so it is announced as a button.
      await page.getByRole('button', { name: /Play the video/ }).click();
      const frame = page.locator('iframe.video-frame');
      expect(await frame.getAttribute('src')).toBe('https://www.youtube-nocookie.com/embed/Xk7pQ2vLm9A?autoplay=1');
      expect(await frame.getAttribute('title')).toBe('Video: The Box That Shrank the World');
      // The recorder does see the frame's request: the empty list above was not for want of looking.
      await expect.poll(() => foreign.some((url) => url.startsWith('https://www.youtube-nocookie.com/embed/Xk7pQ2vLm9A'))).toBe(true);
      problems.push(...(await axeProblems(page, 'video loaded')));

      await context.close();
      expect(problems, problems.join('\n')).toEqual([]);
    });

    it(`has no serious or critical axe-core violation on the archive showing results, and none, ${colorScheme}`, async () => {
      const { context, page, foreign } = await isolated({ colorScheme });
      await page.goto(`${origin}/archive/`);
      const field = page.getByRole('searchbox', { name: 'Search the archive' });
      await expect.poll(() => field.isVisible()).toBe(true);
      const results = page.locator('#archive-search-results');
      const problems: string[] = [];

      await field.fill('humble brick');
      await expect.poll(() => results.getByRole('link').allTextContents(), { timeout: 10_000 }).toEqual(['The Humble Brick', 'Mailbag: Your Questions, Our Mistakes']);
      expect(await results.isVisible()).toBe(true);
      await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toBe('2 results');
      problems.push(...(await axeProblems(page, 'archive, 2 results')));

      await field.fill('zzzz');
      // Said in a live region, which a screen reader announces without the listener moving there.
      const status = page.getByRole('status');
      await expect.poll(() => status.textContent(), { timeout: 5_000 }).toBe('No results');
      expect(await status.evaluate((element) => element.getAttribute('aria-live') ?? (element.getAttribute('role') === 'status' ? 'polite' : null))).toBe('polite');
      expect(await status.isVisible()).toBe(true);
      // No empty list is left for a screen reader to announce as "list, 0 items" (an empty list
      // has no height, so Playwright's isHidden would pass either way: the attribute is what counts).
      expect(await results.evaluate((list: HTMLElement) => [list.hidden, list.childElementCount])).toEqual([true, 0]);
      expect(await page.locator('#archive-list').isHidden()).toBe(true);
      problems.push(...(await axeProblems(page, 'archive, no results')));

      expect(foreign).toEqual([]);
      await context.close();
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }

  /** What has the focus, and whether it shows: an outline or a box shadow, drawn because of :focus-visible. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const element = document.activeElement;
      if (element === null || element === document.body) return { tag: 'body', text: '', seek: null, speed: null, youtube: null, visible: false };
      const style = getComputedStyle(element);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const shadow = style.boxShadow !== 'none';
      return {
        tag: element.tagName.toLowerCase(),
        text: element.textContent?.trim() ?? '',
        seek: element.getAttribute('data-seek'),
        speed: element.getAttribute('data-speed'),
        youtube: element.getAttribute('data-youtube'),
        visible: element.matches(':focus-visible') && (outline || shadow),
      };
    });
  type Focused = Awaited<ReturnType<typeof focused>>;

  /** Tab (or Shift+Tab) until `wanted` has the focus; every link and button passed on the way must show it. */
  async function tabTo(page: Page, wanted: (focus: Focused) => boolean, key: 'Tab' | 'Shift+Tab' = 'Tab', most = 80): Promise<Focused> {
    for (let presses = 0; presses < most; presses++) {
      await page.keyboard.press(key);
      const focus = await focused(page);
      if (['a', 'button', 'summary', 'input'].includes(focus.tag)) expect(focus.visible, `focus not visible on <${focus.tag}> ${focus.text}`).toBe(true);
      if (wanted(focus)) return focus;
    }
    throw new Error(`not reached with ${most} presses of ${key}`);
  }

  it('is operated with the keyboard alone: speed buttons, a chapter, the transcript, the video', async () => {
    const { context, page, foreign } = await isolated();
    await page.goto(`${origin}${BOX}`);
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator('[data-speeds]').isVisible()).toBe(true);

    await tabTo(page, (focus) => focus.speed === '1.5');
    await page.keyboard.press('Space');
    expect(await playbackRate(page)).toBe(1.5);
    expect(await pressedSpeeds(page)).toEqual(['1.5×']);
    await tabTo(page, (focus) => focus.speed === '1.25', 'Shift+Tab');
    await page.keyboard.press('Enter');
    expect(await playbackRate(page)).toBe(1.25);
    expect(await pressedSpeeds(page)).toEqual(['1.25×']);
    expect(foreign).toEqual([]);

    // Past the video preview, which Tab reaches but does not open.
    await tabTo(page, (focus) => focus.seek === '130');
    expect(await page.locator('iframe').count()).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => currentTime(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(130);
    expect(page.url()).toBe(`${origin}${BOX}`);
    expect(await playbackRate(page)).toBe(1.25);

    await tabTo(page, (focus) => focus.tag === 'summary');
    await page.keyboard.press('Enter');
    expect(await page.locator('details.transcript').evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);
    await tabTo(page, (focus) => focus.seek === '11.5');
    await page.keyboard.press('Enter');
    // Back from 2:10, so that a player left where the chapter put it does not pass.
    await expect.poll(() => currentTime(page).then((time) => time >= 11.5 && time < 30), { timeout: 10_000 }).toBe(true);

    // The only other host asked so far is the audio's, once the listener chose a chapter.
    expect(new Set(foreign.map((url) => new URL(url).origin))).toEqual(new Set(['https://media.example.com']));

    await tabTo(page, (focus) => focus.youtube !== null, 'Shift+Tab', 120);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('iframe.video-frame').count()).toBe(1);
    // The focus goes where the preview was, not back to the top of the page.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('IFRAME');
    await expect.poll(() => foreign.some((url) => url.startsWith('https://www.youtube-nocookie.com/embed/'))).toBe(true);
    await context.close();
  });

  it('opens the video preview with Space too, and asks nothing of YouTube before', async () => {
    const { context, page, foreign } = await isolated();
    await page.goto(`${origin}${BOX}`);
    await page.waitForLoadState('networkidle');
    await tabTo(page, (focus) => focus.youtube !== null);
    expect(await page.getByRole('button', { name: /Play the video/ }).evaluate((element) => element === document.activeElement)).toBe(true);
    const scroll = await page.evaluate(() => window.scrollY);
    expect(foreign).toEqual([]);
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('iframe.video-frame').count()).toBe(1);
    expect(page.url()).toBe(`${origin}${BOX}`);
    // Space pressed the button; it did not also scroll the page as it would on a link.
    expect(await page.evaluate(() => window.scrollY)).toBe(scroll);
    await expect.poll(() => foreign.some((url) => url.startsWith('https://www.youtube-nocookie.com/embed/'))).toBe(true);
    await context.close();
  });

  it('reaches the search and its results with the keyboard alone', async () => {
    const { context, page, foreign } = await isolated();
    await page.goto(`${origin}/archive/`);
    await expect.poll(() => page.getByRole('searchbox').isVisible()).toBe(true);

    await tabTo(page, (focus) => focus.tag === 'input');
    await page.keyboard.type('humble brick');
    await expect.poll(() => page.locator('#archive-search-results a').count(), { timeout: 10_000 }).toBe(2);
    const result = await tabTo(page, (focus) => focus.tag === 'a' && focus.text.startsWith('The Humble Brick'), 'Tab', 3);
    expect(result.visible).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${origin}/episodes/the-humble-brick/`);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('announces a count again when the next query finds as many', async () => {
    const { context, page, foreign } = await isolated();
    await page.goto(`${origin}/archive/`);
    const field = page.getByRole('searchbox', { name: 'Search the archive' });
    const status = page.getByRole('status');
    await field.fill('humble brick');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('2 results');
    // What the live region held, change by change, from here on.
    await page.evaluate(() => {
      const region = document.querySelector('[role="status"]')!;
      const seen: string[] = [];
      Object.assign(window, { seen });
      new MutationObserver(() => seen.push(region.textContent ?? '')).observe(region, { childList: true, characterData: true, subtree: true });
    });
    await field.fill('tallest batteries');
    await expect.poll(() => page.locator('#archive-search-results a').allTextContents()).toEqual(['Water Towers: The Tallest Batteries in Town', 'Introducing The Slow Build']);
    // The same words only count as news for a screen reader if the region was empty in between.
    await expect.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen), { timeout: 5_000 }).toEqual(['', '2 results']);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('still plays, downloads, lists chapters and the whole archive without JavaScript', async () => {
    const { context, page, foreign } = await isolated({ javaScriptEnabled: false });
    await page.goto(`${origin}${BOX}`);

    const audio = page.locator('audio');
    expect(await audio.count()).toBe(1);
    expect(await audio.isVisible()).toBe(true);
    expect(await audio.evaluate((element: HTMLAudioElement) => [element.controls, element.currentSrc || element.src])).toEqual([true, BOX_AUDIO]);
    const download = page.locator('a[download]');
    expect(await download.getAttribute('href')).toBe(BOX_AUDIO);
    expect(await download.isVisible()).toBe(true);
    // Buttons that could do nothing are not shown.
    expect(await page.locator('[data-speeds]').isHidden()).toBe(true);

    // Chapters are links that open the audio at their time (a media fragment).
    const chapters = page.locator('.chapters li > a[data-seek]');
    expect(await chapters.evaluateAll((links: HTMLAnchorElement[]) => links.map((link) => link.href))).toEqual(BOX_CHAPTERS.map((start) => `${BOX_AUDIO}#t=${start}`));
    expect(await chapters.nth(1).isVisible()).toBe(true);
    expect(await chapters.nth(1).textContent()).toBe('0:02:10 Welcome to season 2');

    // The video is a plain link to YouTube; the transcript opens natively.
    expect(await page.getByRole('link', { name: /Play the video/ }).getAttribute('href')).toBe('https://www.youtube.com/watch?v=Xk7pQ2vLm9A');
    await page.locator('details.transcript summary').click();
    expect(await page.locator('details.transcript a[data-seek="11.5"]').isVisible()).toBe(true);
    expect(await page.locator('iframe').count()).toBe(0);

    await page.goto(`${origin}/archive/`);
    expect(await page.locator('form[role="search"]').isHidden()).toBe(true);
    const listed = await page.locator('#archive-list li a').evaluateAll((links: HTMLAnchorElement[]) => links.map((link) => new URL(link.href).pathname));
    expect(listed.length).toBeGreaterThanOrEqual(14);
    expect(listed.sort()).toEqual(site.entries.map((entry) => entry.path).sort());
    expect(await page.locator('#archive-list').isVisible()).toBe(true);

    expect(foreign).toEqual([]);
    await context.close();
  });
});
