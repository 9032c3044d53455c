import type { EpisodeType } from '../episode-schema.js';

/** An episode file of the archive, as far as the next one's name and number depend on it. */
export interface ArchiveEntry {
  /** Path relative to the episodes folder, with forward slashes. */
  name: string;
  date: Date;
  number: number | undefined;
  season: number | undefined;
}

/** How the archive names its files, read from its newest one. */
export interface NameConvention {
  /** Names start with `YYYY-MM-DD-`; otherwise the date goes in the front matter. */
  dated: boolean;
  /** Names carry the episode number after the date: `lcc-` in `lcc-340-…`, `` in `012-…`. */
  numberPrefix: string | undefined;
  /** Digits the number is padded to with zeros (`012`: 3); 0 for none. */
  numberWidth: number;
  /** Subfolder of the episodes folder, with a final slash, or ``; a folder named as a year follows the year. */
  folder: string;
  extension: string;
}

const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}-/;

/** A new archive's convention, and the sample's: `2024-03-05-first-episode.md`. */
export const DEFAULT_CONVENTION: NameConvention = { dated: true, numberPrefix: undefined, numberWidth: 0, folder: '', extension: '.md' };

const newestFirst = (a: ArchiveEntry, b: ArchiveEntry) => b.date.getTime() - a.date.getTime() || (b.name < a.name ? -1 : b.name > a.name ? 1 : 0);

/** The convention of the newest file: podcasters who changed theirs over the years mean the current one. */
export function nameConvention(entries: readonly ArchiveEntry[], year: number): NameConvention {
  const newest = [...entries].sort(newestFirst)[0];
  if (newest === undefined) return DEFAULT_CONVENTION;
  const slash = newest.name.lastIndexOf('/');
  const baseName = newest.name.slice(slash + 1);
  const extension = /\.[^.]+$/.exec(baseName)?.[0] ?? '.md';
  const folder = newest.name.slice(0, slash + 1).replace(/(^|\/)\d{4}\/$/, `$1${year}/`);
  const dated = DATE_PREFIX.test(baseName);
  // Trailers and bonus episodes often have no number: the numbering is read from the newest that has one.
  const newestNumbered = [...entries].filter((entry) => entry.number !== undefined).sort(newestFirst)[0];
  const stem = newestNumbered?.name.split('/').at(-1)!.replace(/\.[^.]+$/, '').replace(DATE_PREFIX, '');
  const numbered = stem === undefined ? null : /^(\D*?)(\d+)(?:-|$)/.exec(stem);
  if (numbered === null || Number(numbered[2]) !== newestNumbered!.number) return { dated, numberPrefix: undefined, numberWidth: 0, folder, extension };
  const digits = numbered[2]!;
  return { dated, numberPrefix: numbered[1]!, numberWidth: digits.startsWith('0') ? digits.length : 0, folder, extension };
}

/**
 * The season and number of the next full episode: the highest number in the season plus one. The
 * season is the one asked for, else that of the newest numbered episode, so that a show that
 * counts from 1 each season goes on in its current season.
 */
export function nextNumber(entries: readonly ArchiveEntry[], season: number | undefined): { season: number | undefined; number: number } {
  const chosenSeason = season ?? [...entries].filter((entry) => entry.number !== undefined).sort(newestFirst)[0]?.season;
  const numbers = entries.filter((entry) => entry.season === chosenSeason && entry.number !== undefined).map((entry) => entry.number!);
  return { season: chosenSeason, number: Math.max(0, ...numbers) + 1 };
}

/** The new file's path in the episodes folder, following the convention. */
export function episodeFileName(convention: NameConvention, entry: { date: string; number: number | undefined; slug: string }): string {
  const numberPart =
    convention.numberPrefix !== undefined && entry.number !== undefined ? `${convention.numberPrefix}${String(entry.number).padStart(convention.numberWidth, '0')}-` : '';
  return `${convention.folder}${convention.dated ? `${entry.date}-` : ''}${numberPart}${entry.slug}${convention.extension}`;
}

export interface Skeleton {
  title: string;
  /** `YYYY-MM-DD`, written when the file name does not carry it. */
  date: string | undefined;
  season: number | undefined;
  number: number | undefined;
  type: EpisodeType;
  draft: boolean;
  /** `build.audioUrl` makes the URL from the episode; only the facts of the file are left to write. */
  audioUrlFromSettings: boolean;
}

/** The front matter to fill in, and a line of notes; empty values are what is left to write. */
export function episodeSkeleton(skeleton: Skeleton): string {
  const lines = [
    '---',
    `title: ${JSON.stringify(skeleton.title)}`,
    ...(skeleton.date === undefined ? [] : [`date: ${skeleton.date}`]),
    ...(skeleton.season === undefined ? [] : [`season: ${skeleton.season}`]),
    ...(skeleton.number === undefined ? [] : [`episode: ${skeleton.number}`]),
    ...(skeleton.type === 'full' ? [] : [`type: ${skeleton.type}`]),
    ...(skeleton.draft ? ['draft: true'] : []),
    'audio:',
    ...(skeleton.audioUrlFromSettings
      ? ['  # The URL comes from build.audioUrl in the settings.']
      : ['  # A file of public/media/ as /media/<file>.mp3 (podsite measures it), or an https URL', '  url:']),
    '  # For audio on another host: its size in bytes and its duration ("H:MM:SS").',
    '  length:',
    '  duration:',
    '---',
    'The show notes, in Markdown.',
    '',
  ];
  return lines.join('\n');
}
