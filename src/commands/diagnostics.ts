import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildOptions, BuildResult } from '../build.js';
import type { CliIo, CommandOptions } from '../cli.js';
import type { Diagnostic } from '../diagnostics.js';
import { formatDiagnostics } from '../report.js';

/** What the build needs from the command line. */
export function buildOptions(options: CommandOptions, io: CliIo): BuildOptions {
  return {
    cwd: io.cwd,
    future: options.future,
    ...(options.probeAudio && { probeAudio: true }),
    ...(!options.cache && { cache: false as const }),
    ...(options.config !== undefined && { config: options.config }),
    ...(options.output !== undefined && { output: options.output }),
    ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }),
    ...(options.ledger !== undefined && { ledger: options.ledger }),
    ...(options.drafts !== undefined && { drafts: options.drafts }),
    ...(options.jobs !== undefined && { jobs: options.jobs }),
  };
}

/** The same fields for every diagnostic, for CI and editors: end positions default to the start. */
export function diagnosticsAsJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      endLine: d.endLine ?? d.line,
      endColumn: d.endColumn ?? d.column,
      severity: d.severity,
      rule: d.rule,
      message: d.message,
      hint: d.hint ?? null,
    })),
    null,
    2,
  );
}

/** Diagnostics on stderr, grouped by file with code frames read from the files. */
export function printDiagnosticText(diagnostics: readonly Diagnostic[], io: CliIo): void {
  if (diagnostics.length === 0) return;
  io.stderr(
    formatDiagnostics(diagnostics, {
      color: io.color,
      sourceOf: (file) => {
        try {
          return readFileSync(path.resolve(io.cwd, file), 'utf8');
        } catch {
          return undefined;
        }
      },
    }),
  );
}

/** Diagnostics on stderr as text, or on stdout as JSON; then stage timings when asked. */
export function printDiagnostics(result: BuildResult, options: CommandOptions, io: CliIo): void {
  if (options.format === 'json') io.stdout(diagnosticsAsJson(result.diagnostics));
  else printDiagnosticText(result.diagnostics, io);
  if (options.verbose) {
    for (const { stage, ms, workers } of result.timings) {
      io.stderr(`  ${stage.padEnd(10)} ${ms.toFixed(1).padStart(8)} ms${workers === undefined ? '' : ` (${plural(workers, 'worker thread')})`}`);
    }
    if (result.notes) io.stderr(`  notes: ${result.notes.rendered} rendered, ${result.notes.reused} from the cache`);
  }
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
