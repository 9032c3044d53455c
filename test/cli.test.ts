import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli.js';
import { RULES } from '../src/rules.js';
import { SILENCE_MP3, startAudioHost } from './audio-host.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const repository = fileURLToPath(new URL('..', import.meta.url));

async function run(argv: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, color: false };
  const code = await main(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('podsite CLI', () => {
  it('builds and prints a one-line summary', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile('title: A\nepisode: 1\naudio:\n  url: https://h.example/a.mp3\n  length: 9') });
    const { code, stdout, stderr } = await run(['build'], root);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Built 4 pages \(1 episode, 0 posts\) and a feed of 1 item into dist\/ in \d+ ms$/);
    expect(existsSync(path.join(root, 'dist/feed.xml'))).toBe(true);
  });

  it('honours --config, --out, --base-url and --drafts', async () => {
    const root = await tempProject({
      'show/settings.yaml': MINIMAL_SETTINGS,
      'show/episodes/2024-01-01-a.md': episodeFile('title: A\ndraft: true'),
    });
    const { code } = await run(['build', '--config', 'show/settings.yaml', '--out', 'site', '--base-url', 'https://x.example/p/', '--drafts'], root);
    expect(code).toBe(0);
    expect(existsSync(path.join(root, 'site/2024/01/01/a/index.html'))).toBe(true);
  });

  it('prints diagnostics with file:line:column, a code frame and a summary, and exits 1', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile('title: A\nseason: first') });
    const { code, stdout, stderr } = await run(['build'], root);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('episodes/2024-01-01-a.md:3:9  error  `season` must be a whole number ≥ 1 (found `first`)  wrong-type');
    expect(stderr).toContain('  > 3 | season: first');
    expect(stderr).toContain('1 error, 0 warnings in 1 file');
    expect(stderr).toContain('Build failed; nothing was written.');
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('says how to start when there is no settings file', async () => {
    const root = await tempProject({});
    const { code, stderr } = await run(['build'], root);
    expect(code).toBe(1);
    expect(stderr).toContain('no settings file at');
    expect(stderr).toContain('hint: run podsite in the folder that has podsite.yaml');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('shows help, the version, and refuses unknown commands and flags', async () => {
    expect((await run(['--help'], repository)).stdout).toContain('Usage: podsite <command>');
    expect((await run(['--version'], repository)).stdout).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = await run(['serve'], repository);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command `serve`');
    expect((await run(['build', '--nope'], repository)).code).toBe(1);
  });

  it('runs as the compiled bin', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS });
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(repository, 'bin/podsite.js'), 'build'], { cwd: root });
    expect(stdout).toMatch(/^Built 3 pages/);
    expect(stderr).toContain('no-episodes');
  });

  it('check writes nothing and prints JSON diagnostics with positions for tools', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile('title: A\nexplicit: yes') });
    const { code, stdout } = await run(['check', '--format', 'json'], root);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([
      {
        file: 'episodes/2024-01-01-a.md',
        line: 3,
        column: 11,
        endLine: 3,
        endColumn: 14,
        severity: 'error',
        rule: 'wrong-type',
        message: '`explicit` must be `true` or `false` (found `yes`)',
        hint: 'YAML 1.2 reads only `true` and `false` as booleans',
      },
    ]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('check says when all is well, and exits 0 with warnings', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile('title: A\nyoutube: https://vimeo.com/123') });
    const { code, stderr } = await run(['check'], root);
    expect(code).toBe(0);
    expect(stderr).toContain('0 errors, 1 warning in 1 file');
    const clean = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile('title: A') });
    expect((await run(['check'], clean)).stdout).toMatch(/^No problems in 0 episodes and 1 post \(checked in \d+ ms\)\.$/);
  });

  it('lists every rule with its default severity', async () => {
    const { code, stdout } = await run(['rules'], repository);
    expect(code).toBe(0);
    for (const id of Object.keys(RULES)) expect(stdout).toContain(id);
    expect(stdout).toMatch(/duplicate-episode-number +warning +No two full episodes/);
    expect(stdout).toMatch(/yaml-syntax +error \(fixed\)/);
  });

  it('leaves future episodes out unless --future', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2999-01-01-later.md': episodeFile('title: Later') });
    const { stderr } = await run(['build'], root);
    expect(stderr).toContain('future-episode');
    expect(existsSync(path.join(root, 'dist/2999/01/01/later/index.html'))).toBe(false);
    await run(['build', '--future'], root);
    expect(existsSync(path.join(root, 'dist/2999/01/01/later/index.html'))).toBe(true);
  });

  it('refuses an unknown --format', async () => {
    expect((await run(['check', '--format', 'xml'], repository)).code).toBe(1);
  });

  it('refuses a port that is not one', async () => {
    const { code, stderr } = await run(['dev', '--port', 'eighty'], repository);
    expect(code).toBe(1);
    expect(stderr).toContain('--port is a number from 0 to 65535');
  });

  it('refuses --jobs that is not a whole number of threads, and takes one that is', async () => {
    for (const bad of ['0', '-2', '1.5', 'two', '']) {
      const { code, stderr } = await run(['build', `--jobs=${bad}`], repository);
      expect(code).toBe(1);
      expect(stderr).toContain(`--jobs is a whole number of threads, 1 or more, not \`${bad}\``);
    }
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile('title: A\nepisode: 1\naudio:\n  url: https://h.example/a.mp3\n  length: 9') });
    const { code, stderr } = await run(['check', '--jobs', '3', '--verbose'], root);
    expect(code).toBe(0);
    // One episode is far under the threshold: the notes are rendered in the main thread.
    expect(stderr).toMatch(/markdown +[\d.]+ ms\n/);
  });

  it('asks the audio hosts with --probe-audio, on build and check', async () => {
    const audio = await startAudioHost({ '/a.mp3': { body: SILENCE_MP3, head: 'refuse' } });
    try {
      const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episodeFile(`title: A\nepisode: 1\naudio:\n  url: ${audio.origin}/a.mp3`) });
      const unasked = await run(['check'], root);
      expect(unasked.code).toBe(1);
      expect(unasked.stderr).toContain('missing-audio-length');
      expect(audio.requests).toEqual([]);
      const asked = await run(['check', '--probe-audio'], root);
      expect(asked.code).toBe(0);
      expect(asked.stderr).toContain('answers HEAD requests with 405 Method Not Allowed  audio-host-requirements');
      expect(audio.requests).toEqual(['HEAD /a.mp3', 'GET /a.mp3 bytes=0-65535']);
      expect((await run(['build', '--probe-audio'], root)).code).toBe(0);
      expect(audio.requests).toHaveLength(2);
      expect((await run(['check', '--help'], root)).stdout).toContain('--probe-audio');
    } finally {
      await audio.close();
    }
  });
});
