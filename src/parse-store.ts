import { deserialize, serialize } from 'node:v8';
import type { Diagnostic } from './diagnostics.js';
import { EntryStoreWriter, readEntryStore, type EntryPlace } from './v8-store.js';
import { withBody } from './notes-spill.js';
import type { ParsedEntry } from './entry.js';
import type { WallTime } from './dates.js';
import type { EntryAddress, EpisodeSource } from './episode.js';
import type { SourceFile } from './load.js';
import { textFrom, textLengthOf } from './known-files.js';
import { runtimeVersion } from './runtime-version.js';
import { isPackedPositions, PackedPositions, packPositions, type PackedPositionsData } from './packed-positions.js';

/** Bumped whenever what parsing makes of the same file changes without the package version changing. */
export const PARSE_STORE_FORMAT = 5;

const FILE_NAME = 'parsed.v8';

/** An entry as kept: the body is not kept twice, it is the end of the file's text. */
interface KeptEntry {
  /** Its positions packed (read when first asked for), or as a Map when they cannot be. */
  episode: (Omit<EpisodeSource, 'markdown' | 'positions'> & { positions: EpisodeSource['positions'] | PackedPositionsData }) | undefined;
  /** Where the body starts in the file's text. */
  markdownFrom: number;
  diagnostics: Diagnostic[];
}

export interface ParseStoreOptions {
  /** The cache folder (`.podsite-cache/`). */
  folder: string;
  /** Everything besides the file that could change what parsing makes of it: settings, options. */
  key: string;
  podsiteVersion: string;
  /** The hash of a file's text, shared with the notes store so that each file is hashed once. */
  hashOf: (file: SourceFile) => string;
  displayFolder: string;
}

/**
 * Episodes as parsed from their files (front matter read and checked, body found), kept between
 * runs of `podsite build`, so that an unchanged file is not parsed again. Dates and maps survive
 * as they are in V8's own serialization. Only a shortcut: a file that cannot be read, or an entry
 * that is not what this code writes, is ignored and the file parsed again.
 */
export class ParseStore {
  /** By file path and hash of its text: one parsed entry each, serialized on its own. */
  private readonly used: EntryStoreWriter;
  private changed = false;

  private constructor(
    private readonly options: ParseStoreOptions,
    private readonly known: Map<string, EntryPlace>,
  ) {
    this.used = new EntryStoreWriter(options.folder);
  }

  static open(options: ParseStoreOptions): { store: ParseStore; diagnostics: Diagnostic[] } {
    const read = readEntryStore(options, { fileName: FILE_NAME, format: PARSE_STORE_FORMAT, without: 'its episodes are parsed again' });
    // Other settings or options: every entry is stale, which is no problem.
    return { store: new ParseStore(options, read.stored?.key === storedKey(options) ? read.stored.places : new Map()), diagnostics: read.diagnostics };
  }

  /** What parsing made of exactly this file (name and text) under the same settings. */
  get(file: SourceFile): ParsedEntry | undefined {
    const id = this.idOf(file);
    const place = this.known.get(id);
    if (place === undefined) return undefined;
    let kept: KeptEntry;
    try {
      kept = deserialize(place.source.readView(place)) as KeptEntry;
    } catch {
      return undefined;
    }
    if (!isKeptEntry(kept, textLengthOf(file))) return undefined;
    this.used.keepEarlier(id, place);
    if (kept.episode !== undefined && !(kept.episode.positions instanceof Map)) kept.episode.positions = new PackedPositions(kept.episode.positions);
    // A slice shares the file's text rather than copying it. Behind the body's getter from the
    // start, as a fresh parse has it: a build that spills the body later then keeps the episode's
    // fast properties, where turning a data property into a getter makes a dictionary.
    const episode = kept.episode === undefined ? undefined : (withBody(kept.episode, textFrom(file, kept.markdownFrom)) as EpisodeSource);
    return { episode, diagnostics: kept.diagnostics };
  }

  /** Records what parsing made of a file of this build; files not recorded are dropped on save. */
  keep(file: SourceFile, parsed: ParsedEntry): void {
    const id = this.idOf(file);
    if (this.used.has(id)) return;
    const markdown = parsed.episode?.markdown ?? '';
    // The body is the end of the text as written; anything else is simply not kept.
    if (!file.text.endsWith(markdown)) return;
    const episode = parsed.episode === undefined ? undefined : withoutBody(parsed.episode);
    const kept: KeptEntry = { episode, markdownFrom: file.text.length - markdown.length, diagnostics: parsed.diagnostics };
    this.used.keepNew(id, serialize(kept));
    this.changed = true;
  }

  /** Writes the entries of this build through a temporary file renamed into place, when any changed. */
  async save(): Promise<void> {
    if (!this.changed && this.used.size === this.known.size) return;
    await this.used.save(FILE_NAME, { format: PARSE_STORE_FORMAT, podsiteVersion: this.options.podsiteVersion, key: storedKey(this.options) });
  }

  private idOf(file: SourceFile): string {
    return `${file.file}\0${this.options.hashOf(file)}`;
  }
}

/** The key of the settings, and of the runtime: an entry keeps its date's wall time (its address), which new rules for a zone (Node comes with them) may change. */
export const storedKey = (options: Pick<ParseStoreOptions, 'key'>) => `${options.key}\0${runtimeVersion()}`;

function withoutBody({ markdown: _body, ...episode }: EpisodeSource): NonNullable<KeptEntry['episode']> {
  return { ...episode, positions: packPositions(episode.positions) ?? episode.positions };
}

function isKeptEntry(value: unknown, textLength: number): value is KeptEntry {
  if (typeof value !== 'object' || value === null) return false;
  const kept = value as Partial<KeptEntry>;
  if (!Array.isArray(kept.diagnostics) || typeof kept.markdownFrom !== 'number' || kept.markdownFrom < 0 || kept.markdownFrom > textLength) return false;
  if (kept.episode === undefined) return true;
  const episode = kept.episode as Partial<EpisodeSource>;
  return typeof episode.title === 'string' && episode.date instanceof Date && (episode.positions instanceof Map || isPackedPositions(episode.positions)) && typeof episode.version === 'string' && typeof episode.file === 'string' && (episode.address === undefined || isAddress(episode.address));
}

function isAddress(value: unknown): value is EntryAddress {
  if (typeof value !== 'object' || value === null) return false;
  const { path, url, outputFile, addressKey, year, timeZone, wall } = value as Partial<EntryAddress>;
  return typeof path === 'string' && typeof url === 'string' && typeof outputFile === 'string' && typeof addressKey === 'string' && typeof year === 'number' && typeof timeZone === 'string' && isWallTime(wall);
}

function isWallTime(value: unknown): value is WallTime {
  if (typeof value !== 'object' || value === null) return false;
  const { year, month, day, hour, minute, second, weekday } = value as Partial<WallTime>;
  // No array made to check the numbers: this runs for each of thousands of entries.
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) && Number.isInteger(hour) && Number.isInteger(minute) && Number.isInteger(second) && typeof weekday === 'string';
}
