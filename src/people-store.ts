import { serialize } from 'node:v8';
import type { Diagnostic, Result } from './diagnostics.js';
import type { PeopleRegistry } from './people.js';
import { saveStoreFile } from './store-file.js';
import { readV8Store, type V8StoreOptions } from './v8-store.js';

/** Bumped whenever the file's shape changes. */
const PEOPLE_STORE_FORMAT = 1;

const FILE_NAME = 'people.v8';

/** In V8's own serialization, which keeps each person's fields as made (those left undefined too) and the registry's shared references. */
interface StoredPeople {
  format: number;
  podsiteVersion: string;
  key: string;
  people: Result<PeopleRegistry>;
}

export interface PeopleStoreOptions extends V8StoreOptions {
  /**
   * Everything the people are made from: the person files themselves, the settings, and podsite's
   * code (bios are rendered like show notes). Any change reads and renders them all again.
   */
  key: string;
}

/**
 * The people folder as the last build read it (each person, their bio rendered, and what was said
 * of their files), kept between runs of `podsite build`: a build after an edit of an episode then
 * neither renders the bios again nor, often, loads the Markdown engine at all. Only a shortcut: a
 * file that cannot be read is ignored with a warning, one of another key quietly.
 */
export class PeopleStore {
  private made: Result<PeopleRegistry> | undefined;

  private constructor(
    private readonly options: PeopleStoreOptions,
    private readonly kept: Result<PeopleRegistry> | undefined,
  ) {}

  static open(options: PeopleStoreOptions): { store: PeopleStore; diagnostics: Diagnostic[] } {
    const read = readV8Store<StoredPeople>(options, {
      fileName: FILE_NAME,
      format: PEOPLE_STORE_FORMAT,
      hasShape: (stored) => typeof stored.key === 'string' && isPeople(stored.people),
      without: 'the people are read again',
    });
    return { store: new PeopleStore(options, read.stored?.key === options.key ? read.stored.people : undefined), diagnostics: read.diagnostics };
  }

  /** The people as the last build made them from the same files, settings and podsite. */
  get(): Result<PeopleRegistry> | undefined {
    return this.kept;
  }

  /** The people of this build, for the next one. */
  keep(made: Result<PeopleRegistry>): void {
    this.made = made;
  }

  /** Writes the people of this build, unless they are the ones read. */
  async save(): Promise<void> {
    if (this.made === undefined || this.made === this.kept) return;
    const stored: StoredPeople = { format: PEOPLE_STORE_FORMAT, podsiteVersion: this.options.podsiteVersion, key: this.options.key, people: this.made };
    await saveStoreFile(this.options.folder, FILE_NAME, serialize(stored));
  }
}

function isPeople(value: unknown): value is Result<PeopleRegistry> {
  if (typeof value !== 'object' || value === null) return false;
  const { value: registry, diagnostics } = value as Partial<Result<PeopleRegistry>>;
  return Array.isArray(diagnostics) && typeof registry === 'object' && registry !== null && Array.isArray(registry.people) && typeof registry.folder === 'string' && registry.byKey instanceof Map;
}
