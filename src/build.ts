import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { assembleSite, toEpisode } from './assemble.js';
import { parseSettings, type Overrides, type Settings } from './config.js';
import { applyRuleSettings, diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { displayDate } from './dates.js';
import type { EpisodeSource } from './episode.js';
import { notesDiagnostics, parseEntry, renderNotes, stampEntry } from './entry.js';
import { renderFeed } from './feed.js';
import { checkFeedFile } from './check-feed.js';
import { listPublicFiles, loadEpisodeFiles, loadTheme, readSettingsFile, type SourceFile } from './load.js';
import { resetDerived, resetRendered, type BuildCache } from './cache.js';
import { renderPages, type OutputFile, type PageKind } from './pages.js';
import type { Site } from './site.js';
import { createRenderer } from './templates.js';
import { validateArchive } from './validate.js';
import { planOutput, writeSite, type OutputPlan } from './write.js';

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
  /** What the previous build made, for `podsite dev`: only what changed is done again. */
  cache?: BuildCache;
  /**
   * For `podsite dev`: called with the entry pages (and which of them were made afresh) as soon as
   * they are rendered, before home pages, archive and feed, when nothing so far has an error.
   */
  onEntryPages?: (pages: OutputFile[], fresh: string[]) => Promise<void>;
}

export interface StageTiming {
  stage: string;
  ms: number;
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
  /** Everything the site is made of, written or not. */
  output?: OutputPlan;
  /** Output files made afresh by this build; the others were reused from the cache unchanged. */
  fresh?: string[];
}

/**
 * The whole build, stage by stage. A build with errors stops before writing, so the previous
 * output stays as it was.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const { cache } = options;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const configPath = path.resolve(cwd, options.config ?? 'podsite.yaml');
  const diagnostics: Diagnostic[] = [];
  let rules: Settings['rules'] = {};
  /** Every diagnostic enters here, so `rules:` in the settings decides its severity before anything else looks at it. */
  const collect = (...found: Diagnostic[]): void => {
    diagnostics.push(...applyRuleSettings(found, rules));
  };
  const timings: StageTiming[] = [];
  const stage = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const value = await run();
    timings.push({ stage: name, ms: performance.now() - start });
    return value;
  };
  const finish = (extra: Partial<BuildResult> = {}): BuildResult => ({
    ok: !hasErrors(diagnostics),
    diagnostics: sortDiagnostics(diagnostics),
    timings,
    ...extra,
  });

  let settingsText = '';
  const settings = await stage('settings', async () => {
    const file = await readSettingsFile(configPath, cwd);
    if (file.diagnostic) {
      collect(file.diagnostic);
      return undefined;
    }
    settingsText = file.text!;
    const loaded = parseSettings(settingsText, configPath, options, cwd);
    rules = loaded.rules;
    collect(...loaded.diagnostics);
    return loaded.settings;
  });
  if (settings === undefined) return finish();

  const [sources, theme, publicFiles] = await stage('load', () =>
    Promise.all([
      loadEpisodeFiles(cwd, settings.build.episodes, cache),
      loadTheme(cwd, settings.build.templates),
      listPublicFiles(settings.build.public),
    ]),
  );
  collect(...sources.diagnostics, ...theme.diagnostics);
  if (sources.found === 0) {
    collect(
      diagnostic(settings.build.configFile, settings.positions.get('build.episodes') ?? { line: 0, column: 0 }, 'no-episodes', `no episode files in ${path.relative(cwd, settings.build.episodes) || '.'}`, 'add Markdown files such as episodes/2024-01-31-first-episode.md'),
    );
  }
  if (cache !== undefined) {
    // Everything made from episodes depends on the settings; pages and feed on the theme too.
    const settingsKey = JSON.stringify([settingsText, options.output, options.baseUrl, options.drafts]);
    const themeKey = JSON.stringify([...theme.theme.templates.values()].map((t) => [t.name, t.text]));
    if (cache.settingsKey !== settingsKey) resetDerived(cache);
    else if (cache.themeKey !== themeKey) resetRendered(cache);
    cache.settingsKey = settingsKey;
    cache.themeKey = themeKey;
  }
  const cached = (file: SourceFile) => cache?.files.get(file.absolutePath);

  // Plain loops below: with thousands of entries, the small arrays of flatMap and spreads cost GC time in podsite dev.
  const parsed = await stage('parse', () => {
    const found: { file: SourceFile; episode: EpisodeSource }[] = [];
    for (const file of sources.files) {
      const memo = cached(file);
      const result = memo?.parsed ?? parseEntry(file, settings);
      if (memo) memo.parsed = result;
      if (result.diagnostics.length > 0) collect(...result.diagnostics);
      if (result.episode) found.push({ file, episode: result.episode });
    }
    return found;
  });
  const now = options.now ?? new Date();
  const published = parsed.filter(({ episode }) => {
    if (episode.draft && !settings.build.drafts) return false;
    if (episode.date <= now) return true;
    collect(futureEntry(episode, settings, options.future === true));
    return options.future === true;
  });

  await stage('validate', () => {
    collect(...validateArchive(published.map(({ episode }) => episode)));
  });

  const entries = await stage('markdown', () =>
    published.map(({ file, episode }) => {
      const memo = cached(file);
      const notes = memo?.notes ?? renderNotes(episode, settings);
      if (notes.unknownTags.length > 0) collect(...notesDiagnostics(episode, notes));
      const entry = memo?.entry ?? toEpisode(settings, episode, notes);
      if (memo) {
        memo.notes = notes;
        memo.entry = entry;
      }
      return stampEntry(entry, now);
    }),
  );

  const site = await stage('assemble', () => {
    const assembled = assembleSite(settings, entries);
    collect(...assembled.diagnostics);
    return assembled.value;
  });

  const templates = theme.theme.templates;
  // The cache forgets the renderer whenever the settings or the theme change.
  const { renderer, strings, diagnostics: templateDiagnostics } = await stage('templates', () => {
    const made = cache?.renderer ?? createRenderer(settings, templates, settings.build.templates);
    if (cache) cache.renderer = made;
    return made;
  });
  collect(...templateDiagnostics);

  // Pages and feed are made even when an error will stop the build: their checks belong in the same report.
  const render = (kind: PageKind) =>
    renderer ? renderPages(site, renderer, templates, strings, cache?.pages, [kind]) : { value: [], diagnostics: [], rendered: [] };
  const entryPages = await stage('pages', () => render('entries'));
  if (options.onEntryPages && !hasErrors(diagnostics) && entryPages.diagnostics.length === 0) {
    await options.onEntryPages(entryPages.value, entryPages.rendered);
  }
  const listPages = await stage('lists', () => render('lists'));
  const pages = {
    value: [...entryPages.value, ...listPages.value],
    diagnostics: [...entryPages.diagnostics, ...listPages.diagnostics],
    rendered: [...entryPages.rendered, ...listPages.rendered],
  };
  const feed = await stage('feed', () => {
    const key = site.episodes.map((e) => e.key).join('|');
    if (cache?.feed?.key === key) return { value: cache.feed.file, diagnostics: cache.feed.diagnostics, fresh: false };
    const made = renderFeed(site, cache?.feedItems);
    if (cache) cache.feed = { key, file: made.value, diagnostics: made.diagnostics };
    return { ...made, fresh: true };
  });
  collect(...pages.diagnostics, ...feed.diagnostics);
  // The feed as apps will read it; after the feed's own diagnostics, which it does not repeat.
  collect(...(await stage('check feed', () => checkFeedFile(feed.value, site, diagnostics, cache))));

  const plan = planOutput(
    [...pages.value, feed.value],
    [
      ...[...theme.theme.assets.values()].map((file) => ({ origin: path.relative(cwd, file.absolutePath), file })),
      ...publicFiles.map((file) => ({ origin: path.relative(cwd, file.absolutePath), file })),
    ],
  );
  collect(...plan.diagnostics);
  const stats: BuildStats = {
    pages: pages.value.length,
    episodes: site.episodes.length,
    posts: site.entries.length - site.episodes.length,
    feedItems: site.episodes.length,
    files: plan.value.files.length + plan.value.copies.length,
  };
  const fresh = [...pages.rendered, ...(feed.fresh ? [feed.value.path] : [])];
  if (cache) cache.lastGood = renderer && !hasErrors(diagnostics) ? { settings, rules, renderer, templates } : undefined;
  if (hasErrors(diagnostics)) return finish({ settings, site, stats, output: plan.value, fresh });

  if (options.write !== false) {
    await stage('write', async () => {
      try {
        await writeSite(settings.build.output, plan.value);
      } catch (error) {
        const failure = writeFailure(settings, cwd, error as NodeJS.ErrnoException);
        if (failure === undefined) throw error;
        collect(failure);
      }
    });
  }
  return finish({ settings, site, stats, output: plan.value, fresh });
}

function futureEntry(episode: EpisodeSource, settings: Settings, included: boolean): Diagnostic {
  const when = displayDate(episode.date, settings.language, settings.timezone);
  const position = episode.positions.get('date') ?? { line: 1, column: 1 };
  return included
    ? diagnostic(episode.file, position, 'future-episode', `dated ${when}, in the future; included because of --future`)
    : diagnostic(episode.file, position, 'future-episode', `dated ${when}, in the future: left out until then`, 'build with --future to include it now');
}

const WRITE_FAILURE_HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full; free some space and build again',
  EDQUOT: 'the disk quota is used up; free some space and build again',
  EACCES: 'podsite may not write there; check the permissions of the output folder and its parent',
  EPERM: 'podsite may not write there; check the permissions of the output folder and its parent',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a file stands where a folder of the output should be',
  EEXIST: 'a file stands where a folder of the output should be',
};

/** Problems of the machine, not of podsite, become diagnostics; anything else is a bug and is thrown. */
function writeFailure(settings: Settings, cwd: string, error: NodeJS.ErrnoException): Diagnostic | undefined {
  const hint = error.code === undefined ? undefined : WRITE_FAILURE_HINTS[error.code];
  if (hint === undefined) return undefined;
  return diagnostic(
    path.relative(cwd, settings.build.output) || settings.build.output,
    { line: 0, column: 0 },
    'write-failed',
    `could not write the site (${error.message}); the previous site was left as it was`,
    hint,
  );
}
