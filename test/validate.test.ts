import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnostic, type Diagnostic } from '../src/diagnostics.js';
import type { EpisodeSource } from '../src/episode.js';
import type { RuleId } from '../src/rules.js';
import { compareText } from '../src/text.js';
import { validateArchive } from '../src/validate.js';

/** Just what the archive's checks read of an entry. */
const entry = (fields: { file: string; date: number; number?: number; season?: number; episodeType?: string; url?: string; length?: number; positions?: string[] }): EpisodeSource =>
  ({
    file: fields.file,
    date: new Date(fields.date),
    number: fields.number,
    season: fields.season,
    episodeType: fields.episodeType ?? 'full',
    audio: fields.url === undefined ? undefined : { url: fields.url, length: fields.length, type: 'audio/mpeg' },
    positions: new Map((fields.positions ?? []).map((field, index) => [field, { line: index + 2, column: 3 }])),
  }) as unknown as EpisodeSource;

describe('the checks of the whole archive', () => {
  it('reports the later of two entries, at the first field written, in the order of the rules', () => {
    const found = validateArchive([
      entry({ file: 'b.md', date: 2, number: 1, season: 2, url: 'https://x/1.mp3', length: 5, positions: ['episode'] }),
      entry({ file: 'a.md', date: 1, number: 1, season: 2, url: 'https://x/1.mp3', length: 5 }),
      entry({ file: 'c.md', date: 2, number: 3, url: 'https://x/3.mp3', length: 5, positions: ['audio', 'audio.length'] }),
      entry({ file: 'd.md', date: 0, number: 1, url: 'https://x/4.mp3', length: 6 }),
    ]);
    expect(found.map(({ file, line, rule, message }) => ({ file, line, rule, message }))).toEqual([
      { file: 'b.md', line: 2, rule: 'duplicate-audio-url', message: 'the audio URL `https://x/1.mp3` is also used by a.md' },
      { file: 'b.md', line: 2, rule: 'duplicate-episode-number', message: 'episode number 1 of season 2 is also the number of a.md' },
      { file: 'c.md', line: 3, rule: 'duplicate-audio-length', message: 'the audio length 5 is also the length of a.md, a different audio file' },
      { file: 'c.md', line: 1, rule: 'episode-number-gap', message: 'episode 3 follows episode 1: 2 is missing' },
    ]);
  });

  it('finds what it found before it kept values as keys, for any archive', () => {
    const entries = fc.array(
      fc.record({
        file: fc.constantFrom('a.md', 'b.md', 'c.md', 'd.md', 'e.md'),
        date: fc.constantFrom(0, 1, 2, Number.NaN),
        number: fc.option(fc.constantFrom(0, -0, 1, 2, 4, 1.5, Number.NaN), { nil: undefined }),
        season: fc.option(fc.constantFrom(0, -0, 1, 2), { nil: undefined }),
        episodeType: fc.constantFrom('full', 'trailer'),
        url: fc.option(fc.constantFrom('', 'https://x/1.mp3', 'https://x/2.mp3', '/media/3.mp3'), { nil: undefined }),
        length: fc.option(fc.constantFrom(0, -0, 5, 6, Number.NaN), { nil: undefined }),
        positions: fc.subarray(['audio.url', 'episode', 'audio.length', 'audio']),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(entries, (fields) => {
        const archive = fields.map(entry);
        expect(validateArchive(archive)).toEqual(validateArchiveBefore(archive));
      }),
      { numRuns: 2000 },
    );
  });
});

/** validateArchive as it was before it kept values as keys: a string made of each entry's values. */
function validateArchiveBefore(entries: readonly EpisodeSource[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const oldestFirst = [...entries].sort((a, b) => a.date.getTime() - b.date.getTime() || compareText(a.file, b.file));
  const findDuplicates = (key: (entry: EpisodeSource) => string | undefined, fields: readonly string[], rule: RuleId, describe: (value: string, first: EpisodeSource) => string, hint: string) => {
    const seen = new Map<string, EpisodeSource>();
    for (const entry of oldestFirst) {
      const value = key(entry);
      if (value === undefined) continue;
      const first = seen.get(value);
      if (first === undefined) {
        seen.set(value, entry);
        continue;
      }
      const position = fields.map((field) => entry.positions.get(field)).find((p) => p !== undefined) ?? { line: 1, column: 1 };
      diagnostics.push(diagnostic(entry.file, position, rule, describe(value, first), hint));
    }
  };
  findDuplicates((e) => e.audio?.url, ['audio.url', 'episode'], 'duplicate-audio-url', (url, first) => `the audio URL \`${url}\` is also used by ${first.file}`, 'Apple Podcasts ignores an episode whose audio URL another episode already has');
  findDuplicates(
    (e) => (e.number === undefined || e.episodeType !== 'full' ? undefined : `${e.season ?? ''}/${e.number}`),
    ['episode'],
    'duplicate-episode-number',
    (key, first) => `episode number ${key.split('/')[1]}${first.season === undefined ? '' : ` of season ${first.season}`} is also the number of ${first.file}`,
    'check the `episode:` number',
  );
  const firstWithUrl = new Map<string, EpisodeSource>();
  for (const entry of oldestFirst) if (entry.audio && !firstWithUrl.has(entry.audio.url)) firstWithUrl.set(entry.audio.url, entry);
  findDuplicates(
    (e) => (e.audio?.length === undefined || firstWithUrl.get(e.audio.url) !== e ? undefined : String(e.audio.length)),
    ['audio.length', 'audio', 'episode'],
    'duplicate-audio-length',
    (length, first) => `the audio length ${length} is also the length of ${first.file}, a different audio file`,
    'a length copied from another episode makes apps cut or reject the download; use the real size of the file',
  );
  // The gaps are found by the same function before and after: only the duplicates changed.
  return [...diagnostics, ...validateArchive(entries).filter((d) => d.rule === 'episode-number-gap')];
}
