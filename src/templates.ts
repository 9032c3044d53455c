import Handlebars from 'handlebars';
import { displayDate, formatDuration, isoDate, safeLocale } from './dates.js';
import { seasonPath } from './collections.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { BUILT_IN_TEMPLATES, STRINGS_FILE, USER_STRINGS_FILE, type TemplateFile } from './load.js';
import type { Settings } from './config.js';
import { openGraphLocale, scriptSafeJson, structuredData, type PageFacts } from './machines.js';
import { absoluteUrl, siteHref, type Episode } from './site.js';
import { didYouMean } from './suggest.js';
import { excerpt } from './text.js';
import { removeForbiddenHtmlCharacters } from './xml-text.js';

/** The only door to Handlebars. Output is HTML-escaped unless a template asks for `{{{raw}}}`. */
export interface Renderer {
  /** Renders the named page template inside the layout. */
  render(name: string, context: Record<string, unknown>): string;
}

export type Strings = Record<string, string>;

const REQUIRED_TEMPLATES = ['layout', 'home', 'episode', 'archive', '404', 'person', 'people', 'tag', 'tags', 'season', 'seasons', 'page'] as const;

export function createRenderer(
  settings: Settings,
  templates: ReadonlyMap<string, TemplateFile>,
  userFolder: string,
): { renderer: Renderer | undefined; strings: Strings; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const handlebars = Handlebars.create();
  // The settings have the last word: a show changes a text without copying the theme's strings.json;
  // a theme's strings.json changes or adds texts, and those it leaves out keep the default theme's.
  const strings = {
    ...themeStrings(templates.get(STRINGS_FILE), settings.language, diagnostics),
    ...themeStrings(templates.get(USER_STRINGS_FILE), settings.language, diagnostics),
    ...settings.strings,
  };
  registerHelpers(handlebars, settings, strings);

  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  const partials = new Set([...templates.keys()].filter((name) => name.startsWith('partials/')).map((name) => name.slice('partials/'.length)));
  for (const [name, template] of templates) {
    if (name === STRINGS_FILE || name === USER_STRINGS_FILE) continue;
    let ast: hbs.AST.Program;
    try {
      // Parsing up front turns a syntax error into a diagnostic with its line, before any page renders.
      // Unprocessed, so that compiling this tree (whitespace control and all) does what compiling
      // the text would, without parsing it again.
      ast = handlebars.parseWithoutProcessing(template.text);
    } catch (error) {
      diagnostics.push(templateSyntaxError(template, error as Error & { lineNumber?: number; column?: number }));
      continue;
    }
    diagnostics.push(...unknownNames(template.file, ast, new Set(Object.keys(handlebars.helpers)), partials));
    const delegate = handlebars.compile(ast, { strict: false, preventIndent: true });
    if (name.startsWith('partials/')) handlebars.registerPartial(name.slice('partials/'.length), delegate);
    else compiled.set(name, delegate);
  }
  for (const name of REQUIRED_TEMPLATES) {
    // The default theme has every page template, and a user's file can only replace one: a missing one is a broken install.
    if (!templates.has(name)) throw new Error(`no \`${name}\` template: looked for ${name}.hbs in ${userFolder} and in ${BUILT_IN_TEMPLATES}`);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { renderer: undefined, strings, diagnostics };

  const layout = compiled.get('layout')!;
  const renderer: Renderer = {
    render(name, context) {
      const page = compiled.get(name);
      if (page === undefined) throw new Error(`no template named ${name}`);
      const body = page(context);
      // Titles, names and raw HTML in notes may carry controls pasted from other programs; a browser
      // shows them as nothing or as boxes, and they make the page invalid HTML (the feed warns about them).
      return removeForbiddenHtmlCharacters(layout({ ...context, body }));
    },
  };
  return { renderer, strings, diagnostics };
}

/**
 * Helpers and partials that do not exist, found in the template's syntax tree before anything
 * renders, so the diagnostic has the call's own line and column.
 */
function unknownNames(file: string, program: hbs.AST.Program, helpers: ReadonlySet<string>, partials: ReadonlySet<string>): Diagnostic[] {
  const found: Diagnostic[] = [];
  const at = (node: hbs.AST.Node) => ({ line: node.loc.start.line, column: node.loc.start.column + 1 });
  const visit = (node: hbs.AST.Node | null | undefined): void => {
    if (!node) return;
    const call = node as Partial<hbs.AST.MustacheStatement> & Partial<hbs.AST.BlockStatement>;
    if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      const name = (node as hbs.AST.PartialStatement).name as hbs.AST.PathExpression;
      if (name.type === 'PathExpression' && !partials.has(name.original)) {
        found.push(diagnostic(file, at(node), 'template-error', `no partial named \`${name.original}\``, didYouMean(name.original, partials) ?? `partials: ${[...partials].join(', ')}`));
      }
    }
    const path = call.path as hbs.AST.PathExpression | undefined;
    const isCall = (call.params?.length ?? 0) > 0 || call.hash !== undefined || node.type === 'BlockStatement';
    if (path?.type === 'PathExpression' && isCall && path.parts.length === 1 && !path.data && !path.original.startsWith('this')) {
      const helper = path.parts[0]!;
      const isBlockContext = node.type === 'BlockStatement' && (call.params?.length ?? 0) === 0;
      if (!helpers.has(helper) && !isBlockContext) {
        found.push(diagnostic(file, at(node), 'template-error', `no helper named \`${helper}\``, didYouMean(helper, helpers) ?? `helpers: ${[...helpers].join(', ')}`));
      }
    }
    for (const param of call.params ?? []) visit(param);
    for (const pair of call.hash?.pairs ?? []) visit(pair.value);
    visit(call.program);
    visit(call.inverse);
    for (const statement of (node as hbs.AST.Program).body ?? []) visit(statement);
  };
  visit(program);
  return found;
}

/** A template that fails while rendering is the user's mistake, not a crash. */
export function templateFailure(templates: ReadonlyMap<string, TemplateFile>, name: string, error: unknown): Diagnostic {
  const file = templates.get(name)?.file ?? `${name}.hbs`;
  return diagnostic(file, { line: 0, column: 0 }, 'template-error', firstLine(error instanceof Error ? error.message : String(error)));
}

function templateSyntaxError(template: TemplateFile, error: Error & { lineNumber?: number; column?: number }): Diagnostic {
  // Handlebars' own checks carry a position; its parser writes only the line, and the text before the error.
  const parserLine = /^Parse error on line (\d+):\n(.*)\n(-*)\^/.exec(error.message);
  if (parserLine === null) {
    const position = { line: error.lineNumber ?? 1, column: (error.column ?? 0) + 1 };
    return diagnostic(template.file, position, 'template-syntax', firstLine(error.message));
  }
  const line = Number(parserLine[1]);
  const excerpt = parserLine[2]!;
  const before = excerpt.slice(0, parserLine[3]!.length).replace(/^\.\.\./, '');
  const after = excerpt.slice(parserLine[3]!.length);
  const column = parserColumn(template.text, line, before);
  const found = after === '' ? 'the end of the template' : `\`${after.slice(0, 12)}\``;
  return diagnostic(template.file, { line, column }, 'template-syntax', `syntax error: unexpected ${found}`, 'check that every `{{` has its `}}` and every `{{#block}}` its `{{/block}}`');
}

/** The column at which the parser stopped: where the text read so far (newlines removed) ends. */
function parserColumn(text: string, line: number, before: string): number {
  const lines = text.split('\n');
  const earlier = lines.slice(0, line - 1).join('');
  const current = lines[line - 1] ?? '';
  for (let column = 0; column <= current.length; column++) {
    if ((earlier + current.slice(0, column)).endsWith(before)) return column + 1;
  }
  return 1;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}

function themeStrings(file: TemplateFile | undefined, language: string, diagnostics: Diagnostic[]): Strings {
  if (file === undefined) return {};
  let all: Record<string, Strings>;
  try {
    all = JSON.parse(file.text) as Record<string, Strings>;
  } catch {
    const offset = jsonErrorOffset(file.text);
    const before = file.text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    const found = offset < file.text.length ? `\`${file.text[offset]}\`` : 'the end of the file';
    diagnostics.push(
      diagnostic(file.file, { line, column }, 'invalid-json', `the theme strings are not valid JSON: unexpected ${found}`, 'texts are in straight double quotes, with commas between entries and none after the last'),
    );
    return {};
  }
  const base = language.toLowerCase().split('-')[0]!;
  return { ...all.en, ...all[base], ...all[language.toLowerCase()] };
}

/**
 * Where JSON.parse gives up, which its messages do not always say: the shortest prefix that fails
 * for another reason than being cut short ends with the offending character.
 */
function jsonErrorOffset(text: string): number {
  const failsInside = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message)?.[1];
      const cutShort = /end of JSON input/i.test(message) || Number(position) === length;
      return !cutShort;
    }
  };
  let low = 1;
  let high = text.length;
  if (!failsInside(high)) return text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (failsInside(middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

function timecode(seconds: number): string {
  const whole = Math.floor(Math.max(0, seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(whole / 3600)}:${two(Math.floor((whole % 3600) / 60))}:${two(whole % 60)}`;
}

function registerHelpers(handlebars: typeof Handlebars, settings: Settings, strings: Strings): void {
  const { language, timezone } = settings;
  const sizeFormat = new Intl.NumberFormat(safeLocale(language), { maximumFractionDigits: 1 });
  // Handlebars passes its options object as the last argument: an argument left out must not be taken for a value.
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !('hash' in value && 'data' in value);
  const helpers: Record<string, (...args: never[]) => unknown> = {
    /** `{{url "/archive/"}}`: a root-relative link with the site's base path. */
    url: (sitePath: unknown) => siteHref(settings, typeof sitePath === 'string' ? sitePath : '/'),
    /** `{{seasonUrl episode.season}}`: the link to the season's page. */
    seasonUrl: (season: unknown) => (typeof season === 'number' ? siteHref(settings, seasonPath(season)) : ''),
    /** `{{absoluteUrl episode.path}}`: the full URL, for canonical links and social cards. */
    absoluteUrl: (sitePath: unknown) => absoluteUrl(settings, typeof sitePath === 'string' ? sitePath : '/'),
    /** `{{date episode.date}}`: the date as the show's language writes it, in its time zone. */
    date: (instant: Date) => (instant instanceof Date ? displayDate(instant, language, timezone) : ''),
    /** `{{isoDate episode.date}}`: for `<time datetime>`. */
    isoDate: (instant: Date) => (instant instanceof Date ? isoDate(instant, timezone) : ''),
    duration: (seconds: number) => (typeof seconds === 'number' ? formatDuration(seconds) : ''),
    /** `{{fileSize episode.audio.length}}`: decimal megabytes, the unit from the `file-size-mb` string (`Mo` in French). */
    fileSize: (bytes: number) => (typeof bytes === 'number' ? (strings['file-size-mb'] ?? '{0} MB').replace('{0}', sizeFormat.format(bytes / 1_000_000)) : ''),
    /** `{{timecode chapter.startTime}}`: `0:12:30`, always with hours, so that a list of times lines up. */
    timecode: (seconds: number) => (typeof seconds === 'number' && Number.isFinite(seconds) ? timecode(seconds) : ''),
    /** `{{excerpt episode.text 160}}`: plain text cut after a whole word. */
    excerpt: (text: string, length: unknown) => excerpt(String(text ?? ''), typeof length === 'number' ? length : 160),
    /** `{{t "page-of" current total}}`: a theme string in the show's language, `{0}`, `{1}` filled in. */
    t: (key: string, ...rest: unknown[]) => {
      const args = rest.slice(0, -1);
      const template = strings[key] ?? key;
      return template.replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)] ?? ''));
    },
    eq: (a: unknown, b: unknown) => a === b,
    /** `{{ogLocale site.language}}`: `fr` → `fr_FR`, as `og:locale` is written. */
    ogLocale: (code: unknown) => openGraphLocale(typeof code === 'string' ? code : language),
    /** `(structuredData page episode)`: the page's JSON-LD as an object, or nothing; print it with `scriptJson`. */
    structuredData: (page: unknown, episode: unknown) =>
      structuredData(settings, isObject(page) ? (page as unknown as PageFacts) : undefined, isObject(episode) ? (episode as unknown as Episode) : undefined),
    /** `{{scriptJson value}}`: JSON that cannot end its `<script>` element, so Handlebars need not (and must not) escape it. */
    scriptJson: (value: unknown) => new handlebars.SafeString(scriptSafeJson(value)),
    join: (list: unknown, separator: unknown) => (Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : ''),
  };
  for (const [name, helper] of Object.entries(helpers)) handlebars.registerHelper(name, helper as Handlebars.HelperDelegate);
}
