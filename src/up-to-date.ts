import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, BuildResult, BuildStats } from './build.js';
import type { Settings } from './config.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { CACHE_FOLDER } from './facts-cache.js';
import type { KeptFile } from './link-pages.js';
// Files changed this long before the inputs were looked at, or later, are compared by their bytes too.
import { RACY_WINDOW_MS } from './known-files.js';
import { workFolderOf } from './dev-output.js';
import { digestOfText } from './digest.js';
import { joinUnder } from './relative-path.js';
import { runtimeVersion } from './runtime-version.js';

/**
 * Bumped when the record's shape changes, or when what a build makes from the same files changes
 * without any file of podsite changing (which the fingerprint of podsite's own code already covers).
 */
const RECORD_FORMAT = 1;


/** Past this many files and folders, a project is not walked at every build: it is built instead. */
const MAX_WALKED = 200_000;

/** Folders that are never what a site is made of, wherever they are. */
const NEVER_INPUTS = new Set(['node_modules', '.git']);

/** Where the code of this podsite is, and its default theme: a new podsite makes every record stale. */
const CODE_FOLDER = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_FOLDER = path.dirname(CODE_FOLDER);

/** One file as the record compares it: size, modification time and inode, and its bytes' hash when racy. */
type FileIdentity = [path: string, size: number, mtimeMs: number, inode: number];

interface InputsWalk {
  roots: string[];
  /** Absolute paths never walked: what the build itself writes. */
  skip: string[];
  /** Files outside the roots that the build reads (the settings file, podsite's package.json). */
  files: string[];
  startedAt: number;
  digest: string;
}

/** What `podsite build` leaves beside its cache so that the next build can tell that nothing changed. */
interface BuildRecord {
  format: number;
  key: string;
  inputs: InputsWalk;
  /** The ledger as the build left it: written by the build itself, so compared after it. */
  ledger: { path: string; identity: FileIdentity | null };
  builtAt: number;
  /** When entries dated in the future reach their date, the output changes by itself. */
  validUntil: number | null;
  output: { folder: string; files: FileIdentity[] };
  result: { diagnostics: Diagnostic[]; stats: BuildStats };
  /** What each page was made from, so that the next build takes an unchanged page from the output. */
  pages?: PageKeys;
}

/** Pages by output path, with the hash of what they were made from, under one theme, settings and podsite. */
interface PageKeys {
  /** The settings and the theme, as the pipeline hashes them. */
  key: string;
  /** podsite's code, whose template helpers make pages too. */
  code: string;
  keys: Record<string, string>;
}

/** What the pipeline gives for the record besides its result: the pages and what they were made from. */
export interface MadePages {
  key: string;
  /** The key of each page, by output path. */
  keys: ReadonlyMap<string, string>;
}

/** What a build that wrote its site wrote: every file, by path in the output folder, and its pages' keys. */
export interface WrittenOutput {
  paths: readonly string[];
  pages: MadePages;
  /** Files linked from the last build's output, after `previousPages` found them as its record says. */
  kept?: ReadonlySet<string>;
}

export interface Fingerprint {
  walk: InputsWalk;
  /** The stats of every file walked, by absolute path, and when the walk began: the load stage need not take them again. */
  files: { stats: ReadonlyMap<string, Stats>; observedAt: number };
}

/**
 * The last build of one configuration (settings file, working folder, command-line options), as
 * recorded in the cache folder. Any doubt (a file changed, added or removed anywhere in the project
 * or in podsite, the output touched, a record that cannot be read) means a real build.
 */
export class LastBuild {
  constructor(
    readonly recordFile: string,
    readonly key: string,
    private readonly displayFile: string,
    private readonly configPath: string,
  ) {}

  /** The record read by `find`, when it was written by this podsite for the same options. */
  private previous: BuildRecord | undefined;
  /** The inputs as `find` walked them, before any was read. */
  private listing: InputsListing | undefined;

  /** The record file, read and parsed once: `recordedOutput` and `find` both need it. `missing`: no file; `broken`: not JSON. */
  private read: { record: unknown } | 'missing' | 'broken' | undefined;

  private recordRead(): { record: unknown } | 'missing' | 'broken' {
    if (this.read === undefined) {
      let text: string | undefined;
      try {
        text = readFileSync(this.recordFile, 'utf8');
      } catch {
        this.read = 'missing';
      }
      if (text !== undefined) {
        try {
          this.read = { record: JSON.parse(text) };
        } catch {
          this.read = 'broken';
        }
      }
    }
    return this.read!;
  }

  /** The output folder the record names, to lock before `find` looks at it; undefined without a readable record. */
  recordedOutput(): string | undefined {
    const read = this.recordRead();
    const folder = typeof read === 'object' ? (read.record as Partial<BuildRecord> | null)?.output?.folder : undefined;
    return typeof folder === 'string' ? folder : undefined;
  }

  /** The last build's result when it still holds; otherwise why not, when that is worth a warning. */
  find(now: Date): { result?: BuildResult; diagnostics?: Diagnostic[] } {
    const read = this.recordRead();
    if (read === 'missing') return {};
    let record: BuildRecord;
    try {
      if (read === 'broken') throw new Error('not JSON');
      record = read.record as BuildRecord;
      if (typeof record !== 'object' || record === null || !Array.isArray(record.output?.files) || typeof record.inputs?.digest !== 'string') throw new Error('not a record');
    } catch {
      return {
        diagnostics: [
          diagnostic(this.displayFile, { line: 0, column: 0 }, 'cache-ignored', 'the record of the last build cannot be read: ignored, the site is built again', 'nothing to do: it is written anew after this build (deleting .podsite-cache/ is always safe)'),
        ],
      };
    }
    if (record.format !== RECORD_FORMAT || record.key !== this.key) return {};
    this.previous = record;
    const time = now.getTime();
    if (time < record.builtAt || (record.validUntil !== null && time >= record.validUntil)) return {};
    if (!sameIdentity(identityOf(record.ledger.path), record.ledger.identity)) return {};
    const listing = listInputs(record.inputs.roots, record.inputs.skip, record.inputs.files);
    if (listing === undefined) return {};
    // A build follows: its fingerprint is this walk when its settings name the same folders.
    this.listing = listing;
    if (digestOf(listing, record.inputs.startedAt - RACY_WINDOW_MS) !== record.inputs.digest) return {};
    // After the inputs: a build that follows an edit looks at each page it takes from the output anyway (previousPages).
    if (!outputIntact(record.output)) return {};
    return {
      result: {
        ok: true,
        diagnostics: record.result.diagnostics,
        timings: [],
        stats: record.result.stats,
        upToDate: { output: record.output.folder },
        ...(record.validUntil !== null && { nextChange: new Date(record.validUntil) }),
      },
    };
  }

  /**
   * The pages of the last build that the next can take from the output instead of rendering them:
   * a page whose key is the same, under the same settings, theme and podsite, and whose file is
   * still the one that build wrote. Gives that file's path and inode: the record proves its bytes, so
   * it is linked into the new output without being read.
   */
  previousPages(pagesKey: string): ((output: string, key: string) => KeptFile | undefined) | undefined {
    const record = this.previous;
    if (record?.pages === undefined || record.pages.key !== pagesKey || record.pages.code !== codeDigest()) return undefined;
    const { keys } = record.pages;
    const identities = new Map(record.output.files.map((file) => [file[0], file]));
    const inFolder = joinUnder(record.output.folder);
    return (output, key) => {
      const known = identities.get(output);
      if (known === undefined || keys[output] !== this.hashOfKey(output, key)) return undefined;
      const file = inFolder(output);
      const stats = lstatSync(file, { throwIfNoEntry: false });
      if (!stats?.isFile() || !sameIdentity(identity(file, stats), known)) return undefined;
      this.checked.set(output, known);
      return { from: file, ino: stats.ino, dev: stats.dev };
    };
  }

  /** Files of the last output that previousPages found as the record says, by output path. */
  private readonly checked = new Map<string, FileIdentity>();

  /** A copy of the identity previousPages found for a file of the last output, for the record of this build. */
  checkedIdentity(output: string): FileIdentity | undefined {
    const known = this.checked.get(output);
    return known && [output, known[1], known[2], known[3]];
  }

  /** Page keys hashed by this build, by output path: the record hashes the same keys again. */
  private readonly keyHashes = new Map<string, { key: string; hash: string }>();

  /** The hash of a page's key, as the record keeps it; worked out once per build. */
  hashOfKey(output: string, key: string): string {
    const known = this.keyHashes.get(output);
    if (known?.key === key) return known.hash;
    const hash = hashKey(key);
    this.keyHashes.set(output, { key, hash });
    return hash;
  }

  /** The folders of the last build's output, relative to it, parents first: most likely those of the next. */
  previousFolders(): string[] {
    const folders = new Set<string>();
    for (const [file] of this.previous?.output.files ?? []) {
      for (let folder = path.posix.dirname(file); folder !== '.' && !folders.has(folder); folder = path.posix.dirname(folder)) folders.add(folder);
    }
    return [...folders].sort();
  }

  /** Looks at every input before the pipeline reads any: a file changed after this is seen by the next build. */
  fingerprint(settings: Settings): Fingerprint | undefined {
    const { build } = settings;
    const roots = outermost([build.root, build.episodes, build.templates, build.public, build.people, build.pages, ...(build.media === undefined ? [] : [build.media]), CODE_FOLDER, path.join(PACKAGE_FOLDER, 'templates')]);
    // podsite's own folder holds the site podsite dev serves, rewritten at each save and never read by a build.
    const skip = [build.output, path.dirname(this.recordFile), build.ledger, workFolderOf(this.configPath)].map((folder) => path.resolve(folder));
    const files = [this.configPath, path.join(PACKAGE_FOLDER, 'package.json'), ...dependencyLockFiles()].map((file) => path.resolve(file));
    const earlier = this.listing;
    this.listing = undefined;
    const listing = earlier && sameList(earlier.roots, roots) && sameList(earlier.skip, skip) && sameList(earlier.files, files) ? earlier : listInputs(roots, skip, files);
    if (listing === undefined) return undefined;
    codeDigestFrom(listing);
    const { startedAt } = listing;
    const stats = new Map<string, Stats>();
    for (const found of listing.found) if (found.kind === 'file') stats.set(found.path, found.stats);
    return { walk: { roots, skip, files, startedAt, digest: digestOf(listing, startedAt - RACY_WINDOW_MS) }, files: { stats, observedAt: startedAt } };
  }
}

/** The record of the configuration `options` describe. */
export function lastBuildFor(options: BuildOptions): LastBuild {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const configPath = path.resolve(cwd, options.config ?? 'podsite.yaml');
  const folder = path.resolve(cwd, options.cacheFolder ?? path.join(path.dirname(configPath), CACHE_FOLDER));
  // Everything that changes what a build makes of the same files, but is not a file; and which
  // podsite builds: another installation walks its own code, not the one this record walked.
  const key = JSON.stringify([RECORD_FORMAT, configPath, cwd, options.output, options.ledger, options.baseUrl, options.drafts, options.future === true, options.analytics !== false, runtimeVersion(), CODE_FOLDER]);
  const name = `last-build-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`;
  return new LastBuild(path.join(folder, name), key, path.relative(cwd, path.join(folder, name)).split(path.sep).join('/'), configPath);
}

/**
 * Records a build that wrote its output without an error. Not recorded when the inputs could not
 * be walked (too many files) or the output cannot be looked at: the next build is then a real one.
 */
export function recordBuild(last: LastBuild, inputs: Fingerprint, result: BuildResult & Required<Pick<BuildResult, 'settings' | 'stats'>>, now: Date, written: WrittenOutput): void {
  const folder = result.settings.build.output;
  const { pages } = written;
  const files: FileIdentity[] = [];
  for (const relative of written.paths) {
    // A link keeps the size, time and inode its file had when previousPages looked at it. Changed
    // since, the file no longer matches the record, and the next build makes it again.
    const identity = (written.kept?.has(relative) && last.checkedIdentity(relative)) || identityOf(path.join(folder, relative));
    if (identity === null) return;
    identity[0] = relative;
    files.push(identity);
  }
  const record: BuildRecord = {
    format: RECORD_FORMAT,
    key: last.key,
    inputs: inputs.walk,
    ledger: { path: result.settings.build.ledger, identity: identityOf(result.settings.build.ledger) },
    builtAt: now.getTime(),
    validUntil: result.nextChange?.getTime() ?? null,
    output: { folder, files },
    result: { diagnostics: result.diagnostics, stats: result.stats },
    pages: { key: pages.key, code: codeDigest(), keys: Object.fromEntries([...pages.keys].map(([output, key]) => [output, last.hashOfKey(output, key)])) },
  };
  const temporary = `${last.recordFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(path.dirname(last.recordFile), { recursive: true });
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, last.recordFile);
  } catch {
    // Only a shortcut for the next build: a cache folder that cannot be written just means no shortcut.
    rmSync(temporary, { force: true });
  }
}

const hashKey = (key: string) => digestOfText('sha1', key, 'base64url');

let code: string | undefined;
const CODE_ROOTS = [CODE_FOLDER, path.join(PACKAGE_FOLDER, 'templates')];
const PACKAGE_FILE = path.join(PACKAGE_FOLDER, 'package.json');

/** podsite's code and default theme as they are on disk (names, sizes, times): any change of podsite changes it. */
export function codeDigest(): string {
  code ??= codeDigestOf(listInputs(CODE_ROOTS, [], [PACKAGE_FILE]));
  return code;
}

const codeDigestOf = (listing: InputsListing | undefined) => (listing === undefined ? 'unknown' : digestOf(listing, Number.POSITIVE_INFINITY));

/**
 * Takes podsite's code from a walk of the inputs that went through it whole (the fingerprint of a
 * build walks it too): walking it again cost about 37 ms of a build after an edit.
 */
function codeDigestFrom(listing: InputsListing): void {
  code ??= codeDigestWithin(listing);
}

/** The digest `codeDigest` makes, from a walk of the inputs; undefined when that walk did not go through all of podsite's code. */
export function codeDigestWithin(listing: InputsListing): string | undefined {
  const within = codeListingWithin(listing);
  return within === undefined ? undefined : codeDigestOf(within);
}

/**
 * The entries `listInputs` makes for podsite's code, in the same order, when `listing` walked each
 * of its folders whole (its own line is there, and nothing inside was skipped); otherwise undefined.
 */
function codeListingWithin(listing: InputsListing): InputsListing | undefined {
  const inside = (folder: string, file: string) => file === folder || file.startsWith(folder + path.sep);
  // A skipped path inside the code (or the build's leftovers beside it, then inside too): not what a walk of the code alone sees.
  if (listing.skip.some((skipped) => CODE_ROOTS.some((root) => inside(root, skipped)))) return undefined;
  const groups: ListedPath[][] = CODE_ROOTS.map(() => []);
  let packageFile: ListedPath | undefined;
  for (const found of listing.found) {
    const at = found.kind === 'file' ? found.path : found.text.slice(2, found.text.indexOf(found.text.includes('\0', 2) ? '\0' : '\n', 2));
    const index = CODE_ROOTS.findIndex((root) => inside(root, at));
    if (index >= 0) groups[index]!.push(found);
    else if (at === PACKAGE_FILE) packageFile ??= found;
  }
  const walkedWhole = (group: ListedPath[], root: string) => group[0]?.kind === 'line' && (group[0].text === `d\0${root}\n` || group[0].text.startsWith(`!\0${root}\0`));
  if (packageFile === undefined || !groups.every((group, index) => walkedWhole(group, CODE_ROOTS[index]!))) return undefined;
  return { roots: CODE_ROOTS, skip: [], files: [PACKAGE_FILE], startedAt: listing.startedAt, found: [...groups.flat(), packageFile] };
}

/** The lock files npm writes on every install, so that new versions of podsite's libraries count as a new podsite. */
function dependencyLockFiles(): string[] {
  const candidates = [path.join(PACKAGE_FOLDER, 'node_modules', '.package-lock.json')];
  // Installed as a dependency: its libraries sit beside it.
  if (path.basename(path.dirname(PACKAGE_FOLDER)) === 'node_modules') candidates.push(path.join(path.dirname(PACKAGE_FOLDER), '.package-lock.json'));
  return candidates;
}

/** The folders given, without those inside another one of them. */
function outermost(folders: readonly string[]): string[] {
  const resolved = [...new Set(folders.map((folder) => path.resolve(folder)))].sort();
  return resolved.filter((folder) => !resolved.some((other) => other !== folder && (folder + path.sep).startsWith(other + path.sep)));
}

function identityOf(file: string): FileIdentity | null {
  const stats = lstatSync(file, { throwIfNoEntry: false });
  return stats === undefined ? null : identity(file, stats);
}

function identity(file: string, stats: Stats): FileIdentity {
  return [file, stats.size, stats.mtimeMs, stats.ino];
}

function sameIdentity(a: FileIdentity | null, b: FileIdentity | null): boolean {
  return a === null || b === null ? a === b : a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** Every output file still the one the build wrote: same size, time and inode. */
function outputIntact(output: BuildRecord['output']): boolean {
  const inFolder = joinUnder(output.folder);
  for (const file of output.files) {
    const stats = lstatSync(inFolder(file[0]), { throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile() || !sameIdentity(identity(file[0], stats), file)) return false;
  }
  return true;
}

/** Every file and folder under some roots, and some files, as one walk found them: what a digest is made of. */
export interface InputsListing {
  roots: readonly string[];
  skip: readonly string[];
  files: readonly string[];
  /** When the walk began: files changed after this, less the racy window, are compared by their bytes. */
  startedAt: number;
  found: ListedPath[];
}

export type ListedPath = { kind: 'file'; path: string; stats: Stats } | { kind: 'line'; text: string };

/**
 * The name, size, time and inode of every file under `roots` and of `files`. Symbolic links to
 * files count as their target; linked folders are not entered, as the loaders do not enter them.
 * Undefined past MAX_WALKED entries.
 */
export function listInputs(roots: readonly string[], skip: readonly string[], files: readonly string[]): InputsListing | undefined {
  const startedAt = Date.now();
  const found: ListedPath[] = [];
  const skipped = new Set(skip);
  let walked = 0;
  const addPath = (file: string): void => {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats === undefined) found.push({ kind: 'line', text: `-\0${file}\n` });
    else if (stats.isFile()) found.push({ kind: 'file', path: file, stats });
    else found.push({ kind: 'line', text: `o\0${file}\0${stats.mtimeMs}\n` });
  };
  const walkFolder = (folder: string): boolean => {
    const inFolder = joinUnder(folder);
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      found.push({ kind: 'line', text: `!\0${folder}\0${(error as NodeJS.ErrnoException).code}\n` });
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    found.push({ kind: 'line', text: `d\0${folder}\n` });
    for (const entry of entries) {
      if (++walked > MAX_WALKED) return false;
      const full = inFolder(entry.name);
      if (NEVER_INPUTS.has(entry.name) || skipped.has(full) || isBuildLeftover(full, skip)) continue;
      if (entry.isDirectory()) {
        if (!walkFolder(full)) return false;
      } else addPath(full);
    }
    return true;
  };
  for (const root of roots) if (!walkFolder(root)) return undefined;
  for (const file of files) addPath(file);
  return { roots, skip, files, startedAt, found };
}

/** One hash over a listing, with the bytes of the files changed after `racyAfter`. */
function digestOf(listing: InputsListing, racyAfter: number): string {
  const hash = createHash('sha256');
  for (const found of listing.found) {
    if (found.kind === 'line') {
      hash.update(found.text);
      continue;
    }
    const { path: file, stats } = found;
    // The change time too: an edit of the same size whose modification time was put back (by a
    // tool that keeps it, or \`touch -d\`) still gives the file a new change time.
    hash.update(`f\0${file}\0${stats.size}\0${stats.mtimeMs}\0${stats.ctimeMs}\0${stats.ino}`);
    if (stats.mtimeMs >= racyAfter) {
      let bytes: string;
      try {
        bytes = createHash('sha256').update(readFileSync(file)).digest('hex');
      } catch (error) {
        bytes = `!${(error as NodeJS.ErrnoException).code}`;
      }
      hash.update(`\0${bytes}`);
    }
    hash.update('\n');
  }
  return hash.digest('hex');
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/** The staging, old and trash folders and the lock file that a build of `skip[0]` (the output) makes beside it while it writes. */
function isBuildLeftover(full: string, skip: readonly string[]): boolean {
  const output = skip[0];
  if (output === undefined || path.dirname(full) !== path.dirname(output)) return false;
  const name = path.basename(full);
  const prefix = `.${path.basename(output)}.`;
  // spill-: the build's spill file (notes-spill.ts); trash-: folders being removed (remove-later.ts); lock: the output's lock file and its temporary names (build-lock.ts).
  return (
    name.startsWith(`${prefix}tmp-`) ||
    name.startsWith(`${prefix}old-`) ||
    name.startsWith(`${prefix}spill-`) ||
    name.startsWith(`${prefix}trash-`) ||
    name.startsWith(`${prefix}lock`) ||
    // The site before the last, which the next build brings up to date (write.ts, spareFolder).
    name === `${prefix}spare`
  );
}
