import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { COMMANDS, main, type CliIo } from '../src/cli.js';
import { ProgressBar } from '../src/progress.js';
import { colorWanted } from '../src/terminal.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const bin = fileURLToPath(new URL('../bin/podsite.js', import.meta.url));
const ESC = '\u001b[';

async function run(argv: string[], cwd: string, extra: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, color: false, ...extra };
  const code = await main(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const episode = (n: number, extra = '') => episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://h.example/${n}.mp3\n  length: 9${extra}`);

describe('help', () => {
  it('lists every command at the top level, and each command lists only its own options, with examples', async () => {
    const top = await run(['--help'], '/');
    for (const name of Object.keys(COMMANDS)) expect(top.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(top.stdout).not.toContain('--port');

    const build = await run(['build', '--help'], '/');
    expect(build.code).toBe(0);
    // bench/run.mjs reads these two from `build --help`.
    expect(build.stdout).toContain('--jobs N');
    expect(build.stdout).toContain('--no-cache');
    expect(build.stdout).not.toContain('--port');
    expect(build.stdout).toContain('Examples:\n  podsite build\n');
    expect((await run(['help', 'build'], '/')).stdout).toBe(build.stdout);

    const dev = await run(['dev', '-h'], '/');
    expect(dev.stdout).toContain('--port N');
    expect(dev.stdout).not.toContain('--no-cache');
    expect(dev.stdout).toContain('podsite dev --port 8080 --open');
    expect((await run(['rules', '--help'], '/')).stdout).not.toContain('--config');
  });

  it('prints the version of package.json', async () => {
    const manifest = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(new URL('../package.json', import.meta.url), 'utf8'))) as { version: string };
    expect((await run(['--version'], '/')).stdout).toBe(manifest.version);
    expect((await run(['build', '-v'], '/')).stdout).toBe(manifest.version);
  });
});

describe('mistakes on the command line', () => {
  it('suggests the closest command', async () => {
    const { code, stderr } = await run(['biuld'], '/');
    expect(code).toBe(1);
    expect(stderr).toContain('unknown command `biuld`; did you mean `podsite build`?');
    expect((await run(['help', 'chekc'], '/')).stderr).toContain('did you mean `podsite check`?');
  });

  it('says which command takes an option given to another', async () => {
    const { code, stderr } = await run(['build', '--port', '8080'], '/');
    expect(code).toBe(1);
    expect(stderr).toContain('`podsite build` does not take --port; it is an option of `podsite dev`');
    expect((await run(['rules', '--no-cache'], '/')).stderr).toContain('it is an option of `podsite build`, `podsite check`');
  });

  it('suggests the closest option, and says what a flag needs', async () => {
    expect((await run(['build', '--confgi', 'x.yaml'], '/')).stderr).toBe('podsite: unknown option `--confgi`; did you mean `--config`? Run `podsite build --help` for its options.');
    const missing = await run(['build', '--config'], '/');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--config needs a value, e.g. --config FILE');
    expect((await run(['build', '--drafts=yes'], '/')).stderr).toContain('--drafts takes no value');
    expect((await run(['dev', '--port=-1'], '/')).stderr).toContain('--port is a number from 0 to 65535');
    expect((await run(['build', '--quiet', '--verbose'], '/')).code).toBe(1);
  });
});

describe('mistakes in the project', () => {
  it('says how to make a settings file, and finds one saved as podsite.yml', async () => {
    const root = await tempProject({ 'podsite.yml': MINIMAL_SETTINGS });
    const { code, stderr } = await run(['build'], root);
    expect(code).toBe(1);
    expect(stderr).toContain('`podsite init`');
    expect(stderr).toContain('podsite.yml exists: rename it to podsite.yaml, or pass --config podsite.yml');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says when the settings file is a folder', async () => {
    const root = await tempProject({ 'show/podsite.yaml': MINIMAL_SETTINGS });
    const { code, stderr } = await run(['check', '--config', 'show'], root);
    expect(code).toBe(1);
    expect(stderr).toContain('show is a folder, not a settings file');
    expect(stderr).toContain(`--config ${path.join('show', 'podsite.yaml')}`);
    expect(stderr).not.toContain('internal error');
  });

  it('says when a source folder is a file', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, episodes: 'not a folder' });
    const { code, stderr } = await run(['build'], root);
    expect(code).toBe(1);
    expect(stderr).toContain('episodes  error  `build.episodes` is `episodes`, a file, not a folder  not-a-folder');
    expect(stderr).not.toContain('internal error');
  });

  it('says when the settings file cannot be read', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS });
    await chmod(path.join(root, 'podsite.yaml'), 0o000);
    await chmod(root, 0o755);
    // Root reads any file whatever its mode: the bin then runs as nobody, as a podsite user would run it.
    const asOtherUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawnSync(process.execPath, [bin, 'check'], { cwd: root, encoding: 'utf8', ...asOtherUser });
    expect(child.status).toBe(1);
    expect(child.stderr).toContain('podsite.yaml  error  the settings file cannot be read (EACCES: permission denied');
    expect(child.stderr).toContain('hint: check that it is a file podsite may read');
    expect(child.stderr).not.toContain('internal error');
  });

  it('says which episode cannot be read, and writes nothing', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1), 'episodes/2024-01-08-b.md': episode(2) });
    await chmod(path.join(root, 'episodes/2024-01-08-b.md'), 0o000);
    await chmod(root, 0o777);
    const asOtherUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawnSync(process.execPath, [bin, 'build'], { cwd: root, encoding: 'utf8', ...asOtherUser });
    expect(child.stderr).not.toContain('internal error');
    expect(child.stderr).toContain('episodes/2024-01-08-b.md:1:1  error  this file cannot be read (EACCES: permission denied), so it is skipped  unreadable-file');
    expect(child.stderr).toContain('hint: check that it is still there and that podsite may read it');
    expect(child.status).toBe(1);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('refuses an output folder that is a file', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1), 'site.html': '<p>mine</p>' });
    const { code, stderr } = await run(['build', '--out', 'site.html'], root);
    expect(code).toBe(1);
    expect(stderr).toContain('it is a file, not a folder');
    expect(stderr).not.toContain('internal error');
  });

  it('says when dev cannot listen on the address asked for', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1) });
    // TEST-NET-3 (RFC 5737): never an address of this machine.
    const { code, stderr } = await run(['dev', '--host', '203.0.113.9', '--port', '0'], root);
    expect(code).toBe(1);
    expect(stderr).toContain('--host 203.0.113.9 is not an address of this machine');
    expect(stderr).not.toContain('internal error');
  });
});

describe('quiet, colour and json', () => {
  it('--quiet prints errors only: no warnings and no summary', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1, '\nyoutube: https://vimeo.com/123') });
    const warned = await run(['build'], root);
    expect(warned.stderr).toContain('youtube');
    const quiet = await run(['build', '--quiet'], root);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await run(['check', '-q'], root)).stdout).toBe('');

    await writeFile(path.join(root, 'episodes/2024-01-02-b.md'), episode(2, '\nseason: first'));
    const failed = await run(['check', '--quiet'], root);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('wrong-type');
    expect(failed.stderr).not.toContain('youtube');
    const json = await run(['check', '--quiet', '--format', 'json'], root);
    expect((JSON.parse(json.stdout) as { rule: string }[]).map((d) => d.rule)).toEqual(['wrong-type']);
  });

  it('in json mode, stdout holds the JSON and nothing else, on build and check', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1, '\nyoutube: https://vimeo.com/123') });
    for (const command of ['build', 'check']) {
      const { code, stdout, stderr } = await run([command, '--format', 'json', '--verbose'], root);
      expect(code).toBe(0);
      expect((JSON.parse(stdout) as { rule: string }[]).map((d) => d.rule)).toEqual(['invalid-youtube']);
      expect(stderr).toMatch(/settings +[\d.]+ ms/);
    }
  });

  it('colours diagnostics only when told to', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1, '\nseason: first') });
    expect((await run(['check'], root, { color: true })).stderr).toContain(`${ESC}31merror`);
    expect((await run(['check'], root, { color: false })).stderr).not.toContain(ESC);
  });

  it('wants colour on a terminal only, never with NO_COLOR, and as FORCE_COLOR says', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true)).toBe(false);
  });

  it('writes no progress bar and no colour when the output is not a terminal', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1, '\nseason: first') });
    const child = spawn(process.execPath, [bin, 'check'], { cwd: root, env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('wrong-type');
    expect(stderr).not.toContain(ESC);
    expect(stderr).not.toContain('\r');
  });
});

/** `podsite dev` on any free port, until it says where it serves; then Ctrl-C. */
async function devUntilServing(root: string, flags: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'dev', '--port', '0', ...flags], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('Serving at')) resolve();
    }),
  );
  child.kill('SIGINT');
  const code = await exited;
  return { code, stdout, stderr };
}

describe('podsite dev in the terminal', () => {
  it('prints the same one-line summary as build, and only errors with --quiet', { timeout: 60_000 }, async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-a.md': episode(1, '\nyoutube: https://vimeo.com/123') });
    const shown = await devUntilServing(root, []);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Built 4 pages \(1 episode, 0 posts\) and a feed of 1 item in \d+ ms, 1 warning: \d+ files changed\.$/m);
    expect(shown.stdout).toContain('Stopped.');
    expect(shown.stderr).toContain('invalid-youtube');

    const quiet = await devUntilServing(root, ['--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('Built');
    expect(quiet.stderr).toBe('');
  });

  it('Ctrl-C during the first build exits 130 with a clear line and releases the lock', { timeout: 120_000 }, async () => {
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS };
    for (let n = 1; n <= 200; n++) files[`episodes/${new Date(Date.UTC(2020, 0, n)).toISOString().slice(0, 10)}-e${n}.md`] = episode(n, `\ntags: [t${n % 5}]`);
    const root = await tempProject(files);
    const child = spawn(process.execPath, [bin, 'dev', '--port', '0', '--jobs', '1'], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The lock is taken before the first build starts.
    const lock = path.join(root, '.podsite', '.dev.lock');
    while (!existsSync(lock)) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stdout).not.toContain('Serving at');
    expect(stderr).toContain('Interrupted: podsite dev stopped during its first build, before serving.');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('progress', () => {
  it('the build tells each stage, and how many notes and pages are done', async () => {
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS };
    for (let n = 1; n <= 3; n++) files[`episodes/2024-01-0${n}-e${n}.md`] = episode(n);
    const root = await tempProject(files);
    const calls: [string, number, number][] = [];
    const result = await build({ cwd: root, onProgress: (stage, done, total) => calls.push([stage, done, total]) });
    expect(result.ok).toBe(true);
    const stages = calls.filter(([, , total]) => total === 0).map(([stage]) => stage);
    expect(stages.slice(0, 2)).toEqual(['settings', 'load']);
    expect(stages).toContain('write');
    expect(calls.filter(([stage, , total]) => stage === 'markdown' && total > 0)).toEqual([
      ['markdown', 1, 3],
      ['markdown', 2, 3],
      ['markdown', 3, 3],
    ]);
    const pages = calls.filter(([stage, , total]) => stage === 'pages' && total > 0);
    expect(pages.at(-1)![1]).toBe(pages.at(-1)![2]);
  });

  it('the bar appears only after a second, redraws at most ten times a second, and is erased', () => {
    let now = 0;
    const written: string[] = [];
    const bar = new ProgressBar({ write: (text) => written.push(text), columns: 80 }, { now: () => now });
    bar.update('load', 0, 0);
    now = 999;
    bar.update('markdown', 10, 100);
    expect(written).toEqual([]);
    now = 1000;
    bar.tick();
    expect(written).toEqual([`\r${ESC}KBuilding [####------------------------------------] 10/100 markdown`]);
    now = 1050;
    bar.update('markdown', 50, 100);
    expect(written).toHaveLength(1);
    now = 1100;
    bar.tick();
    expect(written.at(-1)).toContain('50/100 markdown');
    now = 1300;
    bar.update('write', 0, 0);
    expect(written.at(-1)).toBe(`\r${ESC}KBuilding: write…`);
    bar.clear();
    expect(written.at(-1)).toBe(`\r${ESC}K`);
    for (const line of written) expect(line.length).toBeLessThan(80 + 4);
  });

  it('a bar that was never drawn erases nothing', () => {
    const written: string[] = [];
    const bar = new ProgressBar({ write: (text) => written.push(text), columns: 80 }, { now: () => 0 });
    bar.update('load', 0, 0);
    bar.clear();
    expect(written).toEqual([]);
  });
});

describe('Ctrl-C during a build', () => {
  it('exits 130 with a clear line, and the previous site stays', { timeout: 120_000 }, async () => {
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS };
    for (let n = 1; n <= 200; n++) files[`episodes/${new Date(Date.UTC(2020, 0, n)).toISOString().slice(0, 10)}-e${n}.md`] = episode(n, `\ntags: [t${n % 5}]`);
    const root = await tempProject(files);
    expect(await main(['build', '--quiet'], { stdout: () => undefined, stderr: () => undefined, cwd: root, color: false })).toBe(0);
    const previous = await readTree(path.join(root, 'dist'));
    await writeFile(path.join(root, 'podsite.yaml'), MINIMAL_SETTINGS.replace('Test Show', 'Renamed Show'));

    const child = spawn(process.execPath, [bin, 'build', '--no-cache', '--jobs', '1'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The lock beside the output is taken once the settings are read: the build is under way, its handler in place.
    const lock = path.join(root, '.dist.lock');
    while (!existsSync(lock)) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toContain('Interrupted: the build stopped; the output folder keeps the last complete site.');
    expect(stderr).not.toMatch(/\n\s+at /);
    const after = await readTree(path.join(root, 'dist'));
    expect([...after.keys()].sort()).toEqual([...previous.keys()].sort());
    expect(after.get('index.html')!.equals(previous.get('index.html')!)).toBe(true);
    // And the next build cleans up and succeeds.
    expect(await main(['build', '--quiet'], { stdout: () => undefined, stderr: () => undefined, cwd: root, color: false })).toBe(0);
  });
});
