import matter from 'gray-matter';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { readMapping, type ReadResult, type Schema } from './schema.js';
import { inputLimitDefaults, type InputLimits } from './input-limits.js';
import { parseYaml, type ParsedYaml } from './yaml.js';

export interface SplitFile {
  yaml: ParsedYaml | undefined;
  body: string;
  /** 1-based line of the file on which the body starts. */
  bodyLine: number;
  diagnostics: Diagnostic[];
}

/**
 * gray-matter finds the front matter; the `yaml` package parses it, keeping positions. Passing an
 * engine also keeps gray-matter from caching results by content (a leak in long watch sessions).
 */
export type FrontMatterLimits = Partial<Pick<InputLimits, 'frontMatterSize' | 'yamlAliases' | 'yamlDepth'>>;

export function splitFrontMatter(file: string, source: string, limits: FrontMatterLimits = {}): SplitFile {
  // CRLF and a BOM give the same result as plain LF; line numbers are unchanged.
  const withoutBom = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const text = withoutBom.includes('\r') ? withoutBom.replace(/\r\n?/g, '\n') : withoutBom;
  if (/^---[ \t]*\n/.test(text) && !/\n---[ \t]*(\n|$)/.test(text.slice(3))) {
    return {
      yaml: undefined,
      body: '',
      bodyLine: 1,
      diagnostics: [
        diagnostic(file, { line: 1, column: 1 }, 'unclosed-front-matter', 'the front matter opened on line 1 is never closed', 'end it with a line of three dashes: `---`'),
      ],
    };
  }
  // gray-matter reads a language after the opening dashes and runs its engine: `---js` would eval
  // the front matter as JavaScript, and an unknown name throws. Only YAML is front matter here; a
  // file that names another language has none, which the caller reports.
  const language = /^---(?!-)([^\n]*)/.exec(text)?.[1]?.trim();
  if (language !== undefined && language !== '' && !/^(yaml|yml)$/i.test(language)) return { yaml: undefined, body: text, bodyLine: 1, diagnostics: [] };
  const tooLarge = frontMatterBeyond(text, limits.frontMatterSize ?? inputLimitDefaults.frontMatterSize);
  if (tooLarge !== undefined) {
    return {
      yaml: undefined,
      body: '',
      bodyLine: 1,
      diagnostics: [
        diagnostic(file, tooLarge.position, 'front-matter-too-large', `the front matter is ${tooLarge.bytes} bytes, more than the ${tooLarge.limit} podsite reads; it goes past the limit here`, 'front matter holds short values: move long texts into the notes below it, or raise `limits.frontMatterSize` in the settings'),
      ],
    };
  }
  let yaml: ParsedYaml | undefined;
  const parsed = matter(text, {
    engines: {
      // The text starts with the rest of the opening `---` line, so its line numbers are the file's.
      yaml: (frontMatter: string) => {
        yaml = parseYaml({ file, text: frontMatter, limits });
        return {};
      },
    },
  });
  // gray-matter skips its engine when the front matter is empty; it is still front matter.
  if (yaml === undefined && /^---[ \t]*\n/.test(text)) yaml = parseYaml({ file, text: '', limits });
  const headerLength = text.length - parsed.content.length;
  const bodyLine = yaml === undefined ? 1 : countLines(text.slice(0, headerLength)) + 1;
  return { yaml, body: parsed.content, bodyLine, diagnostics: yaml?.diagnostics ?? [] };
}

/**
 * How large the front matter of `text` is in UTF-8 bytes when that is more than `limit`, with
 * the line and column of the character that goes past it; checked before any YAML is parsed.
 */
function frontMatterBeyond(text: string, limit: number): { bytes: number; limit: number; position: { line: number; column: number } } | undefined {
  if (!/^---[ \t]*\n/.test(text)) return undefined;
  const close = /\n---[ \t]*(\n|$)/.exec(text.slice(3));
  // The YAML between the `---` lines: from the line after the first to the end of the line before the last.
  const start = text.indexOf('\n') + 1;
  const end = close === null ? text.length : close.index + 3;
  // Characters take 1 to 3 bytes: fewer than a third of the limit in characters cannot be past it.
  if ((end - start) * 3 <= limit) return undefined;
  let bytes = 0;
  let line = 2;
  let lineStart = start;
  let position: { line: number; column: number } | undefined;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
    if (code === 0x0a) {
      line++;
      lineStart = i + 1;
    }
    if (bytes > limit && position === undefined) position = { line, column: i - lineStart + 1 };
  }
  return position === undefined ? undefined : { bytes, limit, position };
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

export interface FrontMatterOptions {
  schema: Schema;
  /** How messages name the front matter: `the front matter`, `the person file`. */
  what: string;
  /** What a file without front matter is, and the field to start it with: `this file`, `title`. */
  missing: { subject: string; field: string };
  frontMatter: { aliases: Readonly<Record<string, string>>; ignore: readonly string[] };
  /** `limits.frontMatterSize`, `limits.yamlAliases` and `limits.yamlDepth` from the settings. */
  limits?: FrontMatterLimits;
}

/**
 * The front matter of an episode or person file, read against its schema, with the body after it.
 * No `read` when the file has no front matter, or YAML too broken to read.
 */
export function readFrontMatter(file: string, source: string, options: FrontMatterOptions): { split: SplitFile; read: ReadResult | undefined; diagnostics: Diagnostic[] } {
  const split = splitFrontMatter(file, source, options.limits);
  const diagnostics = [...split.diagnostics];
  if (split.yaml === undefined) {
    if (diagnostics.length === 0) {
      const { subject, field } = options.missing;
      diagnostics.push(diagnostic(file, { line: 1, column: 1 }, 'missing-front-matter', `${subject} has no front matter`, `start it with a \`---\` line, a \`${field}:\` line and another \`---\` line`));
    }
    return { split, read: undefined, diagnostics };
  }
  if (split.yaml.root === null && diagnostics.length > 0) return { split, read: undefined, diagnostics };
  const read = readMapping(split.yaml.root, options.schema, {
    file,
    yaml: split.yaml,
    unknownKeyRule: 'unknown-key',
    aliases: options.frontMatter.aliases,
    ignore: options.frontMatter.ignore,
    what: options.what,
  });
  diagnostics.push(...read.diagnostics);
  return { split, read, diagnostics };
}
