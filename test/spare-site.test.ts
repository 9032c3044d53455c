import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { backgroundRemovals } from '../src/remove-later.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

/**
 * The site a swap moves aside is kept (`.dist.spare`) and made the next build's staging folder,
 * brought up to date in place: the new site must be the one a build into a new folder makes, and the
 * live output must never change before the swap, although the spare's files are links to its files.
 */

const NOW = new Date('2026-06-01T12:00:00Z');

const episode = (n: number, notes = `Notes of episode ${n}.\n`) =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\ntags: [t${n}]\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, notes);

const episodePath = (root: string, n: number) => path.join(root, `episodes/2024-01-0${n}-e${n}.md`);

async function show(count = 4): Promise<string> {
  const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
  for (let n = 1; n <= count; n++) files[`episodes/2024-01-0${n}-e${n}.md`] = episode(n);
  return tempProject(files);
}

async function built(root: string): Promise<void> {
  const result = await build({ cwd: root, now: NOW });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  await backgroundRemovals();
}

/** The site a build without cache makes into a new folder, as the reference. */
async function reference(root: string): Promise<Map<string, Buffer>> {
  const result = await build({ cwd: root, now: NOW, cache: false, output: 'reference' });
  expect(result.ok).toBe(true);
  const tree = await readTree(path.join(root, 'reference'));
  await rm(path.join(root, 'reference'), { recursive: true });
  return tree;
}

/** Every folder under `folder`, relative to it: a site brought up to date keeps no folder a new one lacks. */
async function foldersOf(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('the spare site', () => {
  it('is the site before the last, made the next site in place: the same files and folders as a new one', async () => {
    const root = await show(6);
    await built(root);
    expect(existsSync(path.join(root, '.dist.spare')), 'no site before the first').toBe(false);
    await writeFile(episodePath(root, 1), episode(1, 'Edited once.\n'));
    await built(root);
    const spare = path.join(root, '.dist.spare');
    const spareInode = (await stat(spare)).ino;
    // What the spare holds that the next site does not, and a file where that site has a folder, go.
    await rm(episodePath(root, 6));
    await writeFile(path.join(spare, 'left-by-hand.txt'), 'not of the site');
    await mkdir(path.join(spare, 'an/empty/folder'), { recursive: true });
    await rm(path.join(spare, '2024/01/02'), { recursive: true });
    await writeFile(path.join(spare, '2024/01/02'), 'a file where a folder goes');
    const unchanged = '2024/01/03/e3/index.html';
    const unchangedInode = (await stat(path.join(root, 'dist', unchanged))).ino;

    await writeFile(episodePath(root, 1), episode(1, 'Edited twice.\n'));
    await built(root);
    expect((await stat(path.join(root, 'dist'))).ino, 'the spare became the output').toBe(spareInode);
    expect((await stat(path.join(root, 'dist', unchanged))).ino, 'an unchanged page keeps its file').toBe(unchangedInode);
    const site = await readTree(path.join(root, 'dist'));
    expect(site.get('2024/01/01/e1/index.html')!.toString()).toContain('Edited twice.');
    const expected = await reference(root);
    expect([...site.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, bytes] of expected) expect(site.get(file)!.equals(bytes), file).toBe(true);
    await build({ cwd: root, now: NOW, cache: false, output: 'reference' });
    expect(await foldersOf(path.join(root, 'dist'))).toEqual(await foldersOf(path.join(root, 'reference')));
  });

  it('takes from the output a page that changed in the last build only: the spare still has the one before', async () => {
    const root = await show(6);
    await built(root);
    await writeFile(episodePath(root, 1), episode(1, 'Edited once.\n'));
    await built(root);
    // The spare holds the first build's page of episode 1; the output, the edited one, unchanged by the next edit.
    await writeFile(episodePath(root, 5), episode(5, 'Edited elsewhere.\n'));
    await built(root);
    const site = await readTree(path.join(root, 'dist'));
    expect(site.get('2024/01/01/e1/index.html')!.toString()).toContain('Edited once.');
    const expected = await reference(root);
    for (const [file, bytes] of expected) expect(site.get(file)!.equals(bytes), file).toBe(true);
  });

  it('never changes the output through the files it shares with it, even in a build that fails', async () => {
    const root = await show();
    await built(root);
    await writeFile(episodePath(root, 1), episode(1, 'Edited once.\n'));
    await built(root);
    const output = await readTree(path.join(root, 'dist'));
    const inodes = new Map<string, number>();
    for (const file of output.keys()) inodes.set(file, (await stat(path.join(root, 'dist', file))).ino);
    // Every page changes, and is written into the spare, whose unchanged pages are links to the output's; an error stops the swap.
    await writeFile(path.join(root, 'podsite.yaml'), MINIMAL_SETTINGS.replace('title: Test Show', 'title: Another Show'));
    await writeFile(path.join(root, 'episodes/2024-02-01-bad.md'), episodeFile('title: [never closed'));
    const failed = await build({ cwd: root, now: NOW });
    expect(failed.ok).toBe(false);
    const after = await readTree(path.join(root, 'dist'));
    expect([...after.keys()].sort()).toEqual([...output.keys()].sort());
    for (const [file, bytes] of output) {
      expect(after.get(file)!.equals(bytes), file).toBe(true);
      expect((await stat(path.join(root, 'dist', file))).ino, file).toBe(inodes.get(file));
    }
    // The spare was taken, and dropped with the failed build: the next build starts a new folder, and makes the right site.
    expect((await readdir(root)).filter((name) => name.startsWith('.dist'))).toEqual([]);
    await rm(path.join(root, 'episodes/2024-02-01-bad.md'));
    await built(root);
    const expected = await reference(root);
    const site = await readTree(path.join(root, 'dist'));
    expect([...site.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, bytes] of expected) expect(site.get(file)!.equals(bytes), file).toBe(true);
  });
});
