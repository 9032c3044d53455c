import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { build, type BuildOptions } from '../src/build.js';
import { main, type CliIo } from '../src/cli.js';
import { devOutputFolder } from '../src/dev/session.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const run = promisify(execFile);

function episode(n: number, notes = `Notes of episode ${n}.`): string {
  return episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${1000 + n}\n  duration: ${60 + n}`, `${notes}\n`);
}

async function project(): Promise<string> {
  return tempProject({
    'podsite.yaml': MINIMAL_SETTINGS,
    'public/artwork.png': 'not really a png',
    'episodes/2024-01-01-e1.md': episode(1),
    // A tag of no HTML element: a warning that a build with nothing changed must give again.
    'episodes/2024-01-02-e2.md': episode(2, 'Talking about List<String> today.'),
    'episodes/2024-01-03-e3.md': episode(3),
  });
}

const options = (root: string, extra: BuildOptions = {}): BuildOptions => ({ cwd: root, now: NOW, ...extra });

/** Every output file with its bytes, inode and modification time. */
async function outputState(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const folder = path.join(root, 'dist');
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const info = await stat(file);
    found.set(path.relative(folder, file), `${info.ino} ${info.mtimeMs} ${(await readFile(file)).toString('base64')}`);
  }
  return found;
}

/** Builds once, then checks that a second build with nothing changed finds it so. */
async function builtAndUpToDate(root: string, extra: BuildOptions = {}) {
  const first = await build(options(root, extra));
  expect(first.ok).toBe(true);
  expect(first.upToDate).toBeUndefined();
  const second = await build(options(root, extra));
  expect(second.upToDate, 'nothing changed after the first build').toBeDefined();
  return first;
}

describe('a build with nothing changed', () => {
  it('gives the last build\'s result again and leaves the output as it was', async () => {
    const root = await project();
    const first = await build(options(root));
    expect(first.diagnostics.map((d) => d.rule)).toEqual(['unknown-html-tag']);
    const before = await outputState(root);

    const second = await build(options(root));
    expect(second.upToDate).toEqual({ output: path.join(root, 'dist') });
    expect(second.ok).toBe(true);
    expect(second.diagnostics).toEqual(first.diagnostics);
    expect(second.stats).toEqual(first.stats);
    expect(second.site, 'the pipeline did not run').toBeUndefined();
    expect(await outputState(root)).toEqual(before);
  });

  it('says so on the command line, with the warnings of the last build', async () => {
    const root = await project();
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text), cwd: root, color: false };
    expect(await main(['build'], io)).toBe(0);
    const pages = /^Built (\d+) pages/.exec(out.at(-1)!)?.[1];
    expect(pages).toBeDefined();
    const firstWarnings = err.join('\n');
    out.length = 0;
    err.length = 0;
    expect(await main(['build'], io)).toBe(0);
    expect(out.at(-1)).toMatch(new RegExp(`^Nothing changed since the last build: dist/ is up to date with ${pages} pages \\(3 episodes, 0 posts\\) and a feed of 3 items \\(checked in \\d+ ms\\), 1 warning$`));
    expect(err.join('\n')).toBe(firstWarnings);
    expect(err.join('\n')).toContain('unknown-html-tag');
  });

  it('is found though podsite dev rewrote the site it serves beside the project', async () => {
    const root = await project();
    await builtAndUpToDate(root);
    const served = devOutputFolder(root);
    await mkdir(path.join(served, '2024'), { recursive: true });
    await writeFile(path.join(served, 'index.html'), 'the page podsite dev serves');
    await writeFile(path.join(served, '2024/page.html'), 'another');
    expect((await build(options(root))).upToDate).toBeDefined();
  });

  it('is never assumed with --no-cache, which neither reads nor writes the record', async () => {
    const root = await project();
    expect((await build(options(root, { cache: false }))).upToDate).toBeUndefined();
    expect((await build(options(root, { cache: false }))).upToDate).toBeUndefined();
    expect(existsSync(path.join(root, '.podsite-cache'))).toBe(false);
  });
});

describe('any change means a real build', () => {
  const changes: [string, (root: string) => Promise<void>][] = [
    ['an episode edited', (root) => writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'New notes.'))],
    ['an episode added', (root) => writeFile(path.join(root, 'episodes/2024-01-04-e4.md'), episode(4))],
    ['an episode removed', (root) => rm(path.join(root, 'episodes/2024-01-03-e3.md'))],
    ['the settings changed', (root) => writeFile(path.join(root, 'podsite.yaml'), MINIMAL_SETTINGS.replace('Test Show', 'Another Show'))],
    ['a template added to the theme', (root) => writeFile(path.join(root, 'templates/partials/footer.hbs'), '<footer>Our own footer</footer>').catch(async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.join(root, 'templates/partials'), { recursive: true });
      await writeFile(path.join(root, 'templates/partials/footer.hbs'), '<footer>Our own footer</footer>');
    })],
    ['a public file changed', (root) => writeFile(path.join(root, 'public/artwork.png'), 'another picture')],
    ['the ledger edited', async (root) => writeFile(path.join(root, 'podsite.lock'), `${await readFile(path.join(root, 'podsite.lock'), 'utf8')}\n`)],
    ['an output file deleted', (root) => rm(path.join(root, 'dist/index.html'))],
    ['an output file edited by hand', (root) => writeFile(path.join(root, 'dist/feed.xml'), 'broken')],
  ];
  for (const [what, change] of changes) {
    it(what, async () => {
      const root = await project();
      await builtAndUpToDate(root);
      await change(root);
      const after = await build(options(root));
      expect(after.upToDate).toBeUndefined();
      expect(after.site).toBeDefined();
      expect((await build(options(root))).upToDate, 'recorded again').toBeDefined();
      // And the output is a full build's again.
      const reference = await build(options(root, { cache: false, write: false }));
      for (const file of reference.output!.files) expect(await readFile(path.join(root, 'dist', file.path), 'utf8'), file.path).toBe(file.contents);
    });
  }

  it('another installation of podsite, though the last build recorded the code of its own as unchanged', async () => {
    const root = await project();
    const repository = fileURLToPath(new URL('..', import.meta.url));
    const other = await tempProject({});
    for (const part of ['bin', 'lib', 'templates', 'package.json']) await cp(path.join(repository, part), path.join(other, part), { recursive: true });
    await symlink(path.join(repository, 'node_modules'), path.join(other, 'node_modules'));
    const cli = async (installation: string) => (await run(process.execPath, [path.join(installation, 'bin/podsite.js'), 'build'], { cwd: root })).stdout;
    expect(await cli(repository)).toMatch(/^Built /m);
    expect(await cli(repository)).toMatch(/^Nothing changed/m);
    expect(await cli(other)).toMatch(/^Built /m);
    expect(await cli(other)).toMatch(/^Nothing changed/m);
  });

  it('an edit that keeps the size and the modification time of a file just written', async () => {
    const root = await project();
    const file = path.join(root, 'episodes/2024-01-01-e1.md');
    // Files written just before the build are compared by their bytes: same size, same time, other text.
    const justBefore = (Date.now() - 100) / 1000;
    await utimes(file, justBefore, justBefore);
    await builtAndUpToDate(root);
    const before = await stat(file);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('Notes of episode 1', 'Notes of episode X'));
    await utimes(file, justBefore, justBefore);
    const after = await stat(file);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    const rebuilt = await build(options(root));
    expect(rebuilt.upToDate).toBeUndefined();
    expect(await readFile(path.join(root, 'dist/feed.xml'), 'utf8')).toContain('Notes of episode X');
  });

  it('other options, in their own record', async () => {
    const root = await project();
    await builtAndUpToDate(root);
    expect((await build(options(root, { baseUrl: 'https://other.example.com/' }))).upToDate).toBeUndefined();
    expect((await build(options(root, { baseUrl: 'https://other.example.com/' }))).upToDate).toBeDefined();
    expect((await build(options(root, { drafts: true }))).upToDate).toBeUndefined();
  });

  it('the date of an entry dated in the future reached, or a clock set back', async () => {
    const root = await project();
    await writeFile(path.join(root, 'episodes/2026-07-01-e9.md'), episode(9));
    const first = await builtAndUpToDate(root);
    // Midnight of July 1st in the show's time zone.
    expect(Math.abs(first.nextChange!.getTime() - Date.parse('2026-07-01T00:00:00Z'))).toBeLessThanOrEqual(14 * 3600_000);
    expect(first.stats!.episodes).toBe(3);
    const later = await build(options(root, { now: new Date('2026-07-02T00:00:00Z') }));
    expect(later.upToDate).toBeUndefined();
    expect(later.stats!.episodes).toBe(4);
    expect((await build(options(root, { now: new Date('2026-07-03T00:00:00Z') }))).upToDate).toBeDefined();
    expect((await build(options(root, { now: new Date('2026-06-15T00:00:00Z') }))).upToDate, 'built at a later time than now').toBeUndefined();
  });

  it('a record that cannot be read: a warning, then a real build that writes it anew', async () => {
    const root = await project();
    await builtAndUpToDate(root);
    const folder = path.join(root, '.podsite-cache');
    const [record] = (await readdir(folder)).filter((name) => name.startsWith('last-build-'));
    await writeFile(path.join(folder, record!), '{"format": 1, "inputs": {');
    const damaged = await build(options(root));
    expect(damaged.upToDate).toBeUndefined();
    expect(damaged.diagnostics.filter((d) => d.rule === 'cache-ignored').map((d) => [d.file, d.severity])).toEqual([[`.podsite-cache/${record}`, 'warning']]);
    expect((await build(options(root))).upToDate).toBeDefined();
  });

  it('after a build with errors, the record of the last good build still describes the output', async () => {
    const root = await project();
    await builtAndUpToDate(root);
    const broken = path.join(root, 'episodes/2024-02-01-bad.md');
    await writeFile(broken, episodeFile('title: [never closed'));
    expect((await build(options(root))).ok).toBe(false);
    expect((await build(options(root))).ok, 'an error is never taken for nothing changed').toBe(false);
    await rm(broken);
    expect((await build(options(root))).upToDate, 'the files are those of the last good build again').toBeDefined();
  });
});

describe('after a change, pages that did not change', () => {
  const entryPage = (n: number) => `2024/01/0${n}/e${n}/index.html`;

  it('are taken from the last build\'s output, and the site is a full build\'s', async () => {
    const root = await project();
    await writeFile(path.join(root, 'episodes/2024-01-04-e4.md'), episode(4));
    await writeFile(path.join(root, 'episodes/2024-01-05-e5.md'), episode(5));
    await builtAndUpToDate(root);
    const unchanged = await stat(path.join(root, 'dist', entryPage(4)));
    const sitemap = await stat(path.join(root, 'dist/sitemap.xml'));
    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'New notes.'));
    const edited = await build(options(root));
    expect(edited.upToDate).toBeUndefined();
    // The edited entry's page and its newer neighbour's (which links to it), home and archive; not the others.
    expect(edited.fresh).toContain(entryPage(1));
    expect(edited.fresh).toContain(entryPage(2));
    expect(edited.fresh).toContain('index.html');
    expect(edited.fresh).not.toContain(entryPage(4));
    expect(edited.fresh).not.toContain(entryPage(5));
    // Linked from the last build's output: the same file.
    const kept = await stat(path.join(root, 'dist', entryPage(4)));
    expect([kept.ino, kept.mtimeMs]).toEqual([unchanged.ino, unchanged.mtimeMs]);
    // New notes leave the sitemap as it was (same pages, same dates): taken from the last build too.
    expect(edited.fresh).not.toContain('sitemap.xml');
    expect((await stat(path.join(root, 'dist/sitemap.xml'))).ino).toBe(sitemap.ino);
    const reference = await build(options(root, { cache: false, write: false }));
    for (const file of reference.output!.files) expect(await readFile(path.join(root, 'dist', file.path), 'utf8'), file.path).toBe(file.contents);
    // The whole tree, byte for byte, as a cold build without any cache writes it.
    expect((await build(options(root, { cache: false, output: 'cold' }))).ok).toBe(true);
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'cold')));
  });

  it('are recorded as the files they are: the next build finds nothing changed, and finds a kept page edited by hand', async () => {
    const root = await project();
    await writeFile(path.join(root, 'episodes/2024-01-04-e4.md'), episode(4));
    await builtAndUpToDate(root);
    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'New notes.'));
    const edited = await build(options(root));
    expect(edited.fresh).not.toContain(entryPage(4));
    expect((await build(options(root))).upToDate, 'nothing changed since the build after the edit').toBeDefined();
    // Edited in place, by hand: the same inode, another size and time.
    await appendFile(path.join(root, 'dist', entryPage(4)), '<!-- by hand -->');
    const again = await build(options(root));
    expect(again.upToDate).toBeUndefined();
    expect(again.fresh).toContain(entryPage(4));
    expect(await readFile(path.join(root, 'dist', entryPage(4)), 'utf8')).not.toContain('by hand');
  });

  it('leave the built-in archive as it was after an edit of notes; a new title, or a partial of the podcaster, renders it again', async () => {
    const root = await project();
    await builtAndUpToDate(root);
    const archive = path.join(root, 'dist/archive/index.html');
    const before = await stat(archive);
    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'New notes.'));
    const edited = await build(options(root));
    expect(edited.fresh).toContain(entryPage(1));
    expect(edited.fresh).not.toContain('archive/index.html');
    expect((await stat(archive)).ino).toBe(before.ino);

    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'New notes.').replace('title: Episode 1', 'title: The first one'));
    const retitled = await build(options(root));
    expect(retitled.fresh).toContain('archive/index.html');
    expect(await readFile(archive, 'utf8')).toContain('The first one');

    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(root, 'templates/partials'), { recursive: true });
    await writeFile(path.join(root, 'templates/partials/footer.hbs'), '<footer>Our own footer</footer>');
    expect((await build(options(root))).ok).toBe(true);
    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'Newer notes.').replace('title: Episode 1', 'title: The first one'));
    expect((await build(options(root))).fresh).toContain('archive/index.html');
    expect((await build(options(root, { cache: false, output: 'cold' }))).ok).toBe(true);
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'cold')));
  });

  it('leave no folder of an entry that is gone, though the folders of the last output are made ahead', async () => {
    const root = await project();
    await writeFile(path.join(root, 'episodes/2024-01-04-e4.md'), episode(4));
    await builtAndUpToDate(root);
    await rm(path.join(root, 'episodes/2024-01-04-e4.md'));
    expect((await build(options(root))).ok).toBe(true);
    expect(existsSync(path.join(root, 'dist/2024/01/04'))).toBe(false);
    expect(existsSync(path.join(root, 'dist', entryPage(3)))).toBe(true);
    expect((await build(options(root, { cache: false, output: 'cold' }))).ok).toBe(true);
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'cold')));
  });

  it('are made again when the theme changes, or when the page in the output is not the one written', async () => {
    const root = await project();
    await builtAndUpToDate(root);
    await writeFile(path.join(root, 'dist', entryPage(3)), 'edited by hand');
    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'New notes.'));
    const edited = await build(options(root));
    expect(edited.fresh).toContain(entryPage(3));
    expect(await readFile(path.join(root, 'dist', entryPage(3)), 'utf8')).toContain('Episode 3');

    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(root, 'templates'), { recursive: true });
    await writeFile(path.join(root, 'templates/episode.hbs'), '<h1>{{episode.title}}</h1> in our own theme');
    const themed = await build(options(root));
    expect(themed.ok).toBe(true);
    expect(themed.fresh).toEqual(expect.arrayContaining([entryPage(1), entryPage(2), entryPage(3)]));
    expect(await readFile(path.join(root, 'dist', entryPage(2)), 'utf8')).toContain('in our own theme');
  });
});


describe("the digest of podsite's own code", () => {
  it('is taken from a walk of the inputs that went through all of it, and only then', async () => {
    const { codeDigest, codeDigestWithin, listInputs } = await import('../src/up-to-date.js');
    // Under vitest the code is src/; its package folder holds it, the default theme and package.json.
    const code = path.resolve('src');
    const packageFolder = path.dirname(code);
    const templates = path.join(packageFolder, 'templates');
    const packageFile = path.join(packageFolder, 'package.json');
    const standalone = codeDigest();
    expect(codeDigestWithin(listInputs([code, templates], [], [packageFile])!)).toBe(standalone);
    // The project holds the code, as when podsite's own repository is built: the code is walked inside it.
    expect(codeDigestWithin(listInputs([packageFolder], [path.join(packageFolder, 'dist')], [packageFile])!)).toBe(standalone);
    const project = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS });
    expect(codeDigestWithin(listInputs([code, project, templates], [path.join(project, 'dist')], [path.join(project, 'podsite.yaml'), packageFile])!)).toBe(standalone);

    expect(codeDigestWithin(listInputs([code], [], [packageFile])!), 'without the default theme').toBeUndefined();
    expect(codeDigestWithin(listInputs([code, templates], [], [])!), 'without package.json').toBeUndefined();
    expect(codeDigestWithin(listInputs([packageFolder], [path.join(code, 'cli.ts')], [packageFile])!), 'a file of the code skipped').toBeUndefined();
    expect(codeDigestWithin(listInputs([packageFolder], [path.join(code, 'dist')], [packageFile])!), 'an output folder in the code, whose leftovers are skipped beside it').toBeUndefined();
    expect(codeDigestWithin(listInputs([project], [], [packageFile])!), 'the code not walked').toBeUndefined();
  });
});

describe('what a build keeps, under another runtime', () => {
  it('is not taken: another Node, or its time zone data, builds again', async () => {
    const root = await project();
    const keys = async () => {
      const { lastBuildFor } = await import('../src/up-to-date.js');
      const { feedStoreKey } = await import('../src/feed-store.js');
      return [lastBuildFor(options(root)).recordFile, feedStoreKey('settings', {})];
    };
    const here = await keys();
    vi.resetModules();
    vi.doMock('../src/runtime-version.js', () => ({ runtimeVersion: () => 'node 99.0.0, icu 1.0, tz 2099a' }));
    try {
      const other = await keys();
      expect(other[0], 'the record of the last build').not.toBe(here[0]);
      expect(other[1], 'the feed store').not.toBe(here[1]);
    } finally {
      vi.doUnmock('../src/runtime-version.js');
      vi.resetModules();
    }
    const { runtimeVersion } = await import('../src/runtime-version.js');
    expect(runtimeVersion()).toBe(`node ${process.versions.node}, icu ${process.versions.icu}, tz ${process.versions.tz}`);
  });
});
