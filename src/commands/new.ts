import path from 'node:path';
import type { CliIo, CommandOptions } from '../cli.js';
import { parseSettings, type Settings } from '../config.js';
import { wallTime } from '../dates.js';
import { hasErrors } from '../diagnostics.js';
import { EPISODE_TYPES, type EpisodeType } from '../episode-schema.js';
import { parseEpisode } from '../episode.js';
import { loadEpisodeFiles, readSettingsFile } from '../load.js';
import { episodeFileName, episodeSkeleton, nameConvention, nextNumber, type ArchiveEntry } from '../scaffold/next-episode.js';
import { titleSlug } from '../scaffold/slug.js';
import { writeNewFiles } from '../scaffold/write-files.js';
import { printDiagnosticText } from './diagnostics.js';

/** `podsite new "Title"`: the next episode's file, ready to fill in. */
export async function runNew(options: CommandOptions, io: CliIo): Promise<number> {
  const title = (options.operands ?? []).join(' ').trim();
  if (title === '') {
    io.stderr(`podsite new: give the episode's title, e.g. podsite new "The humble brick" (\`podsite new --help\` shows its options)`);
    return 1;
  }
  const season = options.season === undefined ? undefined : Number(options.season);
  if (season !== undefined && (!/^\d+$/.test(options.season!) || !Number.isSafeInteger(season) || season < 1)) {
    io.stderr(`podsite new: --season is a whole number, 1 or more, not \`${options.season}\``);
    return 1;
  }
  const type = options.type ?? 'full';
  if (!(EPISODE_TYPES as readonly string[]).includes(type)) {
    io.stderr(`podsite new: --type is \`trailer\` or \`bonus\` (or \`full\`, the default), not \`${type}\``);
    return 1;
  }
  const settings = await readSettings(options, io);
  if (settings === undefined) return 1;

  const episodesFolder = settings.build.episodes;
  const archive = await readArchive(settings, episodesFolder);
  const today = wallTime(new Date(), settings.timezone);
  const date = `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;
  const next = nextNumber(archive, season);
  const number = type === 'full' ? next.number : undefined;
  const convention = nameConvention(archive, today.year);
  const name = episodeFileName(convention, { date, number, slug: titleSlug(title, number === undefined ? type : `episode-${number}`) });
  const text = episodeSkeleton({
    title,
    date: convention.dated ? undefined : date,
    season: next.season,
    number,
    type: type as EpisodeType,
    draft: options.draft === true,
    audioUrlFromSettings: settings.build.audioUrl !== undefined,
  });
  const outcome = await writeNewFiles(episodesFolder, { [name]: text });
  const shown = path.relative(io.cwd, path.join(episodesFolder, name)).split(path.sep).join('/');
  if ('existing' in outcome) {
    io.stderr(`podsite new: ${shown} already exists; nothing was written. Give the episode another title, or rename that file.`);
    return 1;
  }
  if ('failed' in outcome) {
    io.stderr(`podsite new: could not write ${shown}: ${outcome.reason}`);
    return 1;
  }
  io.stdout(shown);
  return 0;
}

/** The settings, or undefined once their problems are printed. */
async function readSettings(options: CommandOptions, io: CliIo): Promise<Settings | undefined> {
  const configPath = path.resolve(io.cwd, options.config ?? 'podsite.yaml');
  const file = await readSettingsFile(configPath, io.cwd);
  const loaded = file.text === undefined ? undefined : parseSettings(file.text, configPath, {}, io.cwd);
  const diagnostics = file.diagnostic ? [file.diagnostic] : loaded!.diagnostics;
  if (!hasErrors(diagnostics) && loaded?.settings !== undefined) return loaded.settings;
  printDiagnosticText(diagnostics, io);
  return undefined;
}

/**
 * The numbers, seasons and dates of the episode files. A file that cannot be read is left out:
 * `podsite build` reports it, and the new episode need not wait for it to be fixed.
 */
async function readArchive(settings: Settings, episodesFolder: string): Promise<ArchiveEntry[]> {
  const { files } = await loadEpisodeFiles(settings.build.root, episodesFolder, undefined, settings.limits);
  return files.flatMap((file) => {
    const { episode } = parseEpisode(file.file, file.text, settings);
    if (episode === undefined) return [];
    const name = path.relative(episodesFolder, file.absolutePath).split(path.sep).join('/');
    return [{ name, date: episode.date, number: episode.number, season: episode.season }];
  });
}
