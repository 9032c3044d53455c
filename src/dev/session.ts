import path from 'node:path';
import { build, type BuildResult } from '../build.js';
import { createCache, type BuildCache } from '../cache.js';
import type { Diagnostic } from '../diagnostics.js';
import type { OutputFile } from '../pages.js';
import { planRebuild, type WatchedFolders } from './changes.js';
import { IncrementalWriter, type Undo } from './writer.js';
import { renderEditedPages } from '../edited-pages.js';
import { namedTranscriptFiles } from '../transcripts.js';
import { devOutputOf } from '../dev-output.js';

export interface DevSessionOptions {
  cwd: string;
  config?: string;
  baseUrl?: string;
  /** The clock; tests pin it. */
  now?: () => Date;
  /** Told as soon as changed episode pages are on disk, before home pages, archive and feed. */
  onEntryPages?: (changed: string[]) => void;
  /** Worker threads for the Markdown of a full build (the pool starts them per build and stops them after). */
  jobs?: number;
}

export interface DevBuild {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Output paths written or removed by this build. */
  changed: string[];
  /** When the changed episode pages were on disk, in ms after the rebuild started (when there were any). */
  entryPagesMs: number | undefined;
  /** The episode pages written (and announced) before the rest. */
  entryPagesChanged: string[];
  full: boolean;
  ms: number;
  result: BuildResult;
}

/** Where `podsite dev` writes the site it serves: beside the settings file, never the build's output. */
export function devOutputFolder(cwd: string, config?: string): string {
  return devOutputOf(path.resolve(cwd, config ?? 'podsite.yaml'));
}

/**
 * The state `podsite dev` keeps between saves: the build cache and the output folder it writes in
 * place. Drafts and future episodes are included, with their badges.
 */
export class DevSession {
  readonly configPath: string;
  readonly outputFolder: string;
  private cache: BuildCache = createCache();
  private readonly writer: IncrementalWriter;
  /** After a build with errors wrote nothing, the next write compares every file, not only fresh ones. */
  private compareAll = true;
  private settingsFolders: WatchedFolders | undefined;

  constructor(private readonly options: DevSessionOptions) {
    this.configPath = path.resolve(options.cwd, options.config ?? 'podsite.yaml');
    this.outputFolder = devOutputFolder(options.cwd, options.config);
    this.writer = new IncrementalWriter(this.outputFolder);
  }

  /** The folders to watch: from the settings once they are read, else the defaults beside the settings file. */
  get folders(): WatchedFolders {
    const root = path.dirname(this.configPath);
    return (
      this.settingsFolders ?? {
        settingsFile: this.configPath,
        episodes: path.join(root, 'episodes'),
        templates: path.join(root, 'templates'),
        public: path.join(root, 'public'),
        people: path.join(root, 'people'),
        pages: path.join(root, 'pages'),
      }
    );
  }

  /** A full build (no files given), or the cheapest one that is correct for these changed files. */
  async rebuild(files?: Iterable<string>): Promise<DevBuild | undefined> {
    const started = performance.now();
    this.started = started;
    this.entryPagesMs = undefined;
    this.earlyChanged = [];
    const plan = files === undefined ? { kind: 'full' as const } : planRebuild(files, this.folders);
    if (plan === undefined) return undefined;
    if (plan.kind === 'full') this.cache = createCache();
    else this.cache.dirty = plan.episodes;
    const now = this.options.now?.() ?? new Date();
    this.undo = new Map();
    if (plan.kind === 'incremental' && !plan.theme && !plan.public && !this.compareAll) {
      const edited = await renderEditedPages(this.cache, this.options.cwd, plan.episodes, now);
      if (edited !== undefined) this.announceEntryPages(await this.writer.writeFiles(edited, undefined, this.undo));
    }
    let result: BuildResult;
    let full = plan.kind === 'full';
    try {
      result = await this.build(now);
    } catch (error) {
      if (plan.kind === 'full') throw error;
      // An incremental rebuild that fails for a reason of its own gets a clean start.
      this.cache = createCache();
      this.compareAll = true;
      full = true;
      result = await this.build(now);
    }
    let changed: string[] = [];
    if (result.ok && result.output) {
      changed = [...this.earlyChanged, ...(await this.writer.write(result.output, this.compareAll ? undefined : new Set(result.fresh)))];
      this.compareAll = false;
    } else {
      // The pages written early go back to what they were: the site served stays the last good one.
      changed = this.writer.restore(this.undo);
      this.compareAll = true;
    }
    return {
      ok: result.ok,
      diagnostics: result.diagnostics,
      changed,
      full,
      ms: performance.now() - started,
      entryPagesMs: this.entryPagesMs,
      entryPagesChanged: this.earlyChanged,
      result,
    };
  }

  private started = 0;
  private entryPagesMs: number | undefined;
  private earlyChanged: string[] = [];
  /** What the pages written before the end of the rebuild were, in case it ends in errors. */
  private undo: Undo = new Map();

  /** Writes the episode pages the build has just made, so that the one being edited shows at once. */
  private readonly writeEntryPages = async (pages: OutputFile[], fresh: string[]) => {
    if (this.compareAll) return;
    this.announceEntryPages(await this.writer.writeFiles(pages, new Set(fresh), this.undo));
  };

  private announceEntryPages(written: string[]): void {
    if (written.length === 0) return;
    this.earlyChanged.push(...written);
    this.entryPagesMs ??= performance.now() - this.started;
    this.options.onEntryPages?.(written);
  }

  private async build(now: Date): Promise<BuildResult> {
    const result = await build({
      cwd: this.options.cwd,
      output: this.outputFolder,
      drafts: true,
      future: true,
      write: false,
      analytics: false,
      cache: this.cache,
      onEntryPages: this.writeEntryPages,
      ...(this.options.config !== undefined && { config: this.options.config }),
      ...(this.options.baseUrl !== undefined && { baseUrl: this.options.baseUrl }),
      ...(this.options.jobs !== undefined && { jobs: this.options.jobs }),
      now,
    });
    this.cache.dirty = new Set();
    if (result.settings) {
      const { build: folders } = result.settings;
      // Transcripts named in front matter may be anywhere in the project: each is watched on its own.
      const namedFiles = new Set<string>();
      for (const entry of result.site?.entries ?? []) {
        if (entry.transcriptReferences === undefined) continue;
        for (const file of namedTranscriptFiles(entry, path.resolve(this.options.cwd, entry.file))) namedFiles.add(file);
      }
      this.settingsFolders = { settingsFile: this.configPath, episodes: folders.episodes, templates: folders.templates, public: folders.public, people: folders.people, pages: folders.pages, media: folders.media, namedFiles };
    }
    return result;
  }
}
