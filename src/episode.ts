import { createHash } from 'node:crypto';
import { MAX_NAME_BYTES, nameProblem } from './contain.js';
import { withBidiClosed } from './bidi.js';
import type { WallTime } from './dates.js';
import type { Settings } from './config.js';
import { parseDate, parseDuration } from './dates.js';
import { blocksValue, diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { EPISODE_SCHEMA, type EpisodeType } from './episode-schema.js';
import { readFrontMatter } from './frontmatter.js';
import { APPLE_MEDIA_TYPES, MISTAKEN_MEDIA_TYPES } from './apple.js';
import { readChapters, type Chapter, type WrittenChapter } from './chapters.js';
import { mediaTypeOf } from './mime.js';
import type { RuleId } from './rules.js';
import type { Positions } from './schema.js';
import { readTranscriptReferences, type TranscriptReference, type WrittenTranscript } from './transcripts.js';
import { isHttpUrl, isUrlOrSitePath } from './urls.js';

export interface Audio {
  /** An absolute http(s) URL, or a path on the site (`/media/ep1.mp3`) for a file of the project. */
  url: string;
  /** Bytes; undefined when neither the front matter nor the file says (missing-audio-length). */
  length: number | undefined;
  type: string;
  /** Seconds. */
  duration: number | undefined;
}

/** An episode or news post as written, before Markdown is rendered. */
export interface EpisodeSource {
  /** Path relative to the working folder, with forward slashes: how diagnostics name it. */
  file: string;
  /** A news post has neither an episode number nor audio: it gets a page but is not a feed item. */
  kind: 'episode' | 'post';
  title: string;
  date: Date;
  slug: string;
  number: number | undefined;
  season: number | undefined;
  episodeType: EpisodeType;
  description: string | undefined;
  audio: Audio | undefined;
  image: string | undefined;
  explicit: boolean | undefined;
  guid: string | undefined;
  draft: boolean;
  youtube: string | undefined;
  tags: string[];
  hosts: string[];
  guests: string[];
  author: string | undefined;
  socialPost: string | undefined;
  /** From `chapters:`, else from timestamped lines of the notes; empty when fewer than two. */
  chapters: Chapter[];
  /** What `transcript:` names; undefined when it is absent, so that the files beside the episode are its transcripts. */
  transcriptReferences: TranscriptReference[] | undefined;
  markdown: string;
  bodyLine: number;
  /** Where each front-matter value was written, for diagnostics found later in the build. */
  positions: Positions;
  /** Changes whenever the file's name or text does: what a rebuild compares. */
  version: string;
  /**
   * Where the entry goes on the site, under the settings it was parsed with (parseEntry): worked out
   * once per file and kept by the parse store, where making it for each entry of a large archive at
   * every build (a time zone's wall time, a URL) cost tens of milliseconds.
   */
  address?: EntryAddress;
}

/** What the permalink, time zone and address of the settings make of an entry's date, slug and number. */
export interface EntryAddress {
  path: string;
  url: string;
  outputFile: string;
  addressKey: string;
  year: number;
  /** The date's wall time in this zone, which pages and the feed show too. */
  timeZone: string;
  wall: WallTime;
}

export type EpisodeSettings = Pick<Settings, 'timezone' | 'frontMatter'> & { build: Pick<Settings['build'], 'audioUrl'>; limits?: Partial<Settings['limits']> };

interface RawEpisode {
  title?: string;
  date?: string;
  episode?: number;
  season?: number;
  type?: EpisodeType;
  description?: string;
  audio?: { url?: string; length?: number; type?: string; duration?: string | number };
  image?: string;
  explicit?: boolean;
  guid?: string;
  slug?: string;
  draft?: boolean;
  youtube?: string;
  tags?: string[];
  hosts?: string[];
  guests?: string[];
  author?: string;
  socialPost?: string;
  transcript?: WrittenTranscript[];
  chapters?: WrittenChapter[];
}

const FILE_NAME = /^(?:(\d{4})-(\d{2})-(\d{2})-)?(.+?)\.(?:md|markdown)$/i;

/** Parses one episode file. Returns no episode when a value it needs is missing or invalid; other problems travel with it. */
export function parseEpisode(
  file: string,
  source: string,
  settings: EpisodeSettings,
): { episode: EpisodeSource | undefined; diagnostics: Diagnostic[] } {
  const { split, read, diagnostics } = readFrontMatter(file, source, {
    schema: EPISODE_SCHEMA,
    what: 'the front matter',
    missing: { subject: 'this file', field: 'title' },
    frontMatter: settings.frontMatter,
    limits: settings.limits,
  });
  if (read === undefined) return { episode: undefined, diagnostics };
  const raw = read.value as RawEpisode;
  // '' stands for the file as a whole (its name, say): the first line, not the whole front matter.
  const at = (key: string): Position =>
    (key === '' ? undefined : (read.positions.get(key) ?? [...read.positions].find(([path]) => path.startsWith(`${key}.`))?.[1])) ?? {
      line: 1,
      column: 1,
    };
  const report: Report = (key, rule, message, hint) => diagnostics.push(diagnostic(file, at(key), rule, message, hint));

  if (raw.title !== undefined && raw.title.trim() === '') {
    report('title', 'empty-title', 'the title is empty', 'podcast apps list episodes by title; write one');
  }
  // Titles and tags are shown inline, beside other text: what they leave open must not reach it.
  const closed = (value: string, key: string): string => withBidiClosed(value, (message, hint) => report(key, 'unbalanced-bidi', message, hint));
  const title = raw.title === undefined ? undefined : closed(raw.title, 'title');
  const tags = (raw.tags ?? []).map((tag, index) => closed(tag, `tags.${index}`));
  const baseName = file.split('/').at(-1)!;
  const nameMatch = FILE_NAME.exec(baseName);
  const date = episodeDate(raw.date, nameMatch, settings.timezone, report);

  const slug = raw.slug ?? nameMatch?.[4] ?? baseName.replace(/\.[^.]+$/, '');
  const slugProblem = nameProblem(slug);
  if (slugProblem !== undefined) {
    const characters = [...slug];
    const shown = JSON.stringify(characters.length > 80 ? `${characters.slice(0, 80).join('')}…` : slug).slice(1, -1);
    report(
      raw.slug === undefined ? '' : 'slug',
      'invalid-slug',
      `the slug \`${shown}\` cannot be part of a URL and a folder name: ${slugProblem}`,
      `a slug may not contain \`/\`, \`\\\`, \`?\`, \`#\`, \`%\`, \`<>:"|*\` or control characters, be \`.\`, \`..\` or a Windows device name (\`CON\`, \`NUL\`, \`COM1\`…), end with a dot or a space, or be longer than ${MAX_NAME_BYTES} bytes`,
    );
  }

  const audio = episodeAudio(raw, slug, settings, report);
  const youtube = raw.youtube === undefined ? undefined : youtubeId(raw.youtube);
  if (raw.youtube !== undefined && youtube === undefined) {
    report('youtube', 'invalid-youtube', `\`${raw.youtube}\` is neither a YouTube video id nor a YouTube video URL`);
  }
  if (raw.image !== undefined && !isUrlOrSitePath(raw.image)) {
    report('image', 'invalid-url', `\`image\` must be an absolute http(s) URL or a path on the site starting with \`/\` (found \`${raw.image}\`)`);
  }

  const hasAudio = raw.episode !== undefined || audio !== undefined;
  const transcripts = readTranscriptReferences(file, raw.transcript, read.positions, hasAudio);
  const chapters = readChapters({
    file,
    written: raw.chapters,
    notes: split.body,
    notesLine: split.bodyLine,
    duration: audio?.duration,
    positions: read.positions,
    hasAudio,
  });
  diagnostics.push(...transcripts.diagnostics, ...chapters.diagnostics);

  if (diagnostics.some(blocksValue) || date === undefined || title === undefined) {
    return { episode: undefined, diagnostics };
  }
  const episode: EpisodeSource = {
    file,
    kind: hasAudio ? 'episode' : 'post',
    title,
    date,
    slug,
    number: raw.episode,
    season: raw.season,
    episodeType: raw.type ?? 'full',
    description: raw.description?.trim() || undefined,
    audio,
    image: raw.image,
    explicit: raw.explicit,
    guid: raw.guid,
    draft: raw.draft ?? false,
    youtube,
    tags,
    hosts: raw.hosts ?? [],
    guests: raw.guests ?? [],
    author: raw.author,
    socialPost: raw.socialPost,
    chapters: chapters.value,
    transcriptReferences: transcripts.value,
    markdown: split.body,
    bodyLine: split.bodyLine,
    positions: read.positions,
    version: createHash('sha1').update(file).update('\0').update(source).digest('base64url'),
  };
  return { episode, diagnostics };
}

type Report = (key: string, rule: RuleId, message: string, hint?: string) => void;

function episodeDate(
  frontMatterDate: string | undefined,
  nameMatch: RegExpExecArray | null,
  timeZone: string,
  report: Report,
): Date | undefined {
  if (frontMatterDate !== undefined) {
    const parsed = parseDate(frontMatterDate, timeZone);
    if ('error' in parsed) {
      report('date', 'invalid-date', parsed.error, 'write `YYYY-MM-DD`, optionally followed by `HH:MM` and an offset such as `+02:00`');
      return undefined;
    }
    return parsed.instant;
  }
  if (nameMatch?.[1] !== undefined) {
    const fromName = `${nameMatch[1]}-${nameMatch[2]}-${nameMatch[3]}`;
    const parsed = parseDate(fromName, timeZone);
    if ('error' in parsed) {
      report('', 'invalid-date', `the date \`${fromName}\` at the start of the file name is not a real calendar date`, 'rename the file with a real date, or set `date:` in the front matter');
      return undefined;
    }
    return parsed.instant;
  }
  // An empty `date:` is where the date is missing; else the file as a whole.
  report('date', 'missing-date', 'this episode has no date', 'add `date: YYYY-MM-DD` to the front matter, or start the file name with `YYYY-MM-DD-`');
  return undefined;
}

function episodeAudio(
  raw: RawEpisode,
  slug: string,
  settings: EpisodeSettings,
  report: Report,
): Audio | undefined {
  const template = settings.build.audioUrl;
  let url = raw.audio?.url;
  if (url === undefined && template !== undefined && raw.episode !== undefined) {
    const expanded = expandAudioTemplate(template, { episode: raw.episode, season: raw.season, slug });
    if ('missing' in expanded) {
      report('episode', 'missing-audio-url', `the audio URL template needs \`${expanded.missing}\`, which this episode does not have`, `add \`${expanded.missing}:\` or \`audio.url\``);
      return undefined;
    }
    url = expanded.url;
  }
  if (url === undefined) {
    if (raw.audio !== undefined || raw.episode !== undefined) {
      report(
        raw.audio === undefined ? 'episode' : 'audio',
        'missing-audio-url',
        raw.audio === undefined ? 'this episode has a number but no audio' : 'the audio has no `url`',
        'add `url:` under `audio:` (or set `build.audioUrl` in the settings); without a number or audio, a file is a news post',
      );
    }
    return undefined;
  }
  if (!isUrlOrSitePath(url)) {
    report(
      raw.audio?.url === undefined ? 'episode' : 'audio.url',
      'invalid-url',
      `the audio URL \`${url}\` is neither an absolute http(s) URL nor a path on the site starting with \`/\``,
      'e.g. `https://media.example.com/ep1.mp3`, or `/media/ep1.mp3` for a file of the public or media folder',
    );
    return undefined;
  }
  const type = raw.audio?.type ?? mediaTypeOf(url);
  // A type guessed from the URL is reported where the URL was written (or made, by the template).
  const typeKey = raw.audio?.type !== undefined ? 'audio.type' : raw.audio?.url !== undefined ? 'audio.url' : 'episode';
  if (type !== undefined && !checkMediaType(type, typeKey, report)) return undefined;
  if (type === undefined) {
    report(typeKey, 'unknown-media-type', `cannot tell the media type of \`${url}\` from its extension`, 'add `type:` under `audio:`, e.g. `audio/mpeg`');
    return undefined;
  }
  let duration: number | undefined;
  if (raw.audio?.duration !== undefined) {
    duration = parseDuration(raw.audio.duration);
    if (duration === undefined) {
      report('audio.duration', 'invalid-duration', `\`${raw.audio.duration}\` is not a duration`, 'write seconds (`3723`) or `H:MM:SS` (`1:02:03`)');
    }
  }
  // A missing length is reported once the audio's own facts are known (audio-facts.ts): a local file, or its host, can tell it.
  return { url, length: raw.audio?.length, type, duration };
}

/** False when the type is no media type at all; a type Apple does not take is only reported. */
function checkMediaType(type: string, key: string, report: Report): boolean {
  const meant = Object.hasOwn(MISTAKEN_MEDIA_TYPES, type.toLowerCase()) ? MISTAKEN_MEDIA_TYPES[type.toLowerCase()] : undefined;
  if (meant !== undefined || !/^(audio|video|application|text|image)\/[a-z0-9.+-]+$/i.test(type)) {
    report(key, 'invalid-media-type', `\`${type}\` is not a registered media type`, meant ? `write \`${meant}\`` : 'e.g. `audio/mpeg` for MP3, `audio/x-m4a` for M4A');
    return false;
  }
  if (!APPLE_MEDIA_TYPES.includes(type.toLowerCase())) {
    report(key, 'media-type-not-apple', `Apple Podcasts does not accept \`${type}\` enclosures`, `Apple accepts ${APPLE_MEDIA_TYPES.join(', ')}`);
  }
  return true;
}

function expandAudioTemplate(
  template: string,
  values: Record<'episode' | 'season' | 'slug', string | number | undefined>,
): { url: string } | { missing: string } {
  let missing: string | undefined;
  const url = template.replace(/\{(episode|season|slug)\}/g, (_, name: keyof typeof values) => {
    const value = values[name];
    if (value === undefined) missing ??= name;
    return String(value ?? '');
  });
  return missing === undefined ? { url } : { missing };
}

function youtubeId(value: string): string | undefined {
  const text = value.trim();
  if (/^[\w-]{11}$/.test(text)) return text;
  try {
    const url = new URL(text);
    const host = url.hostname.replace(/^www\.|^m\./, '');
    const id =
      host === 'youtu.be'
        ? url.pathname.slice(1)
        : host === 'youtube.com' || host === 'youtube-nocookie.com'
          ? (url.searchParams.get('v') ?? /^\/(?:embed|shorts|live)\/([\w-]+)/.exec(url.pathname)?.[1])
          : undefined;
    return id !== undefined && /^[\w-]{11}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
