import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deserialize } from 'node:v8';
import { diagnostic, type Diagnostic } from './diagnostics.js';

export interface V8StoreOptions {
  folder: string;
  /** The cache folder as messages show it. */
  displayFolder: string;
  podsiteVersion: string;
}

export interface V8StoreSpec<T> {
  fileName: string;
  format: number;
  /** Whether a deserialized value has the fields of this store (its format and version are checked here). */
  hasShape: (value: Partial<T>) => boolean;
  /** What the build does without the file, for the warning: "its episodes are parsed again". */
  without: string;
}

/**
 * A store of `.podsite-cache/` written with `v8.serialize`: its contents when the file is this
 * podsite's, in this format; otherwise nothing, with a `cache-ignored` warning saying why. A missing
 * file is no warning: the first build has none.
 */
export function readV8Store<T extends object>(options: V8StoreOptions, spec: V8StoreSpec<T>): { stored?: T; diagnostics: Diagnostic[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(options.folder, spec.fileName));
  } catch {
    return { diagnostics: [] };
  }
  const ignored = (what: string) => ({
    diagnostics: [
      diagnostic(`${options.displayFolder}/${spec.fileName}`, { line: 0, column: 0 }, 'cache-ignored', `the build cache file is ${what}: ignored, ${spec.without}`, 'nothing to do: the file is written anew after this build (deleting .podsite-cache/ is always safe)'),
    ],
  });
  let stored: Partial<T> & { format?: unknown; podsiteVersion?: unknown };
  try {
    stored = deserialize(bytes) as typeof stored;
  } catch {
    return ignored('damaged (perhaps cut short)');
  }
  if (typeof stored !== 'object' || stored === null || !spec.hasShape(stored)) return ignored('not a podsite build cache');
  if (stored.format !== spec.format || stored.podsiteVersion !== options.podsiteVersion) {
    return ignored(`from another version of podsite (${String(stored.podsiteVersion)}, format ${String(stored.format)}; this is ${options.podsiteVersion}, format ${spec.format})`);
  }
  return { stored: stored as T, diagnostics: [] };
}
