import type { CliIo, CommandOptions } from '../cli.js';
import { importFeed, type ImportResult } from '../import/import-feed.js';
import type { ImportNote } from '../import/read-feed.js';
import { plural } from './diagnostics.js';

/** Imports the feed named on the command line; 1 when it cannot be read. */
export async function runImport(options: CommandOptions, io: CliIo): Promise<number> {
  const [target] = options.operands;
  if (target === undefined) {
    io.stderr('podsite: import needs the feed to import: a file or an http(s) address (`podsite import --help` shows its options)');
    return 1;
  }
  const result = await importFeed({ source: target, cwd: io.cwd, force: options.force, ...(options.config !== undefined && { config: options.config }) });
  for (const note of result.error === undefined ? result.notes : [result.error]) io.stderr(formatNote(result.source, note));
  if (result.error !== undefined) {
    io.stderr(result.written.length === 0 ? 'Nothing was written.' : `Written before that: ${result.written.join(', ')}.`);
    return 1;
  }
  report(result, io);
  return 0;
}

function formatNote(source: string, note: ImportNote): string {
  const file = note.file ?? source;
  const where = note.line > 0 ? `${file}:${note.line}:${note.column}` : file;
  return `${where}: ${note.severity}: ${note.message}${note.hint === undefined ? '' : `\n  hint: ${note.hint}`}`;
}

function report(result: ImportResult, io: CliIo): void {
  const settings = result.settings;
  if (settings?.action === 'kept' && settings.differences.length > 0) {
    io.stdout(`${result.settingsFile} exists and was kept; the feed says otherwise of:`);
    for (const [key, theirs, feeds] of settings.differences) io.stdout(`  ${key}: ${theirs}\n    feed: ${feeds}`);
    io.stdout('  (--force replaces the file with the settings from the feed)');
  } else if (settings?.action === 'unchanged') {
    io.stdout(`${result.settingsFile} exists and agrees with the feed.`);
  }
  for (const file of result.skipped) io.stdout(`skipped ${file}: it exists (--force overwrites it)`);
  const episodes = result.written.filter((file) => file !== result.settingsFile).length;
  const wroteSettings = settings?.action === 'written' || settings?.action === 'overwritten';
  io.stdout(`Imported ${plural(episodes, 'episode file')}${wroteSettings ? ` and ${result.settingsFile}` : ''}${result.skipped.length > 0 ? `; ${result.skipped.length} skipped` : ''}.`);
  io.stdout('Next: set `url:` to the new site, then `podsite check` and `podsite build`; docs/moving.md tells how to move the feed.');
}
