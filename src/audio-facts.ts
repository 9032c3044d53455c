import { APPLE_MEDIA_TYPES, MISTAKEN_MEDIA_TYPES } from './apple.js';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import type { Audio, EpisodeSource } from './episode.js';
import type { RuleId } from './rules.js';
import { isHttpUrl } from './urls.js';

/**
 * Facts about an episode's audio, learnt from the file itself (local audio) or from its host
 * (`--probe-audio`), checked against the front matter and put in its place. Pure: the loaders
 * (media-files.ts, probe.ts) find the facts, this decides what they mean.
 */

export interface AudioProblem {
  rule: RuleId;
  message: string;
  hint?: string;
}

/** What was learnt about one audio file. Unknown facts are undefined; problems say why. */
export interface AudioFinding {
  /** How messages name where the facts come from: `public/media/ep1.mp3`, or the URL. */
  source: string;
  from: 'file' | 'host';
  /** Bytes. */
  size: number | undefined;
  type: string | undefined;
  /** Seconds, as exact as the file allows. */
  duration: number | undefined;
  problems: AudioProblem[];
}

/** Audio written as a path on the site (`/media/ep1.mp3`) is a file of the project, not of a host. */
export function isLocalAudio(url: string): boolean {
  let local = localUrls.get(url);
  if (local === undefined) {
    // Parsing every episode's URL again at each rebuild of podsite dev was a measurable part of it.
    if (localUrls.size > 100_000) localUrls.clear();
    localUrls.set(url, (local = !isHttpUrl(url)));
  }
  return local;
}

const localUrls = new Map<string, boolean>();

/** A duration in the front matter is written in whole seconds: closer than this to the file's, it agrees. */
const DURATION_TOLERANCE_SECONDS = 1;

/**
 * The episode with the facts in place of what its front matter says, and a warning for each value
 * that disagrees, at that value. Also reports audio that still has no length, wherever it came from.
 */
export function applyAudioFacts(episode: EpisodeSource, finding: AudioFinding | undefined): { episode: EpisodeSource; diagnostics: Diagnostic[] } {
  const { audio } = episode;
  // Nothing learnt and a length written: most of an archive at each build, given back as it is.
  if (audio === undefined || (finding === undefined && audio.length !== undefined)) return { episode, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const report = (key: string, rule: RuleId, message: string, hint?: string) => diagnostics.push(diagnostic(episode.file, positionOf(episode, key), rule, message, hint));
  // Only an episode with facts or a problem needs them: the others, most of an archive, are passed over at each rebuild.
  let found: FieldKeys | undefined;
  const keys = (): FieldKeys => (found ??= fieldKeys(episode));

  let measured: Audio = audio;
  if (finding !== undefined) {
    for (const problem of finding.problems) report(keys().url, problem.rule, problem.message, problem.hint);
    measured = measuredAudio(audio, finding, keys(), report);
  }
  if (measured.length === undefined) {
    const hint = isLocalAudio(audio.url)
      ? 'put the file where the URL points (in the public or media folder), or add `length:` under `audio:`'
      : 'add `length:` under `audio:`, or build with `--probe-audio` to ask its host; Apple and Spotify need the size of the file';
    report(keys().length, 'missing-audio-length', `the audio file \`${audio.url}\` has no length in bytes`, hint);
  }
  if (measured === audio) return { episode, diagnostics };
  // Pages and feed items made from the episode are made again when its facts change, as when its text does.
  const version = `${episode.version}~${measured.length ?? ''}:${measured.type}:${measured.duration ?? ''}`;
  // Every property copied as it is, the body's getter too: a spread would read the body, from its
  // file for one known unchanged since the last build (src/known-files.ts).
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(episode)) as EpisodeSource;
  copy.audio = measured;
  copy.version = version;
  return { episode: copy, diagnostics };
}

type Report = (key: string, rule: RuleId, message: string, hint?: string) => void;

function measuredAudio(audio: Audio, finding: AudioFinding, keys: FieldKeys, report: Report): Audio {
  const { source } = finding;
  const fromFile = finding.from === 'file';
  const fix = (field: string) => (fromFile ? `remove \`${field}:\` (podsite reads it from the file) or correct it` : `correct \`${field}:\`, or the file on the host`);
  let { length, type, duration } = audio;

  if (finding.size !== undefined) {
    if (length !== undefined && length !== finding.size) {
      const said = fromFile ? `the file ${source} has ${finding.size} bytes` : `its host says ${finding.size} bytes`;
      report(keys.length, 'audio-facts-mismatch', `\`audio.length\` is ${length} bytes but ${said}; the feed uses ${finding.size}`, fix('length'));
    }
    length = finding.size;
  }

  if (finding.duration !== undefined) {
    const seconds = Math.max(1, Math.round(finding.duration));
    if (duration !== undefined && Math.abs(duration - finding.duration) > DURATION_TOLERANCE_SECONDS) {
      report(
        keys.duration,
        'audio-facts-mismatch',
        `\`audio.duration\` is ${clock(duration)} but ${fromFile ? `the file ${source}` : 'the audio'} lasts ${clock(seconds)}; the feed uses ${seconds} seconds`,
        fix('duration'),
      );
    }
    duration = seconds;
  }

  if (finding.type !== undefined && canonicalType(finding.type) !== canonicalType(type)) {
    const written = keys.typeWritten ? `\`audio.type\` is ${type}` : `the extension of \`${audio.url}\` says ${type}`;
    const actual = fromFile ? `the file ${source} is ${finding.type}` : `the audio is ${finding.type}`;
    report(keys.type, 'audio-facts-mismatch', `${written} but ${actual}; the feed uses ${finding.type}`, keys.typeWritten ? fix('type') : 'give the file the extension of its format');
    if (!APPLE_MEDIA_TYPES.includes(finding.type)) {
      report(keys.type, 'media-type-not-apple', `Apple Podcasts does not accept \`${finding.type}\` enclosures`, `Apple accepts ${APPLE_MEDIA_TYPES.join(', ')}`);
    }
    type = finding.type;
  }

  if (length === audio.length && type === audio.type && duration === audio.duration) return audio;
  return { ...audio, length, type, duration };
}

/** `audio/mp3` and `audio/mpeg` name one format, as do `audio/mp4` and `audio/x-m4a`. */
function canonicalType(type: string): string {
  const lower = type.toLowerCase();
  const meant = Object.hasOwn(MISTAKEN_MEDIA_TYPES, lower) ? MISTAKEN_MEDIA_TYPES[lower]! : lower;
  return meant === 'audio/mp4' ? 'audio/x-m4a' : meant;
}

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

interface FieldKeys {
  url: string;
  length: string;
  duration: string;
  type: string;
  typeWritten: boolean;
}

/** Where each audio value was written; a URL made by `build.audioUrl` stands at `episode:`. */
function fieldKeys(episode: EpisodeSource): FieldKeys {
  const { positions } = episode;
  const written = (key: string) => positions.has(key);
  const hasAudioBlock = written('audio') || [...positions.keys()].some((key) => key.startsWith('audio.'));
  const url = written('audio.url') ? 'audio.url' : 'episode';
  return {
    url,
    length: written('audio.length') ? 'audio.length' : hasAudioBlock ? 'audio' : 'episode',
    duration: written('audio.duration') ? 'audio.duration' : url,
    type: written('audio.type') ? 'audio.type' : url,
    typeWritten: written('audio.type'),
  };
}

/** As parseEpisode places a key: the value, else the first value inside it, else the first line. */
function positionOf(episode: EpisodeSource, key: string): Position {
  const { positions } = episode;
  return positions.get(key) ?? [...positions].find(([path]) => path.startsWith(`${key}.`))?.[1] ?? { line: 1, column: 1 };
}
