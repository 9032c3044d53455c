import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AudioFinding } from './audio-facts.js';
import { unsafeNameIn } from './contain.js';
import { FactsCache } from './facts-cache.js';
import { forEachLimited } from './limit.js';
import { listPublicFiles, type PublicFile, type SkippedLink } from './load.js';
import { readMediaBlob, type MediaFacts } from './media.js';

/** The path on the site under which the files of `build.media` are served: `/media/ep1.mp3`. */
export const MEDIA_SITE_FOLDER = 'media';

export interface LocalAudioOptions {
  /** The project folder: the cache and messages name files relative to it. */
  root: string;
  publicFolder: string;
  /** `build.media`, when set. */
  mediaFolder: string | undefined;
  cacheFile: string;
}

/** One file's facts as cached: valid while the file keeps its size and modification time. */
interface CachedFacts {
  size: number;
  mtimeMs: number;
  facts?: MediaFacts;
  problem?: string;
}

const CACHE_VERSION = 1;
/** Reading a file's format is mostly waiting for the disk; a few at a time keep memory flat. */
const PARALLEL_READS = 4;

/** The files of the media folder, as copies into the site under `/media/`. */
export async function listMediaFiles(mediaFolder: string, skipped?: SkippedLink[]): Promise<PublicFile[]> {
  return (await listPublicFiles(mediaFolder, skipped)).map((file) => ({ ...file, sitePath: `${MEDIA_SITE_FOLDER}/${file.sitePath}` }));
}

/**
 * Size, type and duration of each audio file given as a path on the site (`/media/ep1.mp3`), by
 * that path. A file in `public/` or in the media folder is read once; after that its facts come
 * from the cache for as long as its size and modification time stay the same.
 */
export async function readLocalAudio(urls: Iterable<string>, options: LocalAudioOptions): Promise<Map<string, AudioFinding>> {
  const cache = await FactsCache.open<CachedFacts>(options.cacheFile, CACHE_VERSION);
  const findings = new Map<string, AudioFinding>();
  await forEachLimited([...new Set(urls)], PARALLEL_READS, async (url) => {
    findings.set(url, await readOne(url, options, cache));
  });
  await cache.save();
  return findings;
}

async function readOne(url: string, options: LocalAudioOptions, cache: FactsCache<CachedFacts>): Promise<AudioFinding> {
  const candidates = candidateFiles(url, options);
  const relative = (file: string) => path.relative(options.root, file).split(path.sep).join('/');
  for (const file of candidates) {
    const stats = await stat(file).catch(() => undefined);
    if (!stats?.isFile()) continue;
    // The file is there but left out of the site (copyableFiles, unsafe-file-name): the episode would link to nothing.
    const unsafe = unsafeNameIn(sitePathOf(url));
    if (unsafe !== undefined) {
      return audioNotFound(
        url,
        `the audio \`${url}\` is not in the site: its file is not copied, since the name \`${JSON.stringify(unsafe.name).slice(1, -1)}\` is not safe on every host (${unsafe.problem})`,
        'rename the file with letters, digits, `-`, `_` and `.`, and write the new name in `audio.url`',
      );
    }
    const key = relative(file);
    let cached = cache.get(key);
    if (cached === undefined || cached.size !== stats.size || cached.mtimeMs !== stats.mtimeMs) {
      const blob = await openAsBlob(file).catch(() => undefined);
      // Gone between the two calls: as if it had never been there.
      if (blob === undefined) continue;
      const reading = await readMediaBlob(blob);
      cached = { size: stats.size, mtimeMs: stats.mtimeMs, ...reading };
      cache.set(key, cached);
    }
    return {
      source: key,
      from: 'file',
      size: cached.size,
      type: cached.facts?.type,
      duration: cached.facts?.duration,
      problems:
        cached.problem === undefined
          ? []
          : [{ rule: 'unreadable-audio', message: `${key} cannot be read as audio (${cached.problem}); only its size is used`, hint: 'check that it is an audio file (MP3 or M4A) and that it is not cut short' }],
    };
  }
  return audioNotFound(
    url,
    `no file for the audio \`${url}\`: looked for ${candidates.map((file) => relative(file)).join(' and ')}`,
    `a path on the site is a file of the public folder${options.mediaFolder === undefined ? '' : `, or of the media folder under \`/${MEDIA_SITE_FOLDER}/\``}; an audio file on another host needs its full URL`,
  );
}

function audioNotFound(url: string, message: string, hint: string): AudioFinding {
  return { source: url, from: 'file', size: undefined, type: undefined, duration: undefined, problems: [{ rule: 'audio-file-not-found', message, hint }] };
}

/** The path on the site that a local audio URL names, without its leading slashes, query or fragment. */
function sitePathOf(url: string): string {
  return url.replace(/[?#].*$/s, '').replace(/^\/+/, '');
}

/** Where the file of a path on the site may be: the media folder first, for a path under `/media/`. */
function candidateFiles(url: string, options: LocalAudioOptions): string[] {
  const sitePath = sitePathOf(url);
  const files: string[] = [];
  const prefix = `${MEDIA_SITE_FOLDER}/`;
  if (options.mediaFolder !== undefined && sitePath.startsWith(prefix)) files.push(path.join(options.mediaFolder, sitePath.slice(prefix.length)));
  files.push(path.join(options.publicFolder, sitePath));
  return files;
}
