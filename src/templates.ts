import Handlebars from 'handlebars';
import { displayDate, formatDuration, isoDate, safeLocale } from './dates.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { BUILT_IN_TEMPLATES, STRINGS_FILE, type TemplateFile } from './load.js';
import type { Settings } from './config.js';
import { absoluteUrl, siteHref } from './site.js';
import { excerpt } from './text.js';

/** The only door to Handlebars. Output is HTML-escaped unless a template asks for `{{{raw}}}`. */
export interface Renderer {
  /** Renders the named page template inside the layout. */
  render(name: string, context: Record<string, unknown>): string;
}

export type Strings = Record<string, string>;

const REQUIRED_TEMPLATES = ['layout', 'home', 'episode', 'archive', '404'] as const;

export function createRenderer(
  settings: Settings,
  templates: ReadonlyMap<string, TemplateFile>,
  userFolder: string,
): { renderer: Renderer | undefined; strings: Strings; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const handlebars = Handlebars.create();
  const strings = themeStrings(templates.get(STRINGS_FILE), settings.language, diagnostics);
  registerHelpers(handlebars, settings, strings);

  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const [name, template] of templates) {
    if (name === STRINGS_FILE) continue;
    try {
      // Parsing up front turns a syntax error into a diagnostic with its line, before any page renders.
      handlebars.parse(template.text);
    } catch (error) {
      diagnostics.push(templateSyntaxError(template.file, error as Error & { lineNumber?: number; column?: number }));
      continue;
    }
    const delegate = handlebars.compile(template.text, { strict: false, preventIndent: true });
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
      return layout({ ...context, body });
    },
  };
  return { renderer, strings, diagnostics };
}

/** A template that fails while rendering (a missing helper, say) is the user's mistake, not a crash. */
export function templateFailure(templates: ReadonlyMap<string, TemplateFile>, name: string, error: unknown): Diagnostic {
  const file = templates.get(name)?.file ?? `${name}.hbs`;
  return diagnostic(file, { line: 0, column: 0 }, 'template-error', firstLine(error instanceof Error ? error.message : String(error)));
}

function templateSyntaxError(file: string, error: Error & { lineNumber?: number; column?: number }): Diagnostic {
  // Handlebars' own checks carry a position; its parser only writes the line into the message.
  const parserLine = /^Parse error on line (\d+):/.exec(error.message)?.[1];
  const line = error.lineNumber ?? (parserLine === undefined ? 1 : Number(parserLine));
  const column = error.column === undefined ? 1 : error.column + 1;
  const message = parserLine === undefined ? firstLine(error.message) : `syntax error: ${error.message.split('\n').at(-1)}`;
  return diagnostic(file, { line, column }, 'template-syntax', message);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}

function themeStrings(file: TemplateFile | undefined, language: string, diagnostics: Diagnostic[]): Strings {
  if (file === undefined) return {};
  let all: Record<string, Strings>;
  try {
    all = JSON.parse(file.text) as Record<string, Strings>;
  } catch (error) {
    diagnostics.push(diagnostic(file.file, { line: 1, column: 1 }, 'invalid-json', `the theme strings are not valid JSON: ${(error as Error).message}`));
    return {};
  }
  const base = language.toLowerCase().split('-')[0]!;
  return { ...all.en, ...all[base], ...all[language.toLowerCase()] };
}

function registerHelpers(handlebars: typeof Handlebars, settings: Settings, strings: Strings): void {
  const { language, timezone } = settings;
  const sizeFormat = new Intl.NumberFormat(safeLocale(language), { maximumFractionDigits: 1 });
  const helpers: Record<string, (...args: never[]) => unknown> = {
    /** `{{url "/archive/"}}`: a root-relative link with the site's base path. */
    url: (sitePath: unknown) => siteHref(settings, typeof sitePath === 'string' ? sitePath : '/'),
    /** `{{absoluteUrl episode.path}}`: the full URL, for canonical links and social cards. */
    absoluteUrl: (sitePath: unknown) => absoluteUrl(settings, typeof sitePath === 'string' ? sitePath : '/'),
    /** `{{date episode.date}}`: the date as the show's language writes it, in its time zone. */
    date: (instant: Date) => (instant instanceof Date ? displayDate(instant, language, timezone) : ''),
    /** `{{isoDate episode.date}}`: for `<time datetime>`. */
    isoDate: (instant: Date) => (instant instanceof Date ? isoDate(instant, timezone) : ''),
    duration: (seconds: number) => (typeof seconds === 'number' ? formatDuration(seconds) : ''),
    fileSize: (bytes: number) => (typeof bytes === 'number' ? `${sizeFormat.format(bytes / 1_000_000)} MB` : ''),
    /** `{{excerpt episode.text 160}}`: plain text cut after a whole word. */
    excerpt: (text: string, length: unknown) => excerpt(String(text ?? ''), typeof length === 'number' ? length : 160),
    /** `{{t "page-of" current total}}`: a theme string in the show's language, `{0}`, `{1}` filled in. */
    t: (key: string, ...rest: unknown[]) => {
      const args = rest.slice(0, -1);
      const template = strings[key] ?? key;
      return template.replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)] ?? ''));
    },
    eq: (a: unknown, b: unknown) => a === b,
    join: (list: unknown, separator: unknown) => (Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : ''),
  };
  for (const [name, helper] of Object.entries(helpers)) handlebars.registerHelper(name, helper as Handlebars.HelperDelegate);
}
