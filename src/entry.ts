import { addressOf } from './assemble.js';
import type { Settings } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import { parseEpisode, type EpisodeSource } from './episode.js';
import type { SourceFile } from './load.js';
import type { MarkdownOptions, RenderedNotes } from './markdown.js';
import { markdownEngine } from './markdown-engine.js';
import { markupDiagnostics } from './notes-checks.js';
import { renderAll, type RenderedAll, type RenderPoolOptions } from './render-pool.js';
import type { Episode } from './site.js';
import { validateEntry } from './validate.js';

/** The steps that concern one entry alone, shared by the build and the fast path of `podsite dev`. */
export interface ParsedEntry {
  episode: EpisodeSource | undefined;
  diagnostics: Diagnostic[];
}

/** Parses one episode file and runs the checks that need only that file. */
export function parseEntry(file: SourceFile, settings: Settings): ParsedEntry {
  const parsed = parseEpisode(file.file, file.text, settings);
  if (parsed.episode === undefined) return parsed;
  parsed.episode.address = addressOf(settings, parsed.episode);
  return { ...parsed, diagnostics: [...parsed.diagnostics, ...validateEntry(parsed.episode, settings.limits)] };
}

/** How the settings have notes rendered. */
export function markdownOptionsOf(settings: Settings): MarkdownOptions {
  return { html: settings.build.html, maxDepth: settings.limits.markdownDepth };
}

export function renderNotes(episode: EpisodeSource, settings: Settings): RenderedNotes {
  return markdownEngine().renderMarkdown(episode.markdown, markdownOptionsOf(settings));
}

/** The notes of many entries, in their order; in worker threads when there are enough of them. */
export function renderAllNotes(episodes: readonly EpisodeSource[], settings: Settings, pool: Partial<RenderPoolOptions> = {}, keep?: (notes: RenderedNotes) => RenderedNotes): Promise<RenderedAll> {
  return renderAll(
    // Read a batch at a time: in a build that spills them, the bodies are read back from disk.
    { length: episodes.length, slice: (start, end) => episodes.slice(start, end).map((episode) => episode.markdown) },
    markdownOptionsOf(settings),
    pool,
    keep,
  );
}

export function notesDiagnostics(episode: EpisodeSource, notes: RenderedNotes, settings: Settings): Diagnostic[] {
  return markupDiagnostics(episode.file, episode.bodyLine, notes, settings);
}

/** Pages made from an entry depend on whether it is in the future (it has a badge in dev). */
export function stampEntry(entry: Episode, now: Date): Episode {
  entry.future = entry.date > now;
  entry.key = entry.future ? `${entry.version}+` : entry.version;
  return entry;
}

