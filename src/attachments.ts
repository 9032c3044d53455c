import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chaptersJson } from './chapters.js';
import type { BuildCache } from './cache.js';
import type { Settings } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import { projectFileStatus, type PublicFile } from './load.js';
import type { OutputFile, PageMemo } from './pages.js';
import { absoluteUrl, type Episode, type Site } from './site.js';
import { parseTimedText, type Cue } from './transcript-text.js';
import { besidePage, findTranscripts, placeTranscripts, transcriptTypeOf, type Transcript, type TranscriptFiles } from './transcripts.js';

/**
 * The files that go beside an episode's page: its transcripts, copied, and its chapters file,
 * written. The build and the fast path of `podsite dev` both go through here.
 */
export const CHAPTERS_FILE = 'chapters.json';

export interface AttachmentContext {
  settings: Settings;
  /** The working folder, which the entries' file names are relative to. */
  cwd: string;
  files: TranscriptFiles;
  /** Whether any transcript file lies beside an episode: when none does, most entries need no look. */
  anyBeside: boolean;
  /** The cues of a WebVTT or SubRip file; undefined when it has none or cannot be read. */
  transcriptText(absolutePath: string): TranscriptText | undefined;
}

/** The cues of a transcript file, and a hash of the file, which joins the entry's key. */
export interface TranscriptText {
  cues: Cue[];
  hash: string;
}

/**
 * `others` are the files of the episodes folder that are not episodes, from the loader's listing.
 * With `cache`, a transcript file is read and parsed again only when it changed (`podsite dev`).
 */
export function attachmentContext(settings: Settings, cwd: string, others: ReadonlySet<string>, cache?: Pick<BuildCache, 'dirty' | 'transcriptTexts'>): AttachmentContext {
  const byStem = new Map<string, string[]>();
  for (const file of others) {
    if (transcriptTypeOf(file) === undefined) continue;
    const stem = file.slice(0, file.lastIndexOf('.'));
    const files = byStem.get(stem);
    if (files === undefined) byStem.set(stem, [file]);
    else files.push(file);
  }
  const folders = [settings.build.root, settings.build.episodes];
  const transcriptText = (absolutePath: string): TranscriptText | undefined => {
    const unchanged = cache !== undefined && cache.dirty !== 'all' && !cache.dirty.has(absolutePath) && cache.transcriptTexts.has(absolutePath);
    const text = unchanged ? cache.transcriptTexts.get(absolutePath) : readTranscriptText(absolutePath);
    cache?.transcriptTexts.set(absolutePath, text);
    return text;
  };
  return {
    settings,
    cwd,
    anyBeside: byStem.size > 0,
    transcriptText,
    files: {
      folders,
      besideEpisode: (episodePath) => byStem.get(episodePath.replace(/\.(md|markdown)$/i, '')) ?? [],
      // A file the listing found needs no look at the disk.
      status: (absolutePath) => (others.has(absolutePath) ? 'file' : projectFileStatus(absolutePath, folders)),
    },
  };
}

/**
 * Gives each entry its chapters file URL, and its transcripts, looked for again at every build: a
 * file may come or go while the entry's own file stays the same. The transcripts join the entry's
 * key, so that its page and feed item are made again when they change.
 */
export function attachFiles(entries: readonly Episode[], context: AttachmentContext): Diagnostic[] {
  const { settings, cwd } = context;
  const diagnostics: Diagnostic[] = [];
  const urlOf = (outputPath: string) => absoluteUrl(settings, `/${outputPath}`);
  for (const entry of entries) {
    entry.chaptersUrl = entry.chapters.length > 0 ? urlOf(besidePage(entry.outputFile, CHAPTERS_FILE)) : undefined;
    if (entry.transcriptReferences === undefined && !context.anyBeside) {
      // The cached entry may have had transcripts at the last build; most never have any.
      if (entry.transcripts.length > 0) entry.transcripts = [];
      entry.transcriptText = undefined;
      continue;
    }
    const found = findTranscripts(entry, path.resolve(cwd, entry.file), context.files);
    const placed = placeTranscripts(found.value, { entry, outputFile: entry.outputFile, language: settings.language, cwd, urlOf });
    diagnostics.push(...found.diagnostics, ...placed.diagnostics);
    entry.transcripts = placed.value;
    if (placed.value.length > 0) entry.key += `|${placed.value.map((t) => `${t.url} ${t.type} ${t.language}`).join('|')}`;
    const shown = shownTranscript(placed.value, settings.language);
    const text = shown === undefined ? undefined : context.transcriptText(shown.copy!.from);
    entry.transcriptText = text === undefined ? undefined : { url: shown!.url, language: shown!.language, cues: text.cues };
    // The page shows the text, so an edit of the file alone must make the page again.
    if (text !== undefined) entry.key += `|${text.hash}`;
  }
  return diagnostics;
}

/**
 * The chapters files to write and the transcript files to copy. A chapters file is made again
 * only when its entry's file changed (`memo` keeps the others); `fresh` lists those made.
 */
export function attachmentOutput(site: Site, memo?: PageMemo): { files: OutputFile[]; copies: { origin: string; file: PublicFile }[]; fresh: string[] } {
  const files: OutputFile[] = [];
  const copies: { origin: string; file: PublicFile }[] = [];
  const fresh: string[] = [];
  for (const entry of site.entries) {
    if (entry.chaptersUrl !== undefined) {
      const output = besidePage(entry.outputFile, CHAPTERS_FILE);
      const previous = memo?.get(output);
      if (previous !== undefined && previous.key === entry.version) {
        files.push(previous.file);
      } else {
        const file = { path: output, contents: chaptersJson(entry.chapters, site.settings) };
        memo?.set(output, { key: entry.version, file });
        files.push(file);
        fresh.push(output);
      }
    }
    for (const transcript of entry.transcripts) {
      if (transcript.copy !== undefined) copies.push({ origin: transcript.copy.origin, file: { sitePath: transcript.copy.to, absolutePath: transcript.copy.from } });
    }
  }
  return { files, copies, fresh };
}

/**
 * The transcript the episode page shows: a WebVTT or SubRip file of the project (one hosted
 * elsewhere is not fetched), in the show's language when there is one in it.
 */
function shownTranscript(transcripts: readonly Transcript[], language: string): Transcript | undefined {
  const timed = transcripts.filter((t) => t.rel === 'captions' && t.copy !== undefined);
  const baseLanguage = (code: string) => code.toLowerCase().split('-')[0];
  return timed.find((t) => baseLanguage(t.language) === baseLanguage(language)) ?? timed[0];
}

function readTranscriptText(absolutePath: string): TranscriptText | undefined {
  let source: string;
  try {
    source = readFileSync(absolutePath, 'utf8');
  } catch {
    // Gone since the folder was listed: copying it fails next, with a diagnostic of its own.
    return undefined;
  }
  const cues = parseTimedText(source);
  if (cues.length === 0) return undefined;
  return { cues, hash: createHash('sha1').update(source).digest('hex') };
}
