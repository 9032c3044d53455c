import type { Diagnostic } from './diagnostics.js';

export interface ReportOptions {
  /** The text of a file, for code frames; undefined when it cannot be read. */
  sourceOf(file: string): string | undefined;
  color: boolean;
}

/**
 * The text with its controls shown as symbols (U+2400–U+241F, U+2421) or U+FFFD (C1): a file name,
 * value or line of a file holding ESC sequences must not clear the terminal, set its title or
 * paint a false message. One character for one, so that the caret stays under its column.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
}

const ANSI = { red: 31, yellow: 33, dim: 2, bold: 1, cyan: 36, blue: 34 } as const;
const SEVERITY_COLOR = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.blue } as const;

/**
 * Diagnostics grouped by file, each with a code frame, then a one-line summary
 * (`2 errors, 5 warnings in 3 files`). The same text serves the terminal and tests.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: ReportOptions): string {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  const blocks: string[] = [];
  for (const [file, list] of byFile) {
    const lines = [paint(ANSI.bold, visible(file) || '(project)')];
    const source = file ? options.sourceOf(file) : undefined;
    for (const d of list) {
      const where = d.line > 0 ? `${visible(file)}:${d.line}:${d.column}` : visible(file) || '(project)';
      const severity = paint(SEVERITY_COLOR[d.severity], d.severity);
      lines.push(`  ${where}  ${severity}  ${visible(d.message)}  ${paint(ANSI.dim, d.rule)}`);
      if (source !== undefined && d.line > 0) lines.push(codeFrame(source, d.line, d.column, (t) => paint(ANSI.dim, t)));
      if (d.hint) lines.push(`    ${paint(ANSI.cyan, 'hint:')} ${visible(d.hint)}`);
    }
    blocks.push(lines.join('\n'));
  }
  blocks.push(summaryLine(diagnostics));
  return blocks.join('\n\n');
}

export function summaryLine(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === severity).length;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const info = count('info') > 0 ? `, ${count('info')} info` : '';
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}${info} in ${plural(files, 'file')}`;
}

/** Numbered lines around `line`, with a caret under `column`. */
export function codeFrame(source: string, line: number, column: number, dim: (text: string) => string = (t) => t): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? '>' : ' ';
    const text = visible((lines[n - 1] ?? '').replace(/\t/g, ' '));
    out.push(`  ${marker} ${dim(`${String(n).padStart(width)} |`)} ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`);
    if (n === line) out.push(`    ${' '.repeat(width)} ${dim('|')} ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
