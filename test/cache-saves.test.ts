import { cp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const EPISODES = 60;

function episode(n: number): string {
  return episodeFile(
    `title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${1000 + n}\n  duration: ${60 + n}`,
    `Notes of **episode ${n}**, about ${['rivers', 'bridges', 'owls', 'tides'][n % 4]}, with [a link](https://example.com/${n}).\n\n${'More words to index. '.repeat(n % 7)}\n`,
  );
}

const episodePath = (n: number) => `episodes/2024-${String(1 + Math.floor((n - 1) / 28)).padStart(2, '0')}-${String(1 + ((n - 1) % 28)).padStart(2, '0')}-e${n}.md`;

async function project(): Promise<string> {
  const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
  for (let n = 1; n <= EPISODES; n++) files[episodePath(n)] = episode(n);
  return tempProject(files);
}

/**
 * What the store files a build leaves hold, whose contents depend only on the project (not the
 * files' stats, nor the record of the build): each header and entry deserialized, since the same
 * value may be serialized to other bytes (an array made otherwise), or its bytes as they are.
 */
async function storeContents(root: string): Promise<Map<string, unknown>> {
  const folder = path.join(root, '.podsite-cache');
  const stores = new Map<string, unknown>();
  for (const name of (await readdir(folder)).sort()) {
    if (!/^(notes-.*\.bin|parsed\.v8|search\.v8|search-index\.v8)$/.test(name)) continue;
    const bytes = await readFile(path.join(folder, name));
    const headerEnd = 4 + bytes.readUInt32LE(0);
    const header = deserialize(bytes.subarray(4, headerEnd)) as { ids?: string[]; sizes?: number[] };
    const payload = bytes.subarray(headerEnd);
    if (header.sizes === undefined || header.ids === undefined) {
      stores.set(name, { header, payload });
      continue;
    }
    const { ids, sizes, ...rest } = header;
    let at = 0;
    const entries = sizes.map((size) => {
      const entry = payload.subarray(at, (at += size));
      try {
        return deserialize(entry) as unknown;
      } catch {
        return entry;
      }
    });
    expect(at, name).toBe(payload.length);
    // By id: the order the entries are kept in is the build's.
    stores.set(name, { header: rest, entries: Object.fromEntries(ids.map((id, index) => [id, entries[index]]).sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1))) });
  }
  return stores;
}

async function forgetLastBuild(root: string): Promise<void> {
  const folder = path.join(root, '.podsite-cache');
  for (const name of await readdir(folder)) if (name.startsWith('last-build-')) await rm(path.join(folder, name));
}

describe('the build cache saved after one edit', () => {
  const options = (root: string, extra: BuildOptions = {}): BuildOptions => ({ cwd: root, now: NOW, ...extra });

  it('makes the site a build without cache makes, stores what a first build of the edited project stores, and serves the next build whole', async () => {
    const root = await project();
    const cold = await build(options(root));
    expect(cold.diagnostics).toEqual([]);

    const edited = path.join(root, episodePath(30));
    await writeFile(edited, `${await readFile(edited, 'utf8')}\nA line added about lighthouses.\n`);
    // Files older than the racy window, as an archive's are: the edited one is read, the others trusted by their stats.
    const longAgo = new Date(Date.now() - 60_000);
    for (let n = 1; n <= EPISODES; n++) if (n !== 30) await utimes(path.join(root, episodePath(n)), longAgo, longAgo);
    const afterEdit = await build(options(root));
    expect(afterEdit.diagnostics).toEqual([]);
    expect(afterEdit.notes).toEqual({ rendered: 1, reused: EPISODES - 1 });
    expect(afterEdit.searchIndex).toBe('updated');

    const reference = await build(options(root, { cache: false, output: 'reference' }));
    expect(reference.diagnostics).toEqual([]);
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'reference')));

    // The same project built from no cache at all stores the same bytes.
    const fresh = await tempProject({});
    await cp(root, fresh, { recursive: true, filter: (source) => !/[/\\](\.podsite-cache|dist|reference)$/.test(source) && !path.basename(source).startsWith('.dist') });
    const freshBuild = await build(options(fresh));
    expect(freshBuild.diagnostics).toEqual([]);
    const stored = await storeContents(root);
    expect([...stored.keys()]).toEqual(expect.arrayContaining(['parsed.v8', 'search.v8', 'search-index.v8', 'notes-0.bin']));
    expect(stored).toEqual(await storeContents(fresh));

    // The next build finds every store whole: nothing rendered, parsed or indexed again, and no warning.
    await forgetLastBuild(root);
    const next = await build(options(root));
    expect(next.diagnostics).toEqual([]);
    expect(next.notes).toEqual({ rendered: 0, reused: EPISODES });
    expect(next.searchIndex).toBe('updated');
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'reference')));
  });
});
