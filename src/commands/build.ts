import path from 'node:path';
import { build } from '../build.js';
import type { CliIo, CommandOptions } from '../cli.js';
import { buildOptions, plural, printDiagnostics } from './diagnostics.js';

export async function runBuild(options: CommandOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const result = await build(buildOptions(options, io));
  const elapsed = Math.round(performance.now() - started);
  printDiagnostics(result, options, io);
  if (!result.ok) {
    io.stderr('Build failed; nothing was written.');
    return 1;
  }
  if (options.format === 'json') return 0;
  const { stats, settings, upToDate } = result;
  const where = path.relative(io.cwd, upToDate?.output ?? settings!.build.output) || '.';
  const counted = `${plural(stats!.pages, 'page')} (${plural(stats!.episodes, 'episode')}, ${plural(stats!.posts, 'post')})`;
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const warned = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  if (upToDate) {
    io.stdout(`Nothing changed since the last build: ${where}/ is up to date with ${counted} and a feed of ${plural(stats!.feedItems, 'item')} (checked in ${elapsed} ms)${warned}`);
    return 0;
  }
  io.stdout(`Built ${counted} and a feed of ${plural(stats!.feedItems, 'item')} into ${where}/ in ${elapsed} ms${warned}`);
  return 0;
}
