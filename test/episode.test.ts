import { describe, expect, it } from 'vitest';
import { parseEpisode, type EpisodeSettings } from '../src/episode.js';
import { episodeFile } from './helpers.js';

const settings: EpisodeSettings = {
  timezone: 'Europe/Paris',
  frontMatter: { aliases: {}, ignore: [] },
  build: { audioUrl: undefined },
};

const FULL = episodeFile(`
title: "The humble brick: part 1"
date: 2024-03-05 08:30
season: 2
episode: 7
description: About bricks.
audio:
  url: https://media.example.com/s02e07.mp3
  length: 48213377
  duration: "1:02:03"
image: /images/brick.png
explicit: false
guid: brick-1
tags: bricks, clay
hosts: [Maya, Tom]
guests: [Ann]
youtube: https://youtu.be/dQw4w9WgXcQ
`);

describe('parseEpisode', () => {
  it('reads every field of a full episode', () => {
    const { episode, diagnostics } = parseEpisode('episodes/2024-03-05-brick.md', FULL, settings);
    expect(diagnostics).toEqual([]);
    expect(episode).toMatchObject({
      kind: 'episode',
      title: 'The humble brick: part 1',
      date: new Date('2024-03-05T07:30:00Z'),
      slug: 'brick',
      number: 7,
      season: 2,
      episodeType: 'full',
      audio: { url: 'https://media.example.com/s02e07.mp3', length: 48213377, type: 'audio/mpeg', duration: 3723 },
      image: '/images/brick.png',
      guid: 'brick-1',
      tags: ['bricks', 'clay'],
      hosts: ['Maya', 'Tom'],
      guests: ['Ann'],
      youtube: 'dQw4w9WgXcQ',
      draft: false,
      markdown: 'Some notes.\n',
      bodyLine: 19,
    });
  });

  it('takes the date and slug from a Jekyll file name', () => {
    const { episode } = parseEpisode('posts/2009-04-12-episode-1.md', episodeFile('title: One'), settings);
    expect(episode?.date).toEqual(new Date('2009-04-11T22:00:00Z'));
    expect(episode?.slug).toBe('episode-1');
    expect(episode?.kind).toBe('post');
  });

  it('reports an impossible date in the file name', () => {
    const { episode, diagnostics } = parseEpisode('posts/2021-02-30-x.md', episodeFile('title: X'), settings);
    expect(episode).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'invalid-date' })]);
  });

  it('reports an impossible front-matter date at its line', () => {
    const { diagnostics } = parseEpisode('e/x.md', episodeFile('title: X\ndate: 2021-02-30'), settings);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'invalid-date', line: 3, column: 7 })]);
  });

  it('requires a date from somewhere', () => {
    const { diagnostics } = parseEpisode('e/x.md', episodeFile('title: X'), settings);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'missing-date' })]);
  });

  it('builds the audio URL from the template and reads aliases', () => {
    const { episode, diagnostics } = parseEpisode(
      'posts/2020-01-01-lcc-220.md',
      episodeFile("title: LCC 220\nlayout: blog-post\nepisode: 220\nmp3_length: 123\nteam: 'A, B'"),
      {
        ...settings,
        build: { audioUrl: 'https://host/LesCastCodeurs-Episode-{episode}.mp3' },
        frontMatter: { aliases: { mp3_length: 'audio.length', team: 'hosts' }, ignore: ['layout'] },
      },
    );
    expect(diagnostics.map((d) => [d.rule, d.severity, d.line, d.message])).toEqual([
      ['legacy-key', 'info', 5, '`mp3_length` is the old name of `audio.length`'],
      ['legacy-key', 'info', 6, '`team` is the old name of `hosts`'],
    ]);
    expect(episode?.audio).toEqual({ url: 'https://host/LesCastCodeurs-Episode-220.mp3', length: 123, type: 'audio/mpeg', duration: undefined });
    expect(episode?.hosts).toEqual(['A', 'B']);
  });

  it('reports unknown keys with a suggestion without losing the episode (a missing length is reported once the audio is measured)', () => {
    const { episode, diagnostics } = parseEpisode(
      'e/2020-01-01-x.md',
      episodeFile('title: X\naudio:\n  url: https://h/x.m4a\n  lenght: 5'),
      settings,
    );
    expect(episode?.audio?.type).toBe('audio/x-m4a');
    expect(diagnostics.map((d) => [d.rule, d.severity, d.line, d.hint])).toEqual([
      ['unknown-key', 'error', 5, 'did you mean `length`?'],
    ]);
    expect(episode?.audio?.length).toBeUndefined();
  });

  it('reports wrong types at the value', () => {
    const { episode, diagnostics } = parseEpisode(
      'e/2020-01-01-x.md',
      episodeFile('title: X\nepisode: "12"\ntype: trailor\nexplicit: no\naudio:\n  url: ftp://h/x.mp3\n  duration: 1:75:00'),
      settings,
    );
    expect(episode).toBeUndefined();
    expect(diagnostics.map((d) => [d.rule, d.line, d.hint])).toEqual([
      ['wrong-type', 3, 'remove the quotes'],
      ['wrong-type', 4, 'did you mean `trailer`?'],
      ['wrong-type', 5, expect.stringContaining('YAML 1.2')],
      ['invalid-url', 7, expect.stringContaining('`/media/ep1.mp3`')],
    ]);
  });

  it('takes a path on the site as the URL of a local audio file, from the front matter or the template', () => {
    const local = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\naudio:\n  url: /media/x.m4a'), settings);
    expect(local.diagnostics).toEqual([]);
    expect(local.episode?.audio).toEqual({ url: '/media/x.m4a', length: undefined, type: 'audio/x-m4a', duration: undefined });
    const templated = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\nepisode: 7'), { ...settings, build: { audioUrl: '/media/{episode}.mp3' } });
    expect(templated.episode?.audio?.url).toBe('/media/7.mp3');
    const relative = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\naudio:\n  url: media/x.mp3'), settings);
    expect(relative.diagnostics.map((d) => [d.rule, d.line])).toEqual([['invalid-url', 4]]);
  });

  it('reports a duration that is not one', () => {
    const { diagnostics } = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\naudio:\n  url: https://h/x.mp3\n  length: 5\n  duration: 1:75:00'), settings);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'invalid-duration', line: 6 })]);
  });

  it('lists every missing required field', () => {
    const { diagnostics } = parseEpisode('e/2020-01-01-x.md', episodeFile('season: 1'), settings);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'missing-field', message: 'the front matter is missing the required field `title`' })]);
  });

  it('refuses a slug that would leave its folder', () => {
    for (const slug of ['../../etc', 'a/b', '..', 'a\\\\b']) {
      const { diagnostics } = parseEpisode('e/2020-01-01-x.md', episodeFile(`title: X\nslug: "${slug}"`), settings);
      expect(diagnostics.map((d) => d.rule), slug).toEqual(['invalid-slug']);
    }
  });

  it('reports unclosed front matter and YAML errors with the file line', () => {
    expect(parseEpisode('e/2020-01-01-x.md', '---\ntitle: X\nbody', settings).diagnostics).toEqual([
      expect.objectContaining({ rule: 'unclosed-front-matter', line: 1 }),
    ]);
    const broken = parseEpisode('e/2020-01-01-x.md', '---\ntitle: X\ntags: [a\n---\nbody', settings);
    expect(broken.episode).toBeUndefined();
    expect(broken.diagnostics[0]).toMatchObject({ rule: 'yaml-syntax' });
    expect(broken.diagnostics[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reads a file with a BOM and CRLF line endings like any other', () => {
    const crlf = `\ufeff${episodeFile('title: X\nepisode: 3\naudio:\n  url: https://h.example/3.mp3\n  length: 10').replace(/\n/g, '\r\n')}`;
    const { episode, diagnostics } = parseEpisode('e/2020-01-01-x.md', crlf, settings);
    expect(diagnostics).toEqual([]);
    expect(episode).toMatchObject({ title: 'X', number: 3 });
  });

  it('keeps a draft flag, and marks files without number or audio as posts', () => {
    const { episode } = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\ndraft: true'), settings);
    expect(episode).toMatchObject({ draft: true, kind: 'post' });
  });

  it('merges an alias written before the block it belongs to', () => {
    const { episode, diagnostics } = parseEpisode(
      'e/2020-01-01-x.md',
      episodeFile('title: X\nmp3_length: 1234\naudio:\n  url: https://h.example/x.mp3\n  duration: 60'),
      { ...settings, frontMatter: { aliases: { mp3_length: 'audio.length' }, ignore: [] } },
    );
    expect(diagnostics.map((d) => d.rule)).toEqual(['legacy-key']);
    expect(episode?.audio).toMatchObject({ length: 1234, duration: 60 });
  });

  it('fills the audio URL template with the slug from the file name, and says when a value is missing', () => {
    const withSlug = { ...settings, build: { audioUrl: 'https://cdn.example/{slug}.mp3' } };
    const { episode } = parseEpisode('e/2020-01-01-my-show.md', episodeFile('title: X\nepisode: 4\naudio:\n  length: 5'), withSlug);
    expect(episode?.audio?.url).toBe('https://cdn.example/my-show.mp3');
    const withSeason = { ...settings, build: { audioUrl: 'https://cdn.example/s{season}e{episode}.mp3' } };
    const { diagnostics } = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\nepisode: 4'), withSeason);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'missing-audio-url', line: 3, message: expect.stringContaining('`season`') })]);
  });

  it('refuses a numbered episode without audio, which would be a feed item without enclosure', () => {
    const { episode, diagnostics } = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\nepisode: 4'), settings);
    expect(episode).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'missing-audio-url', line: 3 })]);
  });

  it('treats empty front matter and empty blocks as absent values', () => {
    expect(parseEpisode('e/2020-01-01-x.md', '---\n---\nBody', settings).diagnostics).toEqual([
      expect.objectContaining({ rule: 'missing-field', message: expect.stringContaining('`title`') }),
    ]);
    expect(parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\naudio:\ntags:'), settings).diagnostics).toEqual([]);
  });

  it('places each item of a comma-separated text where it was written, when the text is as typed', () => {
    const at = (frontMatter: string, key: string) => parseEpisode('e/2020-01-01-x.md', episodeFile(`title: X\n${frontMatter}`), settings).episode?.positions.get(key);
    expect(at('tags: bricks ,  clay', 'tags.1')).toEqual({ line: 3, column: 17, endLine: 3, endColumn: 21 });
    expect(at("hosts: 'Maya, Tom'", 'hosts.1')).toEqual({ line: 3, column: 15, endLine: 3, endColumn: 18 });
    // An escape or a folded line moves the items away from their place in the text: the whole value is given.
    const whole = { line: 3, column: 8, endLine: 3, endColumn: 24 };
    expect(at('hosts: "Maya, T\\u006Fm"', 'hosts')).toEqual(whole);
    expect(at('hosts: "Maya, T\\u006Fm"', 'hosts.1')).toEqual(whole);
    expect(at('hosts: >-\n  Maya,\n  Tom', 'hosts.1')).toEqual(at('hosts: >-\n  Maya,\n  Tom', 'hosts'));
  });

  it('refuses an empty title and treats an empty description as absent', () => {
    const { diagnostics } = parseEpisode('e/2020-01-01-x.md', episodeFile('title: "  "'), settings);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'empty-title', line: 2 })]);
    const { episode } = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\ndescription: ""'), settings);
    expect(episode?.description).toBeUndefined();
  });

  it('points at an alias when the block it fills is incomplete', () => {
    const { diagnostics } = parseEpisode('e/2020-01-01-x.md', episodeFile('title: X\nmp3_length: 7'), {
      ...settings,
      frontMatter: { aliases: { mp3_length: 'audio.length' }, ignore: [] },
    });
    expect(diagnostics.filter((d) => d.rule !== 'legacy-key')).toEqual([expect.objectContaining({ rule: 'missing-audio-url', line: 3 })]);
  });
});

