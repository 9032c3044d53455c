import { createHash } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import { CHAPTERS_TYPE } from './chapters.js';
import { rfc2822 } from './dates.js';
import type { RuleId } from './rules.js';
import { diagnostic, type Diagnostic, type Position, type Result } from './diagnostics.js';
import { FEED_PATH, type OutputFile } from './pages.js';
import { episodeCredits, showCredits, type Credit } from './people.js';
import { absoluteUrl, siteHref, type Episode, type Site } from './site.js';
import { absolutizeUrls } from './urls.js';
import { joinFeedParts, type FeedParts } from './feed-check.js';
import { hasForbiddenXmlCharacters, indexOfForbiddenXmlCharacter, removeForbiddenXmlCharacters } from './xml-text.js';

/** The only door to fast-xml-parser. */
const NAMESPACES = {
  '@_xmlns:itunes': 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  '@_xmlns:podcast': 'https://podcastindex.org/namespace/1.0',
  '@_xmlns:atom': 'http://www.w3.org/2005/Atom',
  '@_xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
};

/** Podcasting 2.0's namespace for `podcast:guid`, a UUID v5 of the feed URL. */
const PODCAST_GUID_NAMESPACE = 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6';

const APPLE_DESCRIPTION_LIMIT = 4000;

/** The theme's XSL stylesheet, which turns the feed into a readable page when it is opened in a browser. */
export const FEED_STYLESHEET_PATH = '/assets/feed.xsl';

type XmlElement = Record<string, unknown>;

/** What makes the feed and its items the same ones for apps from build to build: from the ledger. */
export interface FeedIdentity {
  guids: ReadonlyMap<Episode, string>;
  podcastGuid: string;
}

export interface FeedOptions {
  /** Put `feed.analyticsPrefix` before enclosure URLs; `podsite dev` does not, so previews count no download. */
  analytics: boolean;
}

/**
 * The podcast RSS feed: RSS 2.0 with the itunes, podcast, atom and content namespaces; with
 * `feed.limit`, the main feed has the newest episodes and RFC 5005 paged feeds the others.
 */
/** A feed file, and the episodes of its items in their order: the main feed, or a page of the archive. */
export interface FeedFile extends OutputFile {
  episodes: readonly Episode[];
  /**
   * The feed as made, never joined: the feed check need not scan 40 MB for the items, and
   * `contents` is joined from it only when asked for.
   */
  parts: FeedParts;
}

export function renderFeed(site: Site, identity: FeedIdentity, options: FeedOptions, itemCache?: FeedItemCache): Result<FeedFile[]> {
  const plan = planFeed(site, identity, options, itemCache);
  const items = site.episodes.map((_, index) => xmlText(plan.item(index)));
  const files = plan.files.map((file): FeedFile => {
    const onPage = items.slice(file.start, file.end);
    const around = onPage.length === 0 ? [file.before + file.after] : [file.before + ITEM_INDENT, ...onPage.slice(1).map(() => ITEM_SEPARATOR), `\n${file.after}`];
    const parts: FeedParts = { around, items: onPage };
    let contents: string | undefined;
    return {
      path: file.path,
      // One join, and only for a writer that needs the whole text: a concatenation per item would copy a 40 MB feed twice.
      get contents() {
        return (contents ??= joinFeedParts(parts));
      },
      episodes: file.episodes,
      parts,
    };
  });
  return { value: files, diagnostics: plan.diagnostics };
}

/** Items on one line each, so that nothing is added inside the notes' CDATA. */
const ITEM_INDENT = '    ';
const ITEM_SEPARATOR = `\n${ITEM_INDENT}`;

/** A feed file without its items: the XML before them and after them, and which of the site's episodes it holds. */
export interface FeedFilePlan {
  path: string;
  before: string;
  after: string;
  /** The site's episodes from `start` to `end` (excluded) are its items. */
  start: number;
  end: number;
  episodes: readonly Episode[];
}

export interface FeedPlan {
  files: FeedFilePlan[];
  /** The XML of the item of the site's episode at `index`, made when asked for (each item once). */
  item: (index: number) => FeedItemXml;
  /** The feed's diagnostics: those of an item are added when it is made. */
  diagnostics: Diagnostic[];
}

/**
 * The feed's files around their items, and a way to make each item: a build that writes the site
 * streams each item to disk as it is made, and never holds the whole feed.
 */
export function planFeed(site: Site, identity: FeedIdentity, options: FeedOptions, itemCache?: FeedItemSource): FeedPlan {
  const { settings } = site;
  const diagnostics: Diagnostic[] = [];
  const settingsFile = settings.build.configFile;
  const feedUrl = absoluteUrl(settings, FEED_PATH);
  const prefix = options.analytics ? settings.feed.analyticsPrefix : undefined;
  const settingsProblem = (rule: RuleId, message: string, hint?: string, key = '') =>
    diagnostics.push(diagnostic(settingsFile, settings.positions.get(key) ?? settings.positions.get('') ?? { line: 1, column: 1 }, rule, message, hint));

  if (settings.artwork === undefined) {
    settingsProblem('missing-artwork', 'the show has no artwork; Apple Podcasts requires it', 'set `artwork:` to a square PNG or JPEG of 1400–3000 px');
  }
  if (settings.categories.length === 0) {
    settingsProblem('missing-category', 'the show has no category; Apple Podcasts requires one', 'set `categories:`, e.g. `[Technology]`', 'categories');
  }
  if (Buffer.byteLength(settings.description) > APPLE_DESCRIPTION_LIMIT) {
    settingsProblem('description-too-long', `the show description is longer than Apple's limit of ${APPLE_DESCRIPTION_LIMIT} bytes`, 'shorten it; the site can say more', 'description');
  }

  if (settings.feed.locked && settings.owner.email === undefined) {
    settingsProblem('missing-field', '`feed.locked` needs `owner.email`: a host that is asked to import the feed checks the owner', 'set `owner.email`', 'feed.locked');
  }

  const newest = site.episodes[0];
  const channel: XmlElement = {
    title: settings.title,
    link: settings.url,
    description: settings.description,
    language: settings.language,
    copyright: settings.copyright,
    generator: 'podsite',
    // The newest episode's date, not the clock: an unchanged archive gives an unchanged feed.
    lastBuildDate: newest ? rfc2822(newest.date, settings.timezone) : undefined,
    image: settings.artwork ? { url: absoluteUrl(settings, settings.artwork), title: settings.title, link: settings.url } : undefined,
    'itunes:author': settings.author || undefined,
    'itunes:owner':
      settings.owner.email === undefined ? undefined : { 'itunes:name': settings.owner.name || undefined, 'itunes:email': settings.owner.email },
    'itunes:image': settings.artwork ? { '@_href': absoluteUrl(settings, settings.artwork) } : undefined,
    'itunes:category': appleCategories(settings.categories),
    'itunes:explicit': String(settings.explicit),
    'itunes:type': settings.type,
    'itunes:new-feed-url': settings.feed.newUrl,
    'itunes:block': settings.feed.block ? 'Yes' : undefined,
    'itunes:complete': settings.feed.complete ? 'Yes' : undefined,
    'podcast:guid': identity.podcastGuid,
    // Without its owner's e-mail the Podcast Index ignores the element.
    'podcast:locked': settings.owner.email === undefined ? undefined : { '#text': settings.feed.locked ? 'yes' : 'no', '@_owner': settings.owner.email },
    'podcast:funding': Object.entries(settings.feed.funding).map(([url, text]) => ({ '@_url': url, '#text': text })),
    'podcast:txt': Object.entries(settings.feed.txt).map(([purpose, text]) => ({ '@_purpose': purpose, '#text': text })),
    'podcast:trailer': site.episodes.filter((e) => e.episodeType === 'trailer' && e.audio !== undefined).map((trailer) => ({
      '#text': trailer.title,
      '@_pubdate': rfc2822(trailer.date, settings.timezone),
      '@_url': withAnalyticsPrefix(trailer.audio!.url, prefix),
      '@_length': trailer.audio!.length === undefined ? undefined : String(trailer.audio!.length),
      '@_type': trailer.audio!.type,
      '@_season': trailer.season === undefined ? undefined : String(trailer.season),
    })),
    'podcast:person': personElements(settings, showCredits(site.people)),
  };
  if (settings.type === 'serial') {
    for (const episode of site.episodes.filter((e) => e.number === undefined && e.episodeType === 'full')) {
      diagnostics.push(diagnostic(episode.file, { line: 1, column: 1 }, 'serial-needs-number', 'a serial show needs an `episode:` number on every full episode'));
    }
  }
  const forbidden = (file: string, position: Position = { line: 1, column: 1 }) =>
    diagnostics.push(
      diagnostic(file, position, 'invalid-xml-character', 'control characters that XML forbids were removed from the feed', 'remove them from the file; they are often pasted from word processors'),
    );
  // Each item is written once and kept: a rebuild after one edit writes one item, not four thousand.
  const item = (index: number): FeedItemXml => {
    const episode = site.episodes[index]!;
    const guid = identity.guids.get(episode) ?? episode.guid ?? episode.url;
    const key = `${episode.key}|${guid}`;
    let made = itemCache?.get(key);
    if (made === undefined) {
      const element = feedItem(site, episode, guid, prefix);
      const fresh = { xml: itemBuilder.build({ item: cleanForXml(element) }) as string, forbidden: containsForbiddenCharacters(element) };
      itemCache?.set(key, fresh);
      made = fresh;
    }
    if (made.forbidden) forbidden(episode.file, forbiddenCharacterPosition(episode));
    return made.xml;
  };
  if (containsForbiddenCharacters(channel)) {
    const fields = { title: settings.title, description: settings.description, author: settings.author, copyright: settings.copyright, 'owner.name': settings.owner.name };
    const field = Object.entries(fields).find(([, value]) => value !== undefined && hasForbiddenXmlCharacters(value))?.[0];
    forbidden(settingsFile, (field && settings.positions.get(field)) || undefined);
  }
  const files = feedPages(settings, site.episodes.length).map((page) => {
    const head = channelBuilder.build({
      '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
      // Root-relative: browsers apply only a stylesheet of the feed's own origin, so a preview host must not point at the real one.
      '?xml-stylesheet': { '@_type': 'text/xsl', '@_href': siteHref(settings, FEED_STYLESHEET_PATH) },
      rss: { '@_version': '2.0', ...NAMESPACES, channel: cleanForXml({ 'atom:link': page.links, ...channel }) },
    }) as string;
    // The items go just before the channel's end.
    const closing = head.lastIndexOf('  </channel>');
    const end = Math.min(page.end, site.episodes.length);
    return { path: page.path.slice(1), before: head.slice(0, closing), after: head.slice(closing), start: page.start, end, episodes: site.episodes.slice(page.start, end) };
  });
  return { files, item, diagnostics };
}

/** The pieces of a feed file in the order they are written: joined, they are exactly the file `renderFeed` makes. */
export function* feedPieces(file: FeedFilePlan, item: (index: number) => FeedItemXml): Generator<FeedItemXml> {
  yield file.before;
  for (let index = file.start; index < file.end; index++) {
    const xml = item(index);
    yield ITEM_INDENT;
    // The item as its own piece, as it was given: the feed store finds it among the pieces by identity.
    yield xml;
    yield '\n';
  }
  yield file.after;
}

/** The feed file as the feed check reads it without its items: each item replaced by an empty comment, where it was. */
export function feedSkeleton(file: FeedFilePlan): string {
  const count = file.end - file.start;
  if (count === 0) return file.before + file.after;
  return `${file.before}${ITEM_INDENT}<!---->${`${ITEM_SEPARATOR}<!---->`.repeat(count - 1)}\n${file.after}`;
}

/** Another XML file of the site (the sitemap), written by the same builder as the feed: `tree` as fast-xml-parser reads objects. */
export function xmlDocument(tree: Record<string, unknown>): string {
  return channelBuilder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, ...(cleanForXml(tree) as XmlElement) }) as string;
}

/** Where paged feeds are: `/feed/page/2.xml` and on, the main feed being page 1. */
export const feedPagePath = (n: number) => (n === 1 ? FEED_PATH : `/feed/page/${n}.xml`);

interface FeedPage {
  path: string;
  start: number;
  end: number;
  links: XmlElement[];
}

/** One feed, or with `feed.limit` the RFC 5005 pages: each links to itself, the first, the last and its neighbours. */
function feedPages(settings: Site['settings'], itemCount: number): FeedPage[] {
  const perPage = settings.feed.limit ?? Math.max(itemCount, 1);
  const count = Math.max(1, Math.ceil(itemCount / perPage));
  const link = (rel: string, n: number) => ({ '@_href': absoluteUrl(settings, feedPagePath(n)), '@_rel': rel, '@_type': 'application/rss+xml' });
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const links = [link('self', n)];
    if (count > 1) {
      links.push(link('first', 1), link('last', count));
      if (n > 1) links.push(link('previous', n - 1));
      if (n < count) links.push(link('next', n + 1));
    }
    return { path: feedPagePath(n), start: index * perPage, end: n * perPage, links };
  });
}

/**
 * A download-analytics service (OP3, Podtrac…) is put before the enclosure URL without its
 * scheme, as they all expect; a URL that already goes through it is left as it is.
 */
export function withAnalyticsPrefix(url: string, prefix: string | undefined): string {
  if (prefix === undefined) return url;
  const bare = (value: string) => value.replace(/^https?:\/\//i, '');
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  if (bare(url).toLowerCase().startsWith(bare(base).toLowerCase())) return url;
  return base + bare(url);
}

const BUILDER_OPTIONS = { ignoreAttributes: false, attributeNamePrefix: '@_', cdataPropName: '#cdata', suppressEmptyNode: true } as const;
const channelBuilder = new XMLBuilder({ ...BUILDER_OPTIONS, format: true, indentBy: '  ' });
const itemBuilder = new XMLBuilder({ ...BUILDER_OPTIONS, format: false });

/** Feed items already written, by the key of the entry they were made from. */
export type FeedItemCache = Map<string, { xml: string; forbidden: boolean }>;

/** Where `planFeed` finds items made earlier, by key, and leaves those it makes: a `FeedItemCache`, or the build's feed store. */
/**
 * An item's XML: as made, or as the bytes the last feed file holds (the feed store), which are
 * written again without being decoded.
 */
export type FeedItemXml = string | Buffer;

export const xmlText = (xml: FeedItemXml): string => (typeof xml === 'string' ? xml : xml.toString('utf8'));

export interface FeedItemSource {
  get(key: string): { xml: FeedItemXml; forbidden: boolean } | undefined;
  set(key: string, made: { xml: string; forbidden: boolean }): unknown;
}

function feedItem(site: Site, episode: Episode, guid: string, analyticsPrefix: string | undefined): XmlElement {
  const { settings } = site;
  const { audio } = episode;
  return {
    title: episode.title,
    link: episode.url,
    // A GUID is a permalink only while it is the page's address: a recorded one outlives a new permalink.
    guid: guid === episode.url ? { '#text': guid } : { '#text': guid, '@_isPermaLink': 'false' },
    pubDate: rfc2822(episode.date, settings.timezone),
    description: episode.summary,
    'content:encoded': episode.html.trim() === '' ? undefined : { '#cdata': absolutizeUrls(episode.html, settings) },
    // A local file's URL is a path on the site: apps need it absolute.
    enclosure: audio ? { '@_url': withAnalyticsPrefix(absoluteUrl(settings, audio.url), analyticsPrefix), '@_length': String(audio.length ?? 0), '@_type': audio.type } : undefined,
    'itunes:duration': audio?.duration === undefined ? undefined : String(audio.duration),
    'itunes:image': episode.image ? { '@_href': absoluteUrl(settings, episode.image) } : undefined,
    'itunes:explicit': String(episode.explicit ?? settings.explicit),
    'itunes:episodeType': episode.episodeType,
    'itunes:episode': episode.number === undefined ? undefined : String(episode.number),
    'itunes:season': episode.season === undefined ? undefined : String(episode.season),
    'itunes:author': episode.author,
    'podcast:season': episode.season === undefined ? undefined : String(episode.season),
    'podcast:episode': episode.number === undefined ? undefined : String(episode.number),
    'podcast:person': personElements(settings, episodeCredits(episode.people)),
    'podcast:transcript':
      episode.transcripts.length === 0 ? undefined : episode.transcripts.map((t) => ({ '@_url': t.url, '@_type': t.type, '@_language': t.language, '@_rel': t.rel })),
    'podcast:chapters': episode.chaptersUrl === undefined ? undefined : { '@_url': episode.chaptersUrl, '@_type': CHAPTERS_TYPE },
  };
}

/** `podcast:person` elements: the name as text, with role, group, picture and link. */
function personElements(settings: Site['settings'], credits: readonly Credit[]): XmlElement[] | undefined {
  if (credits.length === 0) return undefined;
  return credits.map(({ person, role, group }) => ({
    '#text': person.name,
    '@_role': role,
    '@_group': group,
    '@_img': person.image === undefined ? undefined : absoluteUrl(settings, person.image),
    '@_href': person.href,
  }));
}

/** `["Technology", "Society & Culture > Documentary"]` → nested `itunes:category` elements. */
function appleCategories(categories: readonly string[]): XmlElement[] | undefined {
  if (categories.length === 0) return undefined;
  const byParent = new Map<string, string[]>();
  for (const category of categories) {
    const [parent, child] = category.split('>').map((part) => part.trim());
    const children = byParent.get(parent!) ?? [];
    if (child) children.push(child);
    byParent.set(parent!, children);
  }
  return [...byParent].map(([parent, children]) => ({
    '@_text': parent,
    ...(children.length > 0 ? { 'itunes:category': children.map((child) => ({ '@_text': child })) } : {}),
  }));
}

/** UUID v5 (RFC 4122) of the feed URL without its scheme and trailing slashes. */
export function podcastGuid(feedUrl: string): string {
  const name = feedUrl.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const namespace = Buffer.from(PODCAST_GUID_NAMESPACE.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Where the first forbidden character was written: a front-matter value, or a line of the notes. */
function forbiddenCharacterPosition(episode: Episode): Position | undefined {
  const fields = { title: episode.title, description: episode.description, author: episode.author, guid: episode.guid };
  for (const [field, value] of Object.entries(fields)) {
    if (value !== undefined && hasForbiddenXmlCharacters(value)) return episode.positions.get(field);
  }
  const lines = episode.markdown.split('\n');
  const index = lines.findIndex((line) => hasForbiddenXmlCharacters(line));
  if (index === -1) return undefined;
  return { line: episode.bodyLine + index, column: indexOfForbiddenXmlCharacter(lines[index]!) + 1 };
}

function containsForbiddenCharacters(value: unknown): boolean {
  if (typeof value === 'string') return hasForbiddenXmlCharacters(value);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsForbiddenCharacters);
  return false;
}

/** Drops absent values and removes characters that would make the XML ill-formed. */
function cleanForXml(value: unknown): unknown {
  if (typeof value === 'string') return removeForbiddenXmlCharacters(value);
  if (Array.isArray(value)) return value.map(cleanForXml);
  if (typeof value === 'object' && value !== null) {
    const cleaned: XmlElement = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) cleaned[key] = cleanForXml(inner);
    }
    return cleaned;
  }
  return value;
}
