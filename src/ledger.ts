import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import type { Episode } from './site.js';

/**
 * The GUID ledger (`podsite.lock`): for every published episode, the GUID it was first published
 * with. Apps know an episode by its GUID, so once recorded it never changes, whatever happens to
 * the slug, the permalink or the audio URL; the build keeps the file and it is committed.
 */
export interface Ledger {
  podcastGuid: string | undefined;
  episodes: LedgerRecord[];
}

export interface LedgerRecord {
  guid: string;
  /** The episode file, relative to the project folder (where the settings file is), with forward slashes. */
  file: string;
  season?: number;
  episode?: number;
  /** When the episode was first published (ISO 8601); absent in a ledger written by hand to import GUIDs. */
  published?: string;
}

export const LEDGER_ABOUT =
  "podsite's GUID ledger: the GUID each episode was first published with. Commit it; `podsite build` keeps it up to date. See docs/feed.md.";

/** One record a line, oldest first, so that a new episode is one added line in a diff. */
export function formatLedger(ledger: Ledger): string {
  return `${ledgerHead(ledger)}${ledger.episodes.map(recordLine).join(RECORD_SEPARATOR)}${ledgerTail(ledger)}`;
}

/**
 * Whether `text` is what formatLedger makes of `ledger`, compared a record at a time: a build
 * that changes no record need not make the whole text again to find it the same.
 */
export function isFormatted(text: string, ledger: Ledger): boolean {
  const head = ledgerHead(ledger);
  if (!text.startsWith(head)) return false;
  let at = head.length;
  const { episodes } = ledger;
  for (let index = 0; index < episodes.length; index++) {
    if (index > 0) {
      if (!text.startsWith(RECORD_SEPARATOR, at)) return false;
      at += RECORD_SEPARATOR.length;
    }
    const line = recordLine(episodes[index]!);
    if (!text.startsWith(line, at)) return false;
    at += line.length;
  }
  const tail = ledgerTail(ledger);
  return text.length === at + tail.length && text.endsWith(tail);
}

const RECORD_SEPARATOR = ',\n';

const recordLine = (record: LedgerRecord) => `    ${JSON.stringify(record)}`;

/** The text before the first record. */
function ledgerHead(ledger: Ledger): string {
  const podcastGuid = ledger.podcastGuid === undefined ? '' : `  "podcastGuid": ${JSON.stringify(ledger.podcastGuid)},\n`;
  const episodes = ledger.episodes.length === 0 ? '  "episodes": []\n' : '  "episodes": [\n';
  return `{\n  "about": ${JSON.stringify(LEDGER_ABOUT)},\n  "version": 1,\n${podcastGuid}${episodes}`;
}

/** The text after the last record. */
const ledgerTail = (ledger: Ledger) => (ledger.episodes.length === 0 ? '}\n' : '\n  ]\n}\n');

export interface ParsedLedger {
  ledger: Ledger | undefined;
  /** The line of each record, for diagnostics about it. */
  lines: Map<LedgerRecord, number>;
  diagnostics: Diagnostic[];
}

/** Reads the ledger's text; `file` is how diagnostics name it. */
export function parseLedger(text: string, file: string): ParsedLedger {
  const invalid = (message: string, position: Position = { line: 1, column: 1 }): ParsedLedger => ({
    ledger: undefined,
    lines: new Map(),
    diagnostics: [
      diagnostic(file, position, 'invalid-ledger', message, 'podsite writes this file: take it back from version control, or delete it to start a new ledger (every episode then keeps the GUID it has now)'),
    ],
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const offset = /position (\d+)/.exec((error as Error).message)?.[1];
    return invalid(`the ledger is not valid JSON: ${(error as Error).message}`, offset === undefined ? strayLine(text) : positionAt(text, Number(offset)));
  }
  if (!isObject(data) || data.version !== 1 || !Array.isArray(data.episodes)) {
    return invalid('the ledger must be an object with `"version": 1` and an `"episodes"` list');
  }
  if (data.podcastGuid !== undefined && typeof data.podcastGuid !== 'string') return invalid('`podcastGuid` must be a text');
  const values: unknown[] = data.episodes;
  const episodes: LedgerRecord[] = new Array(values.length);
  for (let index = 0; index < values.length; index++) {
    const record = ledgerRecord(values[index]);
    if (record === undefined) {
      return invalid(`record ${index + 1} of the ledger needs a \`guid\` and a \`file\` (texts), and whole numbers for \`season\` and \`episode\``);
    }
    episodes[index] = record;
  }
  // Lines are asked for only by a diagnostic about a record: most builds never look the ledger's lines over.
  let lines: Map<LedgerRecord, number> | undefined;
  return {
    ledger: { podcastGuid: data.podcastGuid as string | undefined, episodes },
    get lines() {
      return (lines ??= recordLines(text, episodes));
    },
    diagnostics: [],
  };
}

function ledgerRecord(value: unknown): LedgerRecord | undefined {
  if (!isObject(value) || typeof value.guid !== 'string' || value.guid === '' || typeof value.file !== 'string') return undefined;
  const { season, episode, published } = value;
  if (!isWholeOrAbsent(season) || !isWholeOrAbsent(episode) || (published !== undefined && typeof published !== 'string')) return undefined;
  // Keys in this order, as formatLedger writes them back.
  const record: LedgerRecord = { guid: value.guid, file: value.file };
  if (season !== undefined) record.season = season;
  if (episode !== undefined) record.episode = episode;
  if (published !== undefined) record.published = published;
  return record;
}

const isWholeOrAbsent = (n: unknown): n is number | undefined => n === undefined || (typeof n === 'number' && Number.isInteger(n));

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function recordLines(text: string, records: readonly LedgerRecord[]): Map<LedgerRecord, number> {
  const byGuid = guidLines(text);
  const lines = new Map<LedgerRecord, number>();
  for (const record of records) {
    const line = byGuid.get(record.guid);
    if (line !== undefined) lines.set(record, line);
  }
  return lines;
}

function guidLines(text: string): Map<string, number> {
  const found = new Map<string, number>();
  text.split('\n').forEach((line, index) => {
    const match = /"guid"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(line);
    if (match === null) return;
    try {
      found.set(JSON.parse(match[1]!) as string, index + 1);
    } catch {
      // A malformed string is reported by the JSON parse of the whole file.
    }
  });
  return found;
}

/** Where JSON.parse gives no position: the first line that no JSON value can start, such as a merge's conflict marker. */
function strayLine(text: string): Position | undefined {
  const index = text.split('\n').findIndex((line) => line.trim() !== '' && !/^[\s]*[{}[\]"\d-]/.test(line));
  return index === -1 ? undefined : { line: index + 1, column: 1 };
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export interface PinOptions {
  /** The ledger as read, or undefined when there is none yet. */
  ledger: ParsedLedger | undefined;
  /** How diagnostics name the ledger file. */
  ledgerFile: string;
  /** The episode's file as the ledger names it (relative to the project folder). */
  fileOf: (episode: Episode) => string;
  /** Every episode file of the archive, as the ledger names them, whether it made it into the feed or not. */
  files: ReadonlySet<string>;
  /** Whether an episode is published for good: drafts and future episodes are not recorded. */
  isPublished: (episode: Episode) => boolean;
  /** `podcast:guid` computed from the feed URL; `configured`: from the settings, where it was written. */
  podcastGuid: { computed: string; configured?: { guid: string; file: string; position: Position } };
}

export interface PinnedGuids {
  /** The GUID of each feed episode. */
  guids: Map<Episode, string>;
  podcastGuid: string;
  /** The ledger after this build. */
  next: Ledger;
  /**
   * Whether the ledger after this build has exactly the records of the one read, in the same
   * order, and its podcast GUID: then it is written as `formatLedger` wrote that one.
   */
  keepsRecords: boolean;
  diagnostics: Diagnostic[];
}

/**
 * Gives each feed episode its GUID: the recorded one when the ledger knows the episode (by file,
 * then by its `guid:`, then by season and number, so that a renamed file keeps its GUID), else its
 * own `guid:` or its page URL, recorded from now on once it is published.
 */
export function pinGuids(episodes: readonly Episode[], options: PinOptions): PinnedGuids {
  // `episodes` is newest first, as the site orders them.
  const diagnostics: Diagnostic[] = [];
  const records = options.ledger?.ledger?.episodes ?? [];
  const claimed = new Map<LedgerRecord, Episode>();
  const recordOf = new Map<Episode, LedgerRecord>();
  const claim = (episode: Episode, record: LedgerRecord | undefined) => {
    if (record === undefined || claimed.has(record) || recordOf.has(episode)) return;
    claimed.set(record, episode);
    recordOf.set(episode, record);
  };
  const byFile = new Map<string, LedgerRecord>();
  const byGuid = new Map<string, LedgerRecord>();
  const byNumber = new Map<string, LedgerRecord>();
  for (const record of records) {
    byFile.set(record.file, record);
    byGuid.set(record.guid, record);
    if (record.episode !== undefined) byNumber.set(numberKey(record.season, record.episode), record);
  }
  for (const episode of episodes) claim(episode, byFile.get(options.fileOf(episode)));
  // Most episodes are found by file: the others' keys are not made for them.
  for (const episode of episodes) if (episode.guid !== undefined && !recordOf.has(episode)) claim(episode, byGuid.get(episode.guid));
  for (const episode of episodes) {
    if (episode.number !== undefined && episode.episodeType === 'full' && !recordOf.has(episode)) claim(episode, byNumber.get(numberKey(episode.season, episode.number)));
  }

  const guids = new Map<Episode, string>();
  const owner = new Map<string, Episode>();
  /** The episodes the next ledger records, with the date a recorded one was published. */
  const recorded: { guid: string; episode: Episode; published: string | undefined }[] = [];
  const unclaimed: LedgerRecord[] = [];
  // Oldest first: of two episodes with one GUID, the later one is reported, usually the copy.
  for (let index = episodes.length - 1; index >= 0; index--) {
    const episode = episodes[index]!;
    const record = recordOf.get(episode);
    if (record !== undefined && episode.guid !== undefined && episode.guid !== record.guid) {
      diagnostics.push(
        diagnostic(
          episode.file,
          guidPosition(episode),
          'guid-changed',
          `the guid \`${episode.guid}\` is not \`${record.guid}\`, the GUID ${options.ledgerFile} recorded when this episode was published: apps would take it for a new episode`,
          `write \`guid: ${record.guid}\`, or remove the \`guid:\` line: the recorded GUID is kept`,
        ),
      );
    }
    const guid = record?.guid ?? episode.guid ?? episode.url;
    const other = owner.get(guid) ?? recordedElsewhere(byGuid.get(guid), claimed, episode);
    if (other !== undefined) {
      const whose = typeof other === 'string' ? other : other.file;
      diagnostics.push(diagnostic(episode.file, guidPosition(episode), 'duplicate-guid', `the guid \`${guid}\` is also the guid of ${whose}`, 'podcast apps would show only one of them; give each episode its own guid'));
      continue;
    }
    owner.set(guid, episode);
    guids.set(episode, guid);
    if (record !== undefined || options.isPublished(episode)) recorded.push({ guid, episode, published: record?.published });
  }
  for (const record of records) {
    if (claimed.has(record)) continue;
    unclaimed.push(record);
    // A file that is still there but not in the feed (a draft now, or broken) has its own diagnostics, if any.
    if (options.files.has(record.file)) continue;
    const what = record.episode === undefined ? record.file : `episode ${record.episode}${record.season === undefined ? '' : ` of season ${record.season}`} (${record.file})`;
    diagnostics.push(
      diagnostic(
        options.ledgerFile,
        { line: options.ledger?.lines.get(record) ?? 1, column: 1 },
        'episode-removed',
        `${what} was published with the GUID \`${record.guid}\` and is no longer in the archive`,
        'if it was removed on purpose, delete its line from the ledger; if its file was renamed and renumbered, put `guid: ' + record.guid + '` in its front matter',
      ),
    );
  }

  const podcastGuid = pinPodcastGuid(options, diagnostics);
  // Made only when asked for: `podsite dev` never writes the ledger, and sorting thousands of records by localeCompare shows in its rebuilds.
  let next: Ledger | undefined;
  const nextLedger = (): Ledger => {
    const episodes: LedgerRecord[] = recorded.map(({ guid, episode, published }) => ({ guid, file: options.fileOf(episode), ...numbering(episode), published: published ?? episode.date.toISOString() }));
    episodes.push(...unclaimed);
    episodes.sort(byPublication);
    return { podcastGuid, episodes };
  };
  return {
    guids,
    podcastGuid,
    get next() {
      return (next ??= nextLedger());
    },
    get keepsRecords() {
      return keepsRecords(options, recorded, recordOf, unclaimed.length, podcastGuid);
    },
    diagnostics,
  };
}

/**
 * The order of the ledger's records: by publication, then by file. A collator compares as
 * `localeCompare` does (the same default locale and options) without looking one up at each call,
 * which made most of the time of sorting thousands of records.
 */
function byPublication(a: LedgerRecord, b: LedgerRecord): number {
  collator ??= new Intl.Collator();
  return collator.compare(a.published ?? '', b.published ?? '') || collator.compare(a.file, b.file);
}

let collator: Intl.Collator | undefined;

/**
 * Whether the next ledger would be the one read: each record it would make from an episode is
 * the episode's record as read (no new episode, no file renamed, no number changed, a date of
 * publication recorded), none is left out, and the records read are already in the order it
 * sorts them in, with no two that sort alike (the sort could then swap them).
 */
function keepsRecords(
  options: PinOptions,
  recorded: readonly { episode: Episode; published: string | undefined }[],
  recordOf: ReadonlyMap<Episode, LedgerRecord>,
  unclaimed: number,
  podcastGuid: string,
): boolean {
  const read = options.ledger?.ledger;
  if (read === undefined || read.podcastGuid !== podcastGuid || recorded.length + unclaimed !== read.episodes.length) return false;
  for (const { episode, published } of recorded) {
    const record = recordOf.get(episode);
    if (record === undefined || published === undefined || record.file !== options.fileOf(episode) || record.season !== episode.season || record.episode !== episode.number) return false;
  }
  const records = read.episodes;
  for (let index = 1; index < records.length; index++) if (byPublication(records[index - 1]!, records[index]!) >= 0) return false;
  return true;
}

/** Asked for only by a diagnostic: positions kept by the parse store are read when first asked for. */
const guidPosition = (episode: Episode) => episode.positions.get('guid') ?? { line: 1, column: 1 };

/** A record that another episode of the ledger holds, or that belongs to an episode no longer in the archive. */
function recordedElsewhere(record: LedgerRecord | undefined, claimed: ReadonlyMap<LedgerRecord, Episode>, episode: Episode): string | undefined {
  if (record === undefined || claimed.get(record) === episode) return undefined;
  return `${record.file}, in the ledger`;
}

function pinPodcastGuid(options: PinOptions, diagnostics: Diagnostic[]): string {
  const recorded = options.ledger?.ledger?.podcastGuid;
  const { configured, computed } = options.podcastGuid;
  if (recorded !== undefined && configured !== undefined && configured.guid !== recorded) {
    diagnostics.push(
      diagnostic(
        configured.file,
        configured.position,
        'guid-changed',
        `\`feed.guid\` is \`${configured.guid}\`, but the feed was published with the podcast:guid \`${recorded}\` (${options.ledgerFile})`,
        'remove `feed.guid`, or take the ledger back from version control if it is wrong',
      ),
    );
  }
  return recorded ?? configured?.guid ?? computed;
}

const numberKey = (season: number | undefined, episode: number) => `${season ?? ''}/${episode}`;

function numbering(episode: Episode): Pick<LedgerRecord, 'season' | 'episode'> {
  return {
    ...(episode.season !== undefined && { season: episode.season }),
    ...(episode.number !== undefined && { episode: episode.number }),
  };
}
