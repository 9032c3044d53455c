import { deserialize, serialize } from 'node:v8';
import type { Diagnostic } from './diagnostics.js';
import { EntryStoreWriter, readEntryStore, type EntryPlace } from './v8-store.js';
import type { FieldTerms, IndexedEntry, StoredIndexedEntries } from './search-index.js';
import type { Episode } from './site.js';
import { notesDigestOf } from './spilled-entry.js';
import { digestOf } from './build-store.js';

/** Bumped whenever the terms made of the same entry change without the package version changing. */
export const SEARCH_STORE_FORMAT = 3;

const FILE_NAME = 'search.v8';

/** An indexed entry as kept: the entry's own fields are those of the entry it is asked for. */
type KeptTerms = Omit<IndexedEntry, 'entry'>;

/**
 * What the file holds: under the settings that shape the index (address, time zone), each entry's
 * terms serialized on its own, read one at a time, so that they never all live in memory as maps.
 */
interface Stored {
  key: string;
  places: Map<string, EntryPlace>;
}

export interface SearchStoreOptions {
  folder: string;
  podsiteVersion: string;
  displayFolder: string;
}

/**
 * The search terms of every entry, kept between runs of `podsite build` by a hash of what they are
 * made from (title, description, notes, address, date), so that an unchanged entry is not
 * tokenized again. Only a shortcut: a file that cannot be read is ignored and written anew.
 */
export class SearchStore {
  private readonly used: EntryStoreWriter;
  private changed = false;
  private key: string | undefined;

  private constructor(
    private readonly options: SearchStoreOptions,
    private stored: Stored | undefined,
  ) {
    this.used = new EntryStoreWriter(options.folder);
  }

  static open(options: SearchStoreOptions): { store: SearchStore; diagnostics: Diagnostic[] } {
    const read = readEntryStore(options, { fileName: FILE_NAME, format: SEARCH_STORE_FORMAT, without: 'the search index is made again from the entries' });
    return { store: new SearchStore(options, read.stored), diagnostics: read.diagnostics };
  }

  /** The entries of the index made under `settingsKey`: those of another address or time zone do not count. */
  entries(settingsKey: string): StoredIndexedEntries {
    this.key = settingsKey;
    const known = this.stored?.key === settingsKey ? this.stored.places : new Map<string, EntryPlace>();
    // Asked for and kept right after, for the same entry: its id is worked out once.
    let last: { entry: Episode; id: string } | undefined;
    const served = new Set<string>();
    const idFor = (entry: Episode) => (last?.entry === entry ? last.id : (last = { entry, id: idOf(entry) }).id);
    const read = (place: EntryPlace | undefined): KeptTerms | undefined => {
      if (place === undefined) return undefined;
      let kept: unknown;
      try {
        kept = deserialize(place.source.readView(place));
      } catch {
        return undefined;
      }
      return isKeptTerms(kept) ? kept : undefined;
    };
    return {
      get: (entry) => {
        const kept = read(known.get(idFor(entry)));
        if (kept !== undefined) served.add(last!.id);
        return kept;
      },
      idOf: idFor,
      has: (id) => known.has(id),
      byId: (id) => read(known.get(id)),
      keepAsRead: (id) => {
        const earlier = known.get(id);
        if (earlier === undefined) return false;
        if (!this.used.has(id)) this.used.keepEarlier(id, earlier);
        return true;
      },
      keep: (entry, indexed) => {
        const id = idFor(entry);
        if (this.used.has(id)) return;
        // Terms read from the store go back as they were read; others (new, or unreadable) are serialized.
        const earlier = served.has(id) ? known.get(id) : undefined;
        if (earlier !== undefined) {
          this.used.keepEarlier(id, earlier);
          return;
        }
        this.changed = true;
        const { entry: _made, ...terms } = indexed;
        this.used.keepNew(id, serialize(terms));
      },
    };
  }

  /** Writes the entries of this build, through a temporary file renamed into place, when any changed. */
  async save(): Promise<void> {
    if (this.key === undefined) return;
    const sameKey = this.stored?.key === this.key;
    if (sameKey && !this.changed && this.used.size === this.stored!.places.size) return;
    await this.used.save(FILE_NAME, { format: SEARCH_STORE_FORMAT, podsiteVersion: this.options.podsiteVersion, key: this.key });
  }
}

/** What an entry's terms are made from; the same as the fields `unchanged` compares in search-index.ts. */
function idOf(entry: Episode): string {
  // The notes' text by its digest, which the build cache keeps: the text itself is not read.
  return digestOf(`${JSON.stringify([entry.title, entry.description ?? null, entry.path, entry.date.getTime()])}\0${notesDigestOf(entry)}`);
}

function isFieldTerms(value: unknown): value is FieldTerms {
  return typeof value === 'object' && value !== null && typeof (value as FieldTerms).unique === 'number' && (value as FieldTerms).terms instanceof Map;
}

function isKeptTerms(value: unknown): value is KeptTerms {
  if (typeof value !== 'object' || value === null) return false;
  const kept = value as Partial<KeptTerms>;
  return (
    typeof kept.stored === 'string' &&
    Array.isArray(kept.head) &&
    kept.head.every(isFieldTerms) &&
    Array.isArray(kept.notes) &&
    kept.notes.every(isFieldTerms) &&
    typeof kept.lengths?.head === 'string' &&
    typeof kept.lengths.notes === 'string'
  );
}
