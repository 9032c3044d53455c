import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import { codeFrame, formatDiagnostics, summaryLine } from '../src/report.js';

const diagnostics: Diagnostic[] = [
  { file: 'episodes/a.md', line: 3, column: 7, severity: 'error', rule: 'invalid-date', message: '`2021-02-30` is not a real calendar date', hint: 'write YYYY-MM-DD' },
  { file: 'episodes/a.md', line: 4, column: 1, severity: 'warning', rule: 'unknown-key', message: 'unknown key `lenght`' },
  { file: 'podsite.yaml', line: 0, column: 0, severity: 'warning', rule: 'missing-artwork', message: 'no artwork' },
];

describe('report', () => {
  it('groups by file with a code frame, hint and summary', () => {
    const text = formatDiagnostics(diagnostics, {
      color: false,
      sourceOf: (file) => (file === 'episodes/a.md' ? '---\ntitle: A\ndate: 2021-02-30\nlenght: 5\n---\n' : undefined),
    });
    expect(text).toBe(
      [
        'episodes/a.md',
        '  episodes/a.md:3:7  error  `2021-02-30` is not a real calendar date  invalid-date',
        '    1 | ---',
        '    2 | title: A',
        '  > 3 | date: 2021-02-30',
        '      |       ^',
        '    4 | lenght: 5',
        '    hint: write YYYY-MM-DD',
        '  episodes/a.md:4:1  warning  unknown key `lenght`  unknown-key',
        '    2 | title: A',
        '    3 | date: 2021-02-30',
        '  > 4 | lenght: 5',
        '      | ^',
        '    5 | ---',
        '',
        'podsite.yaml',
        '  podsite.yaml  warning  no artwork  missing-artwork',
        '',
        '1 error, 2 warnings in 2 files',
      ].join('\n'),
    );
  });

  it('colours only when asked', () => {
    expect(formatDiagnostics(diagnostics, { color: true, sourceOf: () => undefined })).toContain('\u001b[31merror');
  });

  it('counts in the summary', () => {
    expect(summaryLine([])).toBe('0 errors, 0 warnings in 0 files');
  });

  it('frames the first line of a file', () => {
    expect(codeFrame('only line', 1, 6)).toBe('  > 1 | only line\n      |      ^');
  });
});
