import type { Overrides } from './config.js';
import type { Settings } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import type { OutputFile } from './pages.js';
import type { ProbeOptions } from './probe.js';
import type { RenderPoolOptions } from './render-pool.js';
import type { Site } from './site.js';
import type { BuildCache } from './cache.js';
import type { OutputPlan } from './write.js';
import { lastBuildFor, recordBuild, type LastBuild, type WrittenOutput } from './up-to-date.js';
import { lockOutput } from './build-lock.js';

export interface BuildOptions extends Overrides {
  /** The settings file; `podsite.yaml` in `cwd` by default. */
  config?: string;
  cwd?: string;
  /** Set to false to check and render without touching the output folder. */
  write?: boolean;
  /** Include entries dated after `now`. */
  future?: boolean;
  /** The clock, for entries dated in the future; tests pin it. */
  now?: Date;
  /**
   * What the previous build made, for `podsite dev`: only what changed is done again. Without it,
   * notes are kept between builds in the cache folder; `false` (`--no-cache`) turns that off too.
   */
  cache?: BuildCache | false;
  /** Ask the hosts of remote audio for its size, type and duration (`--probe-audio`); an object tunes how. */
  probeAudio?: boolean | ProbeOptions;
  /** Where facts about audio and rendered notes are kept between builds; `.podsite-cache/` beside the settings file by default. */
  cacheFolder?: string;
  /**
   * For `podsite dev`: called with the entry pages (and which of them were made afresh) as soon as
   * they are rendered, before home pages, archive and feed, when nothing so far has an error.
   */
  onEntryPages?: (pages: OutputFile[], fresh: string[]) => Promise<void>;
  /** Put the settings' analytics prefix before enclosure URLs (true unless said otherwise). */
  analytics?: boolean;
  /** Threads for the Markdown of the notes (`--jobs`): this one and `jobs - 1` worker threads; 1 renders it all in this thread. One per core by default. */
  jobs?: number;
  /** How the notes are spread over worker threads; tests lower the threshold under which they are not used. */
  renderPool?: Partial<RenderPoolOptions>;
  /**
   * Told as the build goes, for a progress bar: `(stage, 0, 0)` as each stage starts, then, in the
   * long stages (notes rendered, pages written), how many of how many are done.
   */
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface StageTiming {
  stage: string;
  ms: number;
  /** Worker threads the stage ran on, when it used any. */
  workers?: number;
}

export interface BuildStats {
  pages: number;
  episodes: number;
  posts: number;
  feedItems: number;
  files: number;
}

export interface BuildResult {
  ok: boolean;
  /** Sorted by file and position. */
  diagnostics: Diagnostic[];
  timings: StageTiming[];
  settings?: Settings;
  site?: Site;
  stats?: BuildStats;
  /**
   * Everything the site is made of, written or not; left out by a build that writes the site
   * without a memory cache, which streams its pages and feed to disk as they are made.
   */
  output?: OutputPlan;
  /** Output files made afresh by this build; the others were reused from the cache unchanged. */
  fresh?: string[];
  /** Episodes whose notes were rendered from Markdown by this build, and those taken from a cache. */
  notes?: { rendered: number; reused: number };
  /** How the search index was made: updated from the one the last build kept (few entries changed), or made from every entry. */
  searchIndex?: 'updated' | 'made';
  /** Episode files this build read, and those it knew unchanged since the last build by their size, times and inode. */
  files?: { read: number; known: number };
  /** When the output will change with no file changed: the date of the next entry dated in the future. */
  nextChange?: Date;
  /**
   * Nothing the site is made of changed since the last build, and its output is as that build left
   * it: nothing was done, and the diagnostics are that build's. `settings`, `site` and `output` are absent.
   */
  upToDate?: { output: string };
}


/**
 * The build, as scripts and the CLI call it. A build with errors writes nothing, so the previous
 * output stays as it was. When nothing changed since the last build written with the build cache,
 * that build's result is given again without loading the pipeline at all: a no-change build of a
 * large archive then costs a walk of its folders.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const last = usesLastBuild(options) ? lastBuildFor(options) : undefined;
  const now = options.now ?? new Date();
  let found: ReturnType<LastBuild['find']> | undefined;
  if (last) {
    const recorded = last.recordedOutput();
    // Looked at once, under the lock of the output it names. Not locked: another build is writing the output, and the pipeline says so.
    found = recorded === undefined ? last.find(now) : ((await whileLocked(recorded, () => last.find(now))) ?? {});
    if (found.result) {
      found.result.timings.push({ stage: 'up to date', ms: performance.now() - started });
      return found.result;
    }
  }
  const { runPipeline } = await import('./pipeline.js');
  let inputs: ReturnType<LastBuild['fingerprint']>;
  let written: WrittenOutput | undefined;
  const result = await runPipeline(options, {
    ...(found?.diagnostics && { earlier: found.diagnostics }),
    afterSettings: (settings) => {
      if (last) inputs = last.fingerprint(settings);
    },
    inputStats: () => inputs?.files,
    ...(last && {
      previousPages: (key: string) => last.previousPages(key),
      previousFolders: () => last.previousFolders(),
      written: (output: WrittenOutput) => {
        written = output;
      },
      // Under the lock: a build that starts once it is released must find the record of the output it finds.
      beforeUnlock: (result: BuildResult) => {
        if (!(inputs && written && result.ok && result.settings && result.stats)) return;
        const saving = performance.now();
        recordBuild(last, inputs, result as Required<Pick<BuildResult, 'settings' | 'stats'>> & BuildResult, now, written);
        result.timings.push({ stage: 'record', ms: performance.now() - saving });
      },
    }),
  });
  return result;
}

/**
 * `check` run while holding the lock of the output folder, or undefined when another podsite
 * holds it (or it cannot be taken). Without the lock, a build that swaps its site in, or has
 * swapped it and not yet written its record, could be taken for the site the record describes.
 */
async function whileLocked<T>(outputFolder: string, check: () => T): Promise<T | undefined> {
  const locked = await lockOutput(outputFolder, 'build').catch(() => undefined);
  if (locked === undefined || !('lock' in locked)) return undefined;
  try {
    return check();
  } finally {
    await locked.lock.release();
  }
}

/**
 * Only a plain `podsite build` with the build cache: `podsite dev` keeps its own cache, a check
 * writes nothing, and probing remote audio asks hosts what may have changed there.
 */
function usesLastBuild(options: BuildOptions): boolean {
  return options.cache === undefined && options.write !== false && !options.probeAudio && options.onEntryPages === undefined;
}
