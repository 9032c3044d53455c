import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnostic, type Diagnostic } from './diagnostics.js';

/** A text file read from the project, named relative to the project root. */
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

/** Files under `folder`, recursively, as forward-slash paths relative to it; none if it is absent. */
async function listFiles(folder: string, skip: (name: string) => boolean = isHiddenFile): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !relative.split('/').some(skip))
    .sort();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readText(root: string, absolutePath: string): Promise<{ source?: SourceFile; diagnostic?: Diagnostic }> {
  const file = path.relative(root, absolutePath).split(path.sep).join('/');
  const bytes = await readFile(absolutePath);
  try {
    return { source: { file, absolutePath, text: utf8.decode(bytes) } };
  } catch {
    return {
      diagnostic: diagnostic(file, { line: 1, column: 1 }, 'invalid-utf8', 'this file is not valid UTF-8 text', 'save it as UTF-8 in your editor'),
    };
  }
}

export async function loadEpisodeFiles(root: string, folder: string): Promise<{ files: SourceFile[]; diagnostics: Diagnostic[] }> {
  const names = (await listFiles(folder)).filter((name) => EPISODE_EXTENSIONS.test(name));
  const read = await Promise.all(names.map((name) => readText(root, path.join(folder, name))));
  return {
    files: read.flatMap((r) => (r.source ? [r.source] : [])),
    diagnostics: read.flatMap((r) => (r.diagnostic ? [r.diagnostic] : [])),
  };
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
    for (const name of await listFiles(folder)) {
      if (name.startsWith('assets/')) {
        assets.set(name, { sitePath: name, absolutePath: path.join(folder, name) });
        continue;
      }
      const logical = name.replace(TEMPLATE_EXTENSIONS, '');
      if (logical === name && name !== STRINGS_FILE) continue;
      const read = await readText(root, path.join(folder, name));
      if (read.diagnostic) diagnostics.push(read.diagnostic);
      if (read.source) templates.set(logical, { ...read.source, name: logical, builtIn });
    }
  }
  return { theme: { templates, assets }, diagnostics };
}

export const STRINGS_FILE = 'strings.json';

export async function listPublicFiles(folder: string): Promise<PublicFile[]> {
  return (await listFiles(folder, isClutter)).map((sitePath) => ({ sitePath, absolutePath: path.join(folder, sitePath) }));
}

export async function readSettingsFile(configPath: string, cwd: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  try {
    return { text: await readFile(configPath, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
    return {
      diagnostic: diagnostic(
        path.relative(cwd, configPath) || configPath,
        { line: 0, column: 0 },
        'missing-settings',
        `no settings file at ${configPath}`,
        'run podsite in the folder that has podsite.yaml, pass --config FILE, or create podsite.yaml with at least title, description, language and url',
      ),
    };
  }
}
