import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchTree, type TreeWatcher } from '../src/dev/tree-watcher.js';
import { tempProject } from './helpers.js';

const open: TreeWatcher[] = [];
afterEach(() => {
  for (const watcher of open.splice(0)) watcher.close();
});

/** A watched folder, and a way to wait until given paths have been reported. */
async function watched(files: Record<string, string>) {
  const root = path.join(await tempProject(files), 'episodes');
  await mkdir(root, { recursive: true });
  const reported = new Set<string>();
  let check: (() => void) | undefined;
  open.push(
    watchTree(root, (file) => {
      reported.add(path.relative(root, file));
      check?.();
    }),
  );
  /** Does `act`, then waits until every one of `expected` (relative paths) is reported; returns all reported meanwhile. */
  const after = async (act: () => Promise<unknown>, expected: string[]): Promise<string[]> => {
    reported.clear();
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not reported within 5 s: ${expected.filter((file) => !reported.has(file)).join(', ')}`)), 5000);
      check = () => {
        if (!expected.every((file) => reported.has(file))) return;
        clearTimeout(timer);
        resolve();
      };
    });
    await act();
    await done;
    return [...reported];
  };
  return { root, after, at: (relative: string) => path.join(root, relative) };
}

describe('watchTree', () => {
  it('reports files changed, added, removed and renamed, in the folder and its subfolders', async () => {
    const { after, at } = await watched({ 'episodes/one.md': 'one', 'episodes/2024/two.md': 'two' });
    expect(await after(() => writeFile(at('one.md'), 'one, edited'), ['one.md'])).toEqual(['one.md']);
    expect(await after(() => writeFile(at('2024/two.md'), 'two, edited'), ['2024/two.md'])).toEqual(['2024/two.md']);
    await after(() => writeFile(at('three.md'), 'three'), ['three.md']);
    await after(() => rm(at('one.md')), ['one.md']);
    await after(() => rename(at('2024/two.md'), at('2024/deux.md')), ['2024/two.md', '2024/deux.md']);
    // An editor's save in steps: a temporary file renamed over the episode.
    await after(() => writeFile(at('three.md.tmp'), 'three, saved').then(() => rename(at('three.md.tmp'), at('three.md'))), ['three.md']);
  });

  it('reports the files of a folder that appears, and watches it', async () => {
    const { after, at } = await watched({ 'episodes/one.md': 'one' });
    const elsewhere = path.join(path.dirname(at('')), 'later');
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, 'a.md'), 'a');
    await mkdir(path.join(elsewhere, 'deeper'));
    await writeFile(path.join(elsewhere, 'deeper/b.md'), 'b');
    await after(() => rename(elsewhere, at('2025')), ['2025/a.md', '2025/deeper/b.md']);
    await after(() => writeFile(at('2025/deeper/b.md'), 'b, edited'), ['2025/deeper/b.md']);
    await after(() => mkdir(at('2026')).then(() => writeFile(at('2026/c.md'), 'c')), ['2026/c.md']);
  });

  it('reports the files of a folder that goes, whether removed or moved away', async () => {
    const { after, at } = await watched({ 'episodes/2023/a.md': 'a', 'episodes/2023/deeper/b.md': 'b', 'episodes/2024/c.md': 'c' });
    await after(() => rename(at('2023'), path.join(path.dirname(at('')), 'moved')), ['2023/a.md', '2023/deeper/b.md']);
    await after(() => rm(at('2024'), { recursive: true }), ['2024/c.md']);
  });
});
