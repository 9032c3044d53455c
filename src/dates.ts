/**
 * Dates without a library: Intl knows every IANA zone, which is all the feed and pages need.
 * Formatters are cached because creating one costs far more than using it.
 */
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

/**
 * Wall times already worked out, by zone and instant: each entry's date is shown on its page, in
 * lists, the feed and the sitemap, and formatToParts was a tenth of a build with nothing to render.
 */
const wallTimes = new Map<string, Readonly<WallTime>>();
const WALL_TIMES_KEPT = 100_000;

/** The calendar date and clock time that `instant` shows in `timeZone`. */
export function wallTime(instant: Date, timeZone: string): Readonly<WallTime> {
  const key = `${timeZone} ${instant.getTime()}`;
  let known = wallTimes.get(key);
  if (known === undefined) {
    if (wallTimes.size >= WALL_TIMES_KEPT) wallTimes.clear();
    known = Object.freeze(computeWallTime(instant, timeZone));
    wallTimes.set(key, known);
  }
  return known;
}

/**
 * A wall time worked out by an earlier build and kept with its entry (src/parse-store.ts), given
 * back by `wallTime` from now on: pages, lists and the feed show the dates of many entries.
 */
export function rememberWallTime(instant: Date, timeZone: string, known: Readonly<WallTime>): void {
  if (wallTimes.size >= WALL_TIMES_KEPT) return;
  wallTimes.set(`${timeZone} ${instant.getTime()}`, Object.isFrozen(known) ? known : Object.freeze(known));
}

const numbersFormatters = new Map<string, Intl.DateTimeFormat>();

/** `MM/DD/YYYY, HH:MM:SS`: the same fields as partsFormatter's, in one string rather than an array of parts. */
function numbersFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = numbersFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    numbersFormatters.set(timeZone, formatter);
  }
  return formatter;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DIGIT_RUNS = /\d+/g;

/**
 * The wall time of `instant`. `format` is three times as fast as `formatToParts` (whose array of
 * parts each entry's date paid for, thousands of times a build): its six numbers are read in
 * order, and the weekday is that of the calendar date. Anything unexpected (another ICU's
 * pattern, a year before 1000, where eras come in) goes the slow way.
 */
function computeWallTime(instant: Date, timeZone: string): WallTime {
  const numbers = numbersFormatter(timeZone).format(instant).match(DIGIT_RUNS);
  if (numbers?.length === 6) {
    const [month, day, year, hour, minute, second] = numbers.map(Number) as [number, number, number, number, number, number];
    if (year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59) {
      return { year, month, day, hour, minute, second, weekday: WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]! };
    }
  }
  return wallTimeFromParts(instant, timeZone);
}

export function wallTimeFromParts(instant: Date, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday!,
  };
}

/** Minutes east of UTC in `timeZone` at `instant`. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const t = wallTime(instant, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant at which the clocks of `timeZone` show the given wall time. */
export function instantOf(time: Omit<WallTime, 'weekday'>, timeZone: string): Date {
  const asUtc = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  const firstGuess = asUtc - offsetMinutes(new Date(asUtc), timeZone) * 60_000;
  // A second pass corrects the guess when a DST change lies between the two instants.
  const corrected = asUtc - offsetMinutes(new Date(firstGuess), timeZone) * 60_000;
  return new Date(corrected);
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export type ParsedDate = { instant: Date; hasTime: boolean } | { error: string };

const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * `2024-03-05`, `2024-03-05 08:30`, `2024-03-05T08:30:00+02:00`, Jekyll's `2024-03-05 08:30:00 +0200`.
 * Without an offset the wall time is read in the show's time zone.
 */
export function parseDate(text: string, timeZone: string): ParsedDate {
  const match = DATE_PATTERN.exec(text.trim());
  if (match === null) return { error: `\`${text}\` is not a date` };
  const [, y, mo, d, h, mi, s, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (!isRealDate(year, month, day)) return { error: `\`${text}\` is not a real calendar date` };
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return { error: `\`${text}\` is not a valid time of day` };
  const hasTime = h !== undefined;
  if (zone === undefined) return { instant: instantOf({ year, month, day, hour, minute, second }, timeZone), hasTime };
  const offset = zone === 'Z' ? 0 : zoneOffsetMinutes(zone);
  return { instant: new Date(Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000), hasTime };
}

function zoneOffsetMinutes(zone: string): number {
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** RFC 2822, as RSS `pubDate` requires: `Wed, 30 Jun 2021 08:00:00 +0200`, in the show's zone. */
export function rfc2822(instant: Date, timeZone: string): string {
  const t = wallTime(instant, timeZone);
  const offset = formatOffset(offsetMinutes(instant, timeZone), '');
  return `${t.weekday}, ${pad(t.day)} ${MONTHS[t.month - 1]} ${t.year} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${offset}`;
}

/** `+0200` or `+02:00`. */
function formatOffset(minutes: number, separator: '' | ':'): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${separator}${pad(abs % 60)}`;
}

/** ISO 8601 with the show's offset, for `<time datetime>` and JSON. */
export function isoDate(instant: Date, timeZone: string): string {
  return remembered(isoTexts, timeZone, instant.getTime(), () => formatIso(instant, timeZone));
}

function formatIso(instant: Date, timeZone: string): string {
  const t = wallTime(instant, timeZone);
  const offset = formatOffset(offsetMinutes(instant, timeZone), ':');
  return `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${offset}`;
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/** A date as readers of the show's language write it, e.g. `12 avril 2009`. */
export function displayDate(instant: Date, language: string, timeZone: string): string {
  const key = `${language}\u0000${timeZone}`;
  let formatter = displayFormatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat(safeLocale(language), { dateStyle: 'long', timeZone });
    displayFormatters.set(key, formatter);
  }
  return remembered(displayTexts, key, instant.getTime(), () => formatter.format(instant));
}

/**
 * Formatting dates through Intl is slow next to everything else a page does, and an archive page
 * formats every date of the show on each rebuild: the results are kept.
 */
const isoTexts = new Map<string, Map<number, string>>();
const displayTexts = new Map<string, Map<number, string>>();
let formattedCount = 0;
/** By zone (and language), then by instant: a number as the key, not a string made and hashed for each date. */
function remembered(texts: Map<string, Map<number, string>>, zone: string, time: number, make: () => string): string {
  let byTime = texts.get(zone);
  if (byTime === undefined) texts.set(zone, (byTime = new Map()));
  let text = byTime.get(time);
  if (text === undefined) {
    if (formattedCount > 100_000) {
      for (const kept of [isoTexts, displayTexts]) for (const times of kept.values()) times.clear();
      formattedCount = 0;
    }
    text = make();
    byTime.set(time, text);
    formattedCount++;
  }
  return text;
}

export function safeLocale(language: string): string {
  try {
    return Intl.getCanonicalLocales(language)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** `3723` → `1:02:03`; `754` → `12:34`. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Seconds from `3723`, `"3723"`, `"1:02:03"` or `"62:03"`; undefined when it is none of these. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text));
  const match = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const [, h, m, s] = match;
  if (Number(s) > 59 || (h !== undefined && Number(m) > 59)) return undefined;
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s);
}
