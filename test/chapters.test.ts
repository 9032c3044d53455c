import { describe, expect, it } from 'vitest';
import { chaptersJson, findTimestampedLines, formatTimestamp, parseTimestamp, readChapters } from '../src/chapters.js';
import { parseEpisode, type EpisodeSettings } from '../src/episode.js';
import { episodeFile } from './helpers.js';

const settings: EpisodeSettings = { timezone: 'Europe/Paris', frontMatter: { aliases: {}, ignore: [] }, build: { audioUrl: undefined } };
const AUDIO = 'audio:\n  url: https://media.example.com/1.mp3\n  length: 1000';
const parse = (frontMatter: string, notes = 'Notes.\n') => parseEpisode('episodes/2024-01-01-one.md', episodeFile(frontMatter, notes), settings);
const brief = (diagnostics: { line: number; column: number; severity: string; rule: string }[]) =>
  diagnostics.map(({ line, column, severity, rule }) => ({ line, column, severity, rule }));

describe('parseTimestamp', () => {
  it.each([
    [0, 0],
    [750, 750],
    [12.5, 12.5],
    ['750', 750],
    ['90.25', 90.25],
    ['0:00', 0],
    ['12:30', 750],
    ['00:12:30', 750],
    ['1:02:03', 3723],
    ['01:02:03.5', 3723.5],
    ['75:30', 4530],
    [' 12:30 ', 750],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseTimestamp(text)).toBe(seconds);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '', 'soon', '12:3', '12:60', '1:60:00', '1:2:03', '12:30:', ':30', '1:02:03:04', '12,5', '-5'])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('formats times for messages, fractions kept', () => {
    expect(formatTimestamp(750)).toBe('12:30');
    expect(formatTimestamp(3723.5)).toBe('1:02:03.5');
  });
});

describe('findTimestampedLines', () => {
  it('finds timestamps at the start of a line or list item, bare or in brackets, with or without a dash', () => {
    const notes = [
      '00:00 Intro',
      '12:30 Bare minutes',
      '(12:31) In parentheses',
      '[01:02:03] In brackets',
      '- 1:05:00 - In a list, with a dash',
      '* 1:06:00 – En dash',
      '+ 1:07:00 — Em dash',
      '1. 1:08:00 Numbered',
      '2) [1:09:00] Numbered, bracketed',
      '    - 1:10:00 Nested item',
    ].join('\n');
    expect(findTimestampedLines(notes)).toEqual([
      { line: 1, column: 1, timestamp: '00:00', title: 'Intro' },
      { line: 2, column: 1, timestamp: '12:30', title: 'Bare minutes' },
      { line: 3, column: 1, timestamp: '12:31', title: 'In parentheses' },
      { line: 4, column: 1, timestamp: '01:02:03', title: 'In brackets' },
      { line: 5, column: 3, timestamp: '1:05:00', title: 'In a list, with a dash' },
      { line: 6, column: 3, timestamp: '1:06:00', title: 'En dash' },
      { line: 7, column: 3, timestamp: '1:07:00', title: 'Em dash' },
      { line: 8, column: 4, timestamp: '1:08:00', title: 'Numbered' },
      { line: 9, column: 4, timestamp: '1:09:00', title: 'Numbered, bracketed' },
      { line: 10, column: 7, timestamp: '1:10:00', title: 'Nested item' },
    ]);
  });

  it('turns Markdown links into their text, and a title that is one web link into the URL', () => {
    expect(findTimestampedLines('- 05:00 [The topic](https://example.com/topic)\n- 06:00 About [bricks](/bricks/) and **clay** in `code`')).toEqual([
      { line: 1, column: 3, timestamp: '05:00', title: 'The topic', url: 'https://example.com/topic' },
      { line: 2, column: 3, timestamp: '06:00', title: 'About bricks and clay in code' },
    ]);
  });

  it('ignores timestamps inside a line, without a title, glued to a word, or in fenced code', () => {
    const notes = [
      'We met at 12:30 for lunch.',
      '12:30',
      '12:30pm lunch',
      '## 12:30 A heading',
      '| 12:30 | a table |',
      '```',
      '12:30 in code',
      '~~~',
      '12:31 still in code',
      '```',
      '~~~~',
      '12:32 in a tilde fence',
      '~~~~',
      '12:33 After the fences',
    ].join('\n');
    expect(findTimestampedLines(notes)).toEqual([{ line: 14, column: 1, timestamp: '12:33', title: 'After the fences' }]);
  });

  it('finds a time that is out of range, for the check to report', () => {
    expect(findTimestampedLines('12:75 Odd')).toEqual([{ line: 1, column: 1, timestamp: '12:75', title: 'Odd' }]);
  });
});

describe('chapters of an episode', () => {
  it('reads the front matter list, with times in seconds or H:MM:SS, URLs and images', () => {
    const { episode, diagnostics } = parse(
      `title: One\n${AUDIO}\nchapters:\n  - { start: 0, title: Intro }\n  - start: "00:12:30"\n    title: Bricks\n    url: https://example.com/bricks\n    image: /images/brick.png\n  - { start: 1000.5, title: Clay }`,
      '00:00 Ignored\n01:00 Also ignored\n',
    );
    expect(diagnostics).toEqual([]);
    expect(episode!.chapters).toEqual([
      { startTime: 0, title: 'Intro' },
      { startTime: 750, title: 'Bricks', url: 'https://example.com/bricks', image: '/images/brick.png' },
      { startTime: 1000.5, title: 'Clay' },
    ]);
  });

  it('reads the notes when the front matter has no chapters, and nothing when it says `[]`', () => {
    const notes = 'Intro text.\n\n- 00:00 Intro\n- 12:30 Bricks\n';
    expect(parse(`title: One\n${AUDIO}`, notes).episode!.chapters).toEqual([
      { startTime: 0, title: 'Intro' },
      { startTime: 750, title: 'Bricks' },
    ]);
    expect(parse(`title: One\n${AUDIO}\nchapters: []`, notes).episode!.chapters).toEqual([]);
  });

  it('has no chapters with fewer than two', () => {
    expect(parse(`title: One\n${AUDIO}`, '12:30 Lonely\n').episode!.chapters).toEqual([]);
    expect(parse(`title: One\n${AUDIO}\nchapters:\n  - { start: 0, title: Only }`).episode!.chapters).toEqual([]);
  });

  it('reports a chapter out of order at its time in the front matter, and leaves it out', () => {
    const { episode, diagnostics } = parse(`title: One\n${AUDIO}\nchapters:\n  - { start: "10:00", title: A }\n  - { start: "05:00", title: B }\n  - { start: "10:00", title: C }\n  - { start: "20:00", title: D }`);
    expect(brief(diagnostics)).toEqual([
      { line: 8, column: 14, severity: 'warning', rule: 'invalid-chapters' },
      { line: 9, column: 14, severity: 'warning', rule: 'invalid-chapters' },
    ]);
    expect(diagnostics[0]!.message).toBe('the chapter "B" starts at 5:00, not after "A" at 10:00, so it is left out');
    expect(episode!.chapters.map((c) => c.title)).toEqual(['A', 'D']);
  });

  it('reports a chapter of the notes at its line in the file, and one past the end of the audio', () => {
    const notes = 'Intro.\n\n- 00:00 Intro\n- 20:00 Late\n- 10:00 Early\n- 31:00 After the end\n- 1:75 Not a time\n';
    const { episode, diagnostics } = parse(`title: One\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1000\n  duration: "30:00"`, notes);
    // The front matter takes lines 1 to 7, so the notes start on line 8.
    expect(brief(diagnostics)).toEqual([
      { line: 12, column: 3, severity: 'warning', rule: 'invalid-chapters' },
      { line: 13, column: 3, severity: 'warning', rule: 'invalid-chapters' },
      { line: 14, column: 3, severity: 'warning', rule: 'invalid-chapters' },
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'the chapter "Early" starts at 10:00, not after "Late" at 20:00, so it is left out',
      'the chapter "After the end" starts at 31:00, after the end of the audio (30:00), so it is left out',
      '`1:75` is not a time, so the chapter "Not a time" is left out',
    ]);
    expect(episode!.chapters.map((c) => c.startTime)).toEqual([0, 1200]);
  });

  it('reports a start that is not a time, and URLs that are not URLs', () => {
    const { episode, diagnostics } = parse(`title: One\n${AUDIO}\nchapters:\n  - { start: soon, title: A }\n  - { start: 1, title: B, url: example.com }`);
    expect(diagnostics.map((d) => [d.line, d.rule])).toEqual([
      [7, 'invalid-chapters'],
      [8, 'invalid-url'],
    ]);
    // A URL that is not one is an error that stops the build, as for `image:`.
    expect(episode).toBeUndefined();
  });

  it('checks the shape of the list: a list of mappings, each with a start and a title', () => {
    expect(parse(`title: One\n${AUDIO}\nchapters: 12:30 Intro`).diagnostics.map((d) => [d.line, d.rule, d.message])).toEqual([[6, 'wrong-type', '`chapters` must be a list']]);
    expect(parse(`title: One\n${AUDIO}\nchapters:\n  -\n  - { start: 1, title: B }`).diagnostics.map((d) => [d.line, d.rule])).toEqual([[7, 'wrong-type']]);
    const missing = parse(`title: One\n${AUDIO}\nchapters:\n  - { start: 0, title: A }\n  - { start: 1 }`).diagnostics;
    expect(missing.map((d) => [d.line, d.column, d.rule, d.message])).toEqual([[8, 5, 'missing-field', 'the front matter is missing the required field `chapters.1.title`']]);
  });

  it('leaves the chapters of a news post out, with a warning at the field', () => {
    const { episode, diagnostics } = parse('title: News\nchapters:\n  - { start: 0, title: A }\n  - { start: 1, title: B }', '00:00 A\n00:01 B\n');
    expect(episode!.kind).toBe('post');
    expect(episode!.chapters).toEqual([]);
    expect(brief(diagnostics)).toEqual([{ line: 4, column: 3, severity: 'warning', rule: 'invalid-chapters' }]);
    // Timestamps in the notes of a post are only text.
    expect(parse('title: News', '00:00 A\n00:01 B\n').diagnostics).toEqual([]);
  });

  it('needs the positions only for reports', () => {
    const result = readChapters({ file: 'x.md', written: undefined, notes: '0:00 A\n0:10 B\n', notesLine: 3, duration: undefined, positions: new Map(), hasAudio: true });
    expect(result).toEqual({ value: [{ startTime: 0, title: 'A' }, { startTime: 10, title: 'B' }], diagnostics: [] });
  });
});

describe('chaptersJson', () => {
  it('writes the Podcasting 2.0 format 1.2.0, images made absolute under the base path', () => {
    const json = chaptersJson(
      [
        { startTime: 0, title: 'Intro' },
        { startTime: 750.5, title: 'Bricks "and" clay', url: 'https://example.com/bricks', image: '/images/brick.png' },
        { startTime: 900, title: 'Elsewhere', image: 'https://cdn.example.com/x.png' },
      ],
      { url: 'https://example.com/show/' },
    );
    expect(JSON.parse(json)).toEqual({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro' },
        { startTime: 750.5, title: 'Bricks "and" clay', img: 'https://example.com/show/images/brick.png', url: 'https://example.com/bricks' },
        { startTime: 900, title: 'Elsewhere', img: 'https://cdn.example.com/x.png' },
      ],
    });
    expect(json.endsWith('}\n')).toBe(true);
  });
});
