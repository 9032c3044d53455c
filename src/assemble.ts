import type { Settings } from './config.js';
import { rememberWallTime, wallTime } from './dates.js';
import { diagnostic, type Diagnostic, type Result } from './diagnostics.js';
import type { EntryAddress, EpisodeSource } from './episode.js';
import type { RenderedNotes } from './markdown.js';
import type { EpisodePeople, Person } from './people.js';
import type { SitePage } from './site-pages.js';
import { expandPermalink, MAX_URL_LENGTH, outputFileOf } from './permalink.js';
import { absoluteUrl, type Episode, type Site } from './site.js';
import { compareText, excerpt } from './text.js';
import { prefixBasePath } from './urls.js';

/** Orders entries, links each to its neighbours, and separates feed episodes from posts. */
export function assembleSite(settings: Settings, unordered: readonly Episode[], people: Person[], pages: SitePage[] = []): Result<Site> {
  const diagnostics: Diagnostic[] = [];
  const entries = [...unordered].sort((a, b) => b.date.getTime() - a.date.getTime() || compareText(b.file, a.file));

  for (const entry of entries) {
    // An encoded character of the path is at most 9 characters (a UTF-16 unit is at most 3 bytes, each %XX): most paths are not measured.
    if (settings.url.length + entry.path.length * 9 <= MAX_URL_LENGTH) continue;
    const url = absoluteUrl(settings, entry.path);
    if (url.length <= MAX_URL_LENGTH) continue;
    diagnostics.push(
      diagnostic(
        entry.file,
        entry.positions.get('slug') ?? { line: 1, column: 1 },
        'url-too-long',
        `this page's address is ${url.length} characters long once encoded, more than ${MAX_URL_LENGTH}: \`${url.slice(0, 120)}…\``,
        'shorten `build.permalink` in the settings, or the slug (`slug:`, or the file name)',
      ),
    );
  }

  // Compared without case and Unicode normalization: on macOS and Windows `Ép-1` and `e\u0301p-1` are one file.
  const byOutput = new Map<string, Episode>();
  // Oldest first, as in the archive checks: the later file, usually the mistaken one, is reported.
  for (const entry of [...entries].reverse()) {
    const key = entry.addressKey;
    const other = byOutput.get(key);
    if (other === undefined) {
      byOutput.set(key, entry);
      continue;
    }
    diagnostics.push(
      diagnostic(entry.file, entry.positions.get('slug') ?? { line: 1, column: 1 }, 'duplicate-permalink', `this page's address \`${entry.path}\` is also the address of ${other.file}`, 'give one of them another `slug:`'),
    );
  }
  entries.forEach((entry, index) => setNeighbours(entry, { newer: entries[index - 1], older: entries[index + 1] }));
  const episodes = entries.filter((entry) => entry.kind === 'episode');
  return { value: { settings, entries, episodes, people, pages }, diagnostics };
}

/** An entry's newer and older neighbours in publication order. */
export interface Neighbours {
  newer: Episode | undefined;
  older: Episode | undefined;
}

/**
 * Kept beside the entries rather than on them: a list page is given the site's entries as they
 * are, where entries that named their neighbours would each have to be copied without them (the
 * archive lists them all), so that a list depends on its own entries only.
 */
const neighbours = new WeakMap<Episode, Neighbours>();

/** The neighbours the last assembled site gave this entry (none for an entry of no site). */
export function neighboursOf(entry: Episode): Neighbours {
  return neighbours.get(entry) ?? { newer: undefined, older: undefined };
}

export function setNeighbours(entry: Episode, found: Neighbours): void {
  neighbours.set(entry, found);
}

/** An entry with its address, notes, summary and people: all that depends on its own file, the settings and the people folder. */
export function toEpisode(settings: Settings, source: EpisodeSource, notes: RenderedNotes, people: EpisodePeople): Episode {
  const entry = entryWithoutNotes(settings, source, people) as Episode;
  entry.markdown = source.markdown;
  entry.html = prefixBasePath(notes.html, settings);
  entry.text = notes.text;
  entry.summary = summaryOf(settings, source, notes.text);
  return entry;
}

/** What an entry holds besides its notes, body and summary, which a build that spills them reads through getters. */
export type NotesAndBody = 'markdown' | 'html' | 'text' | 'summary';

/** The address the parse gave the entry (its date's wall time then known to `wallTime`), or one worked out now. */
function addressFor(settings: Settings, source: EpisodeSource): EntryAddress {
  const kept = source.address;
  if (kept === undefined || kept.timeZone !== settings.timezone) return addressOf(settings, source);
  rememberWallTime(source.date, kept.timeZone, kept.wall);
  return kept;
}

/** Where an entry goes on the site: from its date in the settings' time zone, its slug and number. */
export function addressOf(settings: Settings, source: Pick<EpisodeSource, 'date' | 'slug' | 'number'>): EntryAddress {
  const local = wallTime(source.date, settings.timezone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const path = expandPermalink(settings.build.permalink, {
    year: String(local.year),
    month: pad(local.month),
    day: pad(local.day),
    slug: source.slug,
    episode: source.number === undefined ? source.slug : String(source.number),
  });
  const outputFile = outputFileOf(path);
  return { path, url: absoluteUrl(settings, path), outputFile, addressKey: outputFile.normalize('NFC').toLowerCase(), year: local.year, timeZone: settings.timezone, wall: { ...local } };
}

/** What lists and the feed show of an entry: its description, else the start of its notes, else its title. */
export function summaryOf(settings: Settings, source: Pick<EpisodeSource, 'description' | 'title'>, text: string): string {
  return source.description ?? (excerpt(text, settings.build.excerptLength) || source.title);
}

/**
 * An entry without its notes, body and summary. They are added after, as new properties: a data
 * property made an accessor later turns the object into a dictionary in V8 (about 3 KB an entry,
 * against 0.4 KB).
 */
export function entryWithoutNotes(settings: Settings, source: EpisodeSource, people: EpisodePeople): Omit<Episode, NotesAndBody> {
  const { path, url, outputFile, addressKey, year } = addressFor(settings, source);
  // One object literal naming every property, in one order: V8 then gives all entries one hidden
  // class with fast properties. A spread gave each entry a hidden class of its own (every pass over
  // thousands of entries megamorphic), and Object.assign onto {} left them in dictionary mode,
  // where each read and each copy of an entry (list pages copy thousands) is many times slower.
  const entry = {
    file: source.file,
    kind: source.kind,
    title: source.title,
    date: source.date,
    slug: source.slug,
    number: source.number,
    season: source.season,
    episodeType: source.episodeType,
    description: source.description,
    audio: source.audio,
    image: source.image,
    explicit: source.explicit,
    guid: source.guid,
    draft: source.draft,
    youtube: source.youtube,
    tags: source.tags,
    hosts: source.hosts,
    guests: source.guests,
    author: source.author,
    socialPost: source.socialPost,
    chapters: source.chapters,
    transcriptReferences: source.transcriptReferences,
    bodyLine: source.bodyLine,
    positions: source.positions,
    version: source.version,
    path,
    url,
    outputFile,
    addressKey,
    newer: undefined,
    older: undefined,
    future: false,
    year,
    key: source.version,
    people,
    // Found on disk at each build, by attachFiles (src/attachments.ts).
    transcripts: [],
    chaptersUrl: undefined,
    transcriptText: undefined,
  } satisfies Record<Exclude<keyof Episode, NotesAndBody>, unknown>;
  return entry;
}
