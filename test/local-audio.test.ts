import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { SILENCE_M4A, SILENCE_MP3 } from './audio-host.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject, type XmlElement } from './helpers.js';

async function feedItems(root: string): Promise<XmlElement[]> {
  return children(child(parseXmlStrict(await readText(path.join(root, 'dist/feed.xml'))), 'channel')!, 'item');
}

const text = (item: XmlElement, name: string) => child(item, name)?.text.trim();

describe('local audio', () => {
  it('puts the absolute URL, exact length, type and duration of a file of public/ in the feed, and copies it', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/artwork.png': 'png',
      'public/media/ep1.mp3': SILENCE_MP3,
      'episodes/2024-01-05-first.md': episodeFile('title: First\nepisode: 1\naudio:\n  url: /media/ep1.mp3'),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const [item] = await feedItems(root);
    expect(child(item!, 'enclosure')!.attributes).toEqual({ url: 'https://show.example.com/media/ep1.mp3', length: String(SILENCE_MP3.length), type: 'audio/mpeg' });
    expect(text(item!, 'itunes:duration')).toBe('3');
    expect(await readFile(path.join(root, 'dist/media/ep1.mp3'))).toEqual(SILENCE_MP3);
    const page = await readText(path.join(root, 'dist/2024/01/05/first/index.html'));
    expect(page).toContain('<audio controls preload="none" src="/media/ep1.mp3">');
    expect(page).toContain('<span>0:03</span>');
  });

  it('serves the media folder under /media/, under the base path of the site', async () => {
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS.replace('https://show.example.com/', 'https://example.org/show/')}build:\n  media: recordings\n  audioUrl: /media/ep{episode}.m4a\n`,
      'public/artwork.png': 'png',
      'recordings/ep1.m4a': SILENCE_M4A,
      'episodes/2024-01-05-first.md': episodeFile('title: First\nepisode: 1'),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const [item] = await feedItems(root);
    expect(child(item!, 'enclosure')!.attributes).toEqual({ url: 'https://example.org/show/media/ep1.m4a', length: String(SILENCE_M4A.length), type: 'audio/x-m4a' });
    expect(await readFile(path.join(root, 'dist/media/ep1.m4a'))).toEqual(SILENCE_M4A);
    expect(await readText(path.join(root, 'dist/2024/01/05/first/index.html'))).toContain('<audio controls preload="none" src="/show/media/ep1.m4a">');
  });

  it('refuses a file of public/media/ that the media folder also has', async () => {
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  media: recordings\n`,
      'public/media/ep1.m4a': SILENCE_M4A,
      'recordings/ep1.m4a': SILENCE_M4A,
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ file: 'recordings/ep1.m4a', rule: 'output-conflict', message: expect.stringContaining('public/media/ep1.m4a') }),
    ]);
  });

  it('warns about front-matter values that disagree with the file, and the file wins', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/media/ep1.mp3': SILENCE_M4A,
      'episodes/2024-01-05-first.md': episodeFile('title: First\nepisode: 1\naudio:\n  url: /media/ep1.mp3\n  length: 48213377\n  duration: "50:13"'),
    });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.rule, d.line, d.message])).toEqual([
      ['audio-facts-mismatch', 5, 'the extension of `/media/ep1.mp3` says audio/mpeg but the file public/media/ep1.mp3 is audio/x-m4a; the feed uses audio/x-m4a'],
      ['audio-facts-mismatch', 6, `\`audio.length\` is 48213377 bytes but the file public/media/ep1.mp3 has ${SILENCE_M4A.length} bytes; the feed uses ${SILENCE_M4A.length}`],
      ['audio-facts-mismatch', 7, '`audio.duration` is 50:13 but the file public/media/ep1.mp3 lasts 0:03; the feed uses 3 seconds'],
    ]);
    const [item] = await feedItems(root);
    expect(child(item!, 'enclosure')!.attributes).toMatchObject({ length: String(SILENCE_M4A.length), type: 'audio/x-m4a' });
    expect(text(item!, 'itunes:duration')).toBe('3');
  });

  it('fails on a path that names no file, and writes nothing', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-05-first.md': episodeFile('title: First\nepisode: 1\naudio:\n  url: /media/ep1.mp3'),
    });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.rule, d.severity, d.line, d.column])).toEqual([
      // The length belongs in the `audio:` block, which starts at `url:`.
      ['missing-audio-length', 'error', 5, 3],
      ['audio-file-not-found', 'error', 5, 8],
    ]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('keeps the size of a file that cannot be read as audio, with a warning', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/media/ep1.mp3': 'these are notes, not audio',
      'episodes/2024-01-05-first.md': episodeFile('title: First\nepisode: 1\naudio:\n  url: /media/ep1.mp3\n  duration: 60'),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ rule: 'unreadable-audio', severity: 'warning', line: 5, column: 8, message: expect.stringContaining('public/media/ep1.mp3 cannot be read as audio') }),
    ]);
    const [item] = await feedItems(root);
    expect(child(item!, 'enclosure')!.attributes).toMatchObject({ length: '26', type: 'audio/mpeg' });
    expect(text(item!, 'itunes:duration')).toBe('60');
  });

  it('makes the feed again when only the audio file changed, in podsite dev as in a build', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/media/ep1.mp3': SILENCE_MP3,
      'episodes/2024-01-05-first.md': episodeFile('title: First\nepisode: 1\naudio:\n  url: /media/ep1.mp3'),
    });
    const { createCache } = await import('../src/cache.js');
    const cache = createCache();
    const first = await build({ cwd: root, cache, write: false });
    expect(first.output!.files.find((f) => f.path === 'feed.xml')!.contents).toContain(`length="${SILENCE_MP3.length}"`);
    await writeFile(path.join(root, 'public/media/ep1.mp3'), Buffer.concat([SILENCE_MP3, SILENCE_MP3]));
    cache.dirty = new Set();
    const second = await build({ cwd: root, cache, write: false });
    expect(second.output!.files.find((f) => f.path === 'feed.xml')!.contents).toContain(`length="${2 * SILENCE_MP3.length}"`);
    expect(second.fresh).toEqual(expect.arrayContaining(['2024/01/05/first/index.html', 'feed.xml']));
  });

  it('keeps its cache beside the settings file, or where the build is told', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/media/ep1.mp3': SILENCE_MP3,
      'episodes/2024-01-05-first.md': episodeFile('title: First\nepisode: 1\naudio:\n  url: /media/ep1.mp3'),
    });
    await build({ cwd: root, write: false });
    expect(Object.keys(JSON.parse(await readText(path.join(root, '.podsite-cache/media.json'))).entries)).toEqual(['public/media/ep1.mp3']);
    const elsewhere = await tempProject({});
    await build({ cwd: root, write: false, cacheFolder: elsewhere });
    expect(existsSync(path.join(elsewhere, 'media.json'))).toBe(true);
  });
});
