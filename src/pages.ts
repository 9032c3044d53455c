import type { Settings } from './config.js';
import type { Diagnostic, Result } from './diagnostics.js';
import type { TemplateFile } from './load.js';
import { outputFileOf } from './permalink.js';
import { absoluteUrl, siteHref, type Episode, type Site } from './site.js';
import { templateFailure, type Renderer, type Strings } from './templates.js';
import { castLinks, peopleSpecs, seasonSpecs, tagLinks, tagSpecs } from './collections.js';
import { menuPages, placeSitePages, type SitePage } from './site-pages.js';
import { entryWith } from './spilled-entry.js';
import { neighboursOf } from './assemble.js';

/** A file of the generated site, path relative to the output folder. */
export interface OutputFile {
  path: string;
  contents: string;
}

export const FEED_PATH = '/feed.xml';

interface PageInfo {
  title: string;
  description: string;
  path: string;
  canonical: string;
  /** Tells robots not to index pages that have no content of their own, like the 404 page. */
  noindex?: boolean;
}

/** A page to render: the template, what it is given, and a key that changes whenever that does. */
export interface PageSpec {
  path: string;
  /** The file it is written to. */
  output: string;
  template: string;
  key: string;
  context: () => Record<string, unknown>;
  /** For the sitemap: when an entry's page was published. */
  lastmod?: Date;
  /** Left out of the sitemap, like the page's `noindex` for robots. */
  noindex?: boolean;
}

/**
 * A spec whose key is made when first read. The key of a list page joins the keys of its entries
 * (4,000 for the archive); the addresses of the pages are also planned without rendering them
 * (generatedAddresses), and there the keys are never read.
 */
export function withLazyKey<T extends Omit<PageSpec, 'key'>>(spec: T, make: () => string): T & { key: string } {
  let key: string | undefined;
  return Object.defineProperty(spec, 'key', { get: () => (key ??= make()), enumerable: true, configurable: true }) as T & { key: string };
}

/** What a rendered page was made from, so that a rebuild can reuse it when the key is the same. */
export type PageMemo = Map<string, { key: string; file: OutputFile }>;

export type PageKind = 'entries' | 'lists';

/** Every HTML page of the site: episodes and posts, home pages, archive, people, tags, seasons, the pages folder's, 404. */
export function renderPages(
  site: Site,
  renderer: Renderer,
  templates: ReadonlyMap<string, TemplateFile>,
  strings: Strings,
  memo?: PageMemo,
  kinds: readonly PageKind[] = ['entries', 'lists'],
): Result<OutputFile[]> & { rendered: string[] } {
  return renderSpecs(site.settings, renderer, templates, planPages(site, strings, kinds), memo, chromeOf(site));
}

/** Renders the pages of `specs`, taking from `memo` those whose key has not changed. */
export function renderSpecs(
  settings: Settings,
  renderer: Renderer,
  templates: ReadonlyMap<string, TemplateFile>,
  specs: readonly PageSpec[],
  memo?: PageMemo,
  chrome: SiteChrome = { pages: [], people: false },
  /** The same page from the last build's output, when what it is made from did not change. */
  previous?: (spec: PageSpec) => OutputFile | undefined,
): Result<OutputFile[]> & { rendered: string[] } {
  const diagnostics: Diagnostic[] = [];
  const files: OutputFile[] = [];
  const rendered: string[] = [];
  const siteView = siteViewOf(settings, chrome);
  for (const spec of specs) {
    const remembered = memo?.get(spec.output);
    if (remembered !== undefined && remembered.key === spec.key) {
      files.push(remembered.file);
      continue;
    }
    const kept = previous?.(spec);
    if (kept !== undefined) {
      files.push(kept);
      continue;
    }
    try {
      const file = { path: spec.output, contents: renderer.render(spec.template, { site: siteView, ...spec.context() }) };
      files.push(file);
      rendered.push(file.path);
      memo?.set(file.path, { key: spec.key, file });
    } catch (error) {
      // One diagnostic for a template, not one for each of the thousand pages it failed on.
      const failure = templateFailure(templates, spec.template, error);
      if (!diagnostics.some((d) => d.file === failure.file && d.message === failure.message)) diagnostics.push(failure);
    }
  }
  return { value: files, diagnostics, rendered };
}

/** What the header and footer of every page show besides the settings: a change here changes every page. */
export interface SiteChrome {
  pages: readonly SitePage[];
  /** Whether the site has person pages, for the menu. */
  people: boolean;
}

export const chromeOf = (site: Pick<Site, 'pages' | 'people'>): SiteChrome => ({ pages: site.pages, people: site.people.length > 0 });

/** Home, archive, people and the pages marked for the menu; `name` is the theme string of a built-in entry. */
function defaultMenu(chrome: SiteChrome): { title: string; url: string; name?: string }[] {
  return [
    { title: '', url: '/', name: 'home' },
    { title: '', url: '/archive/', name: 'archive' },
    ...(chrome.people ? [{ title: '', url: '/people/', name: 'people' }] : []),
    ...menuPages(chrome.pages).map((page) => ({ title: page.title, url: page.path })),
  ];
}

/**
 * Site-wide values every page may read: nothing here may depend on the entries, or every page
 * would. The menu depends on the pages folder, which is why the build's theme key includes it.
 */
function siteViewOf(settings: Settings, chrome: SiteChrome) {
  return {
    nav: (settings.nav ?? defaultMenu(chrome)).map(
      (link) => ({ name: '', ...link, external: /^https?:\/\//i.test(link.url) }),
    ),
    footerLinks: settings.footer.map((link) => ({ ...link, external: /^https?:\/\//i.test(link.url) })),
    title: settings.title,
    description: settings.description,
    language: settings.language,
    author: settings.author,
    copyright: settings.copyright,
    url: settings.url,
    feedPath: FEED_PATH,
    feedUrl: absoluteUrl(settings, FEED_PATH),
    artwork: settings.artwork,
  };
}

/** An entry's own key: its source, and whether it is in the future (a badge in dev). */
const entryKey = (entry: Episode | undefined) => (entry === undefined ? '-' : entry.key);

/** The page of one episode or post; it depends on the entry and its two neighbours. */
export function entryPageSpec(settings: Settings, entry: Episode): PageSpec {
  // Neighbours without their own neighbours (no entry of the site has them), so that a page depends on exactly three entries.
  const { newer, older } = neighboursOf(entry);
  return {
    path: entry.path,
    output: entry.outputFile,
    template: 'episode',
    key: `${entryKey(entry)}|${entryKey(newer)}|${entryKey(older)}`,
    lastmod: entry.date,
    context: () => ({
      page: pageInfo(settings, { title: `${entry.title} · ${settings.title}`, description: entry.summary, path: entry.path }),
      episode: entryWith(entry, { newer, older }),
      hostLinks: castLinks(entry.hosts, entry.people.hosts),
      guestLinks: castLinks(entry.guests, entry.people.guests),
      tagLinks: tagLinks(entry.tags),
      // A YouTube embed of the notes is a preview too (src/markdown.ts), which the player script plays.
      enhanced: entry.audio !== undefined || entry.youtube !== undefined || entry.html.includes(' data-youtube='),
    }),
  };
}

const pageInfo = (settings: Settings, info: Omit<PageInfo, 'canonical'>): PageInfo => ({ ...info, canonical: absoluteUrl(settings, info.path) });

/**
 * What the archive's key holds of each entry: what the built-in archive shows of it (its kind,
 * counted, its date, address and title) when the archive, the layout and every partial are the
 * built-in theme's; everything the entry holds when any of them is the podcaster's own, which may
 * show anything. An edit of notes then leaves the built-in archive's key as it was: thousands of
 * entries are not rendered again into the same page.
 */
export function archiveEntryKey(templates: ReadonlyMap<string, Pick<TemplateFile, 'builtIn'>>): (entry: Episode) => string {
  const builtIn = (name: string) => templates.get(name)?.builtIn === true;
  const ownTheme = !builtIn('archive') || !builtIn('layout') || [...templates].some(([name, file]) => name.startsWith('partials/') && !file.builtIn);
  return ownTheme ? entryKey : shownInBuiltInArchive;
}

const shownInBuiltInArchive = (entry: Episode) => JSON.stringify([entry.kind, entry.date.getTime(), entry.path, entry.title]);

export function planPages(site: Site, strings: Strings, kinds: readonly PageKind[] = ['entries', 'lists'], archiveKey: (entry: Episode) => string = entryKey): PageSpec[] {
  const { settings } = site;
  const page = (info: Omit<PageInfo, 'canonical'>) => pageInfo(settings, info);
  const specs: PageSpec[] = [];
  const entries = kinds.includes('entries') ? site.entries : [];

  for (const entry of entries) specs.push(entryPageSpec(settings, entry));

  if (!kinds.includes('lists')) return specs;
  const perPage = settings.build.perPage;
  const pageCount = Math.max(1, Math.ceil(site.entries.length / perPage));
  const homePath = (n: number) => (n === 1 ? '/' : `/page/${n}/`);
  for (let n = 1; n <= pageCount; n++) {
    const entries = site.entries.slice((n - 1) * perPage, n * perPage);
    const title = n === 1 ? settings.title : `${settings.title} · ${(strings['page-of'] ?? 'Page {0} of {1}').replace('{0}', String(n)).replace('{1}', String(pageCount))}`;
    specs.push(withLazyKey({
      path: homePath(n),
      output: outputFileOf(homePath(n)),
      template: 'home',
      context: () => ({
        page: page({ title, description: settings.description, path: homePath(n) }),
        entries,
        pagination: {
          current: n,
          total: pageCount,
          newer: n > 1 ? homePath(n - 1) : undefined,
          older: n < pageCount ? homePath(n + 1) : undefined,
          pages: paginationWindow(n, pageCount).map((number) =>
            number === undefined ? { gap: true } : { number, path: homePath(number), current: number === n },
          ),
        },
      }),
    }, () => `${n}/${pageCount}|${entries.map(entryKey).join('|')}`));
  }

  specs.push(withLazyKey({
    path: '/archive/',
    output: outputFileOf('/archive/'),
    template: 'archive',
    context: () => ({
      page: page({ title: `${strings.archive ?? 'Archive'} · ${settings.title}`, description: settings.description, path: '/archive/' }),
      years: byYear(site.entries),
      entryCount: site.entries.length,
      episodeCount: site.episodes.length,
    }),
  }, () => site.entries.map(archiveKey).join('|')));
  specs.push(...peopleSpecs(site, strings, page), ...tagSpecs(site, strings, page), ...seasonSpecs(site, strings, page));
  for (const sitePage of site.pages) {
    specs.push({
      path: sitePage.path,
      output: sitePage.outputFile,
      template: 'page',
      key: sitePage.key,
      context: () => ({
        page: page({ title: `${sitePage.title} · ${settings.title}`, description: sitePage.description ?? sitePage.text, path: sitePage.path }),
        sitePage,
      }),
    });
  }
  specs.push({
    path: '/404.html',
    output: outputFileOf('/404.html'),
    template: '404',
    key: '404',
    noindex: true,
    context: () => ({
      page: page({ title: `${strings['not-found'] ?? 'Page not found'} · ${settings.title}`, description: settings.description, path: '/404.html', noindex: true }),
      home: siteHref(settings, '/'),
    }),
  });
  return specs;
}

/**
 * The output files of the pages podsite makes, lower-cased (as case-insensitive file systems see
 * them), each with what a message calls it: the pages of the pages folder may not take them.
 */
export function generatedAddresses(site: Site, strings: Strings): Map<string, string> {
  const taken = new Map<string, string>();
  for (const entry of site.entries) taken.set(entry.outputFile.toLowerCase(), entry.file);
  for (const spec of planPages({ ...site, pages: [] }, strings, ['lists'])) taken.set(spec.output.toLowerCase(), `the generated page \`${spec.path}\``);
  return taken;
}

/** Page numbers around the current one, the first and the last; undefined marks a gap. */
export function paginationWindow(current: number, total: number, around = 2): (number | undefined)[] {
  const numbers: (number | undefined)[] = [];
  for (let n = 1; n <= total; n++) {
    if (n === 1 || n === total || Math.abs(n - current) <= around) numbers.push(n);
    else if (numbers.at(-1) !== undefined) numbers.push(undefined);
  }
  return numbers;
}

function byYear(entries: readonly Episode[]): { year: number; entries: Episode[] }[] {
  const years: { year: number; entries: Episode[] }[] = [];
  for (const entry of entries) {
    const last = years.at(-1);
    if (last?.year === entry.year) last.entries.push(entry);
    else years.push({ year: entry.year, entries: [entry] });
  }
  return years;
}
