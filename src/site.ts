import type { Settings } from './config.js';
import type { EpisodeSource } from './episode.js';
import type { EpisodePeople, Person } from './people.js';
import { encodePath } from './permalink.js';
import type { Cue } from './transcript-text.js';
import type { SitePage } from './site-pages.js';
import type { Transcript } from './transcripts.js';

/** An episode or post ready for templates and the feed; where it goes is in its own fields (`path`, `url`...). */
export interface Episode extends Omit<EpisodeSource, 'address'> {
  html: string;
  /** Plain text of the notes. */
  text: string;
  /** `description`, else the start of the notes as plain text. */
  summary: string;
  /** URL path under the site's base path, e.g. `/2009/04/12/slug/` (not yet percent-encoded). */
  path: string;
  /** Absolute, percent-encoded URL of the page. */
  url: string;
  /** Where the page is written, relative to the output folder. */
  outputFile: string;
  /** The output file without case or Unicode normalization differences, for finding clashes. */
  addressKey: string;
  /**
   * Newer and older neighbours in publication order: set only on the copy an entry's own page is
   * given (src/pages.ts); undefined on the site's entries, and so in every list (see `neighboursOf`).
   */
  newer: Episode | undefined;
  older: Episode | undefined;
  /** Dated after the build's clock: shown only with --future (and in dev), with a badge. */
  future: boolean;
  /** Year of publication in the show's time zone, for the archive. */
  year: number;
  /** What pages made from this entry depend on: its file, whether it is in the future, and its transcripts. */
  key: string;
  /** The people its `hosts` and `guests` name, found in the people folder. */
  people: EpisodePeople;
  /** Transcripts the feed declares: files copied beside the page, or hosted elsewhere. See src/attachments.ts. */
  transcripts: Transcript[];
  /** The cues of the WebVTT or SubRip transcript the page shows (see src/attachments.ts); undefined when there is none. */
  transcriptText: { url: string; language: string; cues: Cue[] } | undefined;
  /** Absolute URL of the chapters file beside the page; undefined when the entry has no chapters. */
  chaptersUrl: string | undefined;
}

export interface Site {
  settings: Settings;
  /** Episodes and posts, newest first. */
  entries: Episode[];
  /** Podcast episodes only (what the feed lists), newest first. */
  episodes: Episode[];
  /** Everyone in the people folder, by id. */
  people: Person[];
  /** The Markdown pages of the pages folder, without those whose address another page has. */
  pages: SitePage[];
}

/** The site's absolute URL for a path on the site (`/feed.xml`), with the base path applied. */
export function absoluteUrl(settings: Pick<Settings, 'url'>, sitePath: string): string {
  if (/^https?:\/\//i.test(sitePath)) return sitePath;
  // `./` keeps a first segment with a colon (`news:2025/`) from being read as a URL scheme.
  return new URL(`./${encodePath(sitePath.replace(/^\/+/, ''))}`, settings.url).href;
}

/** The root-relative URL of a path on the site, base path included: what links in pages use. */
export function siteHref(settings: Pick<Settings, 'url'>, sitePath: string): string {
  if (/^https?:\/\//i.test(sitePath)) return sitePath;
  return basePathOf(settings.url) + encodePath(sitePath.replace(/^\/+/, ''));
}

/** The base path of the last site URL seen: an archive page links every entry, and parsing the URL for each was measurable. */
let lastBase: { url: string; path: string } | undefined;
function basePathOf(url: string): string {
  if (lastBase?.url !== url) lastBase = { url, path: new URL(url).pathname };
  return lastBase.path;
}
