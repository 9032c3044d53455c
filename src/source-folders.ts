import { statSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from './config.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';

/** The settings keys that name a folder the build reads. */
const SOURCE_FOLDERS = ['episodes', 'templates', 'public', 'people', 'pages', 'media'] as const;

/**
 * A source folder that is a file (`people` saved as one Markdown file, say): each loader would
 * fail to list it. A missing folder is fine: it is read as empty.
 */
export function sourceFolderProblems(settings: Settings, cwd: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const key of SOURCE_FOLDERS) {
    const folder = settings.build[key];
    if (folder === undefined || statSync(folder, { throwIfNoEntry: false })?.isFile() !== true) continue;
    const shown = path.relative(cwd, folder) || folder;
    const position = settings.positions.get(`build.${key}`);
    problems.push(
      diagnostic(
        position ? settings.build.configFile : shown,
        position ?? { line: 0, column: 0 },
        'not-a-folder',
        `\`build.${key}\` is \`${shown}\`, a file, not a folder`,
        `make ${shown} a folder of files, or set build.${key} to another folder`,
      ),
    );
  }
  return problems;
}
