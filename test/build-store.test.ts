import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { build, type BuildOptions } from '../src/build.js';
import { BuildStore, digestOf, hashText, STORE_FORMAT, textDigest } from '../src/build-store.js';
import { main, type CliIo } from '../src/cli.js';
import { DevSession } from '../src/dev/session.js';
import { PlaceReader } from '../src/notes-spill.js';
import type { RenderedNotes } from '../src/markdown.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject, readTree } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function episode(n: number, extra = ''): string {
  return episodeFile(
    `title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${1000 + n}\n  duration: ${60 + n}`,
    `Notes of **episode ${n}**, with [a link](https://example.com/${n}).\n\n| a | b |\n|---|---|\n| ${n} | x |\n${extra}`,
  );
}

async function project(count = 5): Promise<string> {
  const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
  for (let n = 1; n <= count; n++) files[`episodes/2024-01-${String(n).padStart(2, '0')}-e${n}.md`] = episode(n);
  return tempProject(files);
}

const firstEpisode = (root: string) => path.join(root, 'episodes/2024-01-01-e1.md');


async function cacheEntries(folder: string): Promise<number> {
  let count = 0;
  for (const name of await readdir(folder)) {
    if (!/^notes-.*\.bin$/.test(name)) continue;
    count += shardHeader(await readFile(path.join(folder, name))).entries.length;
  }
  return count;
}

/** The header of a notes file: its length in 4 bytes, then the header itself, then the notes. */
function shardHeader(bytes: Buffer): { podsiteVersion: string; payloadBytes: number; entries: unknown[][] } {
  return deserialize(bytes.subarray(4, 4 + bytes.readUInt32LE(0))) as { podsiteVersion: string; payloadBytes: number; entries: unknown[][] };
}

/** A notes file with another header and the same notes after it. */
function withHeader(bytes: Buffer, header: unknown): Buffer {
  const headerBytes = serialize(header);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return Buffer.concat([length, headerBytes, bytes.subarray(4 + bytes.readUInt32LE(0))]);
}

/** Notes as plain values, whether they are read from a file or not. */
const plain = (notes: RenderedNotes | undefined) => notes && { html: notes.html, text: notes.text, unknownTags: notes.unknownTags, remoteMedia: notes.remoteMedia, ...(notes.tooDeep && { tooDeep: notes.tooDeep }) };

/** Removes the record of the last build, so that the next build runs the pipeline rather than finding nothing changed. */
async function forgetLastBuild(root: string): Promise<void> {
  const folder = path.join(root, '.podsite-cache');
  for (const name of await readdir(folder)) if (name.startsWith('last-build-')) await rm(path.join(folder, name));
}

const NOTES: RenderedNotes = { html: '<p>Hi</p>\n', text: 'Hi', unknownTags: [{ name: 'Devoxx', line: 1, column: 4 }], remoteMedia: [{ url: 'https://x.example/a.png', line: 2, column: 1 }] };

describe('build store', () => {
  it('gives back the notes it kept, under the same key only', async () => {
    const folder = path.join(await tempProject({}), 'cache');
    const options = { folder, key: 'k', displayFolder: 'cache' };
    const first = await BuildStore.open(options);
    expect(first.diagnostics).toEqual([]);
    expect(first.store.get({ text: 'text' })).toBeUndefined();
    first.store.keep({ text: 'text' }, NOTES);
    first.store.keep({ text: 'lone \ud83c surrogate' }, { ...NOTES, html: '<p>lone \udf99</p>', text: 'lone \ud83c — 日本語', tooDeep: { line: 3, column: 1, what: 'brackets', limit: 100 } });
    await first.store.save();

    const again = await BuildStore.open(options);
    expect(again.diagnostics).toEqual([]);
    expect(plain(again.store.get({ text: 'text' }))).toEqual(NOTES);
    expect(plain(again.store.get({ text: 'lone \ud83c surrogate' }))).toEqual({ ...NOTES, html: '<p>lone \udf99</p>', text: 'lone \ud83c — 日本語', tooDeep: { line: 3, column: 1, what: 'brackets', limit: 100 } });
    expect(again.store.get({ text: 'other text' })).toBeUndefined();

    // Kept again as they were read (copied as bytes), and read back the same.
    again.store.keep({ text: 'text' }, again.store.get({ text: 'text' })!);
    again.store.keep({ text: 'new' }, { ...NOTES, text: 'new' });
    await again.store.save();
    const third = await BuildStore.open(options);
    expect(plain(third.store.get({ text: 'text' }))).toEqual(NOTES);
    expect(plain(third.store.get({ text: 'new' }))).toEqual({ ...NOTES, text: 'new' });
    expect(third.store.get({ text: 'lone \ud83c surrogate' }), 'not kept by the last build').toBeUndefined();

    // Other settings: every entry is stale, which is no problem worth a warning.
    const other = await BuildStore.open({ ...options, key: 'other' });
    expect(other.diagnostics).toEqual([]);
    expect(other.store.get({ text: 'text' })).toBeUndefined();
  });

  it('reads a note\'s HTML and text from its file only when they are asked for, and knows the digest of its text', async () => {
    const folder = path.join(await tempProject({}), 'cache');
    const options = { folder, key: 'k', displayFolder: 'cache' };
    const { store } = await BuildStore.open(options);
    store.keep({ text: 'text' }, NOTES);
    await store.save();
    const file = path.join(folder, `notes-${hashText('text')[0]}.bin`);
    const opened = await BuildStore.open(options);
    const notes = opened.store.get({ text: 'text' })!;
    expect(textDigest(notes)).toBe(digestOf(NOTES.text));
    // Changed in place after the store was opened: what is read is what the file holds now.
    const bytes = await readFile(file);
    const at = bytes.lastIndexOf('<p>Hi</p>');
    bytes.write('<b>Ho</b>', at);
    await writeFile(file, bytes);
    expect(notes.html).toBe('<b>Ho</b>\n');
    expect(notes.text).toBe('Hi');
  });

  it('after one edit, writes the shards it touched with the notes of the others copied a run at a time, and reads them all back the same', async () => {
    const folder = path.join(await tempProject({}), 'cache');
    const options = { folder, key: 'k', displayFolder: 'cache' };
    const texts = Array.from({ length: 400 }, (_, n) => `episode ${n}`);
    // Some notes in UTF-16 (a lone surrogate), so that runs cross both encodings.
    const notesOf = (text: string): RenderedNotes => ({ ...NOTES, html: `<p>${text}</p>\n`.repeat(1 + (text.length % 5)), text: text.endsWith('7') ? `${text} \ud83c` : text });
    const first = await BuildStore.open(options);
    for (const text of texts) first.store.keep({ text }, notesOf(text));
    await first.store.save();

    const edited = texts.map((text) => (text === 'episode 200' ? 'episode 200, edited' : text));
    const next = await BuildStore.open(options);
    for (const text of edited) next.store.keep({ text }, next.store.get({ text }) ?? notesOf(text));
    const reads = [vi.spyOn(PlaceReader.prototype, 'bytes'), vi.spyOn(PlaceReader.prototype, 'view'), vi.spyOn(PlaceReader.prototype, 'text'), vi.spyOn(PlaceReader.prototype, 'into')];
    try {
      await next.store.save();
      // The shard that lost the old notes and the one that has the new: a run or three each, not two reads an entry.
      expect(reads.reduce((count, read) => count + read.mock.calls.length, 0)).toBeLessThanOrEqual(6);
    } finally {
      for (const read of reads) read.mockRestore();
    }

    const after = await BuildStore.open(options);
    expect(after.diagnostics).toEqual([]);
    for (const text of edited) expect(plain(after.store.get({ text })), text).toEqual(notesOf(text));
    expect(after.store.get({ text: 'episode 200' })).toBeUndefined();
    expect(await cacheEntries(folder)).toBe(edited.length);
  });

  it('ignores, with a warning, a file cut short, one of another version and one with an entry in the wrong place', async () => {
    const folder = path.join(await tempProject({}), 'cache');
    const options = { folder, key: 'k', displayFolder: 'cache' };
    const { store } = await BuildStore.open(options);
    store.keep({ text: 'text' }, NOTES);
    await store.save();
    const shard = `notes-${hashText('text')[0]}.bin`;
    const good = await readFile(path.join(folder, shard));
    const header = shardHeader(good);

    await writeFile(path.join(folder, shard), good.subarray(0, good.length - 3));
    const cut = await BuildStore.open(options);
    expect(cut.diagnostics.map((d) => [d.file, d.rule, d.severity])).toEqual([[`cache/${shard}`, 'cache-ignored', 'warning']]);
    expect(cut.diagnostics[0]!.message).toContain('cut short');
    expect(cut.store.get({ text: 'text' })).toBeUndefined();
    await writeFile(path.join(folder, shard), good.subarray(0, 30));
    expect((await BuildStore.open(options)).diagnostics[0]!.message).toContain('cut short');

    await writeFile(path.join(folder, shard), withHeader(good, { ...header, podsiteVersion: '0.0.1' }));
    const foreign = await BuildStore.open(options);
    expect(foreign.diagnostics.map((d) => d.rule)).toEqual(['cache-ignored']);
    expect(foreign.diagnostics[0]!.message).toContain('another version');
    expect(foreign.store.get({ text: 'text' })).toBeUndefined();

    // The same notes filed under a hash of another shard were not written by podsite.
    const misplaced = hashText('text').replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await writeFile(path.join(folder, shard), withHeader(good, { ...header, entries: [[misplaced, ...header.entries[0]!.slice(1)]] }));
    expect((await BuildStore.open(options)).diagnostics[0]!.message).toContain('wrong hash');

    await writeFile(path.join(folder, shard), withHeader(good, { ...header, entries: [[hashText('text'), 1]] }));
    expect((await BuildStore.open(options)).diagnostics[0]!.message).toContain('wrong shape');
    // Notes said to lie past the end of the file.
    await writeFile(path.join(folder, shard), withHeader(good, { ...header, entries: [[hashText('text'), 0, header.payloadBytes + 1, ...header.entries[0]!.slice(3)]] }));
    expect((await BuildStore.open(options)).diagnostics[0]!.message).toContain('wrong shape');
    // An unknown tag or a remote medium that is not a place in the notes.
    for (const [index, list] of [[6, [{ name: 'x-tag', line: 'one', column: 1 }]], [7, [{ url: 5, line: 1, column: 1 }]]] as const) {
      const entry = header.entries[0]!.map((value, at) => (at === index ? list : value));
      await writeFile(path.join(folder, shard), withHeader(good, { ...header, entries: [entry] }));
      expect((await BuildStore.open(options)).diagnostics[0]?.message, `field ${index}`).toContain('wrong shape');
    }

    // A file that is no cache at all.
    await writeFile(path.join(folder, shard), withHeader(good, [1, 2, 3]));
    expect((await BuildStore.open(options)).diagnostics[0]!.message).toContain('not a podsite build cache');
    await writeFile(path.join(folder, shard), Buffer.concat([Buffer.from([8, 0, 0, 0]), Buffer.from('garbage!')]));
    expect((await BuildStore.open(options)).diagnostics[0]!.message).toContain('damaged');
    expect(STORE_FORMAT).toBeGreaterThan(0);
  });
});

describe('build with the store', () => {
  const options = (root: string, extra: BuildOptions = {}): BuildOptions => ({ cwd: root, now: NOW, ...extra });

  it('renders no unchanged episode again, and makes the same site as a build without cache', async () => {
    const root = await project();
    // Without cache first, into its own folder: the reference.
    const reference = await build(options(root, { cache: false, output: 'reference' }));
    expect(reference.diagnostics).toEqual([]);
    expect(reference.notes).toEqual({ rendered: 5, reused: 0 });
    expect(existsSync(path.join(root, '.podsite-cache')), '--no-cache writes no cache').toBe(false);

    const cold = await build(options(root));
    expect(cold.diagnostics).toEqual([]);
    expect(cold.notes).toEqual({ rendered: 5, reused: 0 });
    expect(await cacheEntries(path.join(root, '.podsite-cache'))).toBe(5);
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'reference')));

    // Nothing changed: the last build's result, without the pipeline; then the pipeline with the store.
    const upToDate = await build(options(root));
    expect(upToDate.upToDate).toBeDefined();
    expect(upToDate.diagnostics).toEqual([]);
    await forgetLastBuild(root);
    const warm = await build(options(root));
    expect(warm.upToDate).toBeUndefined();
    expect(warm.diagnostics).toEqual([]);
    expect(warm.notes).toEqual({ rendered: 0, reused: 5 });
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'reference')));

    await writeFile(firstEpisode(root), episode(1, '\nA line added, with <Devoxx> in it.\n'));
    const edited = await build(options(root));
    expect(edited.notes).toEqual({ rendered: 1, reused: 4 });
    // The warning comes from the notes kept in the cache as much as from fresh ones.
    expect(edited.diagnostics.map((d) => d.rule)).toEqual(['unknown-html-tag']);
    const unchanged = await build(options(root));
    expect(unchanged.upToDate).toBeDefined();
    expect(unchanged.diagnostics, 'the last build\'s warnings are given again').toEqual(edited.diagnostics);
    await forgetLastBuild(root);
    const again = await build(options(root));
    expect(again.notes).toEqual({ rendered: 0, reused: 5 });
    expect(again.diagnostics).toEqual(edited.diagnostics);

    const referenceEdited = await build(options(root, { cache: false, output: 'reference' }));
    expect(referenceEdited.diagnostics).toEqual(edited.diagnostics);
    const site = await readTree(path.join(root, 'dist'));
    expect(site).toEqual(await readTree(path.join(root, 'reference')));
    expect([...site.values()].some((contents) => contents.toString().includes('A line added'))).toBe(true);
  });

  it('renders everything again when the Markdown settings change, nothing when others do, and keeps only the files of the last build', async () => {
    const root = await project(3);
    expect((await build(options(root))).notes).toEqual({ rendered: 3, reused: 0 });
    // Another title and address change every page, not the notes.
    await writeFile(path.join(root, 'podsite.yaml'), MINIMAL_SETTINGS.replace(/^title: .*$/m, 'title: Another Show').replace(/^url: .*$/m, 'url: https://other.example.org'));
    const retitled = await build(options(root));
    expect(retitled.diagnostics).toEqual([]);
    expect(retitled.notes).toEqual({ rendered: 0, reused: 3 });
    expect(await readFile(path.join(root, 'dist/index.html'), 'utf8')).toContain('Another Show');
    await writeFile(path.join(root, 'podsite.yaml'), `${MINIMAL_SETTINGS}build:\n  html: sanitize\n`);
    const changed = await build(options(root));
    expect(changed.diagnostics).toEqual([]);
    expect(changed.notes).toEqual({ rendered: 3, reused: 0 });
    expect(await cacheEntries(path.join(root, '.podsite-cache'))).toBe(3);

    await rm(firstEpisode(root));
    expect((await build(options(root))).notes).toEqual({ rendered: 0, reused: 2 });
    expect(await cacheEntries(path.join(root, '.podsite-cache')), 'the entry of the file gone is dropped').toBe(2);
  });

  it('gives `podsite dev` the notes the last build or dev session rendered, and keeps those it renders for the next', async () => {
    const root = await project(12);
    expect((await build(options(root))).notes).toEqual({ rendered: 12, reused: 0 });
    // Drafts, future episodes and another output: other settings for the pages, the same notes.
    const started = await new DevSession({ cwd: root, now: () => NOW }).rebuild();
    expect(started?.ok).toBe(true);
    expect(started?.result.notes).toEqual({ rendered: 0, reused: 12 });

    await writeFile(firstEpisode(root), episode(1, '\nA line added.\n'));
    await writeFile(path.join(root, 'episodes/2024-03-01-new.md'), episode(13));
    const session = new DevSession({ cwd: root, now: () => NOW });
    expect((await session.rebuild())?.result.notes).toEqual({ rendered: 2, reused: 11 });
    // What it rendered is in the cache for the next session: none rendered there.
    expect((await new DevSession({ cwd: root, now: () => NOW }).rebuild())?.result.notes).toEqual({ rendered: 0, reused: 13 });

    // A save in the session renders its episode (before the build, on dev's fast path), from memory for the others.
    await writeFile(firstEpisode(root), episode(1, '\nAnother line.\n'));
    expect(await session.rebuild([firstEpisode(root)])).toMatchObject({ ok: true, full: false });
    // Only a session's full builds keep their notes: the next session renders that save again.
    expect((await new DevSession({ cwd: root, now: () => NOW }).rebuild())?.result.notes).toEqual({ rendered: 1, reused: 12 });
  });

  it('starts afresh, with a warning, from a damaged cache, and quietly from a deleted one', async () => {
    const root = await project(3);
    const folder = path.join(root, '.podsite-cache');
    await build(options(root));
    await forgetLastBuild(root);
    const shards = (await readdir(folder)).filter((name) => /^notes-.*\.bin$/.test(name));
    for (const name of shards) await writeFile(path.join(folder, name), '{"format": 1, "entries": [["');
    const damaged = await build(options(root));
    expect(damaged.ok).toBe(true);
    expect(damaged.diagnostics.map((d) => [d.file, d.rule])).toEqual(shards.map((name) => [`.podsite-cache/${name}`, 'cache-ignored']).sort());
    expect(damaged.notes).toEqual({ rendered: 3, reused: 0 });
    // The damaged files were written anew.
    await forgetLastBuild(root);
    const repaired = await build(options(root));
    expect(repaired.diagnostics).toEqual([]);
    expect(repaired.notes).toEqual({ rendered: 0, reused: 3 });

    await rm(folder, { recursive: true });
    const deleted = await build(options(root));
    expect(deleted.diagnostics).toEqual([]);
    expect(deleted.notes).toEqual({ rendered: 3, reused: 0 });
  });

  it('saves nothing from a build with errors', async () => {
    const root = await project(2);
    await writeFile(path.join(root, 'episodes/2024-02-01-bad.md'), episodeFile('title: [never closed'));
    const failed = await build(options(root));
    expect(failed.ok).toBe(false);
    expect(existsSync(path.join(root, '.podsite-cache'))).toBe(false);
  });

  it('keeps the files that did not change, inode and mtime, and replaces those that did', async () => {
    const root = await project(4);
    // The files as written: a build that writes streams its pages and feed to disk and keeps none of them.
    const written = async () => {
      const files = new Map<string, { ino: number; mtimeMs: number; contents: string }>();
      for (const relative of await readdir(path.join(root, 'dist'), { recursive: true })) {
        const info = await stat(path.join(root, 'dist', relative));
        if (info.isFile()) files.set(relative, { ino: info.ino, mtimeMs: info.mtimeMs, contents: await readFile(path.join(root, 'dist', relative), 'utf8') });
      }
      return files;
    };
    expect((await build(options(root))).ok).toBe(true);
    const before = await written();
    await writeFile(firstEpisode(root), episode(1, '\nEdited.\n'));
    expect((await build(options(root))).ok).toBe(true);
    let kept = 0;
    let replaced = 0;
    for (const [relative, file] of await written()) {
      const old = before.get(relative);
      if (old === undefined) continue;
      if (old.contents === file.contents) {
        expect([file.ino, file.mtimeMs], relative).toEqual([old.ino, old.mtimeMs]);
        kept++;
      } else {
        expect(file.ino, relative).not.toBe(old.ino);
        replaced++;
      }
    }
    // The edited episode's page and the feed at least changed; other episodes' pages did not.
    expect(replaced).toBeGreaterThanOrEqual(2);
    expect(kept).toBeGreaterThanOrEqual(3);
    const artwork = await stat(path.join(root, 'dist/artwork.png'));
    await build(options(root));
    const copied = await stat(path.join(root, 'dist/artwork.png'));
    expect([copied.ino, copied.mtimeMs], 'a copied public file too').toEqual([artwork.ino, artwork.mtimeMs]);
  });

  it('`--no-cache` builds without reading or writing the cache; `--verbose` says what came from it', async () => {
    const root = await project(2);
    const err: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (text) => err.push(text), cwd: root, color: false };
    expect(await main(['build', '--no-cache', '--verbose'], io)).toBe(0);
    expect(existsSync(path.join(root, 'dist/index.html'))).toBe(true);
    expect(existsSync(path.join(root, '.podsite-cache'))).toBe(false);
    expect(err).toContain('  notes: 2 rendered, 0 from the cache');
    expect(await main(['build'], io)).toBe(0);
    expect(await cacheEntries(path.join(root, '.podsite-cache'))).toBe(2);
    await forgetLastBuild(root);
    err.length = 0;
    expect(await main(['build', '--verbose'], io)).toBe(0);
    expect(err).toContain('  notes: 0 rendered, 2 from the cache');
  });
});
