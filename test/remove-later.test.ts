import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { backgroundRemovals, leftoverFolders } from '../src/remove-later.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const episode = (n: number, notes = `Notes of episode ${n}.\n`) =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, notes);

/** The id of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('the previous output, once replaced', () => {
  it('is removed after the build, with what killed builds left beside it, but not what a running build owns', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png', 'episodes/2024-01-01-e1.md': episode(1) });
    expect((await build({ cwd: root })).ok).toBe(true);
    const dead = deadPid();
    const killed = [`.dist.old-${dead}-0a1b2c3d`, `.dist.tmp-${dead}-0a1b2c3d`, `.dist.spill-${dead}-Ha5ixA`];
    for (const name of killed) await writeFiles(path.join(root, name));
    // Looks like a leftover, but its build is running (this process).
    const running = `.dist.tmp-${process.pid}-0a1b2c3d`;
    await writeFiles(path.join(root, running));
    await writeFiles(path.join(root, `.dist.spill-${process.pid}-Ab12Cd`));
    expect(leftoverFolders(path.join(root, 'dist')).sort()).toEqual(killed.map((name) => path.join(root, name)).sort());

    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'New notes.\n'));
    expect((await build({ cwd: root })).ok).toBe(true);
    await backgroundRemovals();
    expect((await readdir(root)).filter((name) => name.startsWith('.dist.')).sort()).toEqual(['.dist.spare', running, `.dist.spill-${process.pid}-Ab12Cd`].sort());
    expect(existsSync(path.join(root, running, 'a/b/index.html'))).toBe(true);
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(await coldBuild(root)));
  });
});

async function writeFiles(folder: string): Promise<void> {
  await mkdir(path.join(folder, 'a/b'), { recursive: true });
  await writeFile(path.join(folder, 'a/b/index.html'), 'left over');
}

async function coldBuild(root: string): Promise<string> {
  expect((await build({ cwd: root, cache: false, output: 'cold' })).ok).toBe(true);
  return path.join(root, 'cold');
}
