import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics.js';

/**
 * Names that become one folder or file of the site (a slug, a permalink segment) are kept to this
 * many UTF-8 bytes: file systems allow 255 per name, and podsite may add a suffix such as
 * `.chapters.json` to a name.
 */
export const MAX_NAME_BYTES = 200;

/** Windows refuses these as names whatever their extension or case: a site holding one cannot be checked out or copied there. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Why `name` cannot be one segment of a path in the output (a folder or file name that is also part
 * of a URL), or undefined when it can. Refused: what leaves or splits the folder (`..`, `/`, `\`),
 * what ends or escapes a URL path (`?`, `#`, `%`), what no file system or no Windows accepts
 * (NUL and other control characters, `<>:"|*`, reserved device names, a trailing dot or space),
 * and names longer than MAX_NAME_BYTES.
 */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name === '.' || name === '..') return `\`${name}\` names a folder itself`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'it contains a control character';
  const forbidden = /[/\\?#%<>:"|*]/.exec(name)?.[0];
  if (forbidden !== undefined) return `it contains \`${forbidden}\``;
  if (/^\s|\s$/.test(name)) return 'it starts or ends with a space';
  if (name.endsWith('.')) return 'it ends with a dot, which Windows drops';
  if (WINDOWS_RESERVED.test(name)) return `\`${name.split('.')[0]}\` is a device name on Windows`;
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_NAME_BYTES) return `it is ${bytes} bytes long in UTF-8, more than ${MAX_NAME_BYTES}`;
  return undefined;
}

/** The first name of a path (folders, then the file) that `nameProblem` refuses, with why. */
export function unsafeNameIn(relativePath: string): { name: string; problem: string } | undefined {
  for (const name of relativePath.split('/')) {
    const problem = nameProblem(name);
    if (problem !== undefined) return { name, problem };
  }
  return undefined;
}

/**
 * The files of a folder copied as they are into the site (public/, the media folder), without those
 * whose path holds a name that `nameProblem` refuses, each of which gets a warning. Such a file is
 * left out rather than failing the build: the rest of the site is fine, and on the host it would be
 * unreachable (`?`, `#`), or break a checkout or copy of the site on Windows (`CON.txt`, `a:b`).
 */
export function copyableFiles<T extends { sitePath: string; absolutePath: string }>(files: readonly T[], cwd: string, sitePrefix = ''): { files: T[]; diagnostics: Diagnostic[] } {
  const kept: T[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const problem = unsafeNameIn(file.sitePath.slice(sitePrefix.length));
    if (problem === undefined) {
      kept.push(file);
      continue;
    }
    const shown = (text: string) => JSON.stringify(text).slice(1, -1);
    diagnostics.push(
      diagnostic(
        path.relative(cwd, file.absolutePath).split(path.sep).join('/'),
        { line: 0, column: 0 },
        'unsafe-file-name',
        `\`${shown(file.sitePath)}\` is not copied into the site: the name \`${shown(problem.name)}\` is not safe on every host: ${problem.problem}`,
        'rename it with letters, digits, `-`, `_` and `.` (and change the links to it)',
      ),
    );
  }
  return { files: kept, diagnostics };
}

/** Whether `inner` is `outer` or below it, by their paths (a name starting with `..`, such as `..notes`, is inside). */
export function isWithin(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** What a folder may hold and still count as empty: files that file managers leave behind. */
const LITTER = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/** Files of the default theme, in every site podsite writes (a theme may change them, not remove them). */
const THEME_FILES = ['assets/feed.xsl', 'assets/player.js'];

/** The feed of every site podsite writes says so near its start. */
const PODSITE_FEED = '<generator>podsite</generator>';

/**
 * Why podsite may not replace `output` with a new site, or undefined when it may: it is missing,
 * empty, or a site that podsite wrote (its `feed.xml` names podsite as its generator, or it has
 * the files of podsite's theme; a site of an older podsite counts too). A build replaces the whole folder: anything else in it, such as
 * a folder named by mistake or the `dist/` of another tool, would be lost.
 */
export function foreignOutputProblem(output: string): string | undefined {
  let names: string[];
  try {
    if (!statSync(output).isDirectory()) return 'it is a file, not a folder';
    names = readdirSync(output).filter((name) => !LITTER.has(name));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const feed = path.join(output, 'feed.xml');
  if (existsSync(feed) && startsLikePodsiteFeed(feed)) return undefined;
  // A feed edited or broken by hand: the files of podsite's theme still tell the site apart.
  if (THEME_FILES.every((file) => existsSync(path.join(output, file)))) return undefined;
  const shown = names.sort().slice(0, 3).map((name) => `\`${name}\``).join(', ');
  return `it holds files that podsite did not write (${shown}${names.length > 3 ? ', …' : ''}), which the build would delete`;
}

function startsLikePodsiteFeed(file: string): boolean {
  let handle: number | undefined;
  try {
    handle = openSync(file, 'r');
    // The generator comes right after the show's description, which Apple limits to 4000 bytes.
    const head = Buffer.alloc(64 * 1024);
    const read = readSync(handle, head, 0, head.length, 0);
    return head.subarray(0, read).includes(PODSITE_FEED);
  } catch {
    return false;
  } finally {
    if (handle !== undefined) closeSync(handle);
  }
}
