import type { BuildCache } from './cache.js';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { checkFeed, createFeedCheckCache, type FeedCheckCache, type FeedProblem, type Requirement } from './feed-check.js';
import type { FeedFile } from './feed.js';
import type { OutputFile } from './pages.js';
import type { RuleId } from './rules.js';
import type { Episode, Site } from './site.js';

/**
 * The build's `check feed` stage: the feed as written goes through the feed checker, and each
 * problem becomes a diagnostic on the file it comes from: the episode behind the item, or the
 * settings file for the channel.
 */
export function checkFeedFile(feed: FeedFile, site: Site, reported: readonly Diagnostic[], buildCache?: BuildCache): Diagnostic[] {
  // A page of a paged feed holds some of the episodes: its items are those.
  const onPage: Site = { ...site, episodes: [...feed.episodes] };
  return diagnosticsOf(
    buildCache ? checkCached(feed, onPage, checkCacheOf(buildCache)) : checkFeed(feed.parts, { itemNames: onPage.episodes.map((e) => e.file) }),
    onPage,
    reported,
  );
}

/** The diagnostics of the problems of a feed file whose items are `episodes`, checked as it was written (see src/write-feed.ts). */
export function feedProblemDiagnostics(problems: readonly FeedProblem[], episodes: readonly Episode[], site: Site, reported: readonly Diagnostic[]): Diagnostic[] {
  return diagnosticsOf(problems, { ...site, episodes: [...episodes] }, reported);
}

function diagnosticsOf(problems: readonly FeedProblem[], site: Site, reported: readonly Diagnostic[]): Diagnostic[] {
  const alreadyReported = new Set(reported.map((d) => `${d.rule}\u0000${d.file}`));
  const diagnostics: Diagnostic[] = [];
  for (const problem of problems) {
    const { file, position } = origin(problem, problem.item, site);
    const earlierRule = EARLIER_RULE[problem.requirement];
    if (earlierRule !== undefined) {
      const files = [file, problem.otherItem === undefined ? undefined : origin(problem, problem.otherItem, site).file];
      if (files.some((f) => f !== undefined && alreadyReported.has(`${earlierRule}\u0000${f}`))) continue;
    }
    const found = diagnostic(file, position, earlierRule ?? 'feed-check', `in the feed, ${problem.message}`, problem.hint);
    // Under its own rule a problem keeps the checker's severity (some limits are only advice); `rules:` still overrides it.
    if (earlierRule === undefined) found.severity = problem.severity;
    diagnostics.push(found);
  }
  return diagnostics;
}

/**
 * Requirements that podsite also checks on its input, each under its own rule. Found again in the
 * feed, they are reported under that rule, so that `rules:` in the settings governs both; and not
 * at all for a file the input check already named.
 */
const EARLIER_RULE: Partial<Record<Requirement, RuleId>> = {
  'show-artwork': 'missing-artwork',
  'show-category': 'missing-category',
  'category-name': 'invalid-category',
  'language-code': 'invalid-language',
  'description-length': 'description-too-long',
  'enclosure-length': 'missing-audio-length',
  'enclosure-type-apple': 'media-type-not-apple',
  'serial-episode-number': 'serial-needs-number',
  'unique-guid': 'duplicate-guid',
  'unique-enclosure-url': 'duplicate-audio-url',
};

/** Where a value of an item was written in its episode file: front-matter fields, the first one written wins. */
const ITEM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  title: ['title'],
  guid: ['guid'],
  description: ['description'],
  pubDate: ['date'],
  enclosure: ['audio.url', 'audio', 'episode'],
  'enclosure@length': ['audio.length', 'audio', 'episode'],
  'enclosure@type': ['audio.type', 'audio.url', 'audio', 'episode'],
  'itunes:duration': ['audio.duration', 'audio'],
  'itunes:image': ['image'],
  'itunes:explicit': ['explicit'],
  'itunes:episodeType': ['type'],
  'itunes:episode': ['episode'],
  'itunes:season': ['season'],
  'itunes:author': ['author'],
  'podcast:episode': ['episode'],
  'podcast:season': ['season'],
};

/** Where a value of the channel was written in the settings file. */
const CHANNEL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  title: ['title'],
  description: ['description'],
  language: ['language'],
  link: ['url'],
  'atom:link': ['url'],
  'podcast:guid': ['url'],
  copyright: ['copyright'],
  image: ['artwork'],
  'itunes:image': ['artwork'],
  'itunes:category': ['categories'],
  'itunes:author': ['author'],
  'itunes:owner': ['owner'],
  'itunes:email': ['owner.email'],
  'itunes:explicit': ['explicit'],
  'itunes:type': ['type'],
};

function origin(problem: FeedProblem, item: number | undefined, site: Site): { file: string; position: Position } {
  const episode = item === undefined ? undefined : site.episodes[item];
  const [fields, positions] = episode ? [ITEM_FIELDS, episode.positions] : [CHANNEL_FIELDS, site.settings.positions];
  const keys = fields[`${problem.element}@${problem.attribute}`] ?? fields[problem.element] ?? [];
  const position = keys.map((key) => positions.get(key)).find((p) => p !== undefined);
  if (episode) return { file: episode.file, position: position ?? { line: 1, column: 1 } };
  return { file: site.settings.build.configFile, position: position ?? positions.get('') ?? { line: 1, column: 1 } };
}

interface CheckCache {
  items: FeedCheckCache;
  /** Each feed file last checked, by path: a build that did not make the feed again hands over the same object. */
  last: Map<string, { feed: OutputFile; problems: FeedProblem[] }>;
}

/** One per build cache: it lives as long as the `podsite dev` session. */
const checkCaches = new WeakMap<BuildCache, CheckCache>();

function checkCacheOf(buildCache: BuildCache): CheckCache {
  let cache = checkCaches.get(buildCache);
  if (cache === undefined) {
    cache = { items: createFeedCheckCache(), last: new Map() };
    checkCaches.set(buildCache, cache);
  }
  return cache;
}

function checkCached(feed: FeedFile, site: Site, cache: CheckCache): FeedProblem[] {
  const last = cache.last.get(feed.path);
  if (last?.feed === feed) return last.problems;
  const problems = checkFeed(feed.parts, { cache: cache.items, itemKeys: site.episodes.map((e) => e.key), itemNames: site.episodes.map((e) => e.file) });
  cache.last.set(feed.path, { feed, problems });
  return problems;
}
