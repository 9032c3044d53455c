import { entryWithoutNotes, summaryOf } from './assemble.js';
import type { Settings } from './config.js';
import type { EpisodeSource } from './episode.js';
import type { SpilledNotes } from './notes-spill.js';
import type { EpisodePeople } from './people.js';
import type { Episode } from './site.js';
import { prefixBasePath } from './urls.js';
import { digestOf, textDigest } from './build-store.js';

const SPILLED = Symbol('spilled');

interface Spilled {
  notes: SpilledNotes;
  settings: Settings;
  body: () => string;
  /** Made from the notes' text when first read: most builds read few of them (pages and feed items that changed). */
  summary?: string;
  /** The keys of the entry read through `getters`. */
  accessors: ReadonlySet<string>;
}

type SpilledEntry = Episode & { [SPILLED]: Spilled };

// One getter for all entries, each entry's spilled notes in a hidden property: no closure and no
// accessor pair for each of 20,000 entries. In the order toEpisode adds these properties.
const getters: Partial<Record<keyof Episode, PropertyDescriptor>> = {
  markdown: {
    get(this: SpilledEntry) {
      return this[SPILLED].body();
    },
    enumerable: true,
    configurable: true,
  },
  html: {
    get(this: SpilledEntry) {
      const spilled = this[SPILLED];
      return prefixBasePath(spilled.notes.html, spilled.settings);
    },
    enumerable: true,
    configurable: true,
  },
  text: {
    get(this: SpilledEntry) {
      return this[SPILLED].notes.text;
    },
    enumerable: true,
    configurable: true,
  },
  summary: {
    get(this: SpilledEntry) {
      const spilled = this[SPILLED];
      // An excerpt of the notes is a slice of them in V8, which keeps the whole text it was cut from:
      // every entry would hold its notes (about 100 MB at 20,000 episodes). A copy holds only itself.
      spilled.summary ??= ownedCopy(summaryOf(spilled.settings, this, spilled.notes.text));
      return spilled.summary;
    },
    enumerable: true,
    configurable: true,
  },
};

const ALL_ACCESSORS: ReadonlySet<string> = new Set(Object.keys(getters));
const NOT_SUMMARY: ReadonlySet<string> = new Set(Object.keys(getters).filter((key) => key !== 'summary'));

/**
 * Adds the getters as new properties, the same in the same order for every entry: all entries then
 * share one hidden class with fast properties. Put in place of data properties, they would turn
 * each entry into a dictionary in V8 (about 3 KB an entry, against 0.4 KB).
 */
function defineAccessors(entry: object, spilled: Spilled): void {
  Object.defineProperty(entry, SPILLED, { value: spilled });
  for (const key of spilled.accessors) Object.defineProperty(entry, key, getters[key as keyof Episode]!);
}

/**
 * The entry `toEpisode` makes, whose notes (HTML and text) and body are read from the spill at each
 * use rather than held: the same values, for the page, the feed and the search index alike.
 */
export function spilledEntry(settings: Settings, source: EpisodeSource, notes: SpilledNotes, people: EpisodePeople, body: () => string): Episode {
  // Neither the HTML, the text nor the body is read here.
  const entry = entryWithoutNotes(settings, source, people);
  // A description is the summary as it is.
  const spilled: Spilled = { notes, settings, body, accessors: source.description === undefined ? ALL_ACCESSORS : NOT_SUMMARY };
  defineAccessors(entry, spilled);
  if (source.description !== undefined) (entry as Episode).summary = source.description;
  return entry as Episode;
}

/**
 * The same string, made anew: no slice of, nor concatenation with, a longer one. Through JSON, which
 * carries lone surrogates too, and keeps a Latin-1 text one byte a character (a copy through UTF-16
 * would make it two, and with it every page the summary goes into).
 */
function ownedCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * The digest of an entry's notes text (src/build-store.ts `textDigest`): notes from the build cache
 * know it, so it costs no read of the text.
 */
export function notesDigestOf(entry: Episode): string {
  const spilled = (entry as Partial<SpilledEntry>)[SPILLED];
  return spilled === undefined ? digestOf(entry.text) : textDigest(spilled.notes);
}

/**
 * A copy of an entry with more fields (other neighbours, a badge), as pages and lists give it to
 * templates. A spread would read the notes and body of a spilled entry from disk into the copy:
 * the archive, which lists every entry, or the page of a host of every episode, would then hold
 * them all at once. Its getters are copied instead.
 */
export function entryWith<T extends object>(entry: Episode, fields: T): Episode & T {
  const spilled = (entry as Partial<SpilledEntry>)[SPILLED];
  if (spilled === undefined) return { ...entry, ...fields };
  // Its descriptors, getters included, onto a new object: the copy keeps fast properties (values
  // stored one by one past a dozen keys make a dictionary, about 3 KB a copy), its hidden notes
  // too, and no notes are read.
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(entry)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) copy[name] = value;
  return copy as unknown as Episode & T;
}
