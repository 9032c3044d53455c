import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateArchive } from '../bench/generate.mjs';
import { build, type BuildResult } from '../src/build.js';
import { readTree } from './helpers.js';

/**
 * A plain build after a few edits updates the search index the last build kept in
 * .podsite-cache/search-index.v8: its files must be, byte for byte, those of a build from scratch.
 */

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

const EPISODES = 60;

/** Made-up words, many of them in one episode only: the notes' terms then make several shards, of which an edit changes few. */
function madeUpWords(seed: number, count: number): string {
  const syllables = ['ka', 'lo', 'mi', 'zu', 're', 'ta', 'vo', 'ni', 'spe', 'dra', 'qui', 'bel', 'fo', 'gu', 'pa', 'ше'];
  let state = seed;
  const next = () => (state = (state * 48271) % 2147483647);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    let word = '';
    for (let length = 2 + (next() % 3); length > 0; length--) word += syllables[next() % syllables.length];
    words.push(word);
  }
  return words.join(' ');
}

async function archive(): Promise<{ root: string; files: string[] }> {
  const root = await mkdtemp(path.join(tmpdir(), 'podsite-search-update-'));
  folders.push(root);
  const files = await generateArchive(root, EPISODES, 7);
  await Promise.all(files.map((file, i) => appendFile(episodePath(root, file), `\n${madeUpWords(i + 1, 400)}.\n`)));
  return { root, files };
}

const NOW = new Date('2026-11-30T00:00:00Z');
const cached = (root: string) => build({ cwd: root, now: NOW, jobs: 1 });

/** The search files of the site in `output`. */
async function searchFiles(output: string): Promise<Map<string, Buffer>> {
  const tree = await readTree(output);
  return new Map([...tree].filter(([file]) => file === 'search-index.json' || file.startsWith(`search${path.sep}`)));
}

/** The same sources built with no cache at all, into a folder of its own. */
async function fromScratch(root: string): Promise<Map<string, Buffer>> {
  const output = path.join(root, 'from-scratch');
  const result = await build({ cwd: root, now: NOW, jobs: 1, cache: false, output });
  expect(result.ok).toBe(true);
  const files = await searchFiles(output);
  await rm(output, { recursive: true, force: true });
  return files;
}

async function expectSameAsFromScratch(root: string, result: BuildResult): Promise<void> {
  expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
  const built = await searchFiles(path.join(root, 'dist'));
  const expected = await fromScratch(root);
  expect([...built.keys()].sort()).toEqual([...expected.keys()].sort());
  // The fixture's notes make several shards (see madeUpWords).
  expect(built.size).toBeGreaterThan(3);
  for (const [file, bytes] of expected) expect(built.get(file)?.equals(bytes), file).toBe(true);
}

const episodePath = (root: string, file: string) => path.join(root, 'episodes', file);

async function replaceIn(file: string, from: RegExp, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const changed = text.replace(from, to);
  expect(changed).not.toBe(text);
  await writeFile(file, changed);
}

// Several whole builds each, on a machine shared with other test files.
describe('the search index of a build after a few edits', { timeout: 180_000 }, () => {
  it('is updated from the last build’s, and is the same as one made from scratch, after an edit of an episode’s notes', async () => {
    const { root, files } = await archive();
    expect((await cached(root)).searchIndex).toBe('made');
    const shardsBefore = new Set((await searchFiles(path.join(root, 'dist'))).keys());
    // Words of its own, one already in many notes, and a word it had taken out (its count changes).
    await appendFile(episodePath(root, files[20]!), '\nZyzzyvas and quokkas talk about episode podcasts with xylophones.\n');
    const edited = await cached(root);
    expect(edited.searchIndex).toBe('updated');
    await expectSameAsFromScratch(root, edited);
    // Most shards are the same files; those with the touched terms are new.
    const shardsAfter = [...(await searchFiles(path.join(root, 'dist'))).keys()].filter((file) => file !== 'search-index.json');
    expect(shardsAfter.filter((file) => shardsBefore.has(file)).length).toBeGreaterThan(shardsAfter.length / 2);
    expect(shardsAfter.some((file) => !shardsBefore.has(file))).toBe(true);
    // Made afresh: the head and the new shards, not the shards kept as they were.
    const freshSearch = edited.fresh!.filter((file) => file === 'search-index.json' || file.startsWith('search/'));
    expect(freshSearch.sort()).toEqual(['search-index.json', ...shardsAfter.filter((file) => !shardsBefore.has(file)).map((file) => file.split(path.sep).join('/'))].sort());

    // A second edit, from the index the update kept.
    await appendFile(episodePath(root, files[45]!), '\nQuokkas again, and a vibraphone.\n');
    const again = await cached(root);
    expect(again.searchIndex).toBe('updated');
    await expectSameAsFromScratch(root, again);
  });

  it('takes a term out of the index when the one episode that had it no longer does', async () => {
    const { root, files } = await archive();
    await appendFile(episodePath(root, files[3]!), '\nA wordunheardof here.\n');
    expect((await cached(root)).searchIndex).toBe('made');
    await replaceIn(episodePath(root, files[3]!), /A wordunheardof here\.\n/, 'Nothing rare.\n');
    const edited = await cached(root);
    expect(edited.searchIndex).toBe('updated');
    await expectSameAsFromScratch(root, edited);
    expect([...(await searchFiles(path.join(root, 'dist'))).values()].some((bytes) => bytes.includes('wordunheardof'))).toBe(false);
  });

  it('is the same as one made from scratch after an edit of an episode’s title', async () => {
    const { root, files } = await archive();
    await cached(root);
    await replaceIn(episodePath(root, files[10]!), /^title: .*$/m, 'title: "Été: a quite different title, 42"');
    const edited = await cached(root);
    expect(edited.searchIndex).toBe('updated');
    await expectSameAsFromScratch(root, edited);
  });

  it('is made again, the same as from scratch, when an episode is added or removed, and updated at the next edit', async () => {
    const { root, files } = await archive();
    await cached(root);
    const added = episodePath(root, `${files[5]!.slice(0, 'YYYY-MM-DD'.length)}-added.md`);
    const source = await readFile(episodePath(root, files[5]!), 'utf8');
    await writeFile(added, source.replace(/^title: .*$/m, 'title: An added episode').replace(/^episode: .*$/m, `episode: ${EPISODES + 1}`).replace(/^guid: .*$/m, ''));
    const withAdded = await cached(root);
    expect(withAdded.searchIndex).toBe('made');
    await expectSameAsFromScratch(root, withAdded);

    await rm(added);
    const removed = await cached(root);
    expect(removed.searchIndex).toBe('made');
    await expectSameAsFromScratch(root, removed);

    await appendFile(episodePath(root, files[7]!), '\nAnd one more word: marimba.\n');
    const edited = await cached(root);
    expect(edited.searchIndex).toBe('updated');
    await expectSameAsFromScratch(root, edited);
  });

  it('ignores with a warning a kept index that is damaged, and makes the index again, the same as from scratch', async () => {
    const { root, files } = await archive();
    await cached(root);
    const store = path.join(root, '.podsite-cache', 'search-index.v8');
    const whole = await readFile(store);

    // Bytes changed near the end, among the shards' texts: the file keeps its size and its header.
    const flipped = Buffer.from(whole);
    const at = flipped.length - 100;
    flipped[at] = flipped[at] === 0x61 ? 0x62 : 0x61;
    await writeFile(store, flipped);
    await appendFile(episodePath(root, files[30]!), '\nA glockenspiel.\n');
    const afterFlip = await cached(root);
    expect(afterFlip.diagnostics.filter((d) => d.rule === 'cache-ignored').map((d) => d.file)).toEqual(['.podsite-cache/search-index.v8']);
    expect(afterFlip.searchIndex).toBe('made');
    await expectSameAsFromScratch(root, afterFlip);

    // Cut short: the file is refused when it is opened.
    await writeFile(store, (await readFile(store)).subarray(0, whole.length >> 1));
    await appendFile(episodePath(root, files[31]!), '\nA celesta.\n');
    const afterCut = await cached(root);
    expect(afterCut.diagnostics.filter((d) => d.rule === 'cache-ignored').map((d) => d.file)).toEqual(['.podsite-cache/search-index.v8']);
    expect(afterCut.searchIndex).toBe('made');
    await expectSameAsFromScratch(root, afterCut);

    // Written anew by that build: the next edit updates it again.
    await appendFile(episodePath(root, files[32]!), '\nA harpsichord.\n');
    const next = await cached(root);
    expect(next.diagnostics.filter((d) => d.rule === 'cache-ignored')).toEqual([]);
    expect(next.searchIndex).toBe('updated');
    await expectSameAsFromScratch(root, next);
  });
});
