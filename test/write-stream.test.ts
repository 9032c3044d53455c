import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { checkFeed, FeedCheckInParts } from '../src/feed-check.js';
import { StagingFolder } from '../src/write.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

/**
 * A build that writes the site streams its pages and feed into the staging folder as they are
 * made; a build that does not write keeps everything in memory. Both must make the same site.
 */

const episode = (n: number, extra = '', notes = `Notes of episode ${n}, with [a link](/archive/) and <img src="/images/${n}.png" alt="">.\n`) =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60\n${extra}`, notes);

async function show(settings = '', files: Record<string, string> = {}) {
  const episodes: Record<string, string> = {};
  for (let n = 1; n <= 12; n++) episodes[`episodes/2024-01-${String(n).padStart(2, '0')}-e${n}.md`] = episode(n);
  return tempProject({ 'podsite.yaml': MINIMAL_SETTINGS + settings, 'public/artwork.png': 'not really a png', ...episodes, ...files });
}

/** Every file of a folder, by path relative to it. */
async function filesOf(folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const relative of await readdir(folder, { recursive: true })) {
    const file = path.join(folder, relative);
    if ((await stat(file)).isFile()) files.set(relative.split(path.sep).join('/'), await readFile(file, 'utf8'));
  }
  return files;
}

/** What a build that does not write makes: every generated file and copy, by path. */
async function inMemory(root: string): Promise<Map<string, string>> {
  const result = await build({ cwd: root, write: false });
  expect(result.ok).toBe(true);
  const files = new Map(result.output!.files.map((file) => [file.path, file.contents]));
  for (const copy of result.output!.copies) files.set(copy.sitePath, await readFile(copy.absolutePath, 'utf8'));
  return files;
}

const stagingFolders = async (root: string) => (await readdir(root)).filter((name) => name.includes('.tmp-') || name.includes('.old-'));

describe('a build that writes the site as it is made', () => {
  it('writes byte for byte the files a build in memory makes, and no others', async () => {
    const root = await show();
    const expected = await inMemory(root);
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    // Its pages and feed went to disk, not into the result.
    expect(result.output).toBeUndefined();
    expect(result.stats!.files).toBe(expected.size);
    expect(await filesOf(path.join(root, 'dist'))).toEqual(expected);
    expect(await stagingFolders(root)).toEqual([]);
  });

  it('writes a paged feed as a build in memory does', async () => {
    const root = await show('feed:\n  limit: 5\n');
    const expected = await inMemory(root);
    expect([...expected.keys()].filter((file) => file.endsWith('.xml') && file.includes('feed'))).toEqual(['feed.xml', 'feed/page/2.xml', 'feed/page/3.xml']);
    await build({ cwd: root });
    expect(await filesOf(path.join(root, 'dist'))).toEqual(expected);
  });

  it('reports what the feed check finds as a build in memory does', async () => {
    // A serial show with an unnumbered episode, a duplicate GUID and a forbidden control character.
    const root = await show('type: serial\n', {
      'episodes/2024-02-01-extra.md': episodeFile('title: Extra\nguid: same\naudio:\n  url: https://media.example.com/x.mp3\n  length: 1', 'Bell \u0007 here.\n'),
      'episodes/2024-02-02-again.md': episodeFile('title: Again\nepisode: 40\nguid: same\naudio:\n  url: https://media.example.com/y.mp3\n  length: 1'),
    });
    const kept = await build({ cwd: root, write: false });
    const streamed = await build({ cwd: root });
    expect(kept.diagnostics.length).toBeGreaterThan(0);
    expect(streamed.diagnostics).toEqual(kept.diagnostics);
  });

  it('leaves the previous site untouched, and no staging folder, when the build has errors', async () => {
    const root = await show();
    expect((await build({ cwd: root })).ok).toBe(true);
    const before = await filesOf(path.join(root, 'dist'));
    const feed = await stat(path.join(root, 'dist/feed.xml'));
    await writeFile(path.join(root, 'episodes/2024-01-03-e3.md'), episode(3, '', 'Changed notes.\n'));
    await writeFile(path.join(root, 'episodes/2024-03-01-bad.md'), episodeFile('title: Bad\nepisode: zero'));
    const failed = await build({ cwd: root });
    expect(failed.ok).toBe(false);
    expect(await filesOf(path.join(root, 'dist'))).toEqual(before);
    const after = await stat(path.join(root, 'dist/feed.xml'));
    expect([after.ino, after.mtimeMs]).toEqual([feed.ino, feed.mtimeMs]);
    expect(await stagingFolders(root)).toEqual([]);
  });

  it('keeps the inode of a feed whose bytes did not change, and replaces one that changed', async () => {
    const root = await show();
    await build({ cwd: root });
    const first = await stat(path.join(root, 'dist/feed.xml'));
    await build({ cwd: root });
    const same = await stat(path.join(root, 'dist/feed.xml'));
    expect([same.ino, same.mtimeMs]).toEqual([first.ino, first.mtimeMs]);
    await writeFile(path.join(root, 'episodes/2024-01-03-e3.md'), episode(3, '', 'Changed notes.\n'));
    await build({ cwd: root });
    expect((await stat(path.join(root, 'dist/feed.xml'))).ino).not.toBe(first.ino);
    expect(await readFile(path.join(root, 'dist/feed.xml'), 'utf8')).toContain('Changed notes.');
  });
});

describe('the staging folder', () => {
  it('keeps a problem of the machine for commit, writes nothing after it, and leaves nothing behind', async () => {
    const root = await tempProject({ blocker: 'a file where a folder should be' });
    const staging = new StagingFolder(path.join(root, 'blocker/dist'));
    await staging.writeFiles([{ path: 'index.html', contents: 'page' }]);
    const pieces: string[] = [];
    // The pieces are still all asked for: the feed is checked as they are made.
    await staging.writeChunks('feed.xml', (function* () {
      for (const piece of ['a', 'b', 'c']) {
        pieces.push(piece);
        yield piece;
      }
    })());
    expect(pieces).toEqual(['a', 'b', 'c']);
    await expect(staging.commit()).rejects.toThrow(/ENOTDIR|EEXIST/);
    await staging.discard();
    expect(await readdir(root)).toEqual(['blocker']);
  });

  it('writes a file from its pieces and removes itself when discarded', async () => {
    const root = await tempProject({});
    const output = path.join(root, 'dist');
    const staging = new StagingFolder(output);
    await staging.writeChunks('feed/page/2.xml', ['<rss>', 'x'.repeat(3 << 20), '</rss>']);
    await staging.discard();
    expect(await readdir(root)).toEqual([]);
    const again = new StagingFolder(output);
    await again.writeChunks('feed/page/2.xml', ['<rss>', 'x'.repeat(3 << 20), '</rss>']);
    await again.commit();
    expect(await readFile(path.join(output, 'feed/page/2.xml'), 'utf8')).toBe(`<rss>${'x'.repeat(3 << 20)}</rss>`);
    expect(existsSync(path.join(root, 'dist'))).toBe(true);
    expect(await readdir(root)).toEqual(['dist']);
  });

  it('writes pieces of bytes, each copied before the next is made from the same buffer', async () => {
    const root = await tempProject({});
    const output = path.join(root, 'dist');
    const staging = new StagingFolder(output);
    const reused = Buffer.alloc(8);
    function* pieces(): Generator<string | Buffer> {
      for (let n = 0; n < 300_000; n++) {
        reused.write(`<i>${String(n % 1000).padStart(3, '0')}</i>`.slice(0, 8));
        yield n % 2 === 0 ? reused : 'é\n';
      }
      yield Buffer.from('y'.repeat(3 << 20));
      yield 'end';
    }
    await staging.writeChunks('feed.xml', pieces());
    await staging.commit();
    let expected = '';
    for (let n = 0; n < 300_000; n++) expected += n % 2 === 0 ? `<i>${String(n % 1000).padStart(3, '0')}</i>`.slice(0, 8) : 'é\n';
    expect(await readFile(path.join(output, 'feed.xml'), 'utf8')).toBe(`${expected}${'y'.repeat(3 << 20)}end`);
  });
});

describe('the feed check in parts', () => {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">\n  <channel>\n    <title>Show</title>\n    <link>https://example.com/</link>\n    <description>A show.</description>\n    <itunes:type>serial</itunes:type>\n';
  const tail = '  </channel>\n</rss>\n';
  const items = [
    '<item><title>One</title><guid>a</guid><enclosure url="https://example.com/1.mp3" length="1" type="audio/mpeg"/></item>',
    '<item><title>Two</title><guid>a</guid><enclosure url="https://example.com/1.mp3" length="x" type="audio/mpeg"/></item>',
  ];
  const whole = `${head}    ${items.join('\n    ')}\n${tail}`;
  const skeleton = `${head}    <!---->\n    <!---->\n${tail}`;

  it('finds what the check of the whole feed finds', () => {
    const parts = new FeedCheckInParts(skeleton, { itemNames: ['one.md', 'two.md'] });
    for (const item of items) parts.add(item);
    const expected = checkFeed(whole, { itemNames: ['one.md', 'two.md'] });
    expect(expected.length).toBeGreaterThan(2);
    expect(parts.result()).toEqual(expected);
  });

  it('gives up on a part that is not one item, for the whole feed to be checked', () => {
    const parts = new FeedCheckInParts(skeleton);
    parts.add(items[0]!);
    parts.add('<item><title>Two</title></item><item><title>Three</title></item>');
    expect(parts.result()).toBeUndefined();
    expect(new FeedCheckInParts(`${head}<!---->`).result()).toBeUndefined();
  });
});
