import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions, type BuildResult, type BuildStats } from '../build.js';
import type { CliIo, CommandOptions } from '../cli.js';
import type { Diagnostic } from '../diagnostics.js';
import { startProgressBar } from '../progress.js';
import { formatDiagnostics } from '../report.js';

/** The exit code of a process stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * The build as `podsite build` and `podsite check` run it: with a progress bar on a terminal
 * (not with --quiet or --format json, whose readers want nothing else there), and a clear line
 * on Ctrl-C. The build writes into a staging folder and swaps it in only at the end: stopping the
 * process at any moment leaves the last complete site, and the next build cleans up after it.
 */
export async function runBuildForCommand(options: CommandOptions, io: CliIo, extra: BuildOptions = {}): Promise<BuildResult> {
  const bar = io.terminal && options.format === 'text' && !options.quiet ? startProgressBar(io.terminal) : undefined;
  const interrupted = () => {
    bar?.stop();
    io.stderr('Interrupted: the build stopped; the output folder keeps the last complete site.');
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.once('SIGINT', interrupted);
  try {
    return await build({ ...buildOptions(options, io), ...extra, ...(bar && { onProgress: bar.update }) });
  } finally {
    process.off('SIGINT', interrupted);
    bar?.stop();
  }
}

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

/** What --quiet leaves of the diagnostics: the errors. */
export function shownDiagnostics(diagnostics: readonly Diagnostic[], options: Pick<CommandOptions, 'quiet'>): readonly Diagnostic[] {
  return options.quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
}

/** Diagnostics on stderr as text, or on stdout as JSON (errors only with --quiet); then stage timings when asked. */
export function printDiagnostics(result: BuildResult, options: CommandOptions, io: CliIo): void {
  const shown = shownDiagnostics(result.diagnostics, options);
  if (options.format === 'json') io.stdout(diagnosticsAsJson(shown));
  else printDiagnosticText(shown, io);
  if (options.verbose) {
    for (const { stage, ms, workers } of result.timings) {
      io.stderr(`  ${stage.padEnd(10)} ${ms.toFixed(1).padStart(8)} ms${workers === undefined ? '' : ` (${plural(workers, 'worker thread')})`}`);
    }
    if (result.notes) io.stderr(`  notes: ${result.notes.rendered} rendered, ${result.notes.reused} from the cache`);
    if (result.files) io.stderr(`  episode files: ${result.files.read} read, ${result.files.known} unchanged since the last build (not read)`);
  }
}

/** `4 pages (1 episode, 0 posts) and a feed of 1 item`: what the one-line summaries of build and dev count. */
export function siteCounts(stats: BuildStats): string {
  return `${plural(stats.pages, 'page')} (${plural(stats.episodes, 'episode')}, ${plural(stats.posts, 'post')}) and a feed of ${plural(stats.feedItems, 'item')}`;
}

/** `, 2 warnings`, or nothing when there are none: the end of a summary line. */
export function warningsSuffix(diagnostics: readonly Diagnostic[]): string {
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
