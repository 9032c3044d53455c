import type { Settings } from './config.js';
import { formatDuration } from './dates.js';
import { diagnostic, type Diagnostic, type Position, type Result } from './diagnostics.js';
import type { Positions } from './schema.js';
import { absoluteUrl } from './site.js';
import { isHttpUrl, isUrlOrSitePath } from './urls.js';

/**
 * Chapters of an episode, from the front matter or from timestamped lines of the notes, and the
 * Podcasting 2.0 chapters file made from them.
 */
export interface Chapter {
  /** Seconds from the start of the audio. */
  startTime: number;
  title: string;
  /** A web page about the chapter: an absolute http(s) URL. */
  url?: string;
  /** Chapter artwork as written: a path on the site or an absolute URL. */
  image?: string;
}

/** A chapter as the front matter writes it, once the schema has checked its shape; a field is missing only when reported. */
export interface WrittenChapter {
  start: string | number | undefined;
  title: string | undefined;
  url?: string;
  image?: string;
}

/** A line of the notes that starts with a timestamp. Lines and columns are 1-based, counted in the notes. */
export interface TimestampedLine {
  line: number;
  /** Where the timestamp (or its opening bracket) starts. */
  column: number;
  timestamp: string;
  title: string;
  url?: string;
}

export const CHAPTERS_VERSION = '1.2.0';
export const CHAPTERS_TYPE = 'application/json+chapters';

/** An episode with fewer chapters has no chapters file: one chapter is no table of contents. */
export const MINIMUM_CHAPTERS = 2;

/**
 * Seconds from a number, or from `75`, `75.5`, `12:30`, `1:02:03` or `01:02:03.250`. Minutes and
 * seconds after a colon are 00–59; undefined for anything else.
 */
export function parseTimestamp(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  const match = /^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d+)?)$/.exec(text);
  if (match === null) return undefined;
  const [, hours, minutes, seconds] = match;
  if (minutes !== undefined && !/^[0-5]\d(\.\d+)?$/.test(seconds!)) return undefined;
  if (hours !== undefined && (minutes!.length !== 2 || Number(minutes) > 59)) return undefined;
  return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds);
}

/** `750` → `12:30`, `3723.5` → `1:02:03.5`: how messages show a time. */
export function formatTimestamp(seconds: number): string {
  const fraction = Math.round((seconds % 1) * 1000) / 1000;
  return fraction === 0 ? formatDuration(seconds) : `${formatDuration(seconds)}${String(fraction).slice(1)}`;
}

const TIME = String.raw`\d{1,3}:\d{2}(?::\d{2})?`;
/**
 * A timestamp at the start of a line or of a list item, bare or in `()` or `[]`, then an optional
 * dash and the title: `12:30 Topic`, `- (1:02:03) – Topic`, `1. [12:30] Topic`.
 */
const TIMESTAMPED_LINE = new RegExp(String.raw`^(\s*(?:[-*+]\s+|\d{1,9}[.)]\s+)?)(\((${TIME})\)|\[(${TIME})\]|(${TIME}))(?:\s+[-–—])?\s+(\S.*?)\s*$`);
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const LINK = /\[([^\]]*)\]\(([^)\s]*)\)/g;

/** Every line of the notes that starts with a timestamp, outside fenced code. */
export function findTimestampedLines(markdown: string): TimestampedLine[] {
  const found: TimestampedLine[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const opening = FENCE.exec(text)?.[1];
    if (opening !== undefined) {
      if (fence === undefined) fence = opening;
      else if (opening[0] === fence[0] && opening.length >= fence.length) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const match = TIMESTAMPED_LINE.exec(text);
    if (match === null) return;
    const [, lead, , inParentheses, inBrackets, bare, rawTitle] = match;
    found.push({ line: index + 1, column: lead!.length + 1, timestamp: (inParentheses ?? inBrackets ?? bare)!, ...plainTitle(rawTitle!) });
  });
  return found;
}

/** Markdown links become their text; a title that is one link to the web also gives the chapter's URL. */
function plainTitle(markdown: string): { title: string; url?: string } {
  const whole = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(markdown);
  const title = markdown.replace(LINK, '$1').replaceAll('**', '').replaceAll('`', '').trim() || markdown;
  return whole !== null && isHttpUrl(whole[2]!) ? { title, url: whole[2]! } : { title };
}

interface ChapterSource {
  file: string;
  /** `chapters:` of the front matter; undefined when absent, so that the notes are read instead. */
  written: readonly WrittenChapter[] | undefined;
  notes: string;
  /** The line of the file on which the notes start. */
  notesLine: number;
  /** Seconds, when the front matter gives the duration of the audio. */
  duration: number | undefined;
  positions: Positions;
  /** A news post has no audio, so chapters mean nothing there. */
  hasAudio: boolean;
}

/**
 * The chapters of an episode: the front matter's list, else the timestamped lines of the notes.
 * A chapter that does not start after the one before it, or not before the end of the audio, is
 * reported and left out, so that the chapters file is always one that apps can follow.
 */
export function readChapters(source: ChapterSource): Result<Chapter[]> {
  const { file, positions } = source;
  if (!source.hasAudio) {
    if (source.written === undefined || source.written.length === 0) return { value: [], diagnostics: [] };
    const position = positions.get('chapters') ?? { line: 1, column: 1 };
    return { value: [], diagnostics: [diagnostic(file, position, 'invalid-chapters', 'a news post has no audio, so its chapters are left out', 'give the entry `audio:`, or remove `chapters:`')] };
  }
  const diagnostics: Diagnostic[] = [];
  const candidates: { chapter: Chapter; position: Position }[] = [];
  if (source.written !== undefined) {
    source.written.forEach((written, index) => {
      // A chapter without its start or title was reported by the schema.
      if (written.start === undefined || written.title === undefined) return;
      const position = positions.get(`chapters.${index}.start`) ?? positions.get(`chapters.${index}`) ?? { line: 1, column: 1 };
      const startTime = parseTimestamp(written.start);
      if (startTime === undefined) {
        diagnostics.push(diagnostic(file, position, 'invalid-chapters', `\`${written.start}\` is not a time, so the chapter "${written.title}" is left out`, 'write seconds (`750`) or `H:MM:SS` (`0:12:30`)'));
        return;
      }
      const chapter: Chapter = { startTime, title: written.title };
      if (written.url !== undefined) {
        if (isHttpUrl(written.url)) chapter.url = written.url;
        else diagnostics.push(diagnostic(file, positions.get(`chapters.${index}.url`) ?? position, 'invalid-url', `the chapter URL \`${written.url}\` is not an absolute http(s) URL`));
      }
      if (written.image !== undefined) {
        if (isUrlOrSitePath(written.image)) chapter.image = written.image;
        else diagnostics.push(diagnostic(file, positions.get(`chapters.${index}.image`) ?? position, 'invalid-url', `the chapter image \`${written.image}\` must be an absolute http(s) URL or a path on the site starting with \`/\``));
      }
      candidates.push({ chapter, position });
    });
  } else {
    for (const line of findTimestampedLines(source.notes)) {
      const position = { line: source.notesLine + line.line - 1, column: line.column };
      const startTime = parseTimestamp(line.timestamp);
      if (startTime === undefined) {
        diagnostics.push(diagnostic(file, position, 'invalid-chapters', `\`${line.timestamp}\` is not a time, so the chapter "${line.title}" is left out`, 'minutes and seconds go from 00 to 59: write `1:02:03` for an hour, two minutes and three seconds'));
        continue;
      }
      candidates.push({ chapter: { startTime, title: line.title, ...(line.url !== undefined && { url: line.url }) }, position });
    }
  }
  const ordered = inOrder(file, candidates, source.duration);
  diagnostics.push(...ordered.diagnostics);
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { value: ordered.value.length >= MINIMUM_CHAPTERS ? ordered.value : [], diagnostics };
}

/** Keeps the chapters that start after the one kept before them and before the end of the audio. */
function inOrder(file: string, candidates: readonly { chapter: Chapter; position: Position }[], duration: number | undefined): Result<Chapter[]> {
  const kept: Chapter[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const { chapter, position } of candidates) {
    const previous = kept.at(-1);
    const at = formatTimestamp(chapter.startTime);
    if (previous !== undefined && chapter.startTime <= previous.startTime) {
      diagnostics.push(
        diagnostic(file, position, 'invalid-chapters', `the chapter "${chapter.title}" starts at ${at}, not after "${previous.title}" at ${formatTimestamp(previous.startTime)}, so it is left out`, 'list chapters in the order they are heard, each starting after the one before'),
      );
    } else if (duration !== undefined && chapter.startTime >= duration) {
      diagnostics.push(
        diagnostic(file, position, 'invalid-chapters', `the chapter "${chapter.title}" starts at ${at}, after the end of the audio (${formatTimestamp(duration)}), so it is left out`, 'check the time, and `audio.duration`'),
      );
    } else {
      kept.push(chapter);
    }
  }
  return { value: kept, diagnostics };
}

/** The Podcasting 2.0 JSON chapters file, images made absolute: apps resolve nothing. */
export function chaptersJson(chapters: readonly Chapter[], settings: Pick<Settings, 'url'>): string {
  const file = {
    version: CHAPTERS_VERSION,
    chapters: chapters.map((chapter) => ({
      startTime: chapter.startTime,
      title: chapter.title,
      ...(chapter.image !== undefined && { img: absoluteUrl(settings, chapter.image) }),
      ...(chapter.url !== undefined && { url: chapter.url }),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
