import type { Stats } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { assembleSite, toEpisode } from './assemble.js';
import { parseSettings, type Settings } from './config.js';
import type { BuildOptions, BuildResult, BuildStats, StageTiming } from './build.js';
import { codeDigest, type MadePages } from './up-to-date.js';
import { applyRuleSettings, diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { displayDate } from './dates.js';
import type { EpisodeSource } from './episode.js';
import { markdownOptionsOf, notesDiagnostics, parseEntry, renderAllNotes, stampEntry } from './entry.js';
import { podcastGuid, renderFeed } from './feed.js';
import { formatLedger, isFormatted, parseLedger, pinGuids } from './ledger.js';
import type { RenderedNotes } from './markdown.js';
import { listPublicFiles, loadEpisodeFiles, loadPageFiles, loadPeopleFiles, loadTheme, readLedgerFile, readSettingsFile, skippedLinkDiagnostics, type SkippedLink, type SourceFile } from './load.js';
import { checkFeedFile } from './check-feed.js';
import { resetDerived, resetRendered, type BuildCache } from './cache.js';
import { BuildStore, hashText, podsiteVersion } from './build-store.js';
import { ParseStore } from './parse-store.js';
import { SearchStore } from './search-store.js';
import { FeedStore, feedStoreKey } from './feed-store.js';
import { CACHE_FOLDER } from './facts-cache.js';
import { attachFiles, attachmentContext, attachmentOutput } from './attachments.js';
import { archiveEntryKey, chromeOf, FEED_PATH, generatedAddresses, planPages, renderSpecs, type OutputFile, type PageKind, type PageSpec } from './pages.js';
import { placeSitePages, readSitePages } from './site-pages.js';
import { machineFiles, robotsFiles, SITEMAP_PATH, SITEMAP_URL_LIMIT } from './machines.js';
import { castOf, readPeople } from './people.js';
import { absoluteUrl, type Episode, type Site } from './site.js';
import { searchIndexFile, searchLibraryFile, settingsKeyOf } from './search-index.js';
import { SearchIndexStore } from './search-index-store.js';
import { updatedSearchIndex } from './search-index-update.js';
import { createRenderer } from './templates.js';
import { listMediaFiles, MEDIA_SITE_FOLDER } from './media-files.js';
import { measureAudio } from './measure-audio.js';
import { validateArchive } from './validate.js';
import { copyableFiles, foreignOutputProblem } from './contain.js';
import { sourceFolderProblems } from './source-folders.js';
import { planOutput, restoreInterrupted, StagingFolder, writeLedgerFile, writeSite } from './write.js';
import { lockOutput, outputLocked, type OutputLock } from './build-lock.js';
import { writePages } from './write-pages.js';
import { writeFeed } from './write-feed.js';
import { detachedFromText, SpilledTexts, StringSpill, type SpilledNotes } from './notes-spill.js';
import { spilledEntry } from './spilled-entry.js';
import type { KeptFile } from './link-pages.js';
import { isOnDisk, KnownFiles } from './known-files.js';
import { PeopleStore } from './people-store.js';
import { defaults as renderPoolDefaults, startNotesWorker, type NotesWorker, type RenderPoolOptions } from './render-pool.js';
import type { ParsedEntry } from './entry.js';
import { loadMarkdownEngine } from './markdown-engine.js';
import { relativeTo, resolveFrom } from './relative-path.js';

/** The sitemap as a file of the output. */
const SITEMAP_FILE = SITEMAP_PATH.slice(1);

/** Paths as the ledger writes them, by path as the build has them, for each `podsite dev` session. */
const ledgerPaths = new WeakMap<BuildCache, { key: string; paths: Map<string, string> }>();

/** What the front door (build.ts) asks of the pipeline besides the options. */
export interface PipelineHooks {
  /** Called once the settings are read, before any other file is: the inputs are fingerprinted then. */
  afterSettings?: (settings: Settings) => void;
  /** The stats of the input files as that fingerprint took them, and when it began. */
  inputStats?: () => { stats: ReadonlyMap<string, Stats>; observedAt: number } | undefined;
  /** Diagnostics found before the pipeline started, given the settings' rules like any other. */
  earlier?: Diagnostic[];
  /** Pages (and the sitemap) of the last build, under settings and theme of this key, by output path and page key: its file in the output. */
  previousPages?: (key: string) => ((output: string, pageKey: string) => KeptFile | undefined) | undefined;
  /** The folders of the last build's output, relative to it. */
  previousFolders?: () => string[];
  /** Called after a successful write with every output file, the key of every page, and the files linked from the last output. */
  written?: (output: { pages: MadePages; paths: string[]; kept: ReadonlySet<string> }) => void;
  /** Called with the result while the build still holds the lock of the output folder. */
  beforeUnlock?: (result: BuildResult) => void;
}

/**
 * The whole build, stage by stage. A build that writes the site writes it into a staging folder
 * as it is made, and swaps that in only at the end: a build with errors, or one that stops, leaves
 * the previous output as it was.
 */
export async function runPipeline(options: BuildOptions = {}, hooks: PipelineHooks = {}): Promise<BuildResult> {
  const streaming: { staging?: StagingFolder; lock?: OutputLock; notesWorker?: NotesWorker } = {};
  try {
    const result = await runStages(options, hooks, streaming);
    hooks.beforeUnlock?.(result);
    return result;
  } finally {
    streaming.notesWorker?.stop();
    // Unless it was swapped in.
    await streaming.staging?.discard();
    await streaming.lock?.release();
  }
}

async function runStages(options: BuildOptions, hooks: PipelineHooks, streaming: { staging?: StagingFolder; lock?: OutputLock; notesWorker?: NotesWorker }): Promise<BuildResult> {
  const cache = options.cache === false ? undefined : options.cache;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const configPath = path.resolve(cwd, options.config ?? 'podsite.yaml');
  const diagnostics: Diagnostic[] = [];
  let rules: Settings['rules'] = {};
  /** Every diagnostic enters here, so `rules:` in the settings decides its severity before anything else looks at it. */
  const collect = (...found: Diagnostic[]): void => {
    diagnostics.push(...applyRuleSettings(found, rules));
  };
  const timings: StageTiming[] = [];
  /** Worker threads a stage used, by stage name. */
  const workers = new Map<string, number>();
  const stage = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    options.onProgress?.(name, 0, 0);
    const start = performance.now();
    const value = await run();
    const threads = workers.get(name);
    timings.push({ stage: name, ms: performance.now() - start, ...(threads !== undefined && { workers: threads }) });
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
  if (hooks.earlier) collect(...hooks.earlier);
  if (settings === undefined) return finish();
  hooks.afterSettings?.(settings);
  if (options.write !== false) collect(...foreignOutput(settings, options.output !== undefined, cwd));
  collect(...sourceFolderProblems(settings, cwd));
  // Nothing is read from a folder outside the project, nor written over a foreign output, unless the settings allow it.
  if (diagnostics.some((d) => d.severity === 'error' && (d.rule === 'path-outside-project' || d.rule === 'output-not-podsite' || d.rule === 'not-a-folder'))) return finish();
  // Not for settings with errors, which write nothing: their output folder may be the project's own (invalid-output-folder).
  if (options.write !== false && !hasErrors(diagnostics)) {
    // Before anything is written beside the output (the staging folder is made from here on).
    const locked = await lockOutput(settings.build.output, 'build').catch((error: NodeJS.ErrnoException) => writeFailure(settings, cwd, error) ?? Promise.reject(error));
    if (!('lock' in locked)) {
      collect('holder' in locked ? outputLocked(path.relative(cwd, settings.build.output) || settings.build.output, locked.holder, path.relative(cwd, locked.file)) : locked);
      return finish();
    }
    streaming.lock = locked.lock;
    // A build killed while swapping left no output folder: the previous site comes back before anything links from it.
    // Failing that (no permission to rename), this build writes the whole site anew, and its sweep removes what stays aside.
    const restoredFrom = await restoreInterrupted(settings.build.output).catch(() => undefined);
    if (restoredFrom !== undefined) collect(outputRestored(settings.build.output, restoredFrom, cwd));
  }
  const previousFolders = hooks.previousFolders?.();
  if (previousFolders?.length && options.write !== false && cache === undefined && options.onEntryPages === undefined) {
    // Made while the episodes are read and rendered; the same staging folder takes the pages and feed below.
    (streaming.staging = new StagingFolder(settings.build.output)).prepareFolders(previousFolders);
  }

  const skippedLinks: SkippedLink[] = [];
  const cacheFolder = options.cacheFolder ?? path.join(settings.build.root, CACHE_FOLDER);
  const displayCacheFolder = path.relative(cwd, cacheFolder).split(path.sep).join('/') || '.';
  // A plain build (not `podsite dev`, which keeps what it read, nor --no-cache) reads only the episode files that changed.
  const knownFiles =
    options.cache === undefined
      ? KnownFiles.open({ folder: cacheFolder, key: JSON.stringify([podsiteVersion(), settings.limits.fileSize, settings.limits.lineLength]), displayFolder: displayCacheFolder })
      : undefined;
  if (knownFiles) collect(...knownFiles.diagnostics);
  const pool = { ...options.renderPool, ...(options.jobs !== undefined && { jobs: options.jobs }) };
  // A build after the last one, streaming its pages: a worker thread for the notes of the files it
  // will find edited starts loading the Markdown engine now, while they are looked for.
  if (knownFiles && knownFiles.known.size > 0 && options.write !== false && cache === undefined && options.onEntryPages === undefined && (pool.jobs ?? renderPoolDefaults.jobs) > 1) {
    streaming.notesWorker = startNotesWorker(pool.worker);
  }
  const [sources, theme, listedPublicFiles, peopleFiles, listedMediaFiles, pageFiles] = await stage('load', () =>
    Promise.all([
      loadEpisodeFiles(cwd, settings.build.episodes, cache, settings.limits, knownFiles && { known: knownFiles.known, taken: hooks.inputStats?.() }),
      loadTheme(cwd, settings.build.templates),
      listPublicFiles(settings.build.public, skippedLinks),
      loadPeopleFiles(cwd, settings.build.people, settings.limits),
      settings.build.media === undefined ? [] : listMediaFiles(settings.build.media, skippedLinks),
      loadPageFiles(cwd, settings.build.pages, settings.limits),
    ]),
  );
  collect(...sources.diagnostics, ...theme.diagnostics, ...peopleFiles.diagnostics, ...pageFiles.diagnostics, ...skippedLinkDiagnostics(skippedLinks, cwd));
  const { files: publicFiles, diagnostics: unsafePublicNames } = copyableFiles(listedPublicFiles, cwd);
  const { files: mediaFiles, diagnostics: unsafeMediaNames } = copyableFiles(listedMediaFiles, cwd, `${MEDIA_SITE_FOLDER}/`);
  collect(...unsafePublicNames, ...unsafeMediaNames);
  if (sources.found === 0) {
    collect(
      diagnostic(settings.build.configFile, settings.positions.get('build.episodes') ?? { line: 0, column: 0 }, 'no-episodes', `no episode files in ${path.relative(cwd, settings.build.episodes) || '.'}`, 'add Markdown files such as episodes/2024-01-31-first-episode.md'),
    );
  }
  // Everything made from episodes depends on the settings and the people; pages and feed on the theme too.
  const settingsKey = JSON.stringify([settingsText, options.output, options.baseUrl, options.drafts, peopleFiles.files.map((file) => [file.file, file.text])]);
  // The pages folder makes the menu of every page: it counts as part of the theme.
  const themeKey = JSON.stringify([[...theme.theme.templates.values()].map((t) => [t.name, t.text]), pageFiles.files.map((file) => [file.name, file.text])]);
  if (cache !== undefined) {
    if (cache.settingsKey !== settingsKey) resetDerived(cache);
    else if (cache.themeKey !== themeKey) resetRendered(cache);
    cache.settingsKey = settingsKey;
    cache.themeKey = themeKey;
  }
  const cached = (file: SourceFile) => cache?.files.get(file.absolutePath);
  // A build that streams its pages and feed (below) needs each note, body and file text for one
  // batch at a time: they wait on disk, and its memory stays that of the site model (src/notes-spill.ts).
  const spill = options.write !== false && cache === undefined && options.onEntryPages === undefined ? new StringSpill(settings.build.output) : undefined;
  const spilledTexts = spill && new SpilledTexts(spill);
  if (streaming.notesWorker && !(knownFiles && spill && editedFew(sources.found, knownFiles.known.trusted, pool))) {
    streaming.notesWorker.stop();
    streaming.notesWorker = undefined;
  }

  // Notes are made from the Markdown alone, under these options: another title, address or person renders none again.
  const notesKey = hashText(JSON.stringify(['notes', markdownOptionsOf(settings)]));
  // `podsite dev` keeps what it made in memory; a plain build finds it on disk.
  const store =
    options.cache === undefined
      ? await stage('cache', async () => {
          const folder = cacheFolder;
          const displayFolder = displayCacheFolder;
          const opened = await BuildStore.open({ folder, key: notesKey, displayFolder });
          const parsedStore = ParseStore.open({ folder, key: hashText(settingsKey), podsiteVersion: podsiteVersion(), hashOf: (file) => opened.store.hashOf(file), displayFolder });
          const searchStore = SearchStore.open({ folder, podsiteVersion: podsiteVersion(), displayFolder });
          const searchIndexStore = SearchIndexStore.open({ folder, podsiteVersion: podsiteVersion(), displayFolder });
          const feedStore = FeedStore.open({ folder, key: feedStoreKey(settingsKey, options), podsiteVersion: podsiteVersion(), displayFolder });
          // Bios are rendered by podsite's code: any change of it reads the people again.
          const peopleStore = PeopleStore.open({ folder, key: hashText(JSON.stringify([codeDigest(), settingsKey])), podsiteVersion: podsiteVersion(), displayFolder });
          collect(...opened.diagnostics, ...parsedStore.diagnostics, ...searchStore.diagnostics, ...searchIndexStore.diagnostics, ...feedStore.diagnostics, ...peopleStore.diagnostics);
          return { notes: opened.store, parsed: parsedStore.store, search: searchStore.store, searchIndex: searchIndexStore.store, feed: feedStore.store, people: peopleStore.store };
        })
      : undefined;

  const ahead = store && streaming.notesWorker ? notesAhead(sources.files, store, settings, streaming.notesWorker) : undefined;

  const people = await stage('people', async () => {
    const known = cache?.people ?? (peopleFiles.files.length > 0 ? store?.people.get() : undefined);
    if (known === undefined && peopleFiles.files.length > 0) await loadMarkdownEngine();
    const made = known ?? readPeople(peopleFiles.files, settings, path.relative(cwd, settings.build.people).split(path.sep).join('/') || '.');
    if (cache) cache.people = made;
    if (peopleFiles.files.length > 0) store?.people.keep(made);
    return made;
  });
  collect(...people.diagnostics);

  // Plain loops below: with thousands of entries, the small arrays of flatMap and spreads cost GC time in podsite dev.
  const parsed = await stage('parse', () => {
    const found: { file: SourceFile; episode: EpisodeSource }[] = [];
    for (const file of sources.files) {
      const memo = cached(file);
      const earlier = memo?.parsed ?? ahead?.parsed.get(file) ?? store?.parsed.get(file);
      const result = earlier ?? (spill ? detachedFromText(parseEntry(file, settings), file.text) : parseEntry(file, settings));
      if (memo) memo.parsed = result;
      store?.parsed.keep(file, result);
      spilledTexts?.spillSource(file, result.episode);
      if (result.diagnostics.length > 0) collect(...result.diagnostics);
      if (result.episode) found.push({ file, episode: result.episode });
    }
    return found;
  });
  const now = options.now ?? new Date();
  // The output changes by itself when the next entry dated in the future reaches its date.
  let nextChange: Date | undefined;
  for (const { episode } of parsed) if (episode.date > now && (nextChange === undefined || episode.date < nextChange)) nextChange = episode.date;
  const published = parsed.filter(({ episode }) => {
    if (episode.draft && !settings.build.drafts) return false;
    if (episode.date <= now) return true;
    collect(futureEntry(episode, settings, options.future === true));
    return options.future === true;
  });

  await stage('validate', () => {
    collect(...validateArchive(published.map(({ episode }) => episode)));
  });

  // After validate, whose checks (a length copied from another episode) concern what the front matter says.
  const measured = await stage('media', async () => {
    const found = await measureAudio(
      published.map(({ episode }) => episode),
      settings,
      { probe: options.probeAudio, cacheFolder: options.cacheFolder },
    );
    collect(...found.diagnostics);
    return published.map(({ file }, index) => ({ file, episode: found.episodes[index]! }));
  });

  if (spilledTexts) {
    // Before the Markdown stage, whose worker threads make the peak of a first build: the bodies the
    // parse stage did not spill, those of episodes the audio facts copied, are read back a batch of notes at a time.
    spilledTexts.spillSources(sources.files, [...parsed, ...measured]);
  }
  const notesCount = { rendered: 0, reused: 0 };
  /** Where notes are kept on disk for the next run: the build cache of a plain build, or the one `podsite dev` opened. */
  let notesStore = store?.notes;
  const entries = await stage('markdown', async () => {
    const known = new Map<SourceFile, RenderedNotes>();
    for (const { file } of measured) {
      const notes = cached(file)?.notes ?? store?.notes.get(file);
      if (notes !== undefined) known.set(file, notes);
    }
    // `podsite dev` starting, or after a change of settings, lacks many notes in memory: it takes them from the build cache.
    if (cache !== undefined && measured.length - known.size >= NOTES_FROM_DISK_MIN) {
      const opened = await BuildStore.open({ folder: cacheFolder, key: notesKey, displayFolder: displayCacheFolder });
      collect(...opened.diagnostics);
      notesStore = opened.store;
      for (const { file } of measured) {
        const notes = known.has(file) ? undefined : notesStore.get(file);
        if (notes !== undefined) known.set(file, notes);
      }
    }
    // The notes neither in memory nor in the build cache, all in one call: a large archive is spread over worker threads.
    const missing = measured.filter(({ file }) => !known.has(file));
    let renderedSoFar = 0;
    const keep = (notes: RenderedNotes): RenderedNotes => {
      options.onProgress?.('markdown', ++renderedSoFar, missing.length);
      return spill ? spill.putNotes(notes) : notes;
    };
    const entries: Episode[] = new Array(measured.length);
    const makeEntry = (index: number, notes: RenderedNotes) => {
      const { file, episode } = measured[index]!;
      const memo = cached(file);
      notesStore?.keep(file, notes);
      if (notes.unknownTags.length > 0 || notes.remoteMedia.length > 0 || notes.tooDeep !== undefined) collect(...notesDiagnostics(episode, notes, settings));
      const cast = memo?.cast ?? castOf(episode, people.value);
      if (cast.diagnostics.length > 0) collect(...cast.diagnostics);
      // An entry made before the audio's facts changed is made again.
      const entry = memo?.entry?.version === episode.version ? memo.entry : spilledTexts ? spilledEntry(settings, episode, notes as SpilledNotes, cast.value, spilledTexts.bodyOf(episode)!) : toEpisode(settings, episode, notes, cast.value);
      if (memo) {
        memo.notes = notes;
        memo.cast = cast;
        memo.entry = entry;
      }
      entries[index] = stampEntry(entry, now);
    };
    // The entries whose notes are known first: meanwhile, the worker thread renders the others.
    measured.forEach(({ file }, index) => {
      const notes = known.get(file);
      if (notes !== undefined) makeEntry(index, notes);
    });
    const renderedAhead = await ahead?.notes;
    // Those the worker thread rendered from the same body (the audio facts never change it).
    const unrendered = renderedAhead === undefined ? missing : missing.filter(({ file, episode }) => {
      const made = renderedAhead.get(file);
      if (made === undefined || made.markdown !== episode.markdown) return true;
      known.set(file, keep(made.notes));
      return false;
    });
    if (unrendered.length < missing.length) workers.set('markdown', 1);
    const rendered = await renderAllNotes(unrendered.map(({ episode }) => episode), settings, pool, (spill || options.onProgress) && keep);
    if (rendered.workers > 0) workers.set('markdown', rendered.workers);
    unrendered.forEach(({ file }, index) => known.set(file, rendered.notes[index]!));
    notesCount.rendered = missing.length;
    const missingFiles = new Set(missing.map(({ file }) => file));
    measured.forEach(({ file }, index) => {
      if (missingFiles.has(file)) makeEntry(index, known.get(file)!);
    });
    return entries;
  });
  notesCount.reused = entries.length - notesCount.rendered;
  // The entries hold all the parsed episodes held; these lists would keep them to the end of the
  // build (each a dictionary in V8 once its body is spilled: about 30 MB at 20,000 episodes).
  for (const list of [parsed, published, measured]) list.length = 0;

  // Read while the entries are assembled: the ledger stage has no wait for thousands of records. Not
  // earlier: its text (3 MB at 20,000 episodes) would add to the Markdown stage's peak of a first build.
  const ledgerFile = path.relative(cwd, settings.build.ledger) || settings.build.ledger;
  const ledgerRead = readLedgerFile(settings.build.ledger, ledgerFile);

  // Transcripts are looked for at every build: they may come and go while the episode file stays the same.
  await stage('attachments', () => {
    collect(...attachFiles(entries, attachmentContext(settings, cwd, sources.others, cache)));
  });

  const sitePages = await stage('site pages', async () => {
    if (pageFiles.files.length > 0) await loadMarkdownEngine();
    return readSitePages(pageFiles.files, settings);
  });
  collect(...sitePages.diagnostics);

  const site = await stage('assemble', () => {
    const assembled = assembleSite(settings, entries, people.value.people, sitePages.value);
    collect(...assembled.diagnostics);
    return assembled.value;
  });

  const identity = await stage('ledger', async () => {
    const read = await ledgerRead;
    if (read.diagnostic) collect(read.diagnostic);
    const { text } = read;
    const ledger = text === undefined ? undefined : cache?.ledger?.text === text ? cache.ledger.parsed : parseLedger(text, ledgerFile);
    if (cache && text !== undefined && ledger) cache.ledger = { text, parsed: ledger };
    collect(...(ledger?.diagnostics ?? []));
    // path.relative for every episode, twice, is a measurable part of a rebuild in podsite dev: kept while the folders stay.
    // A plain build asks for each path more than once too (the episode files, then each episode, then its record).
    const memoKey = `${settings.build.root}\0${cwd}`;
    let memo = cache ? ledgerPaths.get(cache) : { key: memoKey, paths: new Map<string, string>() };
    if (cache && memo?.key !== memoKey) ledgerPaths.set(cache, (memo = { key: memoKey, paths: new Map() }));
    const fromCwd = resolveFrom(cwd);
    const relativeToRoot = relativeTo(settings.build.root);
    const ledgerPath = (file: string) => {
      let found = memo?.paths.get(file);
      if (found === undefined) {
        found = relativeToRoot(fromCwd(file));
        memo?.paths.set(file, found);
      }
      return found;
    };
    const feedGuid = settings.feed.guid;
    const pinned = pinGuids(site.episodes, {
      ledger,
      ledgerFile,
      fileOf: (episode) => ledgerPath(episode.file),
      files: new Set(sources.paths.map(ledgerPath)),
      isPublished: (episode) => !episode.draft && !episode.future,
      podcastGuid: {
        computed: podcastGuid(absoluteUrl(settings, FEED_PATH)),
        ...(feedGuid !== undefined && { configured: { guid: feedGuid, file: settings.build.configFile, position: settings.positions.get('feed.guid') ?? { line: 1, column: 1 } } }),
      },
    });
    collect(...pinned.diagnostics);
    // Only a build that writes the site writes the ledger; one that changes none of its records
    // finds it as it was without making its text again (thousands of records).
    const unchanged = () => text !== undefined && ledger?.ledger !== undefined && pinned.keepsRecords && isFormatted(text, ledger.ledger);
    const next = options.write === false ? undefined : unchanged() ? text : formatLedger(pinned.next);
    return { guids: pinned.guids, podcastGuid: pinned.podcastGuid, ledger: next === text ? undefined : next };
  });

  const templates = theme.theme.templates;
  // The cache forgets the renderer whenever the settings or the theme change.
  const { renderer, strings, diagnostics: templateDiagnostics } = await stage('templates', () => {
    const made = cache?.renderer ?? createRenderer(settings, templates, settings.build.templates);
    if (cache) cache.renderer = made;
    return made;
  });
  collect(...templateDiagnostics);
  // A page of the pages folder gives way to a page podsite makes at the same address.
  const placed = placeSitePages(site.pages, generatedAddresses(site, strings));
  site.pages = placed.value;
  collect(...placed.diagnostics);
  if (cache !== undefined && placed.diagnostics.length > 0) {
    // The menu lacks the pages that gave way, and no page key says so: nothing rendered with this
    // menu may be reused, now or once the conflict is gone (the next build finds another theme key).
    cache.pages.clear();
    cache.themeKey = undefined;
  }

  // A build that writes the site, with no memory cache to keep pages in, writes pages and feed to
  // a staging folder as they are made: it holds one batch of pages at a time, not the whole site.
  const streams = options.write !== false && cache === undefined && options.onEntryPages === undefined;
  const staging = streams ? (streaming.staging ??= new StagingFolder(settings.build.output)) : undefined;

  // Pages and feed are made even when an error will stop the build: their checks belong in the same report.
  // Planned once: the same specs are rendered and listed in the sitemap.
  const planned: PageSpec[] = [];
  // The last build's pages, when they were made with the same settings and theme, and with the same menu.
  const pagesKey = hashText(JSON.stringify([settingsKey, themeKey]));
  const previousPage = placed.diagnostics.length === 0 ? hooks.previousPages?.(pagesKey) : undefined;
  const reusePrevious = previousPage && ((spec: PageSpec) => previousPage(spec.output, spec.key));
  const archiveKey = archiveEntryKey(templates);
  const render = async (kind: PageKind) => {
    const specs = planPages(site, strings, [kind], archiveKey);
    planned.push(...specs);
    if (!renderer) return { value: [], written: [], diagnostics: [], rendered: [] };
    if (staging) {
      const made = await writePages(staging, settings, renderer, templates, specs, chromeOf(site), reusePrevious, options.onProgress && ((done) => options.onProgress!(kind === 'entries' ? 'pages' : 'lists', done, specs.length)));
      return { value: [], written: made.value, diagnostics: made.diagnostics, rendered: made.rendered };
    }
    // The last build's pages come only with the record of a plain build, which always has a staging folder.
    return { ...renderSpecs(settings, renderer, templates, specs, cache?.pages, chromeOf(site)), written: [] };
  };
  const entryPages = await stage('pages', () => render('entries'));
  if (options.onEntryPages && !hasErrors(diagnostics) && entryPages.diagnostics.length === 0) {
    await options.onEntryPages(entryPages.value, entryPages.rendered);
  }
  const listPages = await stage('lists', () => render('lists'));
  const pages = {
    value: [...entryPages.value, ...listPages.value],
    /** Paths of the pages already in the staging folder. */
    written: [...entryPages.written, ...listPages.written],
    diagnostics: [...entryPages.diagnostics, ...listPages.diagnostics],
    rendered: [...entryPages.rendered, ...listPages.rendered],
  };
  // Streamed too: each item is checked as it is written.
  const feedItems = staging && store?.feed.items(settings.build.output);
  const streamed = staging && (await stage('feed', () => writeFeed(staging, site, identity, { analytics: options.analytics !== false }, feedItems)));
  const feed = streamed ? { value: [], diagnostics: streamed.diagnostics, fresh: true } : await stage('feed', () => {
    const key = [identity.podcastGuid, ...site.episodes.map((e) => `${e.key}|${identity.guids.get(e)}`)].join('\n');
    if (cache?.feed?.key === key) return { value: cache.feed.files, diagnostics: cache.feed.diagnostics, fresh: false };
    const made = renderFeed(site, identity, { analytics: options.analytics !== false }, cache?.feedItems);
    if (cache) cache.feed = { key, files: made.value, diagnostics: made.diagnostics };
    return { ...made, fresh: true };
  });
  collect(...pages.diagnostics, ...feed.diagnostics);
  // The feed as apps will read it; after the feed's own diagnostics, which it does not repeat.
  collect(...(await stage('check feed', () => (streamed ? streamed.check(diagnostics) : feed.value.flatMap((file) => checkFeedFile(file, site, diagnostics, cache))))));

  // What the sitemap and robots.txt are made from (the settings reset the cache): one save rarely changes it.
  const publicPaths = new Set(publicFiles.map((file) => file.sitePath));
  const machinesKey = `${publicPaths.has('robots.txt')}\n${planned.map((spec) => `${spec.path}|${spec.lastmod?.getTime()}|${spec.noindex === true}`).join('\n')}`;
  const machines = await stage('sitemap', async () => {
    if (cache?.machines !== undefined && cache.machines.key === machinesKey) return { files: cache.machines.files, fresh: false, written: [] };
    // The last build's sitemap, when made from the same pages (an edit of notes leaves it as it was): linked, not made again.
    const keptSitemap = staging && previousPage?.(SITEMAP_FILE, machinesKey);
    if (keptSitemap !== undefined && planned.length <= SITEMAP_URL_LIMIT && (await staging!.linkFrom([{ path: SITEMAP_FILE, ...keptSitemap }])).has(SITEMAP_FILE)) {
      return { files: robotsFiles(settings, publicPaths), fresh: false, written: [SITEMAP_FILE] };
    }
    const files = machineFiles(settings, planned, publicPaths);
    if (cache) cache.machines = { key: machinesKey, files };
    return { files, fresh: true, written: [] };
  });
  // With a cache, only the terms of entries that changed are indexed again, and only the files they touch are fresh.
  // Without one, the index the last build made is updated when few entries changed, and made once otherwise.
  const search = await stage('search index', async () => {
    const earlier = store?.search.entries(settingsKeyOf(site));
    const updated = store && earlier && updatedSearchIndex(site, store.searchIndex, earlier);
    if (updated) collect(...updated.diagnostics);
    const index: ReturnType<typeof searchIndexFile> = updated && 'files' in updated ? updated : searchIndexFile(site, cache, earlier && (() => earlier), spill);
    if (index.made) store?.searchIndex.keep(index.made);
    return { files: [...index.files, await searchLibraryFile()], fresh: index.fresh, how: index === updated ? ('updated' as const) : ('made' as const) };
  });

  const attachments = await stage('attachment files', () => attachmentOutput(site, cache?.attachmentFiles));

  /** Files already in the staging folder: pages, feed, a sitemap taken from the last build. */
  const placedPaths = [...pages.written, ...(streamed?.paths ?? []), ...machines.written];
  const plan = planOutput(
    [...pages.value, ...feed.value, ...machines.files, ...search.files, ...attachments.files],
    [
      ...[...theme.theme.assets.values()].map((file) => ({ origin: path.relative(cwd, file.absolutePath), file })),
      ...publicFiles.map((file) => ({ origin: path.relative(cwd, file.absolutePath), file })),
      ...mediaFiles.map((file) => ({ origin: path.relative(cwd, file.absolutePath), file })),
      ...attachments.copies,
    ],
    placedPaths,
  );
  collect(...plan.diagnostics);
  const stats: BuildStats = {
    pages: pages.value.length + pages.written.length,
    episodes: site.episodes.length,
    posts: site.entries.length - site.episodes.length,
    feedItems: site.episodes.length,
    files: plan.value.files.length + plan.value.copies.length + placedPaths.length,
  };
  const fresh = [...pages.rendered, ...(feed.fresh ? feed.value.map((file) => file.path) : []), ...(streamed?.paths ?? []), ...(machines.fresh ? machines.files.map((file) => file.path) : []), ...search.fresh, ...attachments.fresh];
  // Last: any stage may have read an episode file trusted by its stats.
  if (knownFiles) collect(...knownFiles.known.changedDiagnostics());
  if (cache) cache.lastGood = renderer && !hasErrors(diagnostics) ? { settings, rules, renderer, templates, people: people.value, chrome: chromeOf(site) } : undefined;
  if (hasErrors(diagnostics)) return finish({ settings, site, stats, output: staging ? undefined : plan.value, fresh, notes: notesCount, searchIndex: search.how, ...(knownFiles && { files: filesRead(sources.found, knownFiles.known) }), nextChange });

  /** The build cache, but the feed's items, which only a build that writes the feed has. */
  const saveStores = () => Promise.all([notesStore?.save(), store?.parsed.save(), store?.search.save(), store?.searchIndex.save(), store?.people.save(), store && knownFiles?.known.save((file) => store.notes.hashOf(file))]);
  if (options.write !== false) {
    await stage('write', async () => {
      try {
        await writeSite(settings.build.output, plan.value, staging);
        // After the site: a ledger must never record an episode whose feed was not published.
        if (identity.ledger !== undefined) await writeLedgerFile(settings.build.ledger, identity.ledger);
        // Only what a successful build made is worth keeping.
        await Promise.all([saveStores(), store?.feed.save(feedItems)]);
        // Pages and the sitemap linked from the last build's output: the files its record describes.
        const kept = new Set([...pages.written, ...machines.written]);
        for (const file of pages.rendered) kept.delete(file);
        hooks.written?.({
          pages: { key: pagesKey, keys: new Map([...planned.map((spec): [string, string] => [spec.output, spec.key]), [SITEMAP_FILE, machinesKey]]) },
          paths: [...plan.value.files.map((file) => file.path), ...plan.value.copies.map((copy) => copy.sitePath), ...placedPaths],
          kept,
        });
      } catch (error) {
        const failure = writeFailure(settings, cwd, error as NodeJS.ErrnoException);
        if (failure === undefined) throw error;
        collect(failure);
      }
    });
  }
  if (options.write === false && !hasErrors(diagnostics)) await saveStores();
  return finish({ settings, site, stats, output: staging ? undefined : plan.value, fresh, notes: notesCount, searchIndex: search.how, ...(knownFiles && { files: filesRead(sources.found, knownFiles.known) }), nextChange });
}

/**
 * Notes lacking in `podsite dev`'s memory from which it opens the build cache: its headers cost
 * about as long as rendering a few notes, and a save of one episode lacks only its own.
 */
const NOTES_FROM_DISK_MIN = 10;

/** Episode files read by this build, at the load stage or later, and those it never read. */
function filesRead(found: number, known: KnownFiles): { read: number; known: number } {
  const unread = known.trusted - known.readLater.size;
  return { read: found - unread, known: unread };
}

/**
 * A build after an edit: a few of the episode files read, the others known from the last build.
 * With a single thread, or enough of them for the pool of the Markdown stage, the worker thread
 * started for their notes is not used; nor for a first build, where the pool decides, and a small
 * site stays in one thread.
 */
function editedFew(found: number, known: number, pool: Partial<RenderPoolOptions>): boolean {
  const { jobs, minNotes } = { ...renderPoolDefaults, ...pool };
  const read = found - known;
  return jobs > 1 && known > 0 && read > 0 && read < minNotes;
}

/**
 * The notes the build cache lacks, of the few episode files this build read, are rendered by the
 * worker thread started for them, while this one parses and checks the archive. Those files are
 * parsed here, for the parse stage to take. The thread stops when there are none.
 */
function notesAhead(
  files: readonly SourceFile[],
  store: { notes: BuildStore; parsed: ParseStore },
  settings: Settings,
  worker: NotesWorker,
): { parsed: Map<SourceFile, ParsedEntry>; notes: Promise<Map<SourceFile, { markdown: string; notes: RenderedNotes }>> } | undefined {
  const unrendered = files.filter((file) => !isOnDisk(file) && store.notes.get(file) === undefined);
  const parsed = new Map<SourceFile, ParsedEntry>();
  const bodies: { file: SourceFile; markdown: string }[] = [];
  for (const file of unrendered) {
    const result = store.parsed.get(file) ?? detachedFromText(parseEntry(file, settings), file.text);
    parsed.set(file, result);
    if (result.episode) bodies.push({ file, markdown: result.episode.markdown });
  }
  if (bodies.length === 0) {
    worker.stop();
    return undefined;
  }
  const notes = worker.render(bodies.map(({ markdown }) => markdown), markdownOptionsOf(settings)).then((made) => new Map(made === undefined ? [] : bodies.map(({ file, markdown }, index) => [file, { markdown, notes: made[index]! }])));
  return { parsed, notes };
}

function futureEntry(episode: EpisodeSource, settings: Settings, included: boolean): Diagnostic {
  const when = displayDate(episode.date, settings.language, settings.timezone);
  const position = episode.positions.get('date') ?? { line: 1, column: 1 };
  return included
    ? diagnostic(episode.file, position, 'future-episode', `dated ${when}, in the future; included because of --future`)
    : diagnostic(episode.file, position, 'future-episode', `dated ${when}, in the future: left out until then`, 'build with --future to include it now');
}

/**
 * Said when a build put back the site that a killed build had moved aside: the output folder was
 * missing for a while, and whoever publishes it (a sync, a web server) may have seen it gone.
 */
function outputRestored(output: string, from: string, cwd: string): Diagnostic {
  const shown = (folder: string) => path.relative(cwd, folder).split(path.sep).join('/') || folder;
  return diagnostic(
    shown(output),
    { line: 0, column: 0 },
    'output-restored',
    `a build was killed while swapping its new site in: the previous site, left aside in \`${shown(from)}\`, was put back as \`${shown(output)}\` before this build`,
    'nothing to do: this build replaces it as usual; if something publishes the output folder, check that it did not publish an empty site meanwhile',
  );
}

/** The build replaces the output folder whole: one that holds anything but a site of podsite's is left alone. */
function foreignOutput(settings: Settings, fromCommandLine: boolean, cwd: string): Diagnostic[] {
  const problem = foreignOutputProblem(settings.build.output);
  if (problem === undefined) return [];
  const shown = path.relative(cwd, settings.build.output) || settings.build.output;
  const message = `podsite will not replace the output folder \`${shown}\`: ${problem}`;
  const hint = 'choose a new or empty folder; if nothing in this one is needed (an old site of another tool), delete it first';
  return fromCommandLine
    ? [diagnostic('', { line: 0, column: 0 }, 'output-not-podsite', `${message} (from --out)`, hint)]
    : [diagnostic(settings.build.configFile, settings.positions.get('build.output') ?? { line: 0, column: 0 }, 'output-not-podsite', message, hint)];
}

const WRITE_FAILURE_HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full; free some space and build again',
  EDQUOT: 'the disk quota is used up; free some space and build again',
  EACCES: 'podsite may not write there; check the permissions of the output folder and its parent',
  EPERM: 'podsite may not write there; check the permissions of the output folder and its parent',
  EROFS: 'the file system is read-only',
  // Seen when the output is on a file system that takes no new files (such as /proc), or when a
  // folder of the output is removed while the build writes in it.
  ENOENT: 'a folder podsite wrote in vanished, or its file system takes no new files (such as /proc); choose another output folder',
  ENOTDIR: 'a file stands where a folder of the output should be',
  EEXIST: 'a file stands where a folder of the output should be',
  ENAMETOOLONG: 'a path in the output is longer than the file system allows; shorten the permalink, slug or file name it comes from',
  ELOOP: 'a symbolic link loops or leads too deep; remove it from the project',
  ERR_INVALID_ARG_VALUE: 'a path of the output holds a character no file system takes (NUL); remove it from the slug, file name or setting',
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
