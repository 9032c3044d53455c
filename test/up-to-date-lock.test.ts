import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lockFileOf, lockOutput } from '../src/build-lock.js';
import { build } from '../src/build.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

/** Whether the output's lock file existed each time a build wrote its record. */
const lockHeldAtRecord = vi.hoisted(() => [] as boolean[]);

vi.mock('../src/up-to-date.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/up-to-date.js')>();
  const { lockFileOf: lockFile } = await import('../src/build-lock.js');
  return {
    ...original,
    recordBuild: (...args: Parameters<typeof original.recordBuild>) => {
      lockHeldAtRecord.push(existsSync(lockFile(args[2].settings.build.output)));
      original.recordBuild(...args);
    },
  };
});

const NOW = new Date('2026-06-01T12:00:00Z');

const project = () =>
  tempProject({
    'podsite.yaml': MINIMAL_SETTINGS,
    'public/artwork.png': 'not really a png',
    'episodes/2024-01-01-e1.md': episodeFile('title: Episode 1\nepisode: 1\naudio:\n  url: https://media.example.com/e1.mp3\n  length: 1001\n  duration: 61', 'Notes.\n'),
  });

describe('the up-to-date shortcut and the lock of the output', () => {
  it('is not taken while another podsite holds the lock: that build may be swapping its site in', async () => {
    const root = await project();
    expect((await build({ cwd: root, now: NOW })).ok).toBe(true);
    const held = await lockOutput(path.join(root, 'dist'), 'build');
    if (!('lock' in held)) throw new Error('the output was locked already');
    try {
      const during = await build({ cwd: root, now: NOW });
      expect(during.upToDate).toBeUndefined();
      expect(during.ok).toBe(false);
      expect(during.diagnostics.map((d) => d.rule)).toEqual(['output-locked']);
    } finally {
      await held.lock.release();
    }
    const after = await build({ cwd: root, now: NOW });
    expect(after.upToDate).toEqual({ output: path.join(root, 'dist') });
    expect(existsSync(lockFileOf(path.join(root, 'dist'))), 'the shortcut releases the lock it took').toBe(false);
  });

  it('finds a record written while the build that wrote the output still held the lock', async () => {
    const root = await project();
    lockHeldAtRecord.length = 0;
    expect((await build({ cwd: root, now: NOW })).ok).toBe(true);
    expect(lockHeldAtRecord).toEqual([true]);
    expect(existsSync(lockFileOf(path.join(root, 'dist')))).toBe(false);
  });
});
