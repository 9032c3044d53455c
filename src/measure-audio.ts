import path from 'node:path';
import { applyAudioFacts, isLocalAudio, type AudioFinding } from './audio-facts.js';
import type { Settings } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import type { EpisodeSource } from './episode.js';
import { CACHE_FOLDER } from './facts-cache.js';
import { readLocalAudio } from './media-files.js';
import { probeAudio, type ProbeOptions } from './probe.js';

export interface MeasureOptions {
  /** Ask the hosts of remote audio (`--probe-audio`); an object tunes how. */
  probe: boolean | ProbeOptions | undefined;
  /** Where facts are kept between builds: `.podsite-cache/` beside the settings file by default. */
  cacheFolder: string | undefined;
}

/**
 * The build's `media` stage: the facts of every local audio file, and of remote ones when asked,
 * put in place of what the front matter says. Episodes without such facts come back as they were.
 */
export async function measureAudio(
  episodes: readonly EpisodeSource[],
  settings: Pick<Settings, 'build'>,
  options: MeasureOptions,
): Promise<{ episodes: EpisodeSource[]; diagnostics: Diagnostic[] }> {
  const cacheFolder = options.cacheFolder ?? path.join(settings.build.root, CACHE_FOLDER);
  const local: string[] = [];
  const remote: string[] = [];
  for (const episode of episodes) {
    if (episode.audio === undefined) continue;
    if (isLocalAudio(episode.audio.url)) local.push(episode.audio.url);
    else if (options.probe) remote.push(episode.audio.url);
  }
  const [localFindings, hostFindings] = await Promise.all([
    local.length === 0
      ? new Map<string, AudioFinding>()
      : readLocalAudio(local, { root: settings.build.root, publicFolder: settings.build.public, mediaFolder: settings.build.media, cacheFile: path.join(cacheFolder, 'media.json') }),
    remote.length === 0
      ? new Map<string, AudioFinding>()
      : probeAudio(remote, { ...(typeof options.probe === 'object' ? options.probe : {}), cacheFile: path.join(cacheFolder, 'probe.json') }),
  ]);
  const diagnostics: Diagnostic[] = [];
  const measured: EpisodeSource[] = new Array(episodes.length);
  for (let index = 0; index < episodes.length; index++) {
    const episode = episodes[index]!;
    const url = episode.audio?.url;
    const finding = url === undefined ? undefined : (localFindings.get(url) ?? hostFindings.get(url));
    const applied = applyAudioFacts(episode, finding);
    if (applied.diagnostics.length > 0) diagnostics.push(...applied.diagnostics);
    measured[index] = applied.episode;
  }
  return { episodes: measured, diagnostics };
}
