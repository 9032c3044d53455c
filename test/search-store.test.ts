import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { searchIndexFile, searchIndexFiles } from '../src/search-index.js';
import { SEARCH_STORE_FORMAT, SearchStore, type SearchStoreOptions } from '../src/search-store.js';
import type { Site } from '../src/site.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

async function site(): Promise<Site> {
  const root = await tempProject({
    'podsite.yaml': MINIMAL_SETTINGS,
    'episodes/2024-01-05-ete.md': episodeFile('title: Un Été à la mer\nepisode: 1\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1000', 'We talk about a zeppelin, and the sea.\n'),
    'episodes/2024-02-10-two.md': episodeFile('title: Two\nepisode: 2\naudio:\n  url: https://media.example.com/2.mp3\n  length: 2000', 'Kubernetes, Quarkus and the rest.\n'),
  });
  return (await build({ cwd: root, write: false, cache: false })).site!;
}

async function storeOptions(): Promise<SearchStoreOptions> {
  return { folder: await mkdtemp(path.join(tmpdir(), 'podsite-search-store-')), podsiteVersion: '1.0.0', displayFolder: '.podsite-cache' };
}

describe('the search store', () => {
  it('gives the same index files from the terms it kept, and keeps them under the same settings only', async () => {
    const made = await site();
    const fresh = searchIndexFiles(made);
    const options = await storeOptions();
    const first = SearchStore.open(options);
    expect(first.diagnostics).toEqual([]);
    expect(searchIndexFile(made, undefined, (key) => first.store.entries(key)).files).toEqual(fresh);
    await first.store.save();

    const second = SearchStore.open(options).store;
    const entries = second.entries(`${made.settings.url}\n${made.settings.timezone}`);
    expect(made.entries.every((entry) => entries.get(entry) !== undefined), 'every entry kept').toBe(true);
    expect(entries.get({ ...made.entries[0]!, text: `${made.entries[0]!.text} More.` }), 'notes changed').toBeUndefined();
    expect(entries.get({ ...made.entries[0]!, title: 'Another title' }), 'title changed').toBeUndefined();
    expect(searchIndexFile(made, undefined, (key) => SearchStore.open(options).store.entries(key)).files).toEqual(fresh);
    expect(second.entries('https://elsewhere.example.com/\nUTC').get(made.entries[0]!), 'another address').toBeUndefined();
  });

  it('ignores with a warning a damaged file or one of another version', async () => {
    const options = await storeOptions();
    const file = path.join(options.folder, 'search.v8');
    await writeFile(file, serialize({ format: SEARCH_STORE_FORMAT, podsiteVersion: '1.0.0', key: 'k', entries: new Map() }).subarray(0, 8));
    expect(SearchStore.open(options).diagnostics.map((d) => [d.file, d.rule, d.severity])).toEqual([['.podsite-cache/search.v8', 'cache-ignored', 'warning']]);
    await writeFile(file, serialize({ format: SEARCH_STORE_FORMAT, podsiteVersion: '0.1.0', key: 'k', entries: new Map() }));
    expect(SearchStore.open(options).diagnostics[0]!.message).toContain('another version');
  });

  it('refuses a kept entry of the wrong shape and indexes that entry afresh', async () => {
    const made = await site();
    const fresh = searchIndexFiles(made);
    const options = await storeOptions();
    const first = SearchStore.open(options).store;
    searchIndexFile(made, undefined, (key) => first.entries(key));
    await first.save();
    // Every entry's bytes replaced by a value that deserializes but is not terms.
    const file = path.join(options.folder, 'search.v8');
    const stored = deserialize(await readFile(file)) as { entries: Map<string, Uint8Array> };
    expect(stored.entries.size).toBe(made.entries.length);
    for (const id of stored.entries.keys()) stored.entries.set(id, serialize({ stored: 1 }));
    await writeFile(file, serialize(stored));

    const shapeless = SearchStore.open(options);
    expect(shapeless.diagnostics).toEqual([]);
    const entries = shapeless.store.entries(`${made.settings.url}\n${made.settings.timezone}`);
    expect(made.entries.map((entry) => entries.get(entry))).toEqual(made.entries.map(() => undefined));
    expect(searchIndexFile(made, undefined, (key) => SearchStore.open(options).store.entries(key)).files).toEqual(fresh);
  });
});
