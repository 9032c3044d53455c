import path from 'node:path';
import { diagnostic, type Diagnostic, type Position, type Result } from './diagnostics.js';
import type { EpisodeSource } from './episode.js';
import { isInsideFolder } from './load.js';
import type { Positions } from './schema.js';
import { isHttpUrl } from './urls.js';

/**
 * Transcripts of an episode: files beside it in the episodes folder, or the files and URLs its
 * front matter names. Files are copied beside the episode's page; all are declared in the feed.
 */
export const TRANSCRIPT_TYPES = {
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  json: 'application/json',
  txt: 'text/plain',
  html: 'text/html',
} as const;

export type TranscriptExtension = keyof typeof TRANSCRIPT_TYPES;
export type TranscriptType = (typeof TRANSCRIPT_TYPES)[TranscriptExtension];
export const TRANSCRIPT_MEDIA_TYPES: readonly TranscriptType[] = Object.values(TRANSCRIPT_TYPES);

/** Timed formats: apps can show them as captions while the episode plays. */
const CAPTION_TYPES: ReadonlySet<TranscriptType> = new Set(['text/vtt', 'application/x-subrip']);

/** A transcript as the feed and templates see it. */
export interface Transcript {
  /** Absolute URL: the copy on the site, or the URL the front matter gives. */
  url: string;
  type: TranscriptType;
  /** A language code: the front matter's, else the show's `language`. */
  language: string;
  /** `captions` for the timed formats (WebVTT, SubRip). */
  rel: 'captions' | undefined;
  /** For a file of the project: where it is, how diagnostics name it, and where its copy goes in the output folder. */
  copy: { from: string; origin: string; to: string } | undefined;
}

/** One item of `transcript:` as the schema read it: a text is the `url`, missing only when reported. */
export interface WrittenTranscript {
  url: string | undefined;
  language?: string;
  type?: TranscriptType;
}

/** A transcript the front matter names, checked as far as can be without the disk. */
export interface TranscriptReference {
  /** A path relative to the episode file, or an https URL. */
  written: string;
  kind: 'file' | 'url';
  type: TranscriptType;
  language: string | undefined;
  position: Position;
}

/** The transcript type of a file name or URL, from its extension (any case; a query string is ignored). */
export function transcriptTypeOf(nameOrUrl: string): TranscriptType | undefined {
  let pathname = nameOrUrl;
  if (isHttpUrl(nameOrUrl)) pathname = new URL(nameOrUrl).pathname;
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return extension !== undefined && Object.hasOwn(TRANSCRIPT_TYPES, extension) ? TRANSCRIPT_TYPES[extension as TranscriptExtension] : undefined;
}

export function extensionOf(type: TranscriptType): TranscriptExtension {
  return (Object.keys(TRANSCRIPT_TYPES) as TranscriptExtension[]).find((extension) => TRANSCRIPT_TYPES[extension] === type)!;
}

const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;
/** `https:`, `ftp:`…, but not the drive letter of a Windows path (`C:`). */
const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const EXTENSIONS_HINT = `a transcript ends in ${Object.keys(TRANSCRIPT_TYPES).map((e) => `.${e}`).join(', ')}`;

/**
 * `transcript:` of the front matter, as references to look for later. Undefined when the field is
 * absent: the files beside the episode are then its transcripts. Problems leave the item out.
 */
export function readTranscriptReferences(
  file: string,
  written: readonly WrittenTranscript[] | undefined,
  positions: Positions,
  hasAudio: boolean,
): Result<TranscriptReference[] | undefined> {
  if (written === undefined) return { value: undefined, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const report = (position: Position, message: string, hint?: string) => diagnostics.push(diagnostic(file, position, 'invalid-transcript', message, hint));
  if (!hasAudio && written.length > 0) {
    report(positions.get('transcript') ?? { line: 1, column: 1 }, 'a news post has no audio, so its transcripts are left out', 'give the entry `audio:`, or remove `transcript:`');
    return { value: [], diagnostics };
  }
  const references: TranscriptReference[] = [];
  written.forEach((item, index) => {
    // Without its `url`, the item was reported by the schema.
    if (item.url === undefined) return;
    const position = positions.get(`transcript.${index}.url`) ?? positions.get(`transcript.${index}`) ?? { line: 1, column: 1 };
    const text = item.url.trim();
    const kind = URL_SCHEME.test(text) ? 'url' : 'file';
    if (kind === 'url' && !(isHttpUrl(text) && text.toLowerCase().startsWith('https:'))) {
      report(position, `\`${text}\` is not an https URL`, 'a transcript hosted elsewhere needs an absolute https URL; a file of the project is a path relative to the episode file');
      return;
    }
    if (kind === 'file' && (text.startsWith('/') || text.startsWith('\\') || /^[a-z]:/i.test(text))) {
      report(position, `\`${text}\` is an absolute path`, 'write the path relative to the episode file, e.g. `transcripts/first.vtt`');
      return;
    }
    const type = item.type ?? transcriptTypeOf(text);
    if (type === undefined) {
      report(position, `cannot tell what kind of transcript \`${text}\` is from its extension`, `${EXTENSIONS_HINT}; or give its \`type:\``);
      return;
    }
    if (item.language !== undefined && !LANGUAGE.test(item.language)) {
      report(positions.get(`transcript.${index}.language`) ?? position, `\`${item.language}\` is not a language code`, 'use an ISO 639 code such as `en`, `fr` or `pt-BR`');
      return;
    }
    references.push({ written: text, kind, type, language: item.language, position });
  });
  return { value: references, diagnostics };
}

/** What a transcript file named in the front matter is: there, absent, or outside the project once links are followed. */
export type FileStatus = 'file' | 'missing' | 'outside';

/** How transcripts are looked for: what the listing of the episodes folder found, and the disk for the rest. */
export interface TranscriptFiles {
  /** Folders a transcript file may be in: the project's, and the episodes folder. */
  folders: readonly string[];
  /** Transcript files beside the episode whose path is `episodePath`, from the listing. */
  besideEpisode(episodePath: string): readonly string[];
  status(absolutePath: string): FileStatus;
}

/** A transcript found, not yet placed in the site. */
export interface FoundTranscript {
  type: TranscriptType;
  language: string | undefined;
  /** An absolute path, or a URL. */
  source: { file: string } | { url: string };
  position: Position;
}

/**
 * The transcripts of an entry: those the front matter names, else the files beside it. A file
 * that is not there is `missing-transcript`; one outside the project, `invalid-transcript`.
 */
export function findTranscripts(entry: EpisodeSource, episodePath: string, files: TranscriptFiles): Result<FoundTranscript[]> {
  const diagnostics: Diagnostic[] = [];
  const found: FoundTranscript[] = [];
  const whole = { line: 1, column: 1 };
  if (entry.transcriptReferences === undefined) {
    for (const beside of files.besideEpisode(episodePath)) {
      if (entry.kind === 'post') {
        diagnostics.push(diagnostic(entry.file, whole, 'invalid-transcript', `\`${path.basename(beside)}\` beside this news post is not used: a post has no audio`, 'give the entry `audio:`, or move the file'));
        continue;
      }
      found.push({ type: transcriptTypeOf(beside)!, language: undefined, source: { file: beside }, position: whole });
    }
  }
  for (const reference of entry.transcriptReferences ?? []) {
    if (reference.kind === 'url') {
      found.push({ type: reference.type, language: reference.language, source: { url: reference.written }, position: reference.position });
      continue;
    }
    const target = path.resolve(path.dirname(episodePath), reference.written);
    const status = files.folders.some((folder) => isInsideFolder(folder, target)) ? files.status(target) : 'outside';
    if (status === 'outside') {
      diagnostics.push(diagnostic(entry.file, reference.position, 'invalid-transcript', `\`${reference.written}\` is outside the project folder`, 'keep transcripts in the project, for instance beside the episode files'));
    } else if (status === 'missing') {
      diagnostics.push(diagnostic(entry.file, reference.position, 'missing-transcript', `there is no transcript file \`${reference.written}\` (looked for ${path.posix.join(path.posix.dirname(entry.file), reference.written)})`, 'check the name; the path is relative to the episode file'));
    } else {
      found.push({ type: reference.type, language: reference.language, source: { file: target }, position: reference.position });
    }
  }
  return { value: found, diagnostics };
}

/** Where a file that belongs to a page goes: `folder/index.html` → `folder/name`; `folder/page.html` → `folder/page.name`. */
export function besidePage(outputFile: string, name: string): string {
  const slash = outputFile.lastIndexOf('/');
  const folder = outputFile.slice(0, slash + 1);
  const page = outputFile.slice(slash + 1);
  return page.toLowerCase() === 'index.html' ? `${folder}${name}` : `${folder}${page.replace(/\.html?$/i, '')}.${name}`;
}

interface Placement {
  entry: Pick<EpisodeSource, 'file'>;
  /** The entry page's output file, relative to the output folder. */
  outputFile: string;
  /** The show's language. */
  language: string;
  cwd: string;
  /** The absolute URL of a path in the output folder. */
  urlOf(outputPath: string): string;
}

/**
 * Names the copies `transcript.vtt`, `transcript.srt`…, with the language in the name when an
 * entry has two transcripts of one type (`transcript.en.vtt`). Two of the same type and language
 * would say the same thing twice: the second is reported and left out.
 */
export function placeTranscripts(found: readonly FoundTranscript[], placement: Placement): Result<Transcript[]> {
  const diagnostics: Diagnostic[] = [];
  const perType = new Map<TranscriptType, number>();
  for (const transcript of found) perType.set(transcript.type, (perType.get(transcript.type) ?? 0) + 1);
  const seen = new Set<string>();
  const placed: Transcript[] = [];
  for (const transcript of found) {
    const language = transcript.language ?? placement.language;
    const identity = `${transcript.type} ${language.toLowerCase()}`;
    if (seen.has(identity)) {
      diagnostics.push(
        diagnostic(placement.entry.file, transcript.position, 'invalid-transcript', `a second ${transcript.type} transcript in \`${language}\`, so it is left out`, 'give each transcript of one format its own `language:`'),
      );
      continue;
    }
    seen.add(identity);
    const rel = CAPTION_TYPES.has(transcript.type) ? 'captions' : undefined;
    if ('url' in transcript.source) {
      placed.push({ url: transcript.source.url, type: transcript.type, language, rel, copy: undefined });
      continue;
    }
    const extension = extensionOf(transcript.type);
    const name = perType.get(transcript.type)! > 1 ? `transcript.${language}.${extension}` : `transcript.${extension}`;
    const to = besidePage(placement.outputFile, name);
    const from = transcript.source.file;
    placed.push({ url: placement.urlOf(to), type: transcript.type, language, rel, copy: { from, origin: path.relative(placement.cwd, from).split(path.sep).join('/'), to } });
  }
  return { value: placed, diagnostics };
}

/** Transcript files the front matter of `entry` names, by absolute path, whether they exist or not: what `podsite dev` watches. */
export function namedTranscriptFiles(entry: EpisodeSource, episodePath: string): string[] {
  return (entry.transcriptReferences ?? []).filter((reference) => reference.kind === 'file').map((reference) => path.resolve(path.dirname(episodePath), reference.written));
}
