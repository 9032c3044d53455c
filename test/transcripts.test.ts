import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEpisode, type EpisodeSettings, type EpisodeSource } from '../src/episode.js';
import { projectFileStatus } from '../src/load.js';
import { besidePage, findTranscripts, placeTranscripts, transcriptTypeOf, type FileStatus, type FoundTranscript } from '../src/transcripts.js';
import { episodeFile, tempProject } from './helpers.js';

const settings: EpisodeSettings = { timezone: 'Europe/Paris', frontMatter: { aliases: {}, ignore: [] }, build: { audioUrl: undefined } };
const AUDIO = 'audio:\n  url: https://media.example.com/1.mp3\n  length: 1000';
const FILE = 'episodes/2024-01-01-one.md';
const parse = (frontMatter: string) => parseEpisode(FILE, episodeFile(frontMatter), settings);

describe('transcriptTypeOf', () => {
  it.each([
    ['one.vtt', 'text/vtt'],
    ['one.srt', 'application/x-subrip'],
    ['one.json', 'application/json'],
    ['one.txt', 'text/plain'],
    ['one.html', 'text/html'],
    ['ONE.VTT', 'text/vtt'],
    ['season-2/one.en.srt', 'application/x-subrip'],
    ['https://cdn.example.com/t/one.vtt?token=a.b', 'text/vtt'],
  ])('%s is %s', (name, type) => {
    expect(transcriptTypeOf(name)).toBe(type);
  });

  it.each(['one.md', 'one.pdf', 'one', 'vtt', 'https://cdn.example.com/one?format=.vtt', 'one.vtt.bak'])('%s is no transcript', (name) => {
    expect(transcriptTypeOf(name)).toBeUndefined();
  });
});

describe('`transcript:` in the front matter', () => {
  it('takes a path, a URL, a list of them, or mappings with a language and a type', () => {
    expect(parse(`title: One\n${AUDIO}\ntranscript: transcripts/one.vtt`).episode!.transcriptReferences).toEqual([
      { written: 'transcripts/one.vtt', kind: 'file', type: 'text/vtt', language: undefined, position: expect.objectContaining({ line: 6, column: 13 }) },
    ]);
    const { episode, diagnostics } = parse(
      `title: One\n${AUDIO}\ntranscript:\n  - one.srt\n  - https://cdn.example.com/one.json\n  - url: ../shared/one-fr.vtt\n    language: fr\n  - { url: "https://api.example.com/t/1", type: text/html, language: pt-BR }`,
    );
    expect(diagnostics).toEqual([]);
    expect(episode!.transcriptReferences!.map(({ written, kind, type, language }) => [written, kind, type, language])).toEqual([
      ['one.srt', 'file', 'application/x-subrip', undefined],
      ['https://cdn.example.com/one.json', 'url', 'application/json', undefined],
      ['../shared/one-fr.vtt', 'file', 'text/vtt', 'fr'],
      ['https://api.example.com/t/1', 'url', 'text/html', 'pt-BR'],
    ]);
    expect(episode!.transcriptReferences!.map((r) => r.position.line)).toEqual([7, 8, 9, 11]);
  });

  it('is undefined when absent, so that files beside the episode count, and empty with `[]`', () => {
    expect(parse(`title: One\n${AUDIO}`).episode!.transcriptReferences).toBeUndefined();
    expect(parse(`title: One\n${AUDIO}\ntranscript: []`).episode!.transcriptReferences).toEqual([]);
  });

  it('reports, at the value, what cannot be a transcript, and leaves it out', () => {
    const { episode, diagnostics } = parse(
      `title: One\n${AUDIO}\ntranscript:\n  - http://cdn.example.com/one.vtt\n  - /home/me/one.vtt\n  - one.docx\n  - https://cdn.example.com/one\n  - { url: one.vtt, language: "english please" }\n  - one.txt`,
    );
    expect(diagnostics.map((d) => [d.line, d.column, d.severity, d.rule])).toEqual([
      [7, 5, 'error', 'invalid-transcript'],
      [8, 5, 'error', 'invalid-transcript'],
      [9, 5, 'error', 'invalid-transcript'],
      [10, 5, 'error', 'invalid-transcript'],
      [11, 31, 'error', 'invalid-transcript'],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      '`http://cdn.example.com/one.vtt` is not an https URL',
      '`/home/me/one.vtt` is an absolute path',
      'cannot tell what kind of transcript `one.docx` is from its extension',
      'cannot tell what kind of transcript `https://cdn.example.com/one` is from its extension',
      '`english please` is not a language code',
    ]);
    // The problems are the transcripts', not the episode's: it is still built, with the rest.
    expect(episode!.transcriptReferences!.map((r) => r.written)).toEqual(['one.txt']);
  });

  it('checks types and shapes with the schema', () => {
    const wrongType = parse(`title: One\n${AUDIO}\ntranscript: { url: one.vtt, type: text/vtt; charset=utf-8 }`).diagnostics;
    expect(wrongType.map((d) => [d.line, d.rule])).toEqual([[6, 'wrong-type']]);
    const noUrl = parse(`title: One\n${AUDIO}\ntranscript:\n  - language: fr`).diagnostics;
    expect(noUrl.map((d) => [d.line, d.rule, d.message])).toEqual([[7, 'missing-field', 'the front matter is missing the required field `transcript.0.url`']]);
  });

  it('leaves the transcripts of a news post out, with a warning', () => {
    const { episode, diagnostics } = parse('title: News\ntranscript: news.txt');
    expect(episode!.transcriptReferences).toEqual([]);
    expect(diagnostics.map((d) => [d.line, d.severity, d.rule])).toEqual([[3, 'error', 'invalid-transcript']]);
  });
});

/** The disk as findTranscripts sees it, without a disk. */
function filesOf(present: Record<string, FileStatus>, beside: Record<string, string[]> = {}) {
  return {
    folders: [path.resolve('/show')],
    besideEpisode: (episodePath: string) => beside[episodePath] ?? [],
    status: (absolutePath: string) => present[absolutePath] ?? 'missing',
  };
}

describe('findTranscripts', () => {
  const episodePath = path.resolve('/show/episodes/2024-01-01-one.md');
  const entryWith = (frontMatter: string) => parse(`title: One\n${AUDIO}\n${frontMatter}`).episode!;

  it('takes the files beside the episode when the front matter names none', () => {
    const beside = { [episodePath]: [path.resolve('/show/episodes/2024-01-01-one.srt'), path.resolve('/show/episodes/2024-01-01-one.vtt')] };
    const found = findTranscripts(entryWith(''), episodePath, filesOf({}, beside));
    expect(found.diagnostics).toEqual([]);
    expect(found.value.map((t) => [t.type, t.language, t.source])).toEqual([
      ['application/x-subrip', undefined, { file: path.resolve('/show/episodes/2024-01-01-one.srt') }],
      ['text/vtt', undefined, { file: path.resolve('/show/episodes/2024-01-01-one.vtt') }],
    ]);
    // A `transcript:` field, even empty, replaces them.
    expect(findTranscripts(entryWith('transcript: []'), episodePath, filesOf({}, beside)).value).toEqual([]);
  });

  it('resolves paths from the episode file, and reports missing files and files outside the project', () => {
    const entry = entryWith('transcript:\n  - ../transcripts/one.vtt\n  - gone.srt\n  - ../../etc/passwd.txt\n  - linked.txt\n  - https://cdn.example.com/one.json');
    const present: Record<string, FileStatus> = {
      [path.resolve('/show/transcripts/one.vtt')]: 'file',
      [path.resolve('/show/episodes/linked.txt')]: 'outside',
    };
    const found = findTranscripts(entry, episodePath, filesOf(present));
    expect(found.value.map((t) => t.source)).toEqual([{ file: path.resolve('/show/transcripts/one.vtt') }, { url: 'https://cdn.example.com/one.json' }]);
    expect(found.diagnostics.map((d) => [d.line, d.rule, d.message])).toEqual([
      [8, 'missing-transcript', 'there is no transcript file `gone.srt` (looked for episodes/gone.srt)'],
      [9, 'invalid-transcript', '`../../etc/passwd.txt` is outside the project folder'],
      [10, 'invalid-transcript', '`linked.txt` is outside the project folder'],
    ]);
  });

  it('does not use a file beside a news post', () => {
    const post = parse('title: News').episode as EpisodeSource;
    const found = findTranscripts(post, episodePath, filesOf({}, { [episodePath]: [path.resolve('/show/episodes/2024-01-01-one.vtt')] }));
    expect(found.value).toEqual([]);
    expect(found.diagnostics.map((d) => [d.line, d.severity, d.rule])).toEqual([[1, 'error', 'invalid-transcript']]);
  });
});

describe('placeTranscripts', () => {
  const found = (type: FoundTranscript['type'], language: string | undefined, source: FoundTranscript['source'], line = 1): FoundTranscript => ({
    type,
    language,
    source,
    position: { line, column: 1 },
  });
  const placement = { entry: { file: FILE }, outputFile: 'episodes/one/index.html', language: 'en', cwd: path.resolve('/show'), urlOf: (p: string) => `https://example.com/${p}` };

  it('names copies after their type, says captions for timed formats, and keeps URLs as they are', () => {
    const placed = placeTranscripts(
      [
        found('text/vtt', undefined, { file: path.resolve('/show/episodes/2024-01-01-one.vtt') }),
        found('text/plain', undefined, { file: path.resolve('/show/transcripts/one.TXT') }),
        found('application/json', 'fr', { url: 'https://cdn.example.com/one.json' }),
      ],
      placement,
    );
    expect(placed.diagnostics).toEqual([]);
    expect(placed.value).toEqual([
      {
        url: 'https://example.com/episodes/one/transcript.vtt',
        type: 'text/vtt',
        language: 'en',
        rel: 'captions',
        copy: { from: path.resolve('/show/episodes/2024-01-01-one.vtt'), origin: 'episodes/2024-01-01-one.vtt', to: 'episodes/one/transcript.vtt' },
      },
      {
        url: 'https://example.com/episodes/one/transcript.txt',
        type: 'text/plain',
        language: 'en',
        rel: undefined,
        copy: { from: path.resolve('/show/transcripts/one.TXT'), origin: 'transcripts/one.TXT', to: 'episodes/one/transcript.txt' },
      },
      { url: 'https://cdn.example.com/one.json', type: 'application/json', language: 'fr', rel: undefined, copy: undefined },
    ]);
  });

  it('puts the language in the names of two transcripts of one type, and refuses the same type and language twice', () => {
    const placed = placeTranscripts(
      [
        found('application/x-subrip', undefined, { file: path.resolve('/show/a.srt') }, 7),
        found('application/x-subrip', 'fr', { file: path.resolve('/show/b.srt') }, 8),
        found('application/x-subrip', 'EN', { file: path.resolve('/show/c.srt') }, 9),
      ],
      placement,
    );
    expect(placed.value.map((t) => t.copy?.to)).toEqual(['episodes/one/transcript.en.srt', 'episodes/one/transcript.fr.srt']);
    expect(placed.diagnostics.map((d) => [d.line, d.rule, d.message])).toEqual([[9, 'invalid-transcript', 'a second application/x-subrip transcript in `EN`, so it is left out']]);
  });
});

describe('besidePage', () => {
  it('puts a file in the folder of an index page, and beside a named page', () => {
    expect(besidePage('episodes/one/index.html', 'transcript.vtt')).toBe('episodes/one/transcript.vtt');
    expect(besidePage('2024/01/one.html', 'chapters.json')).toBe('2024/01/one.chapters.json');
    expect(besidePage('one.htm', 'chapters.json')).toBe('one.chapters.json');
  });
});

describe('projectFileStatus', () => {
  it('follows symbolic links, so that none brings a file from outside into the site', async () => {
    const outside = await tempProject({ 'secret.txt': 'secret' });
    const root = await tempProject({ 'episodes/one.vtt': 'WEBVTT\n', 'episodes/folder.vtt/x': '' });
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'episodes/link.txt'));
    await symlink(path.join(root, 'episodes/one.vtt'), path.join(root, 'episodes/inner-link.vtt'));
    const status = (name: string) => projectFileStatus(path.join(root, name), [root]);
    expect(status('episodes/one.vtt')).toBe('file');
    expect(status('episodes/inner-link.vtt')).toBe('file');
    expect(status('episodes/link.txt')).toBe('outside');
    expect(status('episodes/none.vtt')).toBe('missing');
    expect(status('episodes/folder.vtt')).toBe('missing');
  });
});
