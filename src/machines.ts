import type { Settings } from './config.js';
import { isoDate } from './dates.js';
import { FEED_PATH, type OutputFile } from './pages.js';
import { absoluteUrl, type Episode } from './site.js';
import { xmlDocument } from './feed.js';
import { removeForbiddenHtmlCharacters } from './xml-text.js';

/**
 * What the site tells machines rather than listeners: the sitemap and robots.txt, the Open Graph
 * locale and the JSON-LD of the page heads.
 */

export const SITEMAP_PATH = '/sitemap.xml';
export const ROBOTS_PATH = '/robots.txt';

const SITEMAP_NAMESPACE = 'http://www.sitemaps.org/schemas/sitemap/0.9';

/** A page as the sitemap needs it. */
export interface SitemapPage {
  path: string;
  /** When the page's content was published; entry pages only. */
  lastmod?: Date;
  noindex?: boolean;
}

/** The most URLs one sitemap may list (sitemaps.org); beyond, `sitemap.xml` is an index of several. */
export const SITEMAP_URL_LIMIT = 50_000;

/**
 * `sitemap.xml` and `robots.txt` for the pages of the site. A `robots.txt` of the public folder
 * is the podcaster's own and wins over the generated one.
 */
export function machineFiles(settings: Settings, pages: readonly SitemapPage[], publicPaths: ReadonlySet<string>, urlsPerSitemap = SITEMAP_URL_LIMIT): OutputFile[] {
  return [...sitemapFiles(settings, pages, urlsPerSitemap), ...robotsFiles(settings, publicPaths)];
}

/** robots.txt, unless the public folder has its own. */
export function robotsFiles(settings: Settings, publicPaths: ReadonlySet<string>): OutputFile[] {
  return publicPaths.has(ROBOTS_PATH.slice(1)) ? [] : [{ path: ROBOTS_PATH.slice(1), contents: robotsTxt(settings) }];
}

/**
 * One `sitemap.xml`, or, past `urlsPerSitemap` pages, `sitemap-1.xml`, `sitemap-2.xml`, … listed by
 * a `sitemap.xml` index: crawlers ignore the URLs of a sitemap beyond the limit. The parts stay at
 * the site's root because a sitemap may only list URLs under its own folder.
 */
export function sitemapFiles(settings: Settings, pages: readonly SitemapPage[], urlsPerSitemap = SITEMAP_URL_LIMIT): OutputFile[] {
  const urls = pages
    .filter((page) => page.noindex !== true)
    .map((page) => ({ loc: absoluteUrl(settings, page.path), lastmod: page.lastmod === undefined ? undefined : isoDate(page.lastmod, settings.timezone) }));
  const urlset = (part: typeof urls) => xmlDocument({ urlset: { '@_xmlns': SITEMAP_NAMESPACE, url: part } });
  if (urls.length <= urlsPerSitemap) return [{ path: SITEMAP_PATH.slice(1), contents: urlset(urls) }];
  const parts: OutputFile[] = [];
  for (let start = 0; start < urls.length; start += urlsPerSitemap) {
    parts.push({ path: `sitemap-${parts.length + 1}.xml`, contents: urlset(urls.slice(start, start + urlsPerSitemap)) });
  }
  const index = xmlDocument({ sitemapindex: { '@_xmlns': SITEMAP_NAMESPACE, sitemap: parts.map((part) => ({ loc: absoluteUrl(settings, `/${part.path}`) })) } });
  return [{ path: SITEMAP_PATH.slice(1), contents: index }, ...parts];
}

/**
 * Crawlers read robots.txt only at the root of a host: under a base path the file is still
 * written, for a host that serves the site at its root, but it is the host's own that counts.
 */
export function robotsTxt(settings: Settings): string {
  return `User-agent: *\nDisallow:\n\nSitemap: ${absoluteUrl(settings, SITEMAP_PATH)}\n`;
}

/**
 * `og:locale` is written `language_TERRITORY`; a show that gives only its language gets the
 * territory most likely for it (`fr` → `fr_FR`, `en` → `en_US`).
 */
export function openGraphLocale(language: string): string {
  let locale = openGraphLocales.get(language);
  if (locale === undefined) openGraphLocales.set(language, (locale = likeliestLocale(language)));
  return locale;
}

/** By language as given: every page asks for the show's, and `Intl.Locale` took 66 ms over the pages of a 4,000-episode build. */
const openGraphLocales = new Map<string, string>();

function likeliestLocale(language: string): string {
  try {
    const locale = new Intl.Locale(language).maximize();
    return locale.region === undefined ? locale.language : `${locale.language}_${locale.region}`;
  } catch {
    return language.replace('-', '_');
  }
}

/** The parts of a page's context that structured data is made from. */
export interface PageFacts {
  path: string;
  canonical: string;
}

type JsonLd = Record<string, unknown>;

/**
 * The JSON-LD of a page: `PodcastSeries` on the home page, `PodcastEpisode` on an episode's page,
 * nothing elsewhere (news posts and lists say nothing schema.org has a better word for than the
 * page itself).
 */
export function structuredData(settings: Settings, page: PageFacts | undefined, episode: Episode | undefined): JsonLd | undefined {
  if (episode !== undefined) return episode.kind === 'episode' ? podcastEpisode(settings, episode) : undefined;
  if (page?.path === '/') return { '@context': 'https://schema.org', ...podcastSeries(settings, true) };
  return undefined;
}

function podcastSeries(settings: Settings, full: boolean): JsonLd {
  const series: JsonLd = { '@type': 'PodcastSeries', name: settings.title, url: absoluteUrl(settings, '/') };
  if (!full) return series;
  return withoutUndefined({
    ...series,
    description: settings.description,
    image: settings.artwork === undefined ? undefined : absoluteUrl(settings, settings.artwork),
    webFeed: absoluteUrl(settings, FEED_PATH),
    // `author` is free text ("Maya Okafor & Tom Lindqvist"): one Person named by it is the closest schema.org has.
    author: settings.author === '' ? undefined : { '@type': 'Person', name: settings.author },
    inLanguage: settings.language,
  });
}

function podcastEpisode(settings: Settings, episode: Episode): JsonLd {
  const { audio } = episode;
  const duration = audio?.duration === undefined ? undefined : isoDuration(audio.duration);
  return withoutUndefined({
    '@context': 'https://schema.org',
    '@type': 'PodcastEpisode',
    name: episode.title,
    description: episode.summary,
    url: episode.url,
    datePublished: isoDate(episode.date, settings.timezone),
    image: episode.image === undefined ? undefined : absoluteUrl(settings, episode.image),
    episodeNumber: episode.number,
    partOfSeason: episode.season === undefined ? undefined : { '@type': 'PodcastSeason', seasonNumber: episode.season, partOfSeries: podcastSeries(settings, false) },
    partOfSeries: podcastSeries(settings, false),
    inLanguage: settings.language,
    timeRequired: duration,
    associatedMedia:
      audio === undefined
        ? undefined
        : withoutUndefined({
            '@type': 'MediaObject',
            contentUrl: absoluteUrl(settings, audio.url),
            encodingFormat: audio.type,
            // schema.org's contentSize is text; bytes, unrounded, leave nothing to guess.
            contentSize: audio.length === undefined ? undefined : `${audio.length} B`,
            duration,
          }),
  });
}

/** `2645` → `PT44M5S`, the ISO 8601 duration schema.org expects. */
export function isoDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (whole === 0) return 'PT0S';
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}${s > 0 ? `${s}S` : ''}`;
}

function withoutUndefined(object: JsonLd): JsonLd {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/**
 * JSON that can sit inside a `<script>` element: `<`, `>` and `&` as `\u` escapes, so no `</script>`
 * or `<!--` can end or change the element, and U+2028/U+2029 escaped for the JavaScript parsers
 * that predate ES2019. The value parsed back is unchanged, but for the characters HTML forbids.
 */
export function scriptSafeJson(value: unknown): string {
  // Strings lose what the page around them loses (templates.ts), or JSON escapes would bring it back.
  const json = JSON.stringify(value, (_, item: unknown) => (typeof item === 'string' ? removeForbiddenHtmlCharacters(item) : item));
  return (json ?? 'null').replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
