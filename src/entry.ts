import type { Settings } from './config.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { parseEpisode, type EpisodeSource } from './episode.js';
import type { SourceFile } from './load.js';
import { renderMarkdown, type RenderedNotes, type UnknownTag } from './markdown.js';
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
  return { ...parsed, diagnostics: [...parsed.diagnostics, ...validateEntry(parsed.episode, settings.limits)] };
}

export function renderNotes(episode: EpisodeSource, settings: Settings): RenderedNotes {
  return renderMarkdown(episode.markdown, { html: settings.build.html });
}

export function notesDiagnostics(episode: EpisodeSource, notes: RenderedNotes): Diagnostic[] {
  return notes.unknownTags.map((tag) => unknownTag(episode, tag));
}

/** Pages made from an entry depend on whether it is in the future (it has a badge in dev). */
export function stampEntry(entry: Episode, now: Date): Episode {
  entry.future = entry.date > now;
  entry.key = entry.future ? `${entry.version}+` : entry.version;
  return entry;
}

function unknownTag(source: EpisodeSource, tag: UnknownTag): Diagnostic {
  return diagnostic(
    source.file,
    { line: source.bodyLine + tag.line - 1, column: tag.column },
    'unknown-html-tag',
    `\`<${tag.name}>\` is not an HTML element: Markdown reads it as a tag and the browser hides it`,
    `to show the text, write \`&lt;${tag.name}>\` or put it in backticks`,
  );
}
