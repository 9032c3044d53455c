/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSample, chromiumPresent, fulfilAudio, launchChromium, silentWav } from './browser.js';

const present = chromiumPresent('the browser tests of the episode player');

/** The sample episode with chapters, a transcript and a video. */
const BOX = '/episodes/the-box-that-shrank-the-world/';
const BOX_AUDIO = 'https://media.example.com/slowbuild/s02e01.mp3';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.vtt': 'text/vtt; charset=utf-8',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static server for the built site, as any host would serve it. */
function serveFolder(folder: string): Promise<Server> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = path.join(folder, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(folder)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A listener on the built sample's episode page, in Chromium. */
describe.skipIf(!present)('the episode player in a browser', () => {
  let browser: Browser;
  let server: Server;
  let output: string;
  let remove: (() => Promise<void>) | undefined;
  let origin: string;

  beforeAll(async () => {
    const { result, ...sample } = await buildSample('podsite-player-');
    ({ output, remove } = sample);
    expect(result.ok).toBe(true);
    server = await serveFolder(output);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await remove?.();
  });

  it('changes speed, seeks from chapters and transcript, and loads the video only when asked', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const elsewhere = () => requests.filter((url) => !url.startsWith(`${origin}/`));
    await page.route(`${BOX_AUDIO}*`, fulfilAudio(silentWav(150)));
    // Nothing may reach the real YouTube from a test: the player's frame gets an empty page.
    await page.route('https://www.youtube-nocookie.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>video</title>' }));

    await page.goto(`${origin}${BOX}`);
    await page.waitForLoadState('load');
    const audio = page.locator('[data-player] audio');

    // The script shows the speed buttons; a press changes the rate and which button is pressed.
    const speeds = page.locator('[data-speeds]');
    await expect.poll(() => speeds.isVisible()).toBe(true);
    await page.getByRole('button', { name: '1.5×' }).click();
    expect(await audio.evaluate((element: HTMLAudioElement) => element.playbackRate)).toBe(1.5);
    expect(await speeds.locator('[aria-pressed="true"]').allTextContents()).toEqual(['1.5×']);
    // By keyboard too: the buttons are real buttons.
    await page.getByRole('button', { name: '2×' }).focus();
    await page.keyboard.press('Enter');
    expect(await audio.evaluate((element: HTMLAudioElement) => element.playbackRate)).toBe(2);

    // Loading the page and changing speed asked nothing of another host, not even the audio's.
    expect(elsewhere()).toEqual([]);

    // A chapter link seeks the player, which loads the audio now that the listener asked.
    await page.locator('.chapters a[data-seek="130"]').click();
    await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime), { timeout: 10_000 }).toBeGreaterThanOrEqual(130);
    expect(page.url()).toBe(`${origin}${BOX}`);
    expect(await audio.evaluate((element: HTMLAudioElement) => element.playbackRate)).toBe(2);

    // So does a timestamp of the transcript.
    await page.locator('.transcript summary').click();
    await page.locator('.transcript a[data-seek="11.5"]').click();
    // Back from 2:10, so that a player left where the chapter put it does not pass.
    await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime >= 11.5 && element.currentTime < 30), { timeout: 10_000 }).toBe(true);

    // Until the video is asked for, the only other host reached is the audio's.
    expect(new Set(elsewhere().map((url) => new URL(url).origin))).toEqual(new Set(['https://media.example.com']));
    expect(await page.locator('iframe').count()).toBe(0);

    await page.locator('a[data-youtube]').click();
    const frame = page.locator('iframe.video-frame');
    expect(await frame.getAttribute('src')).toBe('https://www.youtube-nocookie.com/embed/Xk7pQ2vLm9A?autoplay=1');
    expect(await frame.getAttribute('title')).toBe('Video: The Box That Shrank the World');
    await expect.poll(() => elsewhere().some((url) => url.startsWith('https://www.youtube-nocookie.com/embed/'))).toBe(true);
    expect(elsewhere().filter((url) => /youtube\.com|ytimg|googlevideo/.test(url))).toEqual([]);
  });
});
