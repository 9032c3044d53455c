import type { Diagnostic, Result } from './diagnostics.js';
import type { Settings } from './config.js';
import type { ParsedLedger } from './ledger.js';
import type { EpisodeListing, SourceFile, TemplateFile } from './load.js';
import type { createRenderer, Renderer } from './templates.js';
import type { FeedFile, FeedItemCache } from './feed.js';
import type { EpisodeSource } from './episode.js';
import type { RenderedNotes } from './markdown.js';
import type { OutputFile, PageMemo, SiteChrome } from './pages.js';
import type { EpisodePeople, PeopleRegistry } from './people.js';
import type { SearchIndexState } from './search-index.js';
import type { Episode } from './site.js';
import type { TranscriptText } from './attachments.js';

/**
 * What one build leaves for the next, so that a rebuild redoes only what changed. The full build
 * and `podsite dev` run the same stages; with a cache, each stage skips what it already has.
 */
export interface BuildCache {
  /** Files changed since the last build, by absolute path; the others are not read again. */
  dirty: Set<string> | 'all';
  /** Settings, person files and command-line options: when they change, nothing made from a file is reused. */
  settingsKey: string | undefined;
  /** The theme: when it changes, pages and feed are made again, but no Markdown is parsed again. */
  themeKey: string | undefined;
  /** Episode files by absolute path. */
  files: Map<string, CachedFile>;
  /** Rendered pages by output path, with the key of what they were made from. */
  pages: PageMemo;
  feed: { key: string; files: FeedFile[]; diagnostics: Diagnostic[] } | undefined;
  feedItems: FeedItemCache;
  /** The files found by the last listing of the episodes folder: reused when only known files changed. */
  listing: EpisodeListing | undefined;
  /** The GUID ledger as last read, parsed again only when its text changes. */
  ledger: { text: string; parsed: ParsedLedger } | undefined;
  /** Transcripts shown on pages, by absolute path of the file: read again only when the file is dirty. */
  transcriptTexts: Map<string, TranscriptText | undefined>;
  /** Chapters files by output path, with the key of the entry they were made from. */
  attachmentFiles: PageMemo;
  /** The compiled theme, made again when the settings or the theme change. */
  renderer: ReturnType<typeof createRenderer> | undefined;
  /** What the last build without errors was made with, for `podsite dev`'s fast path. */
  lastGood: { settings: Settings; rules: Settings['rules']; renderer: Renderer; templates: ReadonlyMap<string, TemplateFile>; people: PeopleRegistry; chrome: SiteChrome } | undefined;
  /** The people folder, read; made again with everything else when the settings or a person file change. */
  people: Result<PeopleRegistry> | undefined;
  /** The sitemap and robots.txt, with the key of the pages they list. */
  machines?: { key: string; files: OutputFile[] };
  /** The archive's search index, updated for the entries that changed. */
  search?: SearchIndexState;
}

export interface CachedFile {
  /** The file as read, or the reason it cannot be read. */
  source?: SourceFile;
  problem?: Diagnostic;
  parsed?: { episode: EpisodeSource | undefined; diagnostics: Diagnostic[] };
  notes?: RenderedNotes;
  /** The people its `hosts` and `guests` name. */
  cast?: Result<EpisodePeople>;
  /** The entry as pages see it, neighbours left out (they are linked on every build). */
  entry?: Episode;
}

export function createCache(): BuildCache {
  return { dirty: 'all', settingsKey: undefined, themeKey: undefined, files: new Map(), pages: new Map(), feed: undefined, feedItems: new Map(), listing: undefined, ledger: undefined, attachmentFiles: new Map(), transcriptTexts: new Map(), renderer: undefined, lastGood: undefined, people: undefined };
}

/** Forgets everything made from the settings or the theme, keeping only what was read from disk. */
export function resetDerived(cache: BuildCache): void {
  for (const file of cache.files.values()) {
    delete file.parsed;
    delete file.notes;
    delete file.cast;
    delete file.entry;
  }
  cache.people = undefined;
  cache.search = undefined;
  cache.machines = undefined;
  // Chapters files hold absolute URLs, made from the settings.
  cache.attachmentFiles.clear();
  resetRendered(cache);
}

/** Forgets pages and feed, keeping what was parsed. */
export function resetRendered(cache: BuildCache): void {
  cache.pages.clear();
  cache.feed = undefined;
  cache.feedItems.clear();
  cache.renderer = undefined;
}
