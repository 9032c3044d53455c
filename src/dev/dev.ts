import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Diagnostic } from '../diagnostics.js';
import { isInsideFolder } from '../load.js';
import { codeFrame } from '../report.js';
import { ChangeQueue } from './changes.js';
import { startDevServer, type BuildEvent, type DevServer } from './server.js';
import { DevSession, type DevBuild } from './session.js';
import { watchTree, type TreeWatcher } from './tree-watcher.js';

export interface DevOptions {
  cwd: string;
  /** Told when changed episode pages are on disk and announced, before the rest of the rebuild. */
  onEntryPages?: (changed: string[]) => void;
  config?: string;
  baseUrl?: string;
  host?: string;
  port?: number;
  /** Told about every build, for the terminal. */
  onBuild?: (build: DevBuild) => void;
  /** Milliseconds to gather the events of one save (a rename is a removal and an addition). */
  settle?: number;
  now?: () => Date;
  /** Worker threads for the Markdown of a full build; rebuilds of a few episodes stay in the main thread. */
  jobs?: number;
}

export interface Dev {
  url: string;
  server: DevServer;
  session: DevSession;
  first: DevBuild;
  /** Resolves when the watcher is ready to see changes. */
  ready: Promise<void>;
  /** Resolves when no rebuild is running or waiting. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** `podsite dev`: a first build, a server, and a watcher that rebuilds what each save changed. */
export async function startDev(options: DevOptions): Promise<Dev> {
  const session = new DevSession({
    cwd: options.cwd,
    ...(options.config !== undefined && { config: options.config }),
    ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }),
    ...(options.now !== undefined && { now: options.now }),
    ...(options.jobs !== undefined && { jobs: options.jobs }),
    onEntryPages: (changed) => {
      server?.notify({ errors: [], changed: changed.map((file) => urlPathOf(file, basePath)), reload: false });
      options.onEntryPages?.(changed);
    },
  });
  // Set below, once the first build has told the base path: the first build has no early pages.
  let server: DevServer | undefined;
  let basePath = '/';
  const first = (await session.rebuild())!;
  options.onBuild?.(first);
  basePath = first.result.settings ? new URL(first.result.settings.url).pathname : '/';
  server = await startDevServer({ folder: session.outputFolder, basePath, host: options.host ?? '127.0.0.1', port: options.port ?? 4000 });
  const started = server;
  started.notify(buildEvent(first, options.cwd, basePath));

  const queue = new ChangeQueue(async (files) => {
    const built = await session.rebuild(files);
    if (built === undefined) return;
    watchNamedFiles();
    options.onBuild?.(built);
    started.notify(buildEvent(built, options.cwd, basePath));
  });

  const folders = session.folders;
  const sources = [folders.episodes, folders.templates, folders.public, folders.people, ...[folders.pages, folders.media].filter((folder) => folder !== undefined)];
  // The episodes folder, which may hold thousands of files, has a watcher of its own (see watchTree).
  const episodesWatched = existsSync(folders.episodes);
  const watcher: FSWatcher = watch([folders.settingsFile, ...sources.filter((folder) => existsSync(folder) && !(episodesWatched && folder === folders.episodes))], {
    ignoreInitial: true,
  });
  // chokidar does not see a folder created after it started: the parents tell when one appears.
  const missing = sources.filter((folder) => !existsSync(folder));
  const parents = watch([...new Set(missing.map((folder) => path.dirname(folder)))], { ignoreInitial: true, depth: 0 });
  let gathering: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const gather = (file: string) => {
    changed.add(path.resolve(file));
    clearTimeout(gathering);
    gathering = setTimeout(() => {
      const files = [...changed];
      changed.clear();
      void queue.add(...files);
    }, options.settle ?? 10);
  };
  watcher.on('all', (_event, file) => gather(file));
  const episodesWatcher: TreeWatcher | undefined = episodesWatched ? watchTree(folders.episodes, gather) : undefined;

  /**
   * Transcripts named in front matter outside the watched folders: their folders are watched one
   * level deep among the parents, which see a file come, change and go. chokidar cannot watch a
   * folder that does not exist yet: until it does, the nearest one that does is watched.
   */
  const watchedParents = new Set(missing.map((folder) => path.dirname(folder)));
  const namedOutside = () => [...(session.folders.namedFiles ?? [])].filter((file) => !sources.some((folder) => isInsideFolder(folder, file)));
  const watchNamedFiles = () => {
    for (const file of namedOutside()) {
      let folder = path.dirname(file);
      while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
      if (watchedParents.has(folder)) continue;
      watchedParents.add(folder);
      parents.add(folder);
    }
  };
  watchNamedFiles();
  const late: FSWatcher[] = [];
  parents.on('all', (event, changedPath) => {
    const resolved = path.resolve(changedPath);
    if (event === 'addDir' && missing.includes(resolved)) {
      // A watcher of its own that reports the files it finds: one written between the folder's
      // creation and the scan of it would otherwise never be seen.
      const watching = watch(resolved, { ignoreInitial: false });
      watching.on('all', (_event, file) => gather(file));
      late.push(watching);
    }
    if (event === 'addDir') {
      // A folder on the way to a named transcript: watch it, and look for files written with it.
      watchNamedFiles();
      for (const file of namedOutside()) if (isInsideFolder(resolved, file)) gather(file);
    }
    if (session.folders.namedFiles?.has(resolved)) gather(resolved);
  });
  const ready = Promise.all([
    new Promise<void>((resolve) => watcher.once('ready', () => resolve())),
    new Promise<void>((resolve) => parents.once('ready', () => resolve())),
  ]).then(() => undefined);

  return {
    url: started.url,
    server: started,
    session,
    first,
    ready,
    async idle() {
      // A save may still be gathering; then its build may be running.
      while (gathering !== undefined && changed.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await queue.idle();
    },
    async close() {
      clearTimeout(gathering);
      episodesWatcher?.close();
      await Promise.all([watcher.close(), parents.close(), ...late.map((watching) => watching.close())]);
      await queue.idle();
      await started.close();
    },
  };
}

/** What the browser needs: errors with their code frame, and the URL paths that changed. */
export function buildEvent(built: DevBuild, cwd: string, basePath: string): BuildEvent {
  const errors = built.diagnostics.filter((d) => d.severity === 'error').map((d) => overlayDiagnostic(d, cwd));
  // Pages announced early are not announced again, or the browser would reload twice.
  const early = new Set(built.entryPagesChanged);
  const changed = built.changed.filter((file) => !early.has(file));
  return { errors, changed: changed.map((file) => urlPathOf(file, basePath)), reload: built.full };
}

function overlayDiagnostic(d: Diagnostic, cwd: string) {
  let frame: string | undefined;
  if (d.file !== '' && d.line > 0) {
    try {
      frame = codeFrame(readFileSync(path.resolve(cwd, d.file), 'utf8'), d.line, d.column);
    } catch {
      frame = undefined;
    }
  }
  return { file: d.file, line: d.line, column: d.column, rule: d.rule, message: d.message, ...(d.hint && { hint: d.hint }), ...(frame && { frame }) };
}

/** `episodes/x/index.html` → `/base/episodes/x/`, as the browser's location shows it. */
export function urlPathOf(outputPath: string, basePath: string): string {
  return basePath + outputPath.replace(/(^|\/)index\.html$/, '$1');
}
