import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from '../build.js';
import type { CliIo } from '../cli.js';
import { formatDiagnostics } from '../report.js';

export interface BuildCommandOptions {
  config: string | undefined;
  output: string | undefined;
  baseUrl: string | undefined;
  drafts: boolean | undefined;
  verbose: boolean;
}

export async function runBuild(options: BuildCommandOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const result = await build({
    cwd: io.cwd,
    ...(options.config !== undefined && { config: options.config }),
    ...(options.output !== undefined && { output: options.output }),
    ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }),
    ...(options.drafts !== undefined && { drafts: options.drafts }),
  });
  const elapsed = Math.round(performance.now() - started);
  if (result.diagnostics.length > 0) {
    io.stderr(
      formatDiagnostics(result.diagnostics, {
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
  if (options.verbose) {
    for (const { stage, ms } of result.timings) io.stderr(`  ${stage.padEnd(10)} ${ms.toFixed(1).padStart(8)} ms`);
  }
  if (!result.ok) {
    io.stderr('Build failed; nothing was written.');
    return 1;
  }
  const { stats, settings } = result;
  const where = path.relative(io.cwd, settings!.build.output) || '.';
  const counted = [plural(stats!.pages, 'page'), `${plural(stats!.episodes, 'episode')}, ${plural(stats!.posts, 'post')}`];
  const warnings = result.diagnostics.length > 0 ? `, ${plural(result.diagnostics.length, 'warning')}` : '';
  io.stdout(`Built ${counted[0]} (${counted[1]}) and a feed of ${plural(stats!.feedItems, 'item')} into ${where}/ in ${elapsed} ms${warnings}`);
  return 0;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
