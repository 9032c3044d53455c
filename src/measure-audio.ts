import path from 'node:path';
import { applyAudioFacts, isLocalAudio, type AudioFinding } from './audio-facts.js';
import type { Settings } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import type { EpisodeSource } from './episode.js';
import { CACHE_FOLDER } from './facts-cache.js';
import { readLocalAudio } from './media-files.js';

export interface MeasureOptions {
  /** Where facts are kept between builds: `.podsite-cache/` beside the settings file by default. */
  cacheFolder: string | undefined;
}

/**
 * The build's `media` stage: the facts of every local audio file
 * put in place of what the front matter says. Episodes without such facts come back as they were.
 */
export async function measureAudio(
  episodes: readonly EpisodeSource[],
  settings: Pick<Settings, 'build'>,
  options: MeasureOptions,
): Promise<{ episodes: EpisodeSource[]; diagnostics: Diagnostic[] }> {
  const cacheFolder = options.cacheFolder ?? path.join(settings.build.root, CACHE_FOLDER);
  const urls = episodes.flatMap((episode) => (episode.audio ? [episode.audio.url] : []));
  const local = urls.filter(isLocalAudio);
  const localFindings =
    local.length === 0
      ? new Map<string, AudioFinding>()
      : await readLocalAudio(local, { root: settings.build.root, publicFolder: settings.build.public, mediaFolder: settings.build.media, cacheFile: path.join(cacheFolder, 'media.json') });
  const diagnostics: Diagnostic[] = [];
  const measured = episodes.map((episode) => {
    const url = episode.audio?.url;
    const finding = url === undefined ? undefined : localFindings.get(url);
    const applied = applyAudioFacts(episode, finding);
    diagnostics.push(...applied.diagnostics);
    return applied.episode;
  });
  return { episodes: measured, diagnostics };
}
