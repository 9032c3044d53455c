import { isUtf8 } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildCache, CachedFile } from './cache.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { inputLimitDefaults, type InputLimits } from './input-limits.js';
import type { KnownFiles } from './known-files.js';
import { joinUnder, relativeTo } from './relative-path.js';

/** A text file read from the project, named relative to the working folder (as diagnostics name it). */
export interface SourceFile {
  file: string;
  absolutePath: string;
  text: string;
}

export interface TemplateFile extends SourceFile {
  /** Logical name: `layout`, `episode`, `partials/header`… */
  name: string;
  builtIn: boolean;
}

export interface PublicFile {
  /** Path inside the site, with forward slashes. */
  sitePath: string;
  absolutePath: string;
}

export const BUILT_IN_TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

const EPISODE_EXTENSIONS = /\.(md|markdown)$/i;
const TEMPLATE_EXTENSIONS = /\.(hbs|handlebars)$/i;

/** Editor backups, lock files and system files are not content. */
const isHiddenFile = (name: string) => name.startsWith('.');
/** A site needs `.well-known/` and `.nojekyll`; only the clutter of tools is left out. */
const isClutter = (name: string) => name === '.git' || name === '.DS_Store' || name === 'Thumbs.db';

/** A symbolic link met while listing a folder, and why it was not followed. */
export interface SkippedLink {
  link: string;
  reason: string;
}

/**
 * Files under `folder`, recursively, as forward-slash paths relative to it; none if it is absent.
 * A symbolic link counts as a file only when it leads to a file inside `folder`: one that leads
 * elsewhere (out of the project, say) must not bring that file into the site, and one to a folder
 * could loop. Those go to `skipped`.
 */
async function listFiles(folder: string, skip: (name: string) => boolean = isHiddenFile, sync = false, skipped?: SkippedLink[]): Promise<string[]> {
  let entries;
  try {
    entries = sync ? readdirSync(folder, { recursive: true, withFileTypes: true }) : await readdir(folder, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  let realFolder: string | undefined;
  const relativeToFolder = relativeTo(folder);
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = relativeToFolder(absolute);
    if (relative.split('/').some(skip)) continue;
    if (entry.isSymbolicLink()) {
      realFolder ??= realpathSync(folder);
      const reason = linkProblem(realFolder, absolute);
      if (reason !== undefined) {
        skipped?.push({ link: absolute, reason });
        continue;
      }
    }
    files.push(relative);
  }
  return files.sort();
}

/** Why the link at `link` is not followed, or undefined when it leads to a file inside `realFolder`. */
function linkProblem(realFolder: string, link: string): string | undefined {
  let target: string;
  try {
    target = realpathSync(link);
  } catch {
    return 'it leads nowhere (its target is missing or loops)';
  }
  if (!isInsideFolder(realFolder, target)) return `it leads to \`${target}\`, outside the folder`;
  try {
    if (!statSync(target).isFile()) return 'it leads to a folder, which podsite does not follow';
  } catch {
    return 'it leads nowhere';
  }
  return undefined;
}

/** The links a listing skipped, as warnings naming each link. */
export function skippedLinkDiagnostics(skipped: readonly SkippedLink[], cwd: string): Diagnostic[] {
  return skipped.map(({ link, reason }) =>
    diagnostic(path.relative(cwd, link) || link, { line: 0, column: 0 }, 'symlink-skipped', `this symbolic link is not followed: ${reason}`, 'copy the file itself into the folder, or remove the link'),
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What a file is for: empty and binary files are mistakes in content folders only. */
export type SourceKind = 'episode' | 'person' | 'page' | 'template';

/**
 * Reads one file. `sync` is for the few small files of a theme or of a save in `podsite dev`:
 * blocking reads skip libuv's thread pool, where a file watcher's own work would make them wait.
 */
export async function readSourceFile(
  root: string,
  absolutePath: string,
  kind: SourceKind,
  sync = false,
  limits: Pick<InputLimits, 'fileSize' | 'lineLength'> = inputLimitDefaults,
): Promise<{ source?: SourceFile; diagnostic?: Diagnostic }> {
  const file = path.relative(root, absolutePath).split(path.sep).join('/');
  try {
    return await readListedFile(file, absolutePath, kind, sync, limits);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // Permissions, a file removed between the listing and the read, a failing disk: the podsite user's to fix.
    if (typeof code !== 'string') throw error;
    return {
      diagnostic: diagnostic(file, { line: 1, column: 1 }, 'unreadable-file', `this file cannot be read (${message.split(',')[0]}), so it is skipped`, `check that it is still there and that podsite may read it (its owner and mode, e.g. \`chmod a+r ${file}\`)`),
    };
  }
}

async function readListedFile(
  file: string,
  absolutePath: string,
  kind: SourceKind,
  sync: boolean,
  limits: Pick<InputLimits, 'fileSize' | 'lineLength'>,
): Promise<{ source?: SourceFile; diagnostic?: Diagnostic }> {
  if (kind !== 'template') {
    // Measured before reading: a 5 MB episode would cost minutes and gigabytes in the Markdown reader.
    const size = (sync ? statSync(absolutePath) : await stat(absolutePath)).size;
    if (size > limits.fileSize) {
      return {
        diagnostic: diagnostic(file, { line: 1, column: 1 }, 'file-too-large', `this file is ${kibibytes(size)}, more than the ${kibibytes(limits.fileSize)} podsite reads, so it is skipped`, `show notes are seldom over 50 KB: move long texts into a transcript file, or raise \`limits.fileSize\` in the settings`),
      };
    }
  }
  const bytes = sync ? readFileSync(absolutePath) : await readFile(absolutePath);
  // An empty template is fine (it removes a partial); an empty episode or person file is a mistake.
  const problem = textProblem(file, bytes, kind);
  if (problem !== undefined) return { diagnostic: problem };
  const text = utf8.decode(bytes);
  const long = kind === 'template' ? undefined : lineBeyond(text, limits.lineLength);
  if (long !== undefined) {
    return {
      diagnostic: diagnostic(file, { line: long.line, column: limits.lineLength + 1 }, 'line-too-long', `line ${long.line} is ${long.length} characters long, more than the ${limits.lineLength} podsite reads, so the file is skipped`, `break the line (a blank line between paragraphs), or raise \`limits.lineLength\` in the settings`),
    };
  }
  return { source: { file, absolutePath, text } };
}

function kibibytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The first line longer than `limit` characters, if any. */
function lineBeyond(text: string, limit: number): { line: number; length: number } | undefined {
  if (text.length <= limit) return undefined;
  let line = 1;
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    // A CRLF file's lines end with `\r`, which is no character of the line.
    const length = end - start - (text[end - 1] === '\r' ? 1 : 0);
    if (length > limit) return { line, length };
    start = end + 1;
  }
  return undefined;
}

/** Why `bytes` cannot be read as a text file: empty, binary, or not UTF-8 (with where). */
export function textProblem(file: string, bytes: Uint8Array, kind: SourceKind): Diagnostic | undefined {
  const isBlank = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
  if (kind !== 'template' && bytes.every(isBlank)) {
    return diagnostic(file, { line: 1, column: 1 }, 'empty-file', 'this file is empty, so it is skipped', kind === 'person' ? 'write `name:` and a bio in it, or delete it' : kind === 'page' ? 'write `title:` and a text in it, or delete it' : 'write an episode in it, or delete it');
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return diagnostic(file, { line: 1, column: 1 }, 'invalid-utf8', 'this file is UTF-16 text, not UTF-8', 'save it as UTF-8 in your editor (Notepad: Save as, Encoding: UTF-8)');
  }
  const nul = bytes.indexOf(0);
  if (kind !== 'template' && nul !== -1) {
    return diagnostic(file, positionOfByte(bytes, nul), 'binary-file', `this is not a text file (a NUL byte at byte ${nul}), so it is skipped`, `keep only Markdown files in the ${kind === 'person' ? 'people' : kind === 'page' ? 'pages' : 'episodes'} folder`);
  }
  // The native check first: walking every byte in JavaScript cost more than reading the files.
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (bad !== -1) {
    return diagnostic(file, positionOfByte(bytes, bad), 'invalid-utf8', `this file is not valid UTF-8: byte ${bad} (0x${bytes[bad]!.toString(16).padStart(2, '0')}) starts no character`, 'save the file as UTF-8 in your editor (it may be Latin-1 or Windows-1252)');
  }
  return undefined;
}

function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Columns count characters, so the bytes before the bad one are decoded to count them.
  return { line, column: Buffer.from(bytes.subarray(lineStart, offset)).toString('utf8').length + 1 };
}

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return -1;
}

/** The files of the episodes folder: episode files, relative to it, and the others (transcripts…), absolute. */
export interface EpisodeListing {
  episodes: string[];
  others: ReadonlySet<string>;
  /** Symbolic links not followed: kept with the listing, so that each rebuild still reports them. */
  skipped?: readonly SkippedLink[];
}

const listingPaths = new WeakMap<EpisodeListing, { folder: string; paths: string[] }>();

/**
 * Episode files, read from disk unless the cache has them and they are not dirty. The cache
 * forgets files that are gone. The other files of the folder are listed by the same pass, for the
 * transcripts that belong to an episode.
 */
export async function loadEpisodeFiles(
  root: string,
  folder: string,
  cache?: BuildCache,
  limits: Pick<InputLimits, 'fileSize' | 'lineLength'> = inputLimitDefaults,
  known?: { known: KnownFiles; taken?: { stats: ReadonlyMap<string, Stats>; observedAt: number } | undefined },
): Promise<{ files: SourceFile[]; diagnostics: Diagnostic[]; found: number; paths: string[]; others: ReadonlySet<string> }> {
  // Listing thousands of files costs more than the rest of a one-file rebuild: when every dirty file
  // is one already known (an edit, no addition), the last listing still holds. A file outside the
  // folder (a transcript elsewhere in the project) does not change it.
  const dirty = cache?.dirty;
  const previous = cache?.listing;
  const stillListed = (file: string) => (cache!.files.has(file) || previous!.others.has(file) ? existsSync(file) : !isInsideFolder(folder, file));
  const onlyKnownFilesChanged = previous !== undefined && dirty instanceof Set && [...dirty].every(stillListed);
  const skipped: SkippedLink[] = [];
  const listing = onlyKnownFilesChanged ? previous : { ...splitListing(folder, await listFiles(folder, isHiddenFile, false, skipped)), skipped };
  if (cache !== undefined) cache.listing = listing;
  const names = listing.episodes;
  const remember = (absolutePath: string, result: { source?: SourceFile; diagnostic?: Diagnostic }) => {
    if (cache === undefined) return result;
    const previous = cache.files.get(absolutePath);
    // Unchanged text keeps what was made from it; a changed one starts afresh.
    const entry: CachedFile = previous?.source !== undefined && previous.source.text === result.source?.text ? previous : {};
    if (result.source) entry.source = result.source;
    else entry.problem = result.diagnostic;
    cache.files.set(absolutePath, entry);
    return result;
  };
  const read: { source?: SourceFile; diagnostic?: Diagnostic }[] = new Array(names.length);
  const reading: number[] = [];
  // Joined once per listing: an edit keeps the listing, and 4,000 joins at each rebuild showed in profiles.
  let paths = listingPaths.get(listing);
  if (paths?.folder !== folder) listingPaths.set(listing, (paths = { folder, paths: names.map(joinUnder(folder)) }));
  const { paths: absolutePaths } = paths;
  absolutePaths.forEach((absolutePath, index) => {
    const cached = cache?.files.get(absolutePath);
    const changed = cache === undefined || cache.dirty === 'all' || cache.dirty.has(absolutePath);
    // Files that did not change are taken as they are, without a promise each: thousands add up.
    if (cached?.source !== undefined && !changed) read[index] = { source: cached.source };
    else if (cached?.problem !== undefined && !changed) read[index] = { diagnostic: cached.problem };
    else reading.push(index);
  });
  // One at a time and blocking: for thousands of small files this was 4 to 5 times faster than
  // promises through libuv's thread pool (4,000 files: 115 ms against 560 ms, 64 at a time), and
  // never more than one file is open (every file at once once ran out of file descriptors).
  const relativeToRoot = relativeTo(root);
  for (const index of reading) {
    const absolutePath = absolutePaths[index]!;
    if (known === undefined) {
      read[index] = remember(absolutePath, await readSourceFile(root, absolutePath, 'episode', true, limits));
      continue;
    }
    // Unchanged since the last build by its stats: its text stays on disk.
    const found = known.known.lookup(relativeToRoot(absolutePath), absolutePath, known.taken);
    if ('source' in found) {
      read[index] = { source: found.source };
      continue;
    }
    const result = await readSourceFile(root, absolutePath, 'episode', true, limits);
    if (result.source !== undefined && found.stats !== undefined) known.known.read(result.source, found.stats, found.observedAt);
    read[index] = result;
  }
  if (cache !== undefined && !onlyKnownFilesChanged) {
    const present = new Set(absolutePaths);
    for (const absolutePath of cache.files.keys()) if (!present.has(absolutePath)) cache.files.delete(absolutePath);
  }
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = skippedLinkDiagnostics(listing.skipped ?? [], root);
  for (const { source, diagnostic } of read) {
    if (source !== undefined) files.push(source);
    else if (diagnostic !== undefined) diagnostics.push(diagnostic);
  }
  return { found: names.length, paths: absolutePaths, files, diagnostics, others: listing.others };
}

/**
 * The person files of the people folder: its Markdown files, not those of subfolders, since a
 * person's id is their file name. No folder, no people.
 */
export async function loadPeopleFiles(root: string, folder: string, limits: Pick<InputLimits, 'fileSize' | 'lineLength'> = inputLimitDefaults): Promise<{ files: SourceFile[]; diagnostics: Diagnostic[] }> {
  let names: string[];
  const skipped: SkippedLink[] = [];
  try {
    const entries = (await readdir(folder, { withFileTypes: true })).filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && !isHiddenFile(entry.name) && EPISODE_EXTENSIONS.test(entry.name));
    const realFolder = entries.some((entry) => entry.isSymbolicLink()) ? realpathSync(folder) : folder;
    names = entries
      .filter((entry) => {
        if (!entry.isSymbolicLink()) return true;
        const reason = linkProblem(realFolder, path.join(folder, entry.name));
        if (reason !== undefined) skipped.push({ link: path.join(folder, entry.name), reason });
        return reason === undefined;
      })
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], diagnostics: [] };
    throw error;
  }
  const read = await Promise.all(names.map((name) => readSourceFile(root, path.join(folder, name), 'person', false, limits)));
  return {
    files: read.flatMap((r) => (r.source ? [r.source] : [])),
    diagnostics: [...skippedLinkDiagnostics(skipped, root), ...read.flatMap((r) => (r.diagnostic ? [r.diagnostic] : []))],
  };
}

/** The Markdown files of the pages folder and its subfolders; `name` is the path inside it. No folder, no pages. */
export async function loadPageFiles(root: string, folder: string, limits: Pick<InputLimits, 'fileSize' | 'lineLength'> = inputLimitDefaults): Promise<{ files: (SourceFile & { name: string })[]; diagnostics: Diagnostic[] }> {
  const skipped: SkippedLink[] = [];
  const names = (await listFiles(folder, isHiddenFile, false, skipped)).filter((name) => EPISODE_EXTENSIONS.test(name));
  const read = await Promise.all(names.map(async (name) => ({ name, ...(await readSourceFile(root, path.join(folder, name), 'page', false, limits)) })));
  return {
    files: read.flatMap((r) => (r.source ? [{ ...r.source, name: r.name }] : [])),
    diagnostics: [...skippedLinkDiagnostics(skipped, root), ...read.flatMap((r) => (r.diagnostic ? [r.diagnostic] : []))],
  };
}

function splitListing(folder: string, names: readonly string[]): EpisodeListing {
  const episodes: string[] = [];
  const others = new Set<string>();
  for (const name of names) {
    if (EPISODE_EXTENSIONS.test(name)) episodes.push(name);
    else others.add(path.join(folder, name));
  }
  return { episodes, others };
}

/** Whether `file` is below `folder` (a name starting with `..`, such as `..notes.md`, is inside). */
export function isInsideFolder(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * Whether a file named in the front matter is there, and still inside one of `folders` once
 * symbolic links are followed (a link must not bring a file from elsewhere into the site).
 */
export function projectFileStatus(absolutePath: string, folders: readonly string[]): 'file' | 'missing' | 'outside' {
  let real: string;
  try {
    if (!statSync(absolutePath).isFile()) return 'missing';
    real = realpathSync(absolutePath);
  } catch {
    return 'missing';
  }
  const realFolder = (folder: string) => {
    try {
      return realpathSync(folder);
    } catch {
      return folder;
    }
  };
  return folders.some((folder) => isInsideFolder(realFolder(folder), real)) ? 'file' : 'outside';
}

export interface Theme {
  /** Handlebars templates and `strings.json`, by logical name. */
  templates: Map<string, TemplateFile>;
  /** Files under the theme's `assets/` folder, copied into the site's `assets/`. */
  assets: Map<string, PublicFile>;
}

/** The default theme, with each file of the same logical name in the user's folder taking its place. */
export async function loadTheme(root: string, userFolder: string): Promise<{ theme: Theme; diagnostics: Diagnostic[] }> {
  const templates = new Map<string, TemplateFile>();
  const assets = new Map<string, PublicFile>();
  const diagnostics: Diagnostic[] = [];
  for (const [folder, builtIn] of [
    [BUILT_IN_TEMPLATES, true],
    [userFolder, false],
  ] as const) {
    const skipped: SkippedLink[] = [];
    for (const name of await listFiles(folder, isHiddenFile, true, skipped)) {
      if (name.startsWith('assets/')) {
        assets.set(name, { sitePath: name, absolutePath: path.join(folder, name) });
        continue;
      }
      const stripped = name.replace(TEMPLATE_EXTENSIONS, '');
      if (stripped === name && name !== STRINGS_FILE) continue;
      // A theme's strings add to the default theme's rather than replace them: both are kept.
      const logical = name === STRINGS_FILE && !builtIn ? USER_STRINGS_FILE : stripped;
      const read = await readSourceFile(root, path.join(folder, name), 'template', true);
      if (read.diagnostic) diagnostics.push(read.diagnostic);
      if (read.source) templates.set(logical, { ...read.source, name: logical, builtIn });
    }
    diagnostics.push(...skippedLinkDiagnostics(skipped, root));
  }
  return { theme: { templates, assets }, diagnostics };
}

export const STRINGS_FILE = 'strings.json';
/** The logical name of the user's `strings.json`, read over the default theme's. */
export const USER_STRINGS_FILE = 'strings.json (user)';

/** The files of a folder copied into the site; the symbolic links not followed go to `skipped`. */
export async function listPublicFiles(folder: string, skipped?: SkippedLink[]): Promise<PublicFile[]> {
  return (await listFiles(folder, isClutter, true, skipped)).map((sitePath) => ({ sitePath, absolutePath: path.join(folder, sitePath) }));
}

export async function readSettingsFile(configPath: string, cwd: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  try {
    const bytes = readFileSync(configPath);
    const problem = textProblem(path.relative(cwd, configPath) || configPath, bytes, 'template');
    return problem ? { diagnostic: problem } : { text: utf8.decode(bytes) };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const shown = path.relative(cwd, configPath) || configPath;
    const problem = (text: string, hint: string) => ({ diagnostic: diagnostic(shown, { line: 0, column: 0 }, 'missing-settings', text, hint) });
    if (code === 'EISDIR') return problem(`${shown} is a folder, not a settings file`, `pass the YAML file itself: --config ${path.join(shown, 'podsite.yaml')}`);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return problem(`the settings file cannot be read (${message})`, 'check that it is a file podsite may read');
    // The commonest slip: the settings saved with the other extension.
    const otherName = configPath.endsWith('.yaml') ? `${configPath.slice(0, -'.yaml'.length)}.yml` : undefined;
    const renamed = otherName !== undefined && existsSync(otherName) ? `; ${path.relative(cwd, otherName)} exists: rename it to ${path.basename(configPath)}, or pass --config ${path.relative(cwd, otherName)}` : '';
    return problem(
      `no settings file at ${configPath}`,
      `run podsite in the folder that has podsite.yaml, pass --config FILE, or create podsite.yaml with \`podsite init\` (or by hand: at least title, description, language and url)${renamed}`,
    );
  }
}

/** The GUID ledger's text, none when there is no ledger yet, or why it cannot be read. */
export async function readLedgerFile(ledgerPath: string, file: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  try {
    return { text: await readFile(ledgerPath, 'utf8') };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return {};
    return { diagnostic: diagnostic(file, { line: 0, column: 0 }, 'invalid-ledger', `the ledger cannot be read: ${message}`, 'check that it is a file that podsite may read') };
  }
}
