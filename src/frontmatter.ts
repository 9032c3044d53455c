import matter from 'gray-matter';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { readMapping, type ReadResult, type Schema } from './schema.js';
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
export function splitFrontMatter(file: string, source: string): SplitFile {
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
  let yaml: ParsedYaml | undefined;
  const parsed = matter(text, {
    engines: {
      // The text starts with the rest of the opening `---` line, so its line numbers are the file's.
      yaml: (frontMatter: string) => {
        yaml = parseYaml({ file, text: frontMatter });
        return {};
      },
    },
  });
  // gray-matter skips its engine when the front matter is empty; it is still front matter.
  if (yaml === undefined && /^---[ \t]*\n/.test(text)) yaml = parseYaml({ file, text: '' });
  const headerLength = text.length - parsed.content.length;
  const bodyLine = yaml === undefined ? 1 : countLines(text.slice(0, headerLength)) + 1;
  return { yaml, body: parsed.content, bodyLine, diagnostics: yaml?.diagnostics ?? [] };
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
}

/**
 * The front matter of an episode or person file, read against its schema, with the body after it.
 * No `read` when the file has no front matter, or YAML too broken to read.
 */
export function readFrontMatter(file: string, source: string, options: FrontMatterOptions): { split: SplitFile; read: ReadResult | undefined; diagnostics: Diagnostic[] } {
  const split = splitFrontMatter(file, source);
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
