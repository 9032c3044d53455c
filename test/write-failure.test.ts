import { chmod, readdir, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { backgroundRemovals } from '../src/remove-later.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const bin = fileURLToPath(new URL('../bin/podsite.js', import.meta.url));
/** The user id of nobody on Linux: no folder of the test is its own. */
const NOBODY = 65534;

/** Writes to paths containing `failing.where` fail with `failing.code`, as a full disk or a denied folder makes them fail. */
const failing: { where?: string; code?: string } = {};

vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  const fail = (target: unknown) => {
    if (failing.where === undefined || !String(target).includes(failing.where)) return;
    throw Object.assign(new Error(`${failing.code}: stubbed failure, write '${String(target)}'`), { code: failing.code, path: String(target) });
  };
  return {
    ...actual,
    writeFile: async (target: string, ...rest: [never]) => (fail(target), actual.writeFile(target, ...rest)),
    copyFile: async (from: string, to: string, ...rest: []) => (fail(to), actual.copyFile(from, to, ...rest)),
    open: async (target: string, flags?: string, ...rest: []) => (flags !== undefined && flags !== 'r' && fail(target), actual.open(target, flags, ...rest)),
  };
});

afterEach(() => {
  delete failing.where;
  delete failing.code;
});

const episode = (n: number, notes = `Notes of episode ${n}.\n`) =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, notes);

async function builtSite() {
  const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png', 'episodes/2024-01-01-e1.md': episode(1), 'episodes/2024-01-02-e2.md': episode(2) });
  expect((await build({ cwd: root })).ok).toBe(true);
  await backgroundRemovals();
  const previous = await readTree(path.join(root, 'dist'));
  await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'Notes that will not be published.\n'));
  return { root, previous };
}

describe('a machine that cannot take the site', () => {
  it.each([
    ['ENOSPC', 'the disk is full; free some space and build again'],
    ['EDQUOT', 'the disk quota is used up; free some space and build again'],
    ['EACCES', 'podsite may not write there; check the permissions of the output folder and its parent'],
    ['EROFS', 'the file system is read-only'],
    ['ENOENT', 'a folder podsite wrote in vanished, or its file system takes no new files (such as /proc); choose another output folder'],
  ])('%s while writing the site: write-failed, and the previous output stays', async (code, hint) => {
    const { root, previous } = await builtSite();
    Object.assign(failing, { where: '.dist.tmp-', code });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(({ file, line, column, rule, hint }) => ({ file, line, column, rule, hint }))).toEqual([{ file: 'dist', line: 0, column: 0, rule: 'write-failed', hint }]);
    expect(result.diagnostics[0]!.message).toContain('the previous site was left as it was');
    expect(await readTree(path.join(root, 'dist'))).toEqual(previous);
    expect((await readdir(root)).filter((name) => name.startsWith('.dist'))).toEqual([]);
  });

  it.each(['ENOSPC', 'ENOENT'])('%s while taking the lock: write-failed, and nothing is written', async (code) => {
    const { root, previous } = await builtSite();
    Object.assign(failing, { where: '.dist.lock', code });
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['write-failed']);
    expect(await readTree(path.join(root, 'dist'))).toEqual(previous);
    expect((await readdir(root)).filter((name) => name.startsWith('.dist'))).toEqual([]);
  });

  it('an output folder whose parent may not be written: write-failed, exit 1, and the previous output stays', { timeout: 60_000 }, async () => {
    const { root, previous } = await builtSite();
    if (process.getuid?.() === 0) {
      // Root may write anywhere, whatever the permissions say: the build runs as the user nobody, who may read the project but not write in it.
      await chmod(root, 0o755);
      const run = spawnSync(process.execPath, [bin, 'build', '--no-cache'], { cwd: root, uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('write-failed');
      expect(run.stderr).toContain('EACCES');
      expect(run.stderr).toContain('podsite may not write there; check the permissions of the output folder and its parent');
    } else {
      await chmod(root, 0o555);
      try {
        const result = await build({ cwd: root, cache: false });
        expect(result.diagnostics.map((d) => d.rule)).toEqual(['write-failed']);
      } finally {
        await chmod(root, 0o755);
      }
    }
    expect(await readTree(path.join(root, 'dist'))).toEqual(previous);
    expect((await readdir(root)).filter((name) => name.startsWith('.dist'))).toEqual([]);
  });
});
