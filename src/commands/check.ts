import type { CliIo, CommandOptions } from '../cli.js';
import { plural, printDiagnostics, runBuildForCommand } from './diagnostics.js';

/** Everything the build checks, with nothing written. */
export async function runCheck(options: CommandOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const result = await runBuildForCommand(options, io, { write: false });
  const elapsed = Math.round(performance.now() - started);
  printDiagnostics(result, options, io);
  if (options.format === 'text' && !options.quiet && result.diagnostics.length === 0) {
    const checked = result.stats ? `${plural(result.stats.episodes, 'episode')} and ${plural(result.stats.posts, 'post')}` : 'the settings';
    io.stdout(`No problems in ${checked} (checked in ${elapsed} ms).`);
  }
  return result.ok ? 0 : 1;
}
