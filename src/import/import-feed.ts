import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSettings } from '../config.js';
import { episodeFiles } from './episode-files.js';
import { feedSourceDefaults, readFeedSource, type FeedSourceOptions } from './feed-source.js';
import { readFeed, type ImportNote } from './read-feed.js';
import { writeFailureReason } from '../scaffold/write-files.js';
import { importedSettings, settingsDifferences, settingsText } from './show-settings.js';

export interface ImportOptions {
  /** A feed file (relative to `cwd`) or an http(s) URL. */
  source: string;
  cwd: string;
  /** The settings file; `podsite.yaml` in `cwd` by default. Episodes go to its `build.episodes` folder. */
  config?: string;
  /** Overwrite existing episode files and settings. */
  force?: boolean;
  download?: Partial<Omit<FeedSourceOptions, 'cwd'>>;
}

export type SettingsOutcome =
  | { action: 'written' | 'overwritten' | 'unchanged' }
  /** The file exists and says otherwise: `[key, in the file, in the feed]`. */
  | { action: 'kept'; differences: [string, string, string][] };

export interface ImportResult {
  ok: boolean;
  /** The feed could not be read or is not a podcast feed: nothing was written. */
  error?: ImportNote;
  /** Problems with single items or fields of the feed, which did not stop the import. */
  notes: ImportNote[];
  /** How messages name the feed: its path or URL as given. */
  source: string;
  settingsFile: string;
  settings?: SettingsOutcome;
  /** Paths relative to `cwd`. */
  written: string[];
  /** Episode files that already existed and were left alone. */
  skipped: string[];
}

/** Turns a podcast feed into a podsite project: podsite.yaml and one Markdown file per episode. */
export async function importFeed(options: ImportOptions): Promise<ImportResult> {
  const configPath = path.resolve(options.cwd, options.config ?? 'podsite.yaml');
  const relative = (file: string) => path.relative(options.cwd, file).split(path.sep).join('/');
  const result: ImportResult = { ok: false, notes: [], source: options.source, settingsFile: relative(configPath), written: [], skipped: [] };
  const fetched = await readFeedSource(options.source, { cwd: options.cwd, ...feedSourceDefaults, ...options.download });
  if ('error' in fetched) return { ...result, error: { severity: 'error', line: 0, column: 0, message: fetched.error, ...(fetched.hint && { hint: fetched.hint }) } };
  const read = readFeed(fetched.text);
  if ('error' in read) return { ...result, error: read.error };
  const { feed } = read;
  result.notes = feed.notes;

  const settings = importedSettings(feed.show, fetched.url);
  const existingText = await readFile(configPath, 'utf8').catch(() => undefined);
  const existing = existingText === undefined ? undefined : parseSettings(existingText, configPath, {}, options.cwd);
  const replaceSettings = existingText === undefined || options.force === true;
  // Where the settings file, as it will be after the import, says the episodes are.
  const episodesFolder = path.resolve(path.dirname(configPath), (!replaceSettings && existing?.settings?.build.episodes) || 'episodes');

  try {
    const newText = settingsText(settings, options.source);
    if (replaceSettings) {
      await mkdir(path.dirname(configPath), { recursive: true });
      await writeFile(configPath, newText);
      result.settings = { action: existingText === undefined ? 'written' : 'overwritten' };
      result.written.push(relative(configPath));
    } else if (existing?.settings === undefined) {
      result.settings = { action: 'kept', differences: [] };
      result.notes.push({ file: relative(configPath), severity: 'warning', line: 0, column: 0, message: 'the settings file exists but has errors (see `podsite check`): it was kept, and not compared with the feed' });
    } else {
      const differences = settingsDifferences(existing.settings, settings);
      result.settings = differences.length === 0 ? { action: 'unchanged' } : { action: 'kept', differences };
    }

    await mkdir(episodesFolder, { recursive: true });
    for (const file of episodeFiles(feed.episodes)) {
      const target = path.join(episodesFolder, file.name);
      try {
        await writeFile(target, file.text, { flag: options.force ? 'w' : 'wx' });
        result.written.push(relative(target));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        result.skipped.push(relative(target));
      }
    }
  } catch (error) {
    // A folder that may not be written: said like any other problem, with what was written before.
    const reason = writeFailureReason(error);
    if (reason === undefined) throw error;
    const failedPath = (error as NodeJS.ErrnoException).path;
    const shown = failedPath === undefined ? relative(configPath) : relative(failedPath);
    return { ...result, error: { file: shown, severity: 'error', line: 0, column: 0, message: `could not be written: ${reason}`, hint: 'import into a folder you may write in (or give yourself the right to write in this one), then import again' } };
  }
  if (feed.episodes.length === 0) result.notes.push({ severity: 'warning', line: 0, column: 0, message: 'the feed has no episode with audio: no episode file was written' });
  result.ok = true;
  return result;
}
