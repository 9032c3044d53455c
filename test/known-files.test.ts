import { statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build.js';
import { hashText } from '../src/build-store.js';
import { isOnDisk, knownHashOf, KnownFiles, RACY_WINDOW_MS, textFrom, textLengthOf } from '../src/known-files.js';
import type { SourceFile } from '../src/load.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';
import { SILENCE_MP3 } from './audio-host.js';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** A folder with one file written an hour ago, and a store of known files beside it. */
async function knownFolder(text = 'Hello, world.\n') {
  const folder = await mkdtemp(path.join(tmpdir(), 'podsite-known-'));
  const file = path.join(folder, 'a.md');
  await writeFile(file, text);
  await utimes(file, HOUR_AGO, HOUR_AGO);
  const options = { folder: path.join(folder, 'cache'), key: 'k', displayFolder: 'cache' };
  return { folder, file, options };
}

/** Runs `test` in a fresh known folder, removed after. */
async function inKnownFolder(test: (known: Awaited<ReturnType<typeof knownFolder>>) => Promise<void>): Promise<void> {
  const known = await knownFolder();
  try {
    await test(known);
  } finally {
    await rm(known.folder, { recursive: true, force: true });
  }
}

/** Reads the file as a build does (stats first), and saves the store. */
async function readAndSave(file: string, options: { folder: string; key: string; displayFolder: string }, observedAt?: number) {
  const { known } = KnownFiles.open(options);
  const found = known.lookup('a.md', file);
  expect('source' in found).toBe(false);
  if ('source' in found || found.stats === undefined) throw new Error('unreachable');
  const text = await readFile(file, 'utf8');
  const source: SourceFile = { file: 'a.md', absolutePath: file, text };
  known.read(source, found.stats, observedAt ?? found.observedAt);
  await known.save((read) => hashText(read.text));
}

describe('known episode files', () => {
  it('gives a file unchanged since it was read as a source whose text is read from disk, with the hash it had', async () => {
    await inKnownFolder(async ({ folder, file, options }) => {
    await readAndSave(file, options);
    const { known, diagnostics } = KnownFiles.open(options);
    expect(diagnostics).toEqual([]);
    const found = known.lookup('a.md', file);
    if (!('source' in found)) throw new Error('the file was not trusted');
    const { source } = found;
    expect(isOnDisk(source)).toBe(true);
    expect(knownHashOf(source)).toBe(hashText('Hello, world.\n'));
    expect(textLengthOf(source)).toBe(14);
    const body = textFrom(source, 7);
    expect(typeof body).toBe('function');
    expect((body as () => string)()).toBe('world.\n');
    expect(source.text).toBe('Hello, world.\n');
    expect(known.trusted).toBe(1);
    expect(known.changedDiagnostics()).toEqual([]);
    });
  });

  it('reads again a file of the same size whose modification time was put back, by its change time', async () => {
    await inKnownFolder(async ({ folder, file, options }) => {
    await readAndSave(file, options);
    const before = statSync(file);
    await writeFile(file, 'Hello, World.\n');
    await utimes(file, before.atime, before.mtime);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(file).size).toBe(before.size);
    const { known } = KnownFiles.open(options);
    expect('source' in known.lookup('a.md', file)).toBe(false);
    });
  });

  it('reads again a file written shortly before its stats were taken (racily clean)', async () => {
    await inKnownFolder(async ({ folder, file, options }) => {
    const mtime = (await stat(file)).mtimeMs;
    await readAndSave(file, options, mtime + RACY_WINDOW_MS / 2);
    expect('source' in KnownFiles.open(options).known.lookup('a.md', file)).toBe(false);
    await readAndSave(file, options, mtime + RACY_WINDOW_MS * 2);
    expect('source' in KnownFiles.open(options).known.lookup('a.md', file)).toBe(true);
    });
  });

  it('tells the build to stop when a trusted file turns out changed once read', async () => {
    await inKnownFolder(async ({ folder, file, options }) => {
    await readAndSave(file, options);
    const { known } = KnownFiles.open(options);
    const found = known.lookup('a.md', file);
    if (!('source' in found)) throw new Error('the file was not trusted');
    await writeFile(file, 'Something else entirely.\n');
    expect(found.source.text).toBe('Something else entirely.\n');
    expect(known.changedDiagnostics().map((d) => [d.file, d.rule, d.severity])).toEqual([['a.md', 'unreadable-file', 'error']]);
    });
  });

  it('takes the stats the build took before it read anything, when given, rather than taking them again', async () => {
    await inKnownFolder(async ({ folder, file, options }) => {
    await readAndSave(file, options);
    const before = { stats: new Map([[file, statSync(file)]]), observedAt: Date.now() };
    // Saved after the build took its stats: the file is trusted by them, and found changed when read.
    await writeFile(file, 'Changed after the walk.\n');
    const { known } = KnownFiles.open(options);
    const found = known.lookup('a.md', file, before);
    if (!('source' in found)) throw new Error('the stats given were not used');
    expect(found.source.text).toBe('Changed after the walk.\n');
    expect(known.changedDiagnostics().map((d) => d.rule)).toEqual(['unreadable-file']);
    // A file the walk did not see is looked at now, and recorded as seen then.
    const other = path.join(folder, 'b.md');
    await writeFile(other, 'Another.\n');
    const unseen = known.lookup('b.md', other, before);
    expect('source' in unseen ? undefined : unseen.stats?.size).toBe(9);
    expect('source' in unseen ? undefined : unseen.observedAt).toBeGreaterThanOrEqual(before.observedAt);
    });
  });

  it('writes nothing when every file is the one the last build left, and the file read anew when one changed', async () => {
    await inKnownFolder(async ({ folder, file, options }) => {
      const other = path.join(folder, 'b.md');
      await writeFile(other, 'Another file.\n');
      await utimes(other, HOUR_AGO, HOUR_AGO);
      // Both read, then saved.
      const first = KnownFiles.open(options).known;
      for (const [name, absolute] of [['a.md', file], ['b.md', other]] as const) {
        const found = first.lookup(name, absolute);
        if ('source' in found || found.stats === undefined) throw new Error('unreachable');
        first.read({ file: name, absolutePath: absolute, text: await readFile(absolute, 'utf8') }, found.stats, found.observedAt);
      }
      await first.save((read) => hashText(read.text));
      const stored = path.join(options.folder, 'files.json');
      const saved = await stat(stored);

      // Both trusted by their stats: the file stays the one written.
      const trusted = KnownFiles.open(options).known;
      expect('source' in trusted.lookup('a.md', file) && 'source' in trusted.lookup('b.md', other)).toBe(true);
      await trusted.save(() => expect.unreachable('no file was read'));
      expect((await stat(stored)).ino).toBe(saved.ino);
      expect((await stat(stored)).mtimeMs).toBe(saved.mtimeMs);

      // One of them only: the other is gone from the next build's list.
      const fewer = KnownFiles.open(options).known;
      expect('source' in fewer.lookup('a.md', file)).toBe(true);
      await fewer.save(() => expect.unreachable('no file was read'));
      expect((await stat(stored)).ino).not.toBe(saved.ino);
      const after = KnownFiles.open(options);
      expect(after.diagnostics).toEqual([]);
      expect('source' in after.known.lookup('a.md', file)).toBe(true);
      expect('source' in after.known.lookup('b.md', other)).toBe(false);

      // One edited: read again, and kept with its new hash.
      await writeFile(file, 'Hello, edited world.\n');
      await utimes(file, HOUR_AGO, new Date(Date.now() - 2 * RACY_WINDOW_MS));
      await readAndSave(file, options);
      const edited = KnownFiles.open(options).known.lookup('a.md', file);
      if (!('source' in edited)) throw new Error('the edited file was not kept');
      expect(knownHashOf(edited.source)).toBe(hashText('Hello, edited world.\n'));
    });
  });

  it('ignores a damaged store with a warning, and one of another key without one', async () => {
    await inKnownFolder(async ({ folder, file, options }) => {
    await readAndSave(file, options);
    expect('source' in KnownFiles.open({ ...options, key: 'other' }).known.lookup('a.md', file)).toBe(false);
    expect(KnownFiles.open({ ...options, key: 'other' }).diagnostics).toEqual([]);
    const stored = path.join(options.folder, 'files.json');
    const text = await readFile(stored, 'utf8');
    await writeFile(stored, text.slice(0, text.length - 5));
    const damaged = KnownFiles.open(options);
    expect(damaged.diagnostics.map((d) => d.rule)).toEqual(['cache-ignored']);
    expect('source' in damaged.known.lookup('a.md', file)).toBe(false);
    // A list whose entries are not files: not trusted either.
    await writeFile(stored, JSON.stringify({ format: 1, key: 'k', files: [[file, 'a', 'b']] }));
    expect(KnownFiles.open(options).diagnostics.map((d) => d.rule)).toEqual(['cache-ignored']);
    // Nine fields, one of the wrong type: its hash a number, or its size a string.
    const record = JSON.parse(text).files[0] as unknown[];
    for (const [index, wrong] of [[6, 7], [1, '12'], [0, 3], [8, null]] as const) {
      await writeFile(stored, JSON.stringify({ format: 1, key: 'k', files: [record.map((value, at) => (at === index ? wrong : value))] }));
      expect(KnownFiles.open(options).diagnostics.map((d) => d.rule), `field ${index}`).toEqual(['cache-ignored']);
    }
    });
  });
});

describe('a build after an edit', () => {
  const NOW = new Date('2026-06-01T12:00:00Z');
  const episode = (n: number, notes = `Notes of episode ${n}.`) =>
    episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${1000 + n}\n  duration: ${60 + n}`, `${notes}\n`);
  const files = (root: string) => [1, 2, 3].map((n) => path.join(root, 'episodes', `2024-01-0${n}-e${n}.md`));
  /** Files written an hour ago: settled for the known files. */
  async function settledProject(): Promise<string> {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/artwork.png': 'not really a png',
      'episodes/2024-01-01-e1.md': episode(1),
      'episodes/2024-01-02-e2.md': episode(2),
      'episodes/2024-01-03-e3.md': episode(3),
    });
    for (const file of files(root)) await utimes(file, HOUR_AGO, HOUR_AGO);
    return root;
  }
  const options = (root: string, extra: BuildOptions = {}): BuildOptions => ({ cwd: root, now: NOW, ...extra });
  const pageOf = (tree: Map<string, Buffer>, slug: string) => [...tree].find(([file]) => file.endsWith(`/${slug}/index.html`))?.[1].toString();

  it('reads only the files that changed, and makes the site a cold build makes', async () => {
    const root = await settledProject();
    const first = await build(options(root));
    expect(first.files).toEqual({ read: 3, known: 0 });
    await writeFile(files(root)[1]!, episode(2, 'Notes of episode 2, edited.'));
    const second = await build(options(root));
    expect(second.ok).toBe(true);
    expect(second.files).toEqual({ read: 1, known: 2 });
    const warm = await readTree(path.join(root, 'dist'));
    expect(pageOf(warm, 'e2')).toContain('Notes of episode 2, edited.');

    await rm(path.join(root, 'dist'), { recursive: true });
    await rm(path.join(root, '.podsite-cache'), { recursive: true });
    const cold = await build(options(root));
    expect(cold.files).toEqual({ read: 3, known: 0 });
    expect(await readTree(path.join(root, 'dist'))).toEqual(warm);
  });

  it('sees an edit of the same size whose modification time was put back', async () => {
    const root = await settledProject();
    await build(options(root));
    const file = files(root)[0]!;
    const before = statSync(file);
    const edited = episode(1, 'Notes of episode 9.');
    expect(Buffer.byteLength(edited)).toBe(before.size);
    await writeFile(file, edited);
    await utimes(file, before.atime, before.mtime);
    const second = await build(options(root));
    expect(second.files).toEqual({ read: 1, known: 2 });
    expect(pageOf(await readTree(path.join(root, 'dist')), 'e1')).toContain('Notes of episode 9.');
  });

  it('stops, writing nothing, when a file trusted by its stats is saved while the build reads it', async () => {
    const root = await settledProject();
    await build(options(root));
    const before = await readTree(path.join(root, 'dist'));
    // Without their notes, the unchanged files are read in the Markdown stage, after the file below is saved.
    for (const name of await readdir(path.join(root, '.podsite-cache'))) if (name.startsWith('notes-')) await rm(path.join(root, '.podsite-cache', name));
    await writeFile(files(root)[2]!, episode(3, 'Notes of episode 3, edited.'));
    let saved = false;
    const second = await build(
      options(root, {
        onProgress: (stage) => {
          if (stage !== 'markdown' || saved) return;
          saved = true;
          writeFileSync(files(root)[0]!, episode(1, 'Saved while the build ran.'));
        },
      }),
    );
    expect(saved).toBe(true);
    // Trusted by their stats, the two others were read after all, for their notes.
    expect(second.files).toEqual({ read: 3, known: 0 });
    expect(second.ok).toBe(false);
    expect(second.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.rule])).toEqual([['episodes/2024-01-01-e1.md', 'unreadable-file']]);
    expect(await readTree(path.join(root, 'dist'))).toEqual(before);
    // The next build reads the file saved meanwhile.
    const third = await build(options(root));
    expect(third.ok).toBe(true);
    expect(pageOf(await readTree(path.join(root, 'dist')), 'e1')).toContain('Saved while the build ran.');
  });

  it('does not read the unchanged files of episodes whose audio facts are measured, and makes the site a cold build makes', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/artwork.png': 'not really a png',
      'public/media/e1.mp3': SILENCE_MP3,
      'public/media/e2.mp3': SILENCE_MP3,
      'episodes/2024-01-01-e1.md': episodeFile('title: Episode 1\nepisode: 1\naudio:\n  url: /media/e1.mp3', 'Notes of episode 1.\n'),
      'episodes/2024-01-02-e2.md': episodeFile('title: Episode 2\nepisode: 2\naudio:\n  url: /media/e2.mp3', 'Notes of episode 2, with <b>List<String></b> in them.\n'),
    });
    for (const file of [1, 2].map((n) => path.join(root, 'episodes', `2024-01-0${n}-e${n}.md`))) await utimes(file, HOUR_AGO, HOUR_AGO);
    expect((await build(options(root))).ok).toBe(true);
    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episodeFile('title: Episode 1\nepisode: 1\naudio:\n  url: /media/e1.mp3', 'Notes of episode 1, edited.\n'));
    const second = await build(options(root));
    expect(second.ok).toBe(true);
    expect(second.files).toEqual({ read: 1, known: 1 });
    const warm = await readTree(path.join(root, 'dist'));
    expect(warm.get('feed.xml')?.toString()).toContain(`length="${SILENCE_MP3.length}"`);
    const cold = await build(options(root, { cache: false, output: 'cold' }));
    expect(cold.diagnostics).toEqual(second.diagnostics);
    expect(warm).toEqual(await readTree(path.join(root, 'cold')));
  });

  it('reads every file again under other input limits', async () => {
    const root = await settledProject();
    await build(options(root));
    await writeFile(path.join(root, 'podsite.yaml'), `${MINIMAL_SETTINGS}\nlimits:\n  lineLength: 5000\n`);
    const second = await build(options(root));
    expect(second.ok).toBe(true);
    expect(second.files).toEqual({ read: 3, known: 0 });
  });
});
