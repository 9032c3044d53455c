/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import { build, type BuildResult } from '../src/build.js';

/** What the browser tests share: Debian's Chromium, and the sample podcast built into a temp folder. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is here; when it is not, says which tests are skipped and how to get it. */
export function chromiumPresent(what: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) console.warn(`Skipping ${what}: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it).`);
  return present;
}

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', ...extraArgs],
  });
}

const repository = fileURLToPath(new URL('..', import.meta.url));

/**
 * The repository's sample podcast built into a new temp folder, with a copy of the committed
 * ledger so that the build does not rewrite it; `remove` deletes both.
 */
export async function buildSample(prefix: string): Promise<{ output: string; result: BuildResult; remove: () => Promise<void> }> {
  const output = await mkdtemp(path.join(tmpdir(), prefix));
  await copyFile(path.join(repository, 'podsite.lock'), `${output}.lock`);
  const result = await build({ cwd: repository, output, ledger: `${output}.lock` });
  return { output, result, remove: () => Promise.all([rm(output, { recursive: true, force: true }), rm(`${output}.lock`, { force: true })]).then(() => undefined) };
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.xsl': 'text/xsl',
  '.vtt': 'text/vtt; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Any static host: files of the folder, `index.html` for a folder, 404 otherwise; with
 * `notFound` (a file of the folder, such as `404.html`), that file is the body of every 404.
 */
export function serveFolder(folder: string, options: { notFound?: string } = {}): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
    const file = path.join(folder, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(folder + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      async () => {
        const notFound = options.notFound === undefined ? undefined : await readFile(path.join(folder, options.notFound)).catch(() => undefined);
        if (notFound === undefined) response.writeHead(404).end('not found');
        else response.writeHead(404, { 'content-type': TYPES['.html'] }).end(notFound);
      },
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** The sample built, served on 127.0.0.1 and a Chromium to visit it; `close` ends all three. */
export async function sampleInBrowser(prefix: string, options: { notFound?: string } = {}) {
  const { result, output, remove } = await buildSample(prefix);
  const { server, origin } = await serveFolder(output, options);
  const browser = await launchChromium();
  const close = async () => {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    await remove();
  };
  return { result, output, origin, browser, close };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

declare global {
  interface Window {
    axe: { run: (context: Document, options: object) => Promise<AxeResults> };
  }
}

/**
 * axe-core's serious and critical WCAG 2.0/2.1 A and AA violations on the page as it is now (after
 * whatever the test did to it), one line each, prefixed by `label`; empty when there is none.
 */
export async function axeProblems(page: Page, label: string): Promise<string[]> {
  // Injected once per document: a page that already has it (a state after interaction) reuses it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${label}: ${violation.id} (${violation.impact}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Silence as 8 kHz, 8-bit mono PCM: real audio that Chromium plays and seeks, as long as a test needs. */
export function silentWav(seconds: number): Buffer {
  const rate = 8000;
  const data = rate * seconds;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28); // bytes per second
  header.writeUInt16LE(1, 32); // bytes per frame
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data, 0x80)]);
}

/** Serves the audio in place of the media host, with the byte ranges that seeking asks for. */
export function fulfilAudio(wav: Buffer) {
  return (route: Route) => {
    const range = /bytes=(\d+)-(\d*)/.exec(route.request().headers().range ?? '');
    const headers = { 'content-type': 'audio/wav', 'accept-ranges': 'bytes' };
    if (range === null) return route.fulfill({ status: 200, headers, body: wav });
    const start = Number(range[1]);
    const end = range[2] === '' ? wav.length - 1 : Math.min(Number(range[2]), wav.length - 1);
    return route.fulfill({ status: 206, headers: { ...headers, 'content-range': `bytes ${start}-${end}/${wav.length}` }, body: wav.subarray(start, end + 1) });
  };
}
