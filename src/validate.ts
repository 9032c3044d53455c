import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import type { RuleId } from './rules.js';
import { compareText } from './text.js';
import type { Settings } from './config.js';
import type { EpisodeSource } from './episode.js';

/**
 * Checks that need the whole archive: what is unique per file is checked when the file is parsed,
 * and GUIDs when the ledger gives each episode its own (src/ledger.ts).
 * Runs on published entries only, so a draft does not clash with the episode it will replace.
 */
export function validateArchive(entries: readonly EpisodeSource[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Oldest first, so the later file is the one reported: it is usually the one with the mistake.
  const oldestFirst = oldestFirstOf(entries);
  const report = (entry: EpisodeSource, fields: readonly string[], rule: RuleId, message: string, hint: string) => {
    // The first field that was written: an audio URL made from a template has no position of its own.
    let position: Position | undefined;
    for (const field of fields) if ((position = entry.positions.get(field)) !== undefined) break;
    diagnostics.push(diagnostic(entry.file, position ?? { line: 1, column: 1 }, rule, message, hint));
  };

  /** Reports each entry whose key an older entry has already; gives the first entry of each key. */
  const repeats = <K>(keyOf: (entry: EpisodeSource) => K | undefined, repeated: (entry: EpisodeSource, first: EpisodeSource) => void): Map<K, EpisodeSource> => {
    const firsts = new Map<K, EpisodeSource>();
    for (const entry of oldestFirst) {
      const key = keyOf(entry);
      if (key === undefined) continue;
      const first = firsts.get(key);
      if (first === undefined) firsts.set(key, entry);
      else repeated(entry, first);
    }
    return firsts;
  };

  const firstWithUrl = repeats(
    (entry) => entry.audio?.url,
    (entry, first) => report(entry, ['audio.url', 'episode'], 'duplicate-audio-url', `the audio URL \`${entry.audio!.url}\` is also used by ${first.file}`, 'Apple Podcasts ignores an episode whose audio URL another episode already has'),
  );
  repeats(
    // A season is a number or none: the two make one key only for numbered full episodes.
    (entry) => (entry.number === undefined || entry.episodeType !== 'full' ? undefined : `${entry.season ?? ''}/${entry.number}`),
    (entry, first) => report(entry, ['episode'], 'duplicate-episode-number', `episode number ${entry.number}${first.season === undefined ? '' : ` of season ${first.season}`} is also the number of ${first.file}`, 'check the `episode:` number'),
  );
  repeats(
    // Only one entry per audio URL: the same file twice is duplicate-audio-url.
    (entry) => (entry.audio?.length === undefined || firstWithUrl.get(entry.audio.url) !== entry ? undefined : entry.audio.length),
    (entry, first) => report(entry, ['audio.length', 'audio', 'episode'], 'duplicate-audio-length', `the audio length ${entry.audio!.length} is also the length of ${first.file}, a different audio file`, 'a length copied from another episode makes apps cut or reject the download; use the real size of the file'),
  );
  diagnostics.push(...numberingGaps(oldestFirst));
  return diagnostics;
}

/** By date, then file: each date read once, not at each of the sort's comparisons. */
function oldestFirstOf(entries: readonly EpisodeSource[]): EpisodeSource[] {
  const times = new Float64Array(entries.length);
  const order: number[] = new Array(entries.length);
  for (let index = 0; index < entries.length; index++) {
    times[index] = entries[index]!.date.getTime();
    order[index] = index;
  }
  order.sort((a, b) => times[a]! - times[b]! || compareText(entries[a]!.file, entries[b]!.file));
  const sorted: EpisodeSource[] = new Array(entries.length);
  for (let index = 0; index < order.length; index++) sorted[index] = entries[order[index]!]!;
  return sorted;
}

/** Checks of one entry on its own; a rebuild runs them only for the files that changed. */
export function validateEntry(entry: EpisodeSource, limits: Settings['limits']): Diagnostic[] {
  return [...titleNumberMismatches([entry]), ...budgets([entry], limits)];
}

const at = (entry: EpisodeSource, field: string) => entry.positions.get(field) ?? { line: 1, column: 1 };

/** "Episode 12", "Épisode 12", "Ep. 12", "LCC 220", "#12" at the start of a title or after a dash. */
const NUMBER_IN_TITLE = /(?:^|[\s([-])(?:episode|épisode|ep\.?|lcc|#)\s*(\d+)\b/iu;

function titleNumberMismatches(entries: readonly EpisodeSource[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const entry of entries) {
    const inTitle = NUMBER_IN_TITLE.exec(entry.title)?.[1];
    if (entry.number === undefined || inTitle === undefined || Number(inTitle) === entry.number) continue;
    found.push(
      diagnostic(entry.file, at(entry, 'episode'), 'title-number-mismatch', `the title says ${inTitle} but \`episode\` is ${entry.number}`, 'one of the two numbers is wrong'),
    );
  }
  return found;
}

/** A missing number in a season usually means a file was lost or misnumbered. */
function numberingGaps(entries: readonly EpisodeSource[]): Diagnostic[] {
  const bySeason = new Map<number | undefined, EpisodeSource[]>();
  for (const entry of entries) {
    if (entry.number === undefined || entry.episodeType !== 'full') continue;
    const season = bySeason.get(entry.season);
    if (season === undefined) bySeason.set(entry.season, [entry]);
    else season.push(entry);
  }
  const found: Diagnostic[] = [];
  for (const [season, numbered] of bySeason) {
    const sorted = [...numbered].sort((a, b) => a.number! - b.number!);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!.number!;
      const current = sorted[i]!;
      if (current.number! <= previous + 1) continue;
      const missing = current.number! - previous === 2 ? `${previous + 1} is` : `${previous + 1} to ${current.number! - 1} are`;
      const where = season === undefined ? '' : ` of season ${season}`;
      found.push(diagnostic(current.file, at(current, 'episode'), 'episode-number-gap', `episode ${current.number}${where} follows episode ${previous}: ${missing} missing`));
    }
  }
  return found;
}

const APPLE_DESCRIPTION_BYTES = 4000;

function budgets(entries: readonly EpisodeSource[], limits: Settings['limits']): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const entry of entries) {
    // News posts are not in the feed, so Apple's limit does not concern them.
    const bytes = entry.description === undefined || entry.kind === 'post' ? 0 : Buffer.byteLength(entry.description);
    if (bytes > APPLE_DESCRIPTION_BYTES) {
      found.push(diagnostic(entry.file, at(entry, 'description'), 'description-too-long', `the description is ${bytes} bytes; Apple shows at most ${APPLE_DESCRIPTION_BYTES}`, 'shorten it; the notes carry the details'));
    }
    const characters = entry.socialPost === undefined ? 0 : Array.from(entry.socialPost).length;
    if (characters > limits.socialPost) {
      found.push(diagnostic(entry.file, at(entry, 'socialPost'), 'social-post-too-long', `the social-media post is ${characters} characters, over the limit of ${limits.socialPost}`, 'shorten it, or raise `limits.socialPost` in the settings'));
    }
  }
  return found;
}
