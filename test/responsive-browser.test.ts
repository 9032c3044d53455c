/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { axeProblems, buildSample, chromiumPresent, launchChromium, serveFolder } from './browser.js';
import { MINIMAL_SETTINGS, writeFiles } from './helpers.js';

const present = chromiumPresent('the responsive layout tests of the default theme');
const repository = fileURLToPath(new URL('..', import.meta.url));
const corpus = path.resolve(repository, '../shared/corpus/lescastcodeurs/posts');
const corpusPresent = existsSync(corpus);

/** From the narrowest phone a page must serve to a wide desktop screen. */
const WIDTHS = [320, 768, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;
/** WCAG 2.2's minimum target size (2.5.8), in CSS pixels. */
const TARGET = 24;
/**
 * What a visitor taps to move around and to drive the player. Links inside sentences are exempt
 * from the minimum target size, so the notes' links are not listed.
 */
const TAP_TARGETS = [
  '.site-title',
  '.site-header nav a',
  '.site-footer a',
  '.pagination a',
  '.neighbours a',
  '.player button',
  '.player a',
  '.chapters a',
  '.tags a',
  '.archive-search input',
  '.archive-search button',
].join(', ');

/** What is wrong with the layout of the page in view; runs in the page, so it stands alone. */
function layoutProblems(args: { targets: string; minimum: number }): string[] {
  const problems: string[] = [];
  const viewport = document.documentElement.clientWidth;
  const describe = (element: Element) => {
    const classes = Array.from(element.classList).map((name) => `.${name}`).join('');
    const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `<${element.localName}${element.id ? `#${element.id}` : ''}${classes}>${text ? ` "${text}"` : ''}`;
  };
  if (document.documentElement.scrollWidth > viewport) {
    problems.push(`the document scrolls sideways: ${document.documentElement.scrollWidth}px wide in ${viewport}px`);
  }
  // The outermost element that leaves the viewport is reported, not each of its descendants; what
  // is inside an element that scrolls or clips on its own is that element's business.
  const walk = (element: Element) => {
    const rect = element.getBoundingClientRect();
    const drawn = element.getClientRects().length > 0 && (rect.width > 0 || rect.height > 0);
    // Entirely off to the left is how the skip link hides until it has focus.
    const hiddenOffScreen = rect.right <= 0;
    if (drawn && !hiddenOffScreen && (rect.right > viewport + 0.5 || rect.left < -0.5)) {
      problems.push(`${describe(element)} spans ${Math.round(rect.left)}–${Math.round(rect.right)}px of a ${viewport}px viewport`);
      return;
    }
    if (getComputedStyle(element).overflowX !== 'visible') return;
    for (const child of Array.from(element.children)) walk(child);
  };
  walk(document.body);
  for (const image of Array.from(document.querySelectorAll('img'))) {
    const width = image.getBoundingClientRect().width;
    if (width === 0) continue;
    let container = image.parentElement;
    while (container && getComputedStyle(container).display.startsWith('inline')) container = container.parentElement;
    if (!container) continue;
    const style = getComputedStyle(container);
    const room = container.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (width > room + 0.5) problems.push(`image ${image.getAttribute('src')} is ${Math.round(width)}px wide in a container of ${Math.round(room)}px`);
  }
  for (const target of Array.from(document.querySelectorAll(args.targets))) {
    const rect = target.getBoundingClientRect();
    if (target.getClientRects().length === 0 || (rect.width === 0 && rect.height === 0)) continue;
    if (rect.width < args.minimum || rect.height < args.minimum) {
      problems.push(`tap target ${describe(target)} is ${rect.width.toFixed(1)}×${rect.height.toFixed(1)}px`);
    }
  }
  return problems;
}

/** Every page of a built site, as a path from its root (`/`, `/archive/`, `/404.html`). */
async function htmlPages(folder: string): Promise<string[]> {
  const pages: string[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const relative = path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    pages.push(`/${relative.replace(/(^|\/)index\.html$/, '$1')}`);
  }
  return pages.sort();
}

/**
 * Each page at each width and scheme; the problems found, each prefixed with where. A page is
 * loaded once, then resized and switched between schemes: the layout follows without a reload,
 * which keeps the test to a fraction of the time of loading every page six times.
 */
async function check(browser: Browser, origin: string, pages: readonly string[], widths: readonly number[], schemes: readonly ('light' | 'dark')[]) {
  const context = await browser.newContext({ viewport: { width: widths[0]!, height: 800 }, reducedMotion: 'reduce' });
  // Nothing on another host is needed to lay a page out (the audio is not loaded).
  await context.route((url) => url.origin !== origin, (route) => route.fulfill({ status: 204 }));
  const page = await context.newPage();
  const problems: string[] = [];
  for (const pathname of pages) {
    await page.goto(`${origin}${pathname}`);
    for (const width of widths) {
      await page.setViewportSize({ width, height: 800 });
      for (const colorScheme of schemes) {
        await page.emulateMedia({ colorScheme });
        const found = await page.evaluate(layoutProblems, { targets: TAP_TARGETS, minimum: TARGET });
        problems.push(...found.map((problem) => `${pathname} at ${width}px, ${colorScheme}: ${problem}`));
      }
    }
  }
  await context.close();
  return problems;
}

/**
 * Notes as people write them, at their most awkward for a narrow screen: a long unbroken word in a
 * title, bare URLs, a wide table, a code block with long lines, a large picture and an embed.
 */
const AWKWARD_NOTES = `Some ordinary notes, then the ones that break layouts.

A word with no place to break: Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhersteller.

- The link, written bare: https://example.com/a/very/long/path/that/never/stops/with-a-query?and=parameters&that=go&on=and-on-and-on-and-on
- [A link with a long text-without-any-breaking-opportunity-whatsoever-in-it](https://example.com/)
- Inline code: \`org.example.someverylongpackage.AbstractSingletonProxyFactoryBeanConfigurer.getInstance()\`

| Episode | Guest | Where to find them | What they brought | Running time |
|---------|-------|--------------------|-------------------|--------------|
| 1 | Someone with a long name | https://example.org/people/someone-with-a-long-name | A spreadsheet of bridge loads | 01:02:03 |
| 2 | Another guest | https://example.org/people/another | A brick | 00:59:59 |

\`\`\`java
public final class AbstractSingletonProxyFactoryBeanConfigurer { public static void main(String[] arguments) { System.out.println("a line far longer than any phone is wide"); } }
\`\`\`

<img src="/artwork.png" alt="The show's artwork at its full size" width="1400" height="1400">

<iframe title="An embedded player" width="800" height="200" src="about:blank"></iframe>
`;

async function buildAwkwardSite(): Promise<{ output: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'podsite-awkward-'));
  const files: Record<string, string> = {
    'podsite.yaml': `${MINIMAL_SETTINGS.replace('title: Test Show', 'title: The Extraordinarily Long-Winded Engineering Conversations Podcast')}build:
  perPage: 1
footer:
  - { title: About this extraordinarily long-winded show, url: /about/ }
  - { title: Support the show, url: https://support.example.com/ }
`,
    'pages/about.md': '---\ntitle: About\nmenu: true\n---\nUs, at length.\n',
  };
  // Enough pages for the pagination to show its gaps.
  for (let n = 1; n <= 12; n += 1) {
    const day = String(n).padStart(2, '0');
    files[`episodes/2024-01-${day}-episode-${n}.md`] = `---
title: "Episode ${n}: Antidisestablishmentarianism and the Pneumonoultramicroscopicsilicovolcanoconiosis"
episode: ${n}
audio:
  url: https://media.example.com/${n}.mp3
  length: ${1000 + n}
  duration: "01:00:00"
tags: [bridges, supercalifragilisticexpialidocious-engineering, towers]
chapters:
  - { start: "00:00:00", title: "A chapter with a title too long for a phone screen to show on one line" }
  - { start: "00:10:00", title: "Another" }
---
${AWKWARD_NOTES}`;
  }
  await writeFiles(root, files);
  await mkdir(path.join(root, 'public'));
  await copyFile(path.join(repository, 'public/artwork.png'), path.join(root, 'public/artwork.png'));
  const result = await build({ cwd: root, now: new Date('2026-06-01T12:00:00Z') });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the awkward site does not build: ${JSON.stringify(errors)}`);
  return { output: path.join(root, 'dist'), remove: () => rm(root, { recursive: true, force: true }) };
}

describe.skipIf(!present)('the default theme from 320 px to wide screens, light and dark', () => {
  let browser: Browser;
  const servers: Server[] = [];
  const removals: (() => Promise<void>)[] = [];
  let sample: { origin: string; pages: string[] };
  let awkward: { origin: string; pages: string[] };

  beforeAll(async () => {
    browser = await launchChromium();
    const built = await buildSample('podsite-responsive-');
    removals.push(built.remove);
    expect(built.result.ok).toBe(true);
    const served = await serveFolder(built.output);
    servers.push(served.server);
    sample = { origin: served.origin, pages: await htmlPages(built.output) };
    expect(sample.pages.length).toBeGreaterThan(20);

    const hard = await buildAwkwardSite();
    removals.push(hard.remove);
    const servedHard = await serveFolder(hard.output);
    servers.push(servedHard.server);
    const all = await htmlPages(hard.output);
    awkward = { origin: servedHard.origin, pages: ['/', '/page/6/', '/2024/01/06/episode-6/', '/archive/', '/tags/', '/tags/supercalifragilisticexpialidocious-engineering/'] };
    for (const page of awkward.pages) expect(all, page).toContain(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await Promise.all(removals.map((remove) => remove()));
  });

  it(`lays out every page of the sample at ${WIDTHS.join(', ')} px, light and dark`, async () => {
    const problems = await check(browser, sample.origin, sample.pages, WIDTHS, SCHEMES);
    expect(problems, problems.join('\n')).toEqual([]);
  }, 120_000);

  it(`keeps long words, URLs, tables, code and pictures of the notes within ${WIDTHS.join(', ')} px`, async () => {
    const problems = await check(browser, awkward.origin, awkward.pages, WIDTHS, SCHEMES);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('has no serious or critical axe-core violation at 320 px where tables and code scroll', async () => {
    const problems = await axeAtPhoneWidth(browser, awkward.origin, awkward.pages);
    expect(problems, problems.join('\n')).toEqual([]);
  }, 60_000);

  it('sees a layout that overflows as overflowing (the check can fail)', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${sample.origin}/`);
    await page.addStyleTag({ content: 'main { width: 400px; } .site-header nav a { font-size: 8px; line-height: 1; padding: 0; }' });
    const problems = await page.evaluate(layoutProblems, { targets: TAP_TARGETS, minimum: TARGET });
    await context.close();
    expect(problems.some((problem) => problem.startsWith('the document scrolls sideways'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('<main#main>'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('tap target <a'))).toBe(true);
  });
});

/** axe on each page at a phone's width, where tables and code scroll within themselves, light and dark. */
async function axeAtPhoneWidth(browser: Browser, origin: string, pages: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const colorScheme of SCHEMES) {
    const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
    await page.emulateMedia({ colorScheme });
    for (const pathname of pages) {
      await page.goto(`${origin}${pathname}`);
      problems.push(...(await axeProblems(page, `${pathname} (320 px, ${colorScheme})`)));
    }
    await page.close();
  }
  return problems;
}

/**
 * The real archive of Les Cast Codeurs (359 posts of notes written over 17 years) when it is beside
 * the repository; a user's clone has no ../shared, and these tests then skip.
 */
describe.skipIf(!present || !corpusPresent)('the default theme on the Les Cast Codeurs archive (needs ../shared/corpus)', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let output: string;
  let pages: string[];

  beforeAll(async () => {
    output = await mkdtemp(path.join(tmpdir(), 'podsite-lcc-responsive-'));
    const result = await build({ cwd: repository, config: 'docs/examples/lescastcodeurs.yaml', output, ledger: `${output}.lock` });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    ({ server, origin } = await serveFolder(output));
    browser = await launchChromium();
    // Each kind of page, and the episodes most likely to break a layout: the longest notes, and
    // those with tables or code blocks.
    const all = await htmlPages(output);
    const episodes = all.filter((page) => /^\/\d{4}\/\d\d\/\d\d\//.test(page));
    const sized = await Promise.all(episodes.map(async (page) => ({ page, html: await readFile(path.join(output, page, 'index.html'), 'utf8'), size: (await stat(path.join(output, page, 'index.html'))).size })));
    const longest = [...sized].sort((a, b) => b.size - a.size).slice(0, 5).map((e) => e.page);
    const tables = sized.filter((e) => e.html.includes('<table')).slice(0, 3).map((e) => e.page);
    const code = sized.filter((e) => e.html.includes('<pre')).slice(0, 3).map((e) => e.page);
    const person = all.find((page) => /^\/people\/[^/]+\/$/.test(page));
    pages = [...new Set(['/', '/page/2/', '/archive/', '/people/', ...(person ? [person] : []), episodes[0]!, ...longest, ...tables, ...code])];
    expect(pages.length).toBeGreaterThan(10);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    await Promise.all([rm(output, { recursive: true, force: true }), rm(`${output}.lock`, { force: true })]);
  });

  it(`lays out a sample of the archive's pages at ${WIDTHS.join(', ')} px, light and dark`, async () => {
    const problems = await check(browser, origin, pages, WIDTHS, SCHEMES);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('has no serious or critical axe-core violation on those pages at 320 px, light and dark', async () => {
    const problems = await axeAtPhoneWidth(browser, origin, pages);
    expect(problems, problems.join('\n')).toEqual([]);
  }, 240_000);
});

if (!corpusPresent) console.warn(`Skipping the responsive tests on the Les Cast Codeurs archive: ${corpus} is absent (it is not part of a user's clone).`);
