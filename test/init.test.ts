import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { build } from '../src/build.js';
import type { CommandOptions } from '../src/cli.js';
import { runInit } from '../src/commands/init.js';
import { checkFeed } from '../src/feed-check.js';
import { capture, run } from './cli-run.js';
import { child, parseXmlStrict, readTree, tempProject } from './helpers.js';

/** Builds the project as `podsite build` does, and reads back its feed. */
async function buildShow(root: string) {
  const result = await build({ cwd: root });
  const feed = await readFile(path.join(root, 'dist/feed.xml'), 'utf8');
  return { result, feed, channel: child(parseXmlStrict(feed), 'channel')! };
}

const FLAGS = ['--title', 'Café Talk', '--author', 'Zoé Martin', '--language', 'fr', '--url', 'https://cafe.example.com', '--email', 'zoe@example.com', '--timezone', 'Europe/Paris'];

/** Width, height and colour type from a PNG's header, and its pixels inflated (which checks the compressed data). */
function readPng(bytes: Buffer) {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  const idatStart = bytes.indexOf('IDAT', 0, 'latin1');
  const idatLength = bytes.readUInt32BE(idatStart - 4);
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24],
    colourType: bytes[25],
    pixels: inflateSync(bytes.subarray(idatStart + 4, idatStart + 4 + idatLength)),
  };
}

describe('podsite init', () => {
  it('makes a show that builds with no diagnostic and a feed that passes the feed checks', async () => {
    const cwd = await tempProject({});
    const { code, stdout, stderr } = await run(['init', 'cafe', ...FLAGS, '--yes'], cwd);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('cd cafe');
    const root = path.join(cwd, 'cafe');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    expect([...(await readTree(root)).keys()].sort()).toEqual(
      ['.gitignore', 'README.md', `episodes/${today}-welcome.md`, 'podsite.yaml', 'public/artwork.png', 'public/media/welcome.mp3'].map((f) => path.normalize(f)),
    );

    const { result, feed, channel } = await buildShow(root);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(checkFeed(feed)).toEqual([]);
    expect(child(channel, 'title')!.text).toBe('Café Talk');
    expect(child(channel, 'language')!.text).toBe('fr');
    expect(child(channel, 'itunes:author')!.text).toBe('Zoé Martin');
    expect(child(child(channel, 'itunes:owner')!, 'itunes:email')!.text).toBe('zoe@example.com');
    expect(child(channel, 'itunes:image')!.attributes.href).toBe('https://cafe.example.com/artwork.png');
    const enclosure = child(child(channel, 'item')!, 'enclosure')!;
    expect(enclosure.attributes).toMatchObject({ url: 'https://cafe.example.com/media/welcome.mp3', type: 'audio/mpeg' });
    expect(Number(enclosure.attributes.length)).toBe((await readFile(path.join(root, 'public/media/welcome.mp3'))).length);
    expect(Number(child(child(channel, 'item')!, 'itunes:duration')!.text)).toBeGreaterThanOrEqual(5);

    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const host of ['### GitHub Pages', '### Netlify', '### An S3 bucket', '### Your own server, with rsync']) expect(readme).toContain(host);
    expect(readme).toContain(`- run: npx --yes podsite@${version} build`);
    // The workflow, read as GitHub reads it: the build cache is restored before the build, under this podsite's version.
    const workflow = parseYaml(/publish\.yml[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!) as { jobs: { publish: { steps: { uses?: string; run?: string; with?: Record<string, string> }[] } } };
    const steps = workflow.jobs.publish.steps;
    const cache = steps.findIndex((step) => step.uses === 'actions/cache@v4');
    expect(cache).toBeGreaterThan(-1);
    expect(cache).toBeLessThan(steps.findIndex((step) => step.run?.includes('podsite') === true));
    expect(steps[cache]!.with).toEqual({ path: '.podsite-cache', key: `podsite-${version}-\${{ github.sha }}`, 'restore-keys': `podsite-${version}-` });
    expect(readme).toContain('https://cafe.example.com/feed.xml');
  });

  it('makes artwork that Apple accepts: a square RGB PNG of 1400 px', async () => {
    const cwd = await tempProject({});
    expect((await run(['init', ...FLAGS, '--yes'], cwd)).code).toBe(0);
    const png = readPng(await readFile(path.join(cwd, 'public/artwork.png')));
    expect(png).toMatchObject({ width: 1400, height: 1400, bitDepth: 8, colourType: 2 });
    // One filter byte, then three bytes a pixel, on each row.
    expect(png.pixels.length).toBe(1400 * (1 + 1400 * 3));
  });

  it('never replaces a file: it lists those in the way, writes nothing, and replaces them only with --force', async () => {
    const cwd = await tempProject({ 'podsite.yaml': 'title: Mine\n', 'README.md': '# Mine\n' });
    const refused = await run(['init', ...FLAGS, '--yes'], cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already has these files');
    expect(refused.stderr).toMatch(/^ {2}podsite\.yaml$/m);
    expect(refused.stderr).toMatch(/^ {2}README\.md$/m);
    expect(refused.stderr).toContain('--force');
    expect([...(await readTree(cwd)).keys()].sort()).toEqual(['README.md', 'podsite.yaml']);
    expect(await readFile(path.join(cwd, 'podsite.yaml'), 'utf8')).toBe('title: Mine\n');

    const forced = await run(['init', ...FLAGS, '--yes', '--force'], cwd);
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(cwd, 'podsite.yaml'), 'utf8')).toContain('title: "Café Talk"');
    expect((await buildShow(cwd)).result.diagnostics).toEqual([]);
  });

  it('says which files are in the way before it asks anything', async () => {
    const cwd = await tempProject({ '.gitignore': 'x\n' });
    const output = new PassThrough();
    const shown: string[] = [];
    output.on('data', (chunk: Buffer) => shown.push(chunk.toString()));
    const { io, stderr } = capture(cwd);
    expect(await runInit({ operands: [] } as Partial<CommandOptions> as CommandOptions, io, { input: new PassThrough(), output })).toBe(1);
    expect(stderr()).toMatch(/already has this file, which init would replace:\n {2}\.gitignore\n/);
    expect(shown).toEqual([]);
  });

  it('takes defaults for what the flags do not give when there is no terminal', async () => {
    const cwd = await tempProject({});
    const { io, stdout } = capture(cwd);
    const options = { operands: ['my-great_show'], author: 'Ann' } as Partial<CommandOptions> as CommandOptions;
    expect(await runInit(options, io, undefined)).toBe(0);
    const root = path.join(cwd, 'my-great_show');
    const settings = await readFile(path.join(root, 'podsite.yaml'), 'utf8');
    expect(settings).toContain('title: "My Great Show"');
    expect(settings).toContain('language: en');
    expect(settings).toContain(`timezone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}`);
    expect(settings).not.toContain('owner:');
    expect(stdout()).toContain('Defaults taken for title (My Great Show), language (en), url (https://example.com/), timezone (');
    expect(stdout()).not.toContain('author (');
    const { result } = await buildShow(root);
    expect(result.diagnostics).toEqual([]);
  });

  it('asks in a terminal for what the flags do not give, again after a wrong answer', async () => {
    const cwd = await tempProject({});
    const input = new PassThrough();
    const output = new PassThrough();
    const shown: string[] = [];
    // Title typed, author left blank (the default), a wrong language then a right one, the rest given as flags.
    const answers = ['Le Podcast', '', 'not a language', 'fr-CA'];
    output.on('data', (chunk: Buffer) => {
      shown.push(chunk.toString());
      // Each question is written as one chunk ending in `: `: answered as a person would, once asked.
      if (chunk.toString().endsWith(': ') && answers.length > 0) input.write(`${answers.shift()}\n`);
    });
    const { io, stdout } = capture(cwd);
    const options = { operands: ['show'], url: 'https://pod.example.com/', email: 'a@example.com', timezone: 'America/Toronto' } as Partial<CommandOptions> as CommandOptions;
    const code = await runInit(options, io, { input, output });
    expect(code).toBe(0);
    expect(shown.join('')).toContain('Title of the show [Show]: ');
    expect(stdout()).toContain('is not a language code');
    const settings = await readFile(path.join(cwd, 'show/podsite.yaml'), 'utf8');
    expect(settings).toContain('title: "Le Podcast"');
    expect(settings).toContain('author: "Your Name"');
    expect(settings).toContain('language: fr-CA');
    expect(settings).toContain('url: "https://pod.example.com/"');
    expect(shown.join('')).not.toContain('Address of the site');
  });

  it('stops and writes nothing when the input ends or Ctrl-C is pressed at a question', async () => {
    for (const stop of [(input: PassThrough) => input.end(), (input: PassThrough) => input.write('\u0003')]) {
      const cwd = await tempProject({});
      const input = new PassThrough();
      const output = new PassThrough();
      let asked = 0;
      output.on('data', (chunk: Buffer) => {
        if (!chunk.toString().endsWith(': ')) return;
        if (asked++ === 0) input.write('A title\n');
        else stop(input);
      });
      const { io, stderr } = capture(cwd);
      expect(await runInit({ operands: [] } as Partial<CommandOptions> as CommandOptions, io, { input, output })).toBe(1);
      expect(stderr()).toContain('stopped; nothing was written');
      expect((await readTree(cwd)).size).toBe(0);
    }
  });

  it('refuses wrong flag values, naming the flag, and writes nothing', async () => {
    const cwd = await tempProject({});
    const { code, stderr } = await run(['init', '--language', 'english', '--url', 'ftp://x', '--timezone', 'Mars/Olympus', '--yes'], cwd);
    expect(code).toBe(1);
    expect(stderr).toContain('--language: `english` is not a language code');
    expect(stderr).toContain('--url:');
    expect(stderr).toContain('--timezone: unknown time zone `Mars/Olympus`');
    expect((await readTree(cwd)).size).toBe(0);
  });

  it('has a .gitignore that leaves out everything a build and the cache write', async () => {
    const cwd = await tempProject({});
    expect((await run(['init', ...FLAGS, '--yes'], cwd)).code).toBe(0);
    expect((await buildShow(cwd)).result.ok).toBe(true);
    // Files a build leaves beside its output when it is interrupted or running.
    await writeFile(path.join(cwd, '.dist.lock'), '');
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
    git('init', '--quiet');
    const untracked = git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).map((line) => line.slice(3)).sort();
    expect(existsSync(path.join(cwd, 'dist/feed.xml'))).toBe(true);
    expect(existsSync(path.join(cwd, '.podsite-cache'))).toBe(true);
    expect(untracked.filter((file) => !file.startsWith('episodes/'))).toEqual(['.gitignore', 'README.md', 'podsite.lock', 'podsite.yaml', 'public/artwork.png', 'public/media/welcome.mp3']);
  });

  it('has its own help, with examples', async () => {
    const { code, stdout } = await run(['init', '--help'], process.cwd());
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: podsite init \[folder\]/);
    expect(stdout).toContain('podsite init my-show --title');
  });
});
