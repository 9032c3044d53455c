import { htmlToMarkdown, htmlToParagraphs, htmlToText } from './html-to-markdown.js';
import { childNamed, childrenNamed, childText, readXmlTree, type ImportNode } from './xml-tree.js';

/** A message about the feed being imported, at the line and column of the element concerned. */
export interface ImportNote {
  /** What the note is about when it is not the feed, such as the settings file. */
  file?: string;
  severity: 'error' | 'warning';
  line: number;
  column: number;
  message: string;
  hint?: string;
}

/** What the channel says of the show, in the terms of podsite's settings. */
export interface ImportedShow {
  title?: string;
  description?: string;
  language?: string;
  /** The channel's `<link>`: the old website, usually on the old host. */
  link?: string;
  author?: string;
  owner?: { name?: string; email?: string };
  artwork?: string;
  /** `Parent` or `Parent > Child`, as podsite writes them. */
  categories: string[];
  explicit?: boolean;
  type?: 'episodic' | 'serial';
  copyright?: string;
  locked?: boolean;
  podcastGuid?: string;
  funding: { url: string; text: string }[];
  /** The feed's own address (`atom:link rel="self"`). */
  selfUrl?: string;
  /** Set when the feed already announces that it moved. */
  newFeedUrl?: string;
}

export interface ImportedEpisode {
  title: string;
  /** The instant, and the offset from UTC (minutes) the feed wrote it with, so that the day in the file name is the host's day. */
  date: { instant: Date; offsetMinutes: number };
  guid: string;
  audio: { url: string; length?: number; type?: string; duration?: string | number };
  season?: number;
  episode?: number;
  type?: 'full' | 'trailer' | 'bonus';
  image?: string;
  explicit?: boolean;
  /** The feed's short summary, as plain text, when it has full notes beside it. */
  description?: string;
  /** The notes, in Markdown. */
  notes: string;
  line: number;
  column: number;
}

export interface ImportedFeed {
  show: ImportedShow;
  /** In the order of the feed. */
  episodes: ImportedEpisode[];
  notes: ImportNote[];
}

export type ReadFeedResult = { feed: ImportedFeed } | { error: ImportNote };

/** Reads an RSS podcast feed: the show's settings and one episode per item that has audio. */
export function readFeed(xml: string): ReadFeedResult {
  const tree = readXmlTree(xml.replace(/^\uFEFF/, ''));
  if ('error' in tree) {
    return { error: { severity: 'error', line: tree.line, column: tree.column, message: `not a feed: the XML is not well-formed (${tree.error})`, hint: 'is this the address of the feed itself, not of a web page?' } };
  }
  const channel = tree.root.name === 'rss' ? childNamed(tree.root, 'channel') : undefined;
  if (channel === undefined) {
    const what = tree.root.name === 'feed' ? 'an Atom feed' : tree.root.name === 'html' ? 'a web page' : `an XML document whose root is <${tree.root.name}>`;
    return { error: { severity: 'error', line: tree.root.line, column: tree.root.column, message: `not an RSS feed: this is ${what}, and podcast feeds are RSS 2.0 (<rss><channel>)`, hint: 'find the RSS feed of the show: the address podcast apps subscribe to' } };
  }
  const notes: ImportNote[] = [];
  const episodes: ImportedEpisode[] = [];
  const itemOfGuid = new Map<string, number>();
  for (const [index, item] of childrenNamed(channel, 'item').entries()) {
    const episode = readItem(item, index + 1, notes);
    if (episode === undefined) continue;
    const first = itemOfGuid.get(episode.guid);
    if (first !== undefined) {
      notes.push({ severity: 'warning', line: item.line, column: item.column, message: `item ${index + 1} (“${episode.title}”) has the GUID of item ${first}, \`${episode.guid}\``, hint: 'apps show only one of them, and podsite reports `duplicate-guid`: give the newer one a guid of its own before building' });
    } else {
      itemOfGuid.set(episode.guid, index + 1);
    }
    if (episode.audio.length === undefined) {
      notes.push({ severity: 'warning', line: item.line, column: item.column, message: `item ${index + 1} (“${episode.title}”) gives no size for its audio`, hint: '`podsite build --probe-audio` asks the audio host for it' });
    }
    episodes.push(episode);
  }
  const show = readShow(channel, notes);
  return { feed: { show, episodes, notes: notes.sort((a, b) => a.line - b.line || a.column - b.column) } };
}

function readShow(channel: ImportNode, notes: ImportNote[]): ImportedShow {
  const owner = childNamed(channel, 'itunes:owner');
  const ownerFields = owner === undefined ? undefined : definedOnly({ name: text(owner, 'itunes:name'), email: childText(owner, 'itunes:email') });
  const description = childText(channel, 'description') ?? childText(channel, 'itunes:summary');
  const locked = childText(channel, 'podcast:locked')?.toLowerCase();
  const newFeedUrl = childText(channel, 'itunes:new-feed-url');
  if (newFeedUrl !== undefined) {
    const at = childNamed(channel, 'itunes:new-feed-url')!;
    notes.push({ severity: 'warning', line: at.line, column: at.column, message: `this feed already says that the show moved to ${newFeedUrl}`, hint: 'import that feed instead, if it is the newer one' });
  }
  return definedOnly({
    title: text(channel, 'title'),
    description: description === undefined ? undefined : htmlToParagraphs(description),
    language: childText(channel, 'language'),
    link: childrenNamed(channel, 'link').map((link) => link.text.trim()).find((href) => href !== ''),
    author: text(channel, 'itunes:author'),
    owner: ownerFields !== undefined && Object.keys(ownerFields).length > 0 ? ownerFields : undefined,
    artwork: childNamed(channel, 'itunes:image')?.attributes.href?.trim() || childText(childNamed(channel, 'image') ?? channel, 'url'),
    categories: categories(channel),
    explicit: explicit(childText(channel, 'itunes:explicit')),
    type: oneOf(childText(channel, 'itunes:type')?.toLowerCase(), ['episodic', 'serial'] as const),
    copyright: text(channel, 'copyright'),
    locked: locked === 'yes' ? true : locked === 'no' ? false : undefined,
    podcastGuid: childText(channel, 'podcast:guid')?.toLowerCase(),
    funding: childrenNamed(channel, 'podcast:funding').flatMap((funding) => {
      const url = funding.attributes.url?.trim();
      return url ? [{ url, text: htmlToText(funding.text) || url }] : [];
    }),
    selfUrl: childrenNamed(channel, 'atom:link').find((link) => link.attributes.rel === 'self')?.attributes.href?.trim(),
    newFeedUrl,
  });
}

function categories(channel: ImportNode): string[] {
  return childrenNamed(channel, 'itunes:category').flatMap((category) => {
    const parent = category.attributes.text?.trim();
    if (!parent) return [];
    const subcategories = childrenNamed(category, 'itunes:category').map((child) => child.attributes.text?.trim()).filter((child): child is string => !!child);
    return subcategories.length === 0 ? [parent] : subcategories.map((child) => `${parent} > ${child}`);
  });
}

function readItem(item: ImportNode, position: number, notes: ImportNote[]): ImportedEpisode | undefined {
  const title = text(item, 'title') ?? text(item, 'itunes:title');
  const name = title === undefined ? `item ${position}` : `item ${position} (“${title}”)`;
  const skip = (message: string, hint?: string): undefined => {
    notes.push({ severity: 'warning', line: item.line, column: item.column, message: `${name} ${message}; it is not imported`, ...(hint && { hint }) });
    return undefined;
  };
  const enclosure = childNamed(item, 'enclosure');
  const url = enclosure?.attributes.url?.trim();
  if (!url) return skip('has no audio (no <enclosure url>)', 'podsite makes an episode of each item with audio; write the others as pages or posts');
  if (title === undefined) return skip('has no title');
  const guid = childText(item, 'guid');
  // Without a GUID, apps know the item by its audio URL: that is what keeps it the same episode for them.
  const pubDate = childText(item, 'pubDate');
  const date = pubDate === undefined ? undefined : parseRfc2822(pubDate);
  if (date === undefined) return skip(pubDate === undefined ? 'has no <pubDate>' : `has a <pubDate> that is not a date: \`${pubDate}\``);
  const length = wholeNumber(enclosure!.attributes.length);
  const duration = durationOf(childText(item, 'itunes:duration'));
  const content = childText(item, 'content:encoded');
  const summary = childText(item, 'description') ?? childText(item, 'itunes:summary');
  const html = content ?? summary ?? '';
  // Beside full notes, a description of its own is the short summary apps list; a copy of the notes is not.
  const description = content === undefined || summary === undefined ? undefined : htmlToParagraphs(summary);
  return definedOnly({
    title,
    date,
    guid: guid ?? url,
    audio: definedOnly({ url, length: length !== undefined && length > 0 ? length : undefined, type: enclosure!.attributes.type?.trim() || undefined, duration }),
    season: positive(childText(item, 'itunes:season')),
    episode: positive(childText(item, 'itunes:episode')),
    type: oneOf(childText(item, 'itunes:episodeType')?.toLowerCase(), ['full', 'trailer', 'bonus'] as const),
    image: childNamed(item, 'itunes:image')?.attributes.href?.trim() || undefined,
    explicit: explicit(childText(item, 'itunes:explicit')),
    description: description === undefined || description === '' || description === htmlToParagraphs(content!) ? undefined : description,
    notes: htmlToMarkdown(html),
    line: item.line,
    column: item.column,
  }) as ImportedEpisode;
}

const text = (element: ImportNode, name: string): string | undefined => {
  const raw = childText(element, name);
  const decoded = raw === undefined ? undefined : htmlToText(raw);
  return decoded === '' ? undefined : decoded;
};

function explicit(value: string | undefined): boolean | undefined {
  const normalized = value?.toLowerCase();
  if (normalized === 'yes' || normalized === 'true' || normalized === 'explicit') return true;
  if (normalized === 'no' || normalized === 'false' || normalized === 'clean') return false;
  return undefined;
}

function oneOf<T extends string>(value: string | undefined, values: readonly T[]): T | undefined {
  return values.find((candidate) => candidate === value);
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

function positive(value: string | undefined): number | undefined {
  const number = wholeNumber(value);
  return number !== undefined && number >= 1 ? number : undefined;
}

/** `3015` (seconds) stays a number; `50:13` and `1:02:03` stay as written; anything else is dropped. */
function durationOf(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value));
  return /^(?:\d+:)?\d{1,2}:\d{2}$/.test(value) ? value : undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

/** RFC 2822 dates as feeds write them (`Tue, 05 Mar 2024 08:30:00 +0100`, `… GMT`, `… EST`), with the day name optional. */
export function parseRfc2822(value: string): { instant: Date; offsetMinutes: number } | undefined {
  const match = /^(?:[a-z]{3,9},?\s+)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{2}:?\d{2}|[a-z]{1,3})?$/i.exec(value.trim());
  if (match === null) return undefined;
  const [, day, monthName, yearText, hour, minute, second, zone] = match;
  const month = MONTHS.indexOf(monthName!.toLowerCase());
  if (month === -1) return undefined;
  const year = yearText!.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  let offsetMinutes = 0;
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const digits = zone.replace(':', '');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  } else if (zone !== undefined) {
    const known = ZONES[zone.toUpperCase()];
    if (known === undefined) return undefined;
    offsetMinutes = known;
  }
  const wall = Date.UTC(year, month, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  const check = new Date(wall);
  if (check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined;
  return { instant: new Date(wall - offsetMinutes * 60_000), offsetMinutes };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
