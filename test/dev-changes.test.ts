import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChangeQueue, classifyChange, planRebuild } from '../src/dev/changes.js';
import { urlPathOf } from '../src/dev/dev.js';

const root = path.resolve('/show');
const folders = {
  settingsFile: path.join(root, 'podsite.yaml'),
  episodes: path.join(root, 'episodes'),
  templates: path.join(root, 'templates'),
  public: path.join(root, 'public'),
  people: path.join(root, 'people'),
};

describe('classifyChange', () => {
  it('tells settings, episodes, templates and public files apart', () => {
    expect(classifyChange(path.join(root, 'podsite.yaml'), folders)).toBe('settings');
    expect(classifyChange(path.join(root, 'episodes/2024-01-01-a.md'), folders)).toBe('episode');
    expect(classifyChange(path.join(root, 'episodes/season-2/2024-01-01-a.markdown'), folders)).toBe('episode');
    expect(classifyChange(path.join(root, 'templates/partials/header.hbs'), folders)).toBe('template');
    expect(classifyChange(path.join(root, 'templates/assets/style.css'), folders)).toBe('template');
    expect(classifyChange(path.join(root, 'public/artwork.png'), folders)).toBe('public');
    expect(classifyChange(path.join(root, 'people/maya-okafor.md'), folders)).toBe('people');
    expect(classifyChange(path.join(root, 'recordings/ep1.mp3'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'recordings/ep1.mp3'), { ...folders, media: path.join(root, 'recordings') })).toBe('public');
  });

  it('takes the Markdown files of the pages folder, in subfolders too, for pages that rebuild like a template', () => {
    const withPages = { ...folders, pages: path.join(root, 'pages') };
    expect(classifyChange(path.join(root, 'pages/about.md'), withPages)).toBe('page');
    expect(classifyChange(path.join(root, 'pages/legal/privacy.markdown'), withPages)).toBe('page');
    expect(classifyChange(path.join(root, 'pages/.drafts/secret.md'), withPages)).toBe('ignored');
    expect(classifyChange(path.join(root, 'pages/photo.jpg'), withPages)).toBe('ignored');
    expect(planRebuild([path.join(root, 'pages/about.md')], withPages)).toEqual({ kind: 'incremental', episodes: new Set(), theme: true, public: false });
  });

  it('takes only the Markdown files of the people folder itself for person files', () => {
    expect(classifyChange(path.join(root, 'people/photos/maya.jpg'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'people/old/maya-okafor.md'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'people/notes.txt'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'people/.#maya-okafor.md'), folders)).toBe('ignored');
  });

  it('ignores editor files and anything outside the watched folders', () => {
    expect(classifyChange(path.join(root, 'episodes/.#2024-01-01-a.md'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'episodes/2024-01-01-a.md~'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'episodes/.2024-01-01-a.md.swp'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'episodes/cover.png'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'episodes/.2024-01-01-a.vtt'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'README.md'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, 'transcripts/a.vtt'), folders)).toBe('ignored');
    expect(classifyChange(path.join(root, '.podsite/dev/index.html'), folders)).toBe('ignored');
  });

  it('takes transcripts in the episodes folder, and those front matter names anywhere, for attachments', () => {
    for (const name of ['a.vtt', 'a.srt', 'a.json', 'a.txt', 'a.html', 'season-2/A.VTT']) {
      expect(classifyChange(path.join(root, 'episodes', name), folders), name).toBe('attachment');
    }
    const named = { ...folders, namedFiles: new Set([path.join(root, 'transcripts/a.vtt')]) };
    expect(classifyChange(path.join(root, 'transcripts/a.vtt'), named)).toBe('attachment');
    expect(classifyChange(path.join(root, 'transcripts/b.vtt'), named)).toBe('ignored');
    expect(classifyChange(path.join(root, 'transcripts/a.vtt~'), named)).toBe('ignored');
  });
});

describe('planRebuild', () => {
  it('rebuilds everything when the settings change', () => {
    expect(planRebuild([path.join(root, 'episodes/a.md'), path.join(root, 'podsite.yaml')], folders)).toEqual({ kind: 'full' });
  });

  it('rebuilds everything when a person changes: any entry may name them', () => {
    expect(planRebuild([path.join(root, 'episodes/a.md'), path.join(root, 'people/maya-okafor.md')], folders)).toEqual({ kind: 'full' });
  });

  it('collects changed episodes, and notes theme and public changes', () => {
    expect(planRebuild([path.join(root, 'episodes/a.md'), path.join(root, 'episodes/b.md'), path.join(root, 'public/x.png')], folders)).toEqual({
      kind: 'incremental',
      episodes: new Set([path.join(root, 'episodes/a.md'), path.join(root, 'episodes/b.md')]),
      theme: false,
      public: true,
    });
    expect(planRebuild([path.join(root, 'templates/home.hbs')], folders)).toMatchObject({ kind: 'incremental', theme: true });
  });

  it('makes the build read an attachment again, like the episode file it belongs to', () => {
    expect(planRebuild([path.join(root, 'episodes/a.vtt')], folders)).toEqual({
      kind: 'incremental',
      episodes: new Set([path.join(root, 'episodes/a.vtt')]),
      theme: false,
      public: false,
    });
  });

  it('does nothing for ignored files', () => {
    expect(planRebuild([path.join(root, 'episodes/.#a.md')], folders)).toBeUndefined();
  });
});

describe('ChangeQueue', () => {
  it('runs changes that arrive during a run in exactly one more run', async () => {
    const runs: string[][] = [];
    let release!: () => void;
    const firstRunBlocked = new Promise<void>((resolve) => (release = resolve));
    const queue = new ChangeQueue(async (files) => {
      runs.push([...files].sort());
      if (runs.length === 1) await firstRunBlocked;
    });
    void queue.add('a');
    await Promise.resolve();
    void queue.add('b');
    void queue.add('c');
    void queue.add('b');
    release();
    await queue.idle();
    expect(runs).toEqual([['a'], ['b', 'c']]);
  });

  it('is idle when nothing runs, and runs again after', async () => {
    const runs: string[][] = [];
    const queue = new ChangeQueue(async (files) => {
      runs.push([...files]);
    });
    await queue.idle();
    await queue.add('a');
    await queue.add('b');
    expect(runs).toEqual([['a'], ['b']]);
  });
});

describe('urlPathOf', () => {
  it('turns output files into the paths the browser shows', () => {
    expect(urlPathOf('index.html', '/')).toBe('/');
    expect(urlPathOf('episodes/x/index.html', '/')).toBe('/episodes/x/');
    expect(urlPathOf('feed.xml', '/show/')).toBe('/show/feed.xml');
    expect(urlPathOf('404.html', '/')).toBe('/404.html');
  });
});
