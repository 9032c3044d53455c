import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const options = (root: string, extra: BuildOptions = {}): BuildOptions => ({ cwd: root, now: NOW, ...extra });

const episode = (n: number, notes = `Notes of episode ${n}, with [a link](/archive/).\n`, extra = '') =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60\n${extra}`, notes);

async function show(): Promise<string> {
  const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
  for (let n = 1; n <= 8; n++) files[`episodes/2024-01-0${n}-e${n}.md`] = episode(n);
  // Items the feed check and the feed's maker have something to say about, which must be said again when they are kept.
  files['episodes/2024-01-02-e2.md'] = episode(2, 'Bell \u0007 here.\n');
  files['episodes/2024-01-03-e3.md'] = episodeFile('title: Episode 3\nepisode: 3\naudio:\n  url: https://media.example.com/e3.ogg\n  length: 3000\n  duration: 60', 'Notes.\n');
  return tempProject(files);
}

/** A build from nothing, no cache at all, into another folder: what every other build must write. */
async function cold(root: string) {
  const result = await build(options(root, { cache: false, output: 'cold' }));
  return { diagnostics: result.diagnostics, tree: await readTree(path.join(root, 'cold')) };
}

describe('the feed store', () => {
  it('gives, after one edit, the feed and the diagnostics of a build from nothing', async () => {
    const root = await show();
    expect((await build(options(root))).ok).toBe(true);
    await writeFile(path.join(root, 'episodes/2024-01-05-e5.md'), episode(5, 'New notes of episode 5.\n'));
    const edited = await build(options(root));
    const reference = await cold(root);
    expect(edited.diagnostics.map((d) => d.rule)).toEqual(expect.arrayContaining(['invalid-xml-character', 'media-type-not-apple']));
    expect(edited.diagnostics).toEqual(reference.diagnostics);
    expect(await readTree(path.join(root, 'dist'))).toEqual(reference.tree);
    // And again, from the items the last build placed.
    await writeFile(path.join(root, 'episodes/2024-01-07-e7.md'), episode(7, 'New notes of episode 7.\n'));
    const again = await build(options(root));
    const later = await cold(root);
    expect(again.diagnostics).toEqual(later.diagnostics);
    expect(await readTree(path.join(root, 'dist'))).toEqual(later.tree);
  });

  it('is not written again by a build that changed nothing of the feed, and is after an edit', async () => {
    const root = await show();
    expect((await build(options(root))).ok).toBe(true);
    const storeFile = path.join(root, '.podsite-cache/feed.v8');
    const written = await stat(storeFile);
    // A real build (a file of the project changed) whose feed is the same file, linked from the last site.
    await writeFile(path.join(root, 'public/robots-note.txt'), 'a public file\n');
    const same = await build(options(root));
    expect(same.ok).toBe(true);
    expect(same.upToDate).toBeUndefined();
    expect((await stat(storeFile)).ino).toBe(written.ino);
    expect((await stat(storeFile)).mtimeMs).toBe(written.mtimeMs);

    await writeFile(path.join(root, 'episodes/2024-01-05-e5.md'), episode(5, 'New notes of episode 5.\n'));
    expect((await build(options(root))).ok).toBe(true);
    expect((await stat(storeFile)).ino).not.toBe(written.ino);
    const stored = deserialize(await readFile(storeFile)) as { items: Map<string, { file: string; start: number; length: number }> };
    const feed = await readFile(path.join(root, 'dist/feed.xml'));
    const items = [...stored.items.values()].map((item) => feed.subarray(item.start, item.start + item.length).toString());
    expect(items.filter((item) => item.includes('New notes of episode 5.'))).toHaveLength(1);
    expect(items.every((item) => item.startsWith('<item') && item.endsWith('</item>'))).toBe(true);
    // And the next build reads the items from there: the same feed as a build from nothing.
    await writeFile(path.join(root, 'episodes/2024-01-07-e7.md'), episode(7, 'New notes of episode 7.\n'));
    expect((await build(options(root))).ok).toBe(true);
    expect(await readTree(path.join(root, 'dist'))).toEqual((await cold(root)).tree);
  });

  it('reads an unchanged item from the last feed rather than making it again', async () => {
    const root = await show();
    expect((await build(options(root))).ok).toBe(true);
    const feedFile = path.join(root, 'dist/feed.xml');
    // Other bytes where an item is, the same size, and the store told that this is the file the last build wrote.
    const handle = await open(feedFile, 'r+');
    const text = await readFile(feedFile, 'utf8');
    await handle.write('Notes of episode X', Buffer.byteLength(text.slice(0, text.indexOf('Notes of episode 4'))));
    await handle.close();
    const storeFile = path.join(root, '.podsite-cache/feed.v8');
    const stored = deserialize(await readFile(storeFile)) as { files: Map<string, number[]> };
    const after = await stat(feedFile);
    stored.files.set('feed.xml', [after.size, after.mtimeMs, after.ino]);
    await writeFile(storeFile, serialize(stored));
    await writeFile(path.join(root, 'episodes/2024-01-05-e5.md'), episode(5, 'New notes of episode 5.\n'));
    expect((await build(options(root))).ok).toBe(true);
    const feed = await readFile(feedFile, 'utf8');
    expect(feed).toContain('Notes of episode X');
    expect(feed).toContain('New notes of episode 5.');
  });

  it('is not trusted when the feed in the output is not the one the last build wrote', async () => {
    const root = await show();
    expect((await build(options(root))).ok).toBe(true);
    const feedFile = path.join(root, 'dist/feed.xml');
    // The same size, other bytes where an item is.
    await writeFile(feedFile, (await readFile(feedFile, 'utf8')).replace('Notes of episode 4', 'Notes of episode X'));
    await writeFile(path.join(root, 'episodes/2024-01-05-e5.md'), episode(5, 'New notes of episode 5.\n'));
    expect((await build(options(root))).ok).toBe(true);
    expect(await readTree(path.join(root, 'dist'))).toEqual((await cold(root)).tree);
  });

  it('is ignored with a warning when damaged, and written anew', async () => {
    const root = await show();
    expect((await build(options(root))).ok).toBe(true);
    const storeFile = path.join(root, '.podsite-cache/feed.v8');
    const bytes = await readFile(storeFile);
    await writeFile(storeFile, bytes.subarray(0, bytes.length >> 1));
    await writeFile(path.join(root, 'episodes/2024-01-05-e5.md'), episode(5, 'New notes of episode 5.\n'));
    const damaged = await build(options(root));
    expect(damaged.ok).toBe(true);
    expect(damaged.diagnostics.filter((d) => d.rule === 'cache-ignored').map((d) => d.file)).toEqual(['.podsite-cache/feed.v8']);
    expect(await readTree(path.join(root, 'dist'))).toEqual((await cold(root)).tree);

    await writeFile(storeFile, 'not a cache at all');
    await writeFile(path.join(root, 'episodes/2024-01-06-e6.md'), episode(6, 'New notes of episode 6.\n'));
    const foreign = await build(options(root));
    expect(foreign.diagnostics.filter((d) => d.rule === 'cache-ignored').map((d) => d.file)).toEqual(['.podsite-cache/feed.v8']);
    await writeFile(path.join(root, 'episodes/2024-01-07-e7.md'), episode(7, 'New notes of episode 7.\n'));
    const rewritten = await build(options(root));
    expect(rewritten.diagnostics.filter((d) => d.rule === 'cache-ignored')).toEqual([]);
    expect(await readTree(path.join(root, 'dist'))).toEqual((await cold(root)).tree);
  });
});
