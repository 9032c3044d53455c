import type { Settings } from './config.js';
import { withBidiClosed } from './bidi.js';
import { nameProblem } from './contain.js';
import { blocksValue, diagnostic, type Diagnostic, type Result } from './diagnostics.js';
import { readFrontMatter } from './frontmatter.js';
import type { SourceFile } from './load.js';
import { markupDiagnostics } from './notes-checks.js';
import { markdownEngine } from './markdown-engine.js';
import { outputFileOf } from './permalink.js';
import type { Schema } from './schema.js';
import { compareText } from './text.js';
import { prefixBasePath } from './urls.js';

/** A page of the `pages/` folder (about, support, legal…): Markdown rendered like show notes. */
export interface SitePage {
  /** Path relative to the working folder: how diagnostics name it. */
  file: string;
  title: string;
  description: string | undefined;
  /** Listed in the default navigation menu. */
  menu: boolean;
  /** Its place in the menu: lower first; pages without one come after, by title. */
  order: number | undefined;
  /** `/about/` for `pages/about.md`. */
  path: string;
  outputFile: string;
  html: string;
  text: string;
  /** The file's text: what its page depends on. */
  key: string;
}

export const PAGE_SCHEMA: Schema = {
  title: { type: { kind: 'string' }, required: true, description: 'The title of the page, in its heading and in the menu.' },
  description: { type: { kind: 'string' }, description: 'A sentence for search engines; else the start of the text.' },
  menu: { type: { kind: 'boolean' }, description: 'List the page in the navigation menu (when the settings have no `nav:`).' },
  order: { type: { kind: 'integer', min: 0 }, description: 'Its place in the menu: lower first; pages without one come after, by title.' },
};

interface RawPage {
  title?: string;
  description?: string;
  menu?: boolean;
  order?: number;
}

export type PageSettings = Pick<Settings, 'url' | 'frontMatter'> & { build: Pick<Settings['build'], 'html'>; limits?: Partial<Settings['limits']> };

/** Reads the pages folder's files; each file's `name` (its path inside the folder) makes its address. */
export function readSitePages(files: readonly (SourceFile & { name: string })[], settings: PageSettings): Result<SitePage[]> {
  const diagnostics: Diagnostic[] = [];
  const pages: SitePage[] = [];
  for (const source of files) {
    const { split, read, diagnostics: found } = readFrontMatter(source.file, source.text, {
      schema: PAGE_SCHEMA,
      what: 'the page',
      missing: { subject: 'this page', field: 'title' },
      frontMatter: settings.frontMatter,
      limits: settings.limits,
    });
    diagnostics.push(...found);
    const body = markdownEngine().renderMarkdown(split.body, { html: settings.build.html, maxDepth: settings.limits?.markdownDepth });
    diagnostics.push(...markupDiagnostics(source.file, split.bodyLine, body, settings));
    // Each folder and the file name become folders of the output and segments of the page's URL.
    const nameProblems = source.name.replace(/\.(md|markdown)$/i, '').split('/').flatMap((part) => nameProblem(part) ?? []);
    if (nameProblems.length > 0) {
      diagnostics.push(diagnostic(source.file, { line: 0, column: 0 }, 'invalid-slug', `the file name \`${JSON.stringify(source.name).slice(1, -1)}\` cannot be the address of a page: ${nameProblems[0]}`, 'rename the file with letters, digits, `-` and `_`'));
      continue;
    }
    if (read === undefined || found.some(blocksValue)) continue;
    const raw = read.value as RawPage;
    if (raw.title === undefined || raw.title.trim() === '') continue;
    const path = `/${source.name.replace(/\.(md|markdown)$/i, '')}/`;
    // A page's title is in the menu of every page, beside the other titles.
    const title = withBidiClosed(raw.title, (message, hint) => diagnostics.push(diagnostic(source.file, read.positions.get('title') ?? { line: 1, column: 1 }, 'unbalanced-bidi', message, hint)));
    pages.push({
      file: source.file,
      title,
      description: raw.description,
      menu: raw.menu ?? false,
      order: raw.order,
      path,
      outputFile: outputFileOf(path),
      html: prefixBasePath(body.html, settings),
      text: body.text,
      key: source.text,
    });
  }
  return { value: pages, diagnostics };
}

/** The pages of the default menu, in their order. */
export function menuPages(pages: readonly SitePage[]): SitePage[] {
  return pages
    .filter((page) => page.menu)
    .sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || compareText(a.title, b.title));
}

/**
 * Pages of the folder whose address another page of the site already has: the generated page
 * wins, and the Markdown page is reported (`taken` holds lower-cased output files and their owner).
 */
export function placeSitePages(pages: readonly SitePage[], taken: ReadonlyMap<string, string>): Result<SitePage[]> {
  const diagnostics: Diagnostic[] = [];
  const kept: SitePage[] = [];
  const mine = new Map<string, SitePage>();
  for (const page of pages) {
    const key = page.outputFile.toLowerCase();
    const other = taken.get(key) ?? mine.get(key)?.file;
    if (other !== undefined) {
      diagnostics.push(
        diagnostic(page.file, { line: 1, column: 1 }, 'duplicate-permalink', `this page's address \`${page.path}\` is also the address of ${other}`, 'rename the file: the other page keeps its address'),
      );
      continue;
    }
    mine.set(key, page);
    kept.push(page);
  }
  return { value: kept, diagnostics };
}
