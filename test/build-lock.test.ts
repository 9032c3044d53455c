import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { lockFileOf, lockOutput } from '../src/build-lock.js';
import { main } from '../src/cli.js';
import { devOutputFolder } from '../src/dev/session.js';
import { backgroundRemovals } from '../src/remove-later.js';
import { restoreInterrupted } from '../src/write.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const episode = (n: number) => episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, `Notes of episode ${n}.\n`);

const site = (count = 3) => {
  const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
  for (let n = 1; n <= count; n++) files[`episodes/2024-01-${String(n).padStart(2, '0')}-e${n}.md`] = episode(n);
  return files;
};

/** The id of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

const lockText = (pid: number, host = hostname()) => JSON.stringify({ pid, hostname: host, started: '2026-01-01T00:00:00.000Z', command: 'build' });

describe('the lock of the output folder', () => {
  it('refuses a second build of the same output while one runs, and is gone after both', async () => {
    const root = await tempProject(site(20));
    const [first, second] = await Promise.all([build({ cwd: root }), build({ cwd: root })]);
    const refused = [first, second].filter((result) => !result.ok);
    expect([first, second].filter((result) => result.ok)).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.diagnostics.map(({ file, line, column, rule }) => ({ file, line, column, rule }))).toEqual([{ file: 'dist', line: 0, column: 0, rule: 'output-locked' }]);
    expect(refused[0]!.diagnostics[0]!.message).toContain(`process ${process.pid}`);
    expect(refused[0]!.diagnostics[0]!.hint).toBe('wait for it to end; if no podsite runs there, remove .dist.lock');
    expect(existsSync(path.join(root, '.dist.lock'))).toBe(false);
    expect(existsSync(path.join(root, 'dist/feed.xml'))).toBe(true);
  });

  it('is taken over when the process that left it is gone, or when it is not a lock podsite wrote', async () => {
    const root = await tempProject(site());
    for (const left of [lockText(deadPid()), '', '{"pid": "x"}']) {
      await writeFile(path.join(root, '.dist.lock'), left);
      const result = await build({ cwd: root, cache: false });
      expect(result.diagnostics, JSON.stringify(left)).toEqual([]);
      expect(result.ok).toBe(true);
      expect(existsSync(path.join(root, '.dist.lock'))).toBe(false);
    }
  });

  it('is respected when its process runs, or when it was taken on another machine', async () => {
    const root = await tempProject(site());
    for (const held of [lockText(process.pid), lockText(deadPid(), 'another-machine.example')]) {
      await writeFile(path.join(root, '.dist.lock'), held);
      const result = await build({ cwd: root, cache: false });
      expect(result.diagnostics.map((d) => d.rule)).toEqual(['output-locked']);
      expect(existsSync(path.join(root, 'dist'))).toBe(false);
      expect(await readFile(path.join(root, '.dist.lock'), 'utf8')).toBe(held);
    }
  });

  it('removes what a build killed while taking the lock left, and only that', async () => {
    const root = await tempProject(site());
    const dead = path.join(root, `.dist.lock.new-${deadPid()}-0a0b0c0d`);
    const running = path.join(root, `.dist.lock.new-${process.pid}-0a0b0c0d`);
    const elsewhere = path.join(root, '.dist.lock.new-1-0a0b0c0d');
    await writeFile(dead, lockText(Number(path.basename(dead).split('-')[1])));
    await writeFile(running, lockText(process.pid));
    await writeFile(elsewhere, lockText(1, 'another-machine.example'));
    // Killed while writing it: empty, named after its dead process.
    const cut = path.join(root, `.dist.lock.new-${deadPid()}-0e0f0a0b`);
    await writeFile(cut, '');
    expect((await build({ cwd: root, cache: false })).ok).toBe(true);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(cut)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(elsewhere)).toBe(true);
  });

  it('is given to exactly one of several builds that find a stale lock at once', async () => {
    const root = await tempProject({});
    const output = path.join(root, 'dist');
    await writeFile(lockFileOf(output), lockText(deadPid()));
    const attempts = await Promise.all(Array.from({ length: 8 }, () => lockOutput(output, 'build')));
    const taken = attempts.filter((attempt) => 'lock' in attempt);
    expect(taken).toHaveLength(1);
    expect(attempts.filter((attempt) => 'holder' in attempt && attempt.holder.pid === process.pid)).toHaveLength(7);
    for (const attempt of taken) if ('lock' in attempt) await attempt.lock.release();
    expect(await readdir(root)).toEqual([]);
  });
});

describe('the lock of podsite dev', () => {
  it('refuses a second dev server of the same project, and does not keep a build out', async () => {
    const root = await tempProject(site());
    const held = await lockOutput(devOutputFolder(root), 'dev');
    if (!('lock' in held)) throw new Error('the dev folder was locked already');
    try {
      const err: string[] = [];
      const code = await main(['dev', '--port', '0'], { stdout: () => undefined, stderr: (text) => err.push(text), cwd: root, color: false });
      expect(code).toBe(1);
      expect(err.join('\n')).toContain('output-locked');
      expect(err.join('\n')).toContain(`another podsite dev (process ${process.pid}`);
      expect(err.join('\n')).toContain('remove .podsite/.dev.lock');
      expect((await build({ cwd: root, cache: false })).ok).toBe(true);
    } finally {
      await held.lock.release();
    }
    expect(existsSync(path.join(root, '.podsite/.dev.lock'))).toBe(false);
  });
});

describe('a build killed while swapping the new site in', () => {
  it('left the previous site aside: the next build puts it back and builds from it', async () => {
    const root = await tempProject(site());
    expect((await build({ cwd: root })).ok).toBe(true);
    await backgroundRemovals();
    const before = await readTree(path.join(root, 'dist'));
    // What swapIn leaves when killed between its two renames: the site aside, the new one staged.
    const dead = deadPid();
    const aside = path.join(root, `.dist.old-${dead}-0a1b2c3d`);
    await rename(path.join(root, 'dist'), aside);
    await mkdir(path.join(root, `.dist.tmp-${dead}-0a1b2c3d`));
    const unchanged = '2024/01/03/e3/index.html';
    const inode = (await stat(path.join(aside, unchanged))).ino;

    expect(await restoreInterrupted(path.join(root, 'dist'))).toBe(aside);
    expect(await readTree(path.join(root, 'dist'))).toEqual(before);
    await rename(path.join(root, 'dist'), aside);

    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1).replace('Notes of', 'New notes of'));
    const rebuilt = await build({ cwd: root });
    expect(rebuilt.ok).toBe(true);
    expect(rebuilt.diagnostics.map(({ file, line, column, severity, rule }) => ({ file, line, column, severity, rule }))).toEqual([{ file: 'dist', line: 0, column: 0, severity: 'warning', rule: 'output-restored' }]);
    expect(rebuilt.diagnostics[0]!.message).toContain(`left aside in \`.dist.old-${dead}-0a1b2c3d\`, was put back as \`dist\``);
    await backgroundRemovals();
    // Linked from the site put back, not written anew: it was the previous output.
    expect((await stat(path.join(root, 'dist', unchanged))).ino).toBe(inode);
    expect(await readFile(path.join(root, 'dist/2024/01/01/e1/index.html'), 'utf8')).toContain('New notes of');
    // The site put back, replaced, is kept as the spare site of the next build.
    expect((await readdir(root)).filter((name) => name.startsWith('.dist'))).toEqual(['.dist.spare']);
  });
});
