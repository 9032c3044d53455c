import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { nameProblem } from '../src/contain.js';
import { parseSettings } from '../src/config.js';
import { applyRuleSettings } from '../src/diagnostics.js';
import { tagSlug } from '../src/collections.js';
import { planOutput } from '../src/write.js';
import { episodeFile, MINIMAL_SETTINGS, parseXmlStrict, tempProject } from './helpers.js';

const HELLO = episodeFile('title: Hello\ndate: 2024-01-01\naudio:\n  url: https://media.example.com/a.mp3\n  length: 1000');

/** A folder beside the projects, as a podcaster's other work would be. */
const outside: string[] = [];
afterEach(async () => {
  await Promise.all(outside.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});
async function outsideFolder(files: Record<string, string> = {}): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'contain-outside-'));
  outside.push(folder);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(folder, name), text);
  return folder;
}

const summary = (result: Awaited<ReturnType<typeof build>>) =>
  result.diagnostics.map(({ file, line, column, severity, rule, message }) => ({ file, line, column, severity, rule, message }));

describe('the output folder', () => {
  it('is never replaced when it holds files podsite did not write', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': HELLO, 'dist/precious.txt': 'keep me' });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(summary(result)).toEqual([
      {
        file: 'podsite.yaml',
        line: 0,
        column: 0,
        severity: 'error',
        rule: 'output-not-podsite',
        message: 'podsite will not replace the output folder `dist`: it holds files that podsite did not write (`precious.txt`), which the build would delete',
      },
    ]);
    expect(await readFile(path.join(root, 'dist/precious.txt'), 'utf8')).toBe('keep me');
    expect(readdirSync(root).filter((name) => name.startsWith('.dist'))).toEqual([]);
  });

  it('replaces a folder that is empty, or holds a site podsite wrote (of any version)', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': HELLO });
    await mkdir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'dist/.DS_Store'), '');
    expect(summary(await build({ cwd: root }))).toEqual([]);
    await writeFile(path.join(root, 'dist/stale.html'), 'an old page');
    // Another build over its own site (a real one, not the record of the last): the stale page goes, as pages whose source is gone always did.
    expect(summary(await build({ cwd: root, cache: false }))).toEqual([]);
    expect(existsSync(path.join(root, 'dist/stale.html'))).toBe(false);
    expect(existsSync(path.join(root, 'dist/feed.xml'))).toBe(true);
  });

  it('refuses `build.output` outside the project: the victim folder survives', async () => {
    const victim = await outsideFolder({ 'precious.txt': 'keep me' });
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  output: ${path.relative(tmpdir(), victim).replace(/^/, '../')}\n`, 'episodes/a.md': HELLO });
    const result = await build({ cwd: root });
    expect(summary(result).map(({ rule, line, column, severity }) => ({ rule, line, column, severity }))).toEqual([
      { rule: 'output-not-podsite', line: 12, column: 11, severity: 'error' },
      { rule: 'path-outside-project', line: 12, column: 11, severity: 'error' },
    ]);
    expect(result.diagnostics[1]!.hint).toContain('rules: { path-outside-project: off }');
    expect(await readFile(path.join(victim, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a foreign folder given with --out too, but takes an empty one outside the project', async () => {
    const victim = await outsideFolder({ 'precious.txt': 'keep me' });
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': HELLO });
    const refused = await build({ cwd: root, output: victim });
    expect(summary(refused).map(({ file, rule }) => ({ file, rule }))).toEqual([{ file: '', rule: 'output-not-podsite' }]);
    expect(refused.diagnostics[0]!.message).toMatch(/\(from --out\)$/);
    expect(readdirSync(victim)).toEqual(['precious.txt']);
    const empty = path.join(await outsideFolder(), 'site');
    expect(summary(await build({ cwd: root, output: empty }))).toEqual([]);
    expect(existsSync(path.join(empty, 'feed.xml'))).toBe(true);
  });

  it('reports a NUL in the output folder or the permalink instead of failing', async () => {
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  output: "dist\\0x"\n  permalink: "/:slug/x\\0y/"\n`, 'episodes/a.md': HELLO });
    const result = await build({ cwd: root });
    expect(summary(result)).toEqual([
      { file: 'podsite.yaml', line: 12, column: 11, severity: 'error', rule: 'invalid-path', message: '`build.output` contains a control character (`dist\\u0000x`)' },
      { file: 'podsite.yaml', line: 13, column: 14, severity: 'error', rule: 'invalid-permalink', message: 'the permalink segment `x\\u0000y` cannot be a file name: it contains a control character' },
    ]);
    expect(summary(await build({ cwd: root, output: 'out\0put' })).map((d) => d.rule)).toContain('invalid-path');
  });
});

describe('folders of the settings', () => {
  const settingsWith = (key: string, value: string) => parseSettings(`${MINIMAL_SETTINGS}build:\n  ${key}: ${value}\n`, '/project/podsite.yaml', {}, '/project');

  it.each(['episodes', 'people', 'pages', 'public', 'templates', 'media', 'ledger', 'output'])('refuses `build.%s` outside the project, with a way to allow it', (key) => {
    for (const value of ['../elsewhere', '/tmp/elsewhere']) {
      const { settings, diagnostics } = settingsWith(key, value);
      expect(diagnostics.map(({ line, column, rule, severity }) => ({ line, column, rule, severity }))).toEqual([{ line: 12, column: 3 + key.length + 2, rule: 'path-outside-project', severity: 'error' }]);
      expect(diagnostics[0]!.message).toBe(`\`build.${key}\` is outside the project folder: \`${path.resolve('/project', value)}\``);
      // A configurable rule: the value is known, the error alone stops the build.
      expect(settings).toBeDefined();
    }
    const allowed = parseSettings(`${MINIMAL_SETTINGS}build:\n  ${key}: ../elsewhere\nrules:\n  path-outside-project: off\n`, '/project/podsite.yaml', {}, '/project');
    expect(allowed.rules).toEqual({ 'path-outside-project': 'off' });
    expect(applyRuleSettings(allowed.diagnostics, allowed.rules)).toEqual([]);
  });

  it('keeps folders inside the project, even one whose name starts with `..`', () => {
    expect(settingsWith('episodes', '..episodes').diagnostics).toEqual([]);
    expect(settingsWith('episodes', 'content/../episodes').diagnostics).toEqual([]);
  });

  it('takes --out and --ledger anywhere: they were typed for this build', () => {
    const { diagnostics } = parseSettings(MINIMAL_SETTINGS, '/project/podsite.yaml', { output: '/elsewhere/site', ledger: '../x.lock' }, '/project');
    expect(diagnostics).toEqual([]);
  });

  it('refuses a NUL in any folder setting', () => {
    const { settings, diagnostics } = settingsWith('episodes', '"epi\\0sodes"');
    expect(diagnostics.map(({ rule, line, column }) => ({ rule, line, column }))).toEqual([{ rule: 'invalid-path', line: 12, column: 13 }]);
    expect(settings).toBeUndefined();
  });

  it('never reads episodes from outside the project, nor writes the ledger there, unless allowed', async () => {
    const elsewhere = await outsideFolder({ 'secret.md': HELLO });
    const evil = `${path.basename(elsewhere)}.lock`;
    await writeFile(path.join(elsewhere, '..', evil), '{"format": "not a ledger"}');
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  episodes: ${elsewhere}\n  ledger: ../${evil}\n` });
    const result = await build({ cwd: root });
    expect(summary(result).map(({ rule, line }) => ({ rule, line }))).toEqual([
      { rule: 'path-outside-project', line: 12 },
      { rule: 'path-outside-project', line: 13 },
    ]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
    // Not even read: the ledger there would be an `invalid-ledger` error, the episode a page.
    expect(await readFile(path.join(elsewhere, '..', evil), 'utf8')).toBe('{"format": "not a ledger"}');
    expect(result.site).toBeUndefined();
    await rm(path.join(elsewhere, '..', evil));
  });
});

describe('names of the output', () => {
  it.each([
    ['CON', '`CON` is a device name on Windows'],
    ['nul.txt', '`nul` is a device name on Windows'],
    ['Com1', '`Com1` is a device name on Windows'],
    ['lpt9.md', '`lpt9` is a device name on Windows'],
    ['a\tb', 'it contains a control character'],
    ['a\u0085b', 'it contains a control character'],
    ['a<b', 'it contains `<`'],
    ['a:b', 'it contains `:`'],
    ['a"b', 'it contains `"`'],
    ['a|b', 'it contains `|`'],
    ['a*b', 'it contains `*`'],
    ['%2e%2e', 'it contains `%`'],
    ['..', '`..` names a folder itself'],
    ['C:\\x', 'it contains `:`'],
    ['a\\b', 'it contains `\\`'],
    ['//host', 'it contains `/`'],
    ['trailing.', 'it ends with a dot, which Windows drops'],
    ['trailing ', 'it starts or ends with a space'],
    ['😀'.repeat(51), 'it is 204 bytes long in UTF-8, more than 200'],
  ])('refuses `%s`', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it.each(['hello', 'épisode-été', '😀'.repeat(50), 'a b', 'console', 'com10', 'v1.0', "l'été & co+1"])('takes `%s`', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each([
    ['CON', 'the slug `CON` cannot be part of a URL and a folder name: `CON` is a device name on Windows'],
    ['a\tb<>:|*', 'the slug `a\\tb<>:|*` cannot be part of a URL and a folder name: it contains a control character'],
    ['😀'.repeat(100), `the slug \`${'😀'.repeat(80)}…\` cannot be part of a URL and a folder name: it is 400 bytes long in UTF-8, more than 200`],
    ['%2e%2e', 'the slug `%2e%2e` cannot be part of a URL and a folder name: it contains `%`'],
    ['x.', 'the slug `x.` cannot be part of a URL and a folder name: it ends with a dot, which Windows drops'],
  ])('reports the slug %j, and writes nothing', async (slug, message) => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': episodeFile(`title: Hello\ndate: 2024-01-01\nslug: ${JSON.stringify(slug)}`) });
    const result = await build({ cwd: root });
    expect(summary(result)).toEqual([{ file: 'episodes/a.md', line: 4, column: 7, severity: 'error', rule: 'invalid-slug', message }]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('reports a file name that is a Windows device name', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-aux.md': episodeFile('title: Hello') });
    const result = await build({ cwd: root });
    expect(summary(result).map(({ file, line, rule }) => ({ file, line, rule }))).toEqual([{ file: 'episodes/2024-01-01-aux.md', line: 1, rule: 'invalid-slug' }]);
  });

  it.each([
    ['/blog//:slug/', 'the permalink `/blog//:slug/` has an empty segment (`//`)'],
    ['//:slug/', 'the permalink `//:slug/` has an empty segment (`//`)'],
    [`/:slug/${'b'.repeat(300)}/${'c'.repeat(300)}/`, `the permalink segment \`${'b'.repeat(80)}…\` cannot be a file name: it is 300 bytes long in UTF-8, more than 200`],
    [`/${'b'.repeat(60)}-:slug/`, `the permalink segment \`${'b'.repeat(60)}-:slug\` can be 261 bytes long once filled in, more than the 255 a file name may have`],
    ['/con/:slug/', 'the permalink segment `con` cannot be a file name: `con` is a device name on Windows'],
    ['/a|b/:slug/', 'the permalink segment `a|b` cannot be a file name: it contains `|`'],
  ])('reports the permalink %s', async (permalink, message) => {
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  permalink: "${permalink}"\n`, 'episodes/a.md': HELLO });
    const result = await build({ cwd: root });
    expect(summary(result)).toEqual([{ file: 'podsite.yaml', line: 12, column: 14, severity: 'error', rule: 'invalid-permalink', message }]);
  });

  it('reports an address over 2,000 characters at the slug, or at the file whose name is the slug', async () => {
    // Each segment is a fine name; together they pass what hosts and sitemaps take, and the 4,096 bytes of a path on Linux.
    const permalink = `/${Array.from({ length: 10 }, () => 'b'.repeat(190)).join('/')}/:slug/`;
    const long = 'x'.repeat(150);
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  permalink: "${permalink}"\n`,
      'episodes/a.md': episodeFile(`title: Short\ndate: 2024-01-01\nslug: ok`),
      'episodes/b.md': episodeFile(`title: Long slug\ndate: 2024-01-02\nslug: ${long}`),
      [`episodes/2024-01-03-${'é'.repeat(60)}.md`]: episodeFile('title: Long file name'),
    });
    const result = await build({ cwd: root });
    expect(summary(result).map(({ file, line, column, severity, rule }) => ({ file, line, column, severity, rule }))).toEqual([
      { file: `episodes/2024-01-03-${'é'.repeat(60)}.md`, line: 1, column: 1, severity: 'error', rule: 'url-too-long' },
      { file: 'episodes/b.md', line: 4, column: 7, severity: 'error', rule: 'url-too-long' },
    ]);
    // https://show.example.com/ (25) + 10 × 191 + the slug and `/` (151); `é` is `%C3%A9` (6 × 60 + 1).
    expect(result.diagnostics[1]!.message).toBe(`this page's address is 2086 characters long once encoded, more than 2000: \`https://show.example.com/${'b'.repeat(95)}…\``);
    expect(result.diagnostics[0]!.message).toContain('address is 2296 characters long');
    expect(result.diagnostics[0]!.hint).toBe('shorten `build.permalink` in the settings, or the slug (`slug:`, or the file name)');
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('reports a path longer than the system allows as a write failure, not an internal error', async () => {
    // The address is short enough; the output folder is deep, and the two together pass the 4,096 bytes of a path on Linux.
    const permalink = `/${Array.from({ length: 6 }, () => 'b'.repeat(190)).join('/')}/:slug/`;
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  permalink: "${permalink}"\n`, 'episodes/a.md': HELLO });
    const output = path.join(root, ...Array.from({ length: 15 }, () => 'o'.repeat(200)));
    const result = await build({ cwd: root, output });
    expect(summary(result).map(({ rule, severity }) => ({ rule, severity }))).toEqual([{ rule: 'write-failed', severity: 'error' }]);
    expect(result.diagnostics[0]!.message).toContain('ENAMETOOLONG');
    expect(result.diagnostics[0]!.hint).toBe('a path in the output is longer than the file system allows; shorten the permalink, slug or file name it comes from');
    expect(readdirSync(path.dirname(output))).toEqual([]);
  });

  it('takes the permalinks people write', () => {
    for (const permalink of ['/:year/:month/:day/:slug/', '/episodes/:episode.html', '/:slug', '/blog/:year/:slug-:episode/']) {
      expect(parseSettings(`${MINIMAL_SETTINGS}build:\n  permalink: "${permalink}"\n`, '/p/podsite.yaml', {}, '/p').diagnostics).toEqual([]);
    }
  });

  it('keeps tag addresses short and off the Windows device names', async () => {
    const long = 'a'.repeat(300);
    expect(tagSlug(long)).toMatch(/^a{91}-[0-9a-f]{8}$/);
    expect(tagSlug(long)).not.toBe(tagSlug(`${long}b`));
    expect(tagSlug('Con')).toBe('con-tag');
    expect(tagSlug('PRN')).toBe('prn-tag');
    expect(tagSlug('console')).toBe('console');
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': episodeFile(`title: Hello\ndate: 2024-01-01\ntags: [${long}, aux]`) });
    const result = await build({ cwd: root });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(existsSync(path.join(root, 'dist/tags', tagSlug(long), 'index.html'))).toBe(true);
    expect(existsSync(path.join(root, 'dist/tags/aux-tag/index.html'))).toBe(true);
  });

  it.each(['/..\\..\\secret.mp3', '/media/a\\b.mp3', '/a\u0000b.mp3'])('refuses the audio path %j, which a backslash or NUL would take elsewhere', async (url) => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': episodeFile(`title: Hello\ndate: 2024-01-01\naudio:\n  url: ${JSON.stringify(url)}\n  length: 1000`) });
    const result = await build({ cwd: root });
    expect(summary(result).map(({ file, line, rule }) => ({ file, line, rule }))).toEqual([{ file: 'episodes/a.md', line: 5, rule: 'invalid-url' }]);
  });

  it('turns a generated path that would leave the output into a diagnostic, not a crash', () => {
    const file = (p: string) => ({ path: p, contents: '' });
    const plan = planOutput([file('blog//a/index.html'), file('ok/index.html'), file('../x.html')], [{ origin: 'public/x', file: { sitePath: 'a/\0b', absolutePath: '/p/public/x' } }]);
    expect(plan.diagnostics.map(({ file, rule, message }) => ({ file, rule, message }))).toEqual([
      { file: '', rule: 'invalid-path', message: '`blog//a/index.html` would not be a file inside the output folder' },
      { file: '', rule: 'invalid-path', message: '`../x.html` would not be a file inside the output folder' },
      { file: 'public/x', rule: 'invalid-path', message: '`a/\\u0000b` would not be a file inside the output folder' },
    ]);
  });
});

describe('files copied into the site', () => {
  it('leaves out, with a warning each, files of public/ and media/ whose names are not safe on every host', async () => {
    const unsafe = ['CON.txt', 'NUL', 'aux.md', 'trailing.', 'trailing ', 'bell\u0007.txt', 'a<b>.txt', 'a:b.txt', 'say "hi".txt', 'a|b.txt', 'what?.txt', 'star*.txt', 'notes #1.txt', `${'é'.repeat(101)}.txt`, 'lpt1/inside.txt'];
    const files: Record<string, string> = { 'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  media: media\n`, 'episodes/a.md': HELLO, 'public/artwork.png': 'png', 'public/fine-name.txt': 'fine', 'media/Com1.mp3': 'mp3', 'media/ok.mp3': 'mp3' };
    for (const name of unsafe) files[`public/${name}`] = name;
    const root = await tempProject(files);
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    const warned = result.diagnostics.filter((d) => d.rule === 'unsafe-file-name');
    expect(warned.map(({ file, line, column, severity }) => ({ file, line, column, severity }))).toEqual(
      [...unsafe.map((name) => `public/${name}`), 'media/Com1.mp3'].sort().map((file) => ({ file, line: 0, column: 0, severity: 'warning' })),
    );
    expect(result.diagnostics.filter((d) => d.rule !== 'unsafe-file-name')).toEqual([]);
    expect(warned.find((d) => d.file === 'public/CON.txt')!.message).toBe('`CON.txt` is not copied into the site: the name `CON.txt` is not safe on every host: `CON` is a device name on Windows');
    expect(warned.find((d) => d.file === 'public/lpt1/inside.txt')!.message).toBe('`lpt1/inside.txt` is not copied into the site: the name `lpt1` is not safe on every host: `lpt1` is a device name on Windows');
    expect(warned.find((d) => d.file === 'media/Com1.mp3')!.message).toBe('`media/Com1.mp3` is not copied into the site: the name `Com1.mp3` is not safe on every host: `Com1` is a device name on Windows');
    expect(warned.find((d) => d.file === 'public/bell\u0007.txt')!.message).toContain('it contains a control character');
    const output = readdirSync(path.join(root, 'dist'));
    expect(output).toContain('fine-name.txt');
    expect(readdirSync(path.join(root, 'dist/media'))).toEqual(['ok.mp3']);
    for (const name of unsafe) expect(output, name).not.toContain(name.split('/')[0]);
  });

  it('fails the build, writing nothing, when the settings raise the rule to an error', async () => {
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}rules:\n  unsafe-file-name: error\n`, 'episodes/a.md': HELLO, 'public/artwork.png': 'png', 'public/CON.txt': 'x' });
    const result = await build({ cwd: root });
    expect(summary(result).map(({ file, rule, severity }) => ({ file, rule, severity }))).toEqual([{ file: 'public/CON.txt', rule: 'unsafe-file-name', severity: 'error' }]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });
});

describe('people and pages', () => {
  it('reports file names that cannot be an address, and links every other page where it is', async () => {
    const person = (name: string) => `---\nname: ${name}\n---\nA bio.\n`;
    const page = (title: string) => `---\ntitle: ${title}\nmenu: true\n---\nText.\n`;
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/a.md': episodeFile('title: Hello\ndate: 2024-01-01\nhosts: [Zoë, Ann, Bob]\naudio:\n  url: https://media.example.com/a.mp3\n  length: 1000'),
      'people/a?b#c.md': person('Bad Name'),
      'people/zoë l’été.md': person('Zoë'),
      'people/ann&co+1.md': person('Ann'),
      "people/bob's (50).md": person('Bob'),
      'pages/wh?at #1.md': page('What'),
      'pages/100%.md': page('Percent'),
      'pages/q&a @home.md': page('Q and A'),
      'pages/help/été.md': page('Summer'),
      'public/artwork.png': 'png',
    });
    const result = await build({ cwd: root });
    expect(summary(result).filter((d) => d.severity === 'error').map(({ file, rule, message }) => ({ file, rule, message }))).toEqual([
      { file: 'pages/100%.md', rule: 'invalid-slug', message: 'the file name `100%.md` cannot be the address of a page: it contains `%`' },
      { file: 'pages/wh?at #1.md', rule: 'invalid-slug', message: 'the file name `wh?at #1.md` cannot be the address of a page: it contains `?`' },
      { file: 'people/a?b#c.md', rule: 'invalid-slug', message: "the file name `a?b#c` cannot be the address of this person's page: it contains `?`" },
    ]);
    // Built without the refused files, every link of every page leads to a file of the site.
    await rm(path.join(root, 'people/a?b#c.md'));
    await rm(path.join(root, 'pages/wh?at #1.md'));
    await rm(path.join(root, 'pages/100%.md'));
    const good = await build({ cwd: root });
    expect(good.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const dist = path.join(root, 'dist');
    const html = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.html'));
    let checked = 0;
    const unresolved: string[] = [];
    for (const name of html) {
      const text = await readFile(path.join(dist, name), 'utf8');
      for (const [, href] of text.matchAll(/\b(?:href|src)="(\/[^"]*)"/g)) {
        const unescaped = href!.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
        const pathname = new URL(unescaped, 'https://show.example.com/').pathname;
        const file = decodeURIComponent(pathname).replace(/\/$/, '/index.html');
        checked++;
        if (!existsSync(path.join(dist, file))) unresolved.push(`${name}: ${href}`);
      }
    }
    expect(unresolved).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    for (const file of ["people/zoë l’été/index.html", 'people/ann&co+1/index.html', "people/bob's (50)/index.html", 'q&a @home/index.html', 'help/été/index.html']) {
      expect(existsSync(path.join(dist, file)), file).toBe(true);
    }
    parseXmlStrict(await readFile(path.join(dist, 'feed.xml'), 'utf8'));
  });
});

describe('symbolic links', () => {
  it('follows a link to a file of the same folder, and reports, without following, the others', async () => {
    const elsewhere = await outsideFolder({ 'secret.md': episodeFile('title: Secret\ndate: 2024-01-01'), 'secret.txt': 'password' });
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': HELLO, 'public/artwork.png': 'png', 'public/real.txt': 'inside' });
    await symlink(path.join(elsewhere, 'secret.md'), path.join(root, 'episodes/secret.md'));
    await symlink(elsewhere, path.join(root, 'episodes/folder'));
    await symlink(path.join(elsewhere, 'secret.txt'), path.join(root, 'public/secret.txt'));
    await symlink('real.txt', path.join(root, 'public/alias.txt'));
    await symlink('missing.txt', path.join(root, 'public/broken.txt'));
    await mkdir(path.join(root, 'people'));
    await symlink(path.join(elsewhere, 'secret.md'), path.join(root, 'people/spy.md'));
    await mkdir(path.join(root, 'pages'));
    await symlink(path.join(elsewhere, 'secret.md'), path.join(root, 'pages/leak.md'));
    const result = await build({ cwd: root });
    expect(summary(result).map(({ file, line, severity, rule, message }) => ({ file, line, severity, rule, message }))).toEqual([
      { file: 'episodes/folder', line: 0, severity: 'warning', rule: 'symlink-skipped', message: `this symbolic link is not followed: it leads to \`${elsewhere}\`, outside the folder` },
      { file: 'episodes/secret.md', line: 0, severity: 'warning', rule: 'symlink-skipped', message: `this symbolic link is not followed: it leads to \`${path.join(elsewhere, 'secret.md')}\`, outside the folder` },
      { file: 'pages/leak.md', line: 0, severity: 'warning', rule: 'symlink-skipped', message: `this symbolic link is not followed: it leads to \`${path.join(elsewhere, 'secret.md')}\`, outside the folder` },
      { file: 'people/spy.md', line: 0, severity: 'warning', rule: 'symlink-skipped', message: `this symbolic link is not followed: it leads to \`${path.join(elsewhere, 'secret.md')}\`, outside the folder` },
      { file: 'public/broken.txt', line: 0, severity: 'warning', rule: 'symlink-skipped', message: 'this symbolic link is not followed: it leads nowhere (its target is missing or loops)' },
      { file: 'public/secret.txt', line: 0, severity: 'warning', rule: 'symlink-skipped', message: `this symbolic link is not followed: it leads to \`${path.join(elsewhere, 'secret.txt')}\`, outside the folder` },
    ]);
    const dist = path.join(root, 'dist');
    expect(readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((name) => /secret|leak|spy/.test(name))).toEqual([]);
    expect(await readFile(path.join(dist, 'alias.txt'), 'utf8')).toBe('inside');
  });
});
