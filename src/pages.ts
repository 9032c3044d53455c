import { wallTime } from './dates.js';
import type { Diagnostic, Result } from './diagnostics.js';
import type { TemplateFile } from './load.js';
import { outputFileOf } from './permalink.js';
import { absoluteUrl, siteHref, type Episode, type Site } from './site.js';
import { templateFailure, type Renderer, type Strings } from './templates.js';

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

/** Every HTML page of the site: episodes and posts, home pages, archive, 404. */
export function renderPages(site: Site, renderer: Renderer, templates: ReadonlyMap<string, TemplateFile>, strings: Strings): Result<OutputFile[]> {
  const { settings } = site;
  const diagnostics: Diagnostic[] = [];
  const files: OutputFile[] = [];
  const siteView = {
    title: settings.title,
    description: settings.description,
    language: settings.language,
    author: settings.author,
    copyright: settings.copyright,
    url: settings.url,
    feedPath: FEED_PATH,
    feedUrl: absoluteUrl(settings, FEED_PATH),
    artwork: settings.artwork,
    episodeCount: site.episodes.length,
    entryCount: site.entries.length,
  };
  const page = (info: Omit<PageInfo, 'canonical'>): PageInfo => ({ ...info, canonical: absoluteUrl(settings, info.path) });
  const emit = (template: string, info: PageInfo, context: Record<string, unknown>) => {
    try {
      files.push({ path: outputFileOf(info.path), contents: renderer.render(template, { site: siteView, page: info, ...context }) });
    } catch (error) {
      // One diagnostic for a template, not one for each of the thousand pages it failed on.
      const failure = templateFailure(templates, template, error);
      if (!diagnostics.some((d) => d.file === failure.file && d.message === failure.message)) diagnostics.push(failure);
    }
  };

  for (const entry of site.entries) {
    emit('episode', page({ title: `${entry.title} · ${settings.title}`, description: entry.summary, path: entry.path }), { episode: entry });
  }

  const perPage = settings.build.perPage;
  const pageCount = Math.max(1, Math.ceil(site.entries.length / perPage));
  const homePath = (n: number) => (n === 1 ? '/' : `/page/${n}/`);
  for (let n = 1; n <= pageCount; n++) {
    const title = n === 1 ? settings.title : `${settings.title} · ${(strings['page-of'] ?? 'Page {0} of {1}').replace('{0}', String(n)).replace('{1}', String(pageCount))}`;
    emit('home', page({ title, description: settings.description, path: homePath(n) }), {
      entries: site.entries.slice((n - 1) * perPage, n * perPage),
      pagination: {
        current: n,
        total: pageCount,
        newer: n > 1 ? homePath(n - 1) : undefined,
        older: n < pageCount ? homePath(n + 1) : undefined,
        pages: Array.from({ length: pageCount }, (_, i) => ({ number: i + 1, path: homePath(i + 1), current: i + 1 === n })),
      },
    });
  }

  emit('archive', page({ title: `${strings.archive ?? 'Archive'} · ${settings.title}`, description: settings.description, path: '/archive/' }), {
    years: byYear(site.entries, settings.timezone),
  });
  emit('404', page({ title: `${strings['not-found'] ?? 'Page not found'} · ${settings.title}`, description: settings.description, path: '/404.html', noindex: true }), {
    home: siteHref(settings, '/'),
  });
  return { value: files, diagnostics };
}

function byYear(entries: readonly Episode[], timeZone: string): { year: number; entries: Episode[] }[] {
  const years: { year: number; entries: Episode[] }[] = [];
  for (const entry of entries) {
    const year = wallTime(entry.date, timeZone).year;
    const last = years.at(-1);
    if (last?.year === year) last.entries.push(entry);
    else years.push({ year, entries: [entry] });
  }
  return years;
}
