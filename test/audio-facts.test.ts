import { describe, expect, it } from 'vitest';
import { applyAudioFacts, type AudioFinding } from '../src/audio-facts.js';
import { parseEpisode, type EpisodeSettings } from '../src/episode.js';
import { episodeFile } from './helpers.js';

const settings: EpisodeSettings = { timezone: 'UTC', frontMatter: { aliases: {}, ignore: [] }, build: { audioUrl: undefined } };

function episode(frontMatter: string, audioUrl?: string, expectedRules: string[] = []) {
  const parsed = parseEpisode('episodes/2024-01-01-x.md', episodeFile(frontMatter), { ...settings, build: { audioUrl } });
  expect(parsed.diagnostics.map((d) => d.rule)).toEqual(expectedRules);
  return parsed.episode!;
}

const fromFile = (facts: Partial<AudioFinding>): AudioFinding => ({
  source: 'public/media/x.mp3',
  from: 'file',
  size: undefined,
  type: undefined,
  duration: undefined,
  problems: [],
  ...facts,
});

describe('applyAudioFacts', () => {
  it('gives the episode back as it is, with nothing to say, only when nothing is learnt and a length is written', () => {
    const cases: [string, AudioFinding | undefined][] = [
      ['title: X\nepisode: 1\naudio:\n  url: https://media.example.com/x.mp3\n  length: 1000', undefined],
      ['title: X\nepisode: 1\naudio:\n  url: https://media.example.com/x.mp3', undefined],
      ['title: X\nepisode: 1\naudio:\n  url: /media/x.mp3', undefined],
      ['title: X\nepisode: 1\naudio:\n  url: /media/x.mp3\n  length: 1000', fromFile({ size: 1000 })],
      ['title: X\nepisode: 1\naudio:\n  url: /media/x.mp3\n  length: 1000', fromFile({ size: 12427 })],
    ];
    const kept = cases.map(([frontMatter, finding]) => {
      const before = episode(frontMatter);
      const applied = applyAudioFacts(before, finding);
      return applied.episode === before && applied.diagnostics.length === 0;
    });
    expect(kept).toEqual([true, false, false, true, false]);
  });

  it('fills in what the front matter leaves out, from the file', () => {
    const before = episode('title: X\nepisode: 1\naudio:\n  url: /media/x.mp3');
    const { episode: after, diagnostics } = applyAudioFacts(before, fromFile({ size: 12427, type: 'audio/mpeg', duration: 3.06 }));
    expect(diagnostics).toEqual([]);
    expect(after.audio).toEqual({ url: '/media/x.mp3', length: 12427, type: 'audio/mpeg', duration: 3 });
    expect(after.version).not.toBe(before.version);
    expect(before.audio?.length).toBeUndefined();
  });

  it('warns at each value that disagrees with the file, giving both, and uses the file', () => {
    const before = episode('title: X\nepisode: 1\naudio:\n  url: /media/x.mp3\n  length: 1000\n  type: audio/mpeg\n  duration: "1:02:03"');
    const { episode: after, diagnostics } = applyAudioFacts(before, fromFile({ size: 12427, type: 'audio/x-m4a', duration: 3.05 }));
    expect(diagnostics.map((d) => [d.rule, d.severity, d.line, d.column, d.message])).toEqual([
      ['audio-facts-mismatch', 'warning', 6, 11, '`audio.length` is 1000 bytes but the file public/media/x.mp3 has 12427 bytes; the feed uses 12427'],
      ['audio-facts-mismatch', 'warning', 8, 13, '`audio.duration` is 1:02:03 but the file public/media/x.mp3 lasts 0:03; the feed uses 3 seconds'],
      ['audio-facts-mismatch', 'warning', 7, 9, '`audio.type` is audio/mpeg but the file public/media/x.mp3 is audio/x-m4a; the feed uses audio/x-m4a'],
    ]);
    expect(after.audio).toEqual({ url: '/media/x.mp3', length: 12427, type: 'audio/x-m4a', duration: 3 });
  });

  it('takes a duration within a second, and another name of the same type, as agreeing', () => {
    const before = episode('title: X\naudio:\n  url: /media/x.m4a\n  length: 1034\n  type: audio/mp4\n  duration: 4', undefined, ['media-type-not-apple']);
    const { episode: after, diagnostics } = applyAudioFacts(before, fromFile({ size: 1034, type: 'audio/x-m4a', duration: 3.05 }));
    expect(diagnostics).toEqual([]);
    expect(after.audio).toMatchObject({ type: 'audio/mp4', duration: 3 });
  });

  it('reports a type guessed from the extension at the URL, and a type Apple does not take', () => {
    const before = episode('title: X\naudio:\n  url: /media/x.mp3');
    const { diagnostics } = applyAudioFacts(before, fromFile({ size: 5000, type: 'audio/ogg' }));
    expect(diagnostics.map((d) => [d.rule, d.line, d.message])).toEqual([
      ['audio-facts-mismatch', 4, 'the extension of `/media/x.mp3` says audio/mpeg but the file public/media/x.mp3 is audio/ogg; the feed uses audio/ogg'],
      ['media-type-not-apple', 4, 'Apple Podcasts does not accept `audio/ogg` enclosures'],
    ]);
  });

  it('reports problems at the URL, or at the episode number when the URL comes from the template', () => {
    const problem = { rule: 'audio-file-not-found', message: 'no file for the audio `/media/7.mp3`' } as const;
    const templated = applyAudioFacts(episode('title: X\nepisode: 7', '/media/{episode}.mp3'), fromFile({ problems: [problem] }));
    expect(templated.diagnostics.map((d) => [d.rule, d.severity, d.line, d.column])).toEqual([
      ['audio-file-not-found', 'error', 3, 10],
      ['missing-audio-length', 'error', 3, 10],
    ]);
  });

  it('reports audio with no length from anywhere where the length belongs, with a hint that fits', () => {
    const remote = applyAudioFacts(episode('title: X\naudio:\n  url: https://media.example.com/x.mp3\n  duration: 60'), undefined);
    expect(remote.diagnostics).toEqual([
      expect.objectContaining({ rule: 'missing-audio-length', line: 4, column: 3, hint: expect.stringContaining('--probe-audio') }),
    ]);
    const probed = applyAudioFacts(episode('title: X\naudio:\n  url: https://media.example.com/x.mp3'), { ...fromFile({ size: 48213377 }), source: 'https://media.example.com/x.mp3', from: 'host' });
    expect(probed.diagnostics).toEqual([]);
    expect(probed.episode.audio?.length).toBe(48213377);
  });

  it('leaves an episode without audio, or whose facts agree, as it was', () => {
    const post = episode('title: News');
    expect(applyAudioFacts(post, undefined)).toEqual({ episode: post, diagnostics: [] });
    const agreeing = episode('title: X\naudio:\n  url: /media/x.mp3\n  length: 10\n  duration: 3');
    expect(applyAudioFacts(agreeing, fromFile({ size: 10, type: 'audio/mpeg', duration: 3.2 })).episode).toBe(agreeing);
  });
});
