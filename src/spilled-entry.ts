import { entryWithoutNotes } from './assemble.js';
import type { Settings } from './config.js';
import type { EpisodeSource } from './episode.js';
import type { SpilledNotes } from './notes-spill.js';
import type { EpisodePeople } from './people.js';
import type { Episode } from './site.js';
import { prefixBasePath } from './urls.js';

const SPILLED = Symbol('spilled');

interface Spilled {
  notes: SpilledNotes;
  settings: Settings;
  body: () => string;
}

type SpilledEntry = Episode & { [SPILLED]: Spilled };

// One getter for all entries, each entry's spilled notes in a hidden property: no closure and no
// accessor pair for each of 20,000 entries.
const getters: Partial<Record<keyof Episode, PropertyDescriptor>> = {
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
  markdown: {
    get(this: SpilledEntry) {
      return this[SPILLED].body();
    },
    enumerable: true,
    configurable: true,
  },
};

/**
 * The entry `toEpisode` makes, whose notes (HTML and text) and body are read from the spill at each
 * use rather than held: the same values, for the page, the feed and the search index alike.
 */
export function spilledEntry(settings: Settings, source: EpisodeSource, notes: SpilledNotes, people: EpisodePeople, body: () => string): Episode {
  // The HTML is not read here, nor the body (a getter of the source): only the text makes the summary.
  const entry = entryWithoutNotes(settings, source, notes.text, people);
  // An excerpt of the notes is a slice of them in V8, which keeps the whole text it was cut from:
  // every entry would hold its notes (about 100 MB at 20,000 episodes). A copy holds only itself.
  entry.summary = ownedCopy(entry.summary);
  Object.defineProperty(entry, SPILLED, { value: { notes, settings, body } satisfies Spilled });
  // Added as new properties, the same getters in the same order for every entry: all entries then
  // share one hidden class with fast properties.
  return Object.defineProperties(entry, getters) as Episode;
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
 * A copy of an entry with other neighbours, as pages and lists give it to templates. A spread
 * would read the notes and body of a spilled entry from disk into the copy: the archive alone,
 * which lists every entry, would then hold them all at once. Its getters are copied instead.
 */
export function withNeighbours(entry: Episode, newer: Episode | undefined, older: Episode | undefined): Episode {
  if ((entry as Partial<SpilledEntry>)[SPILLED] === undefined) return { ...entry, newer, older };
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(entry)) as Episode;
  copy.newer = newer;
  copy.older = older;
  return copy;
}
