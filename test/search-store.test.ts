import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { searchIndexFile, searchIndexFiles } from '../src/search-index.js';
import { SEARCH_STORE_FORMAT, SearchStore, type SearchStoreOptions } from '../src/search-store.js';
import { EntryStoreWriter, readEntryStore } from '../src/v8-store.js';
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

/** A store that kept the terms of the site's entries, saved. */
async function savedStore(made: Site, options: SearchStoreOptions): Promise<void> {
  const store = SearchStore.open(options).store;
  searchIndexFile(made, undefined, (key) => store.entries(key));
  await store.save();
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
    const made = await site();
    const options = await storeOptions();
    await savedStore(made, options);
    const file = path.join(options.folder, 'search.v8');
    const whole = await readFile(file);
    for (const cut of [whole.subarray(0, 8), whole.subarray(0, whole.length - 1)]) {
      await writeFile(file, cut);
      const opened = SearchStore.open(options);
      expect(opened.diagnostics.map((d) => [d.file, d.rule, d.severity])).toEqual([['.podsite-cache/search.v8', 'cache-ignored', 'warning']]);
      expect(opened.store.entries(`${made.settings.url}\n${made.settings.timezone}`).get(made.entries[0]!)).toBeUndefined();
    }
    await writeFile(file, whole);
    expect(SearchStore.open({ ...options, podsiteVersion: '0.1.0' }).diagnostics[0]!.message).toContain('another version');
  });

  it('refuses a kept entry of the wrong shape and indexes that entry afresh', async () => {
    const made = await site();
    const fresh = searchIndexFiles(made);
    const options = await storeOptions();
    await savedStore(made, options);
    // Every entry's bytes replaced by a value that deserializes but is not terms.
    const stored = readEntryStore(options, { fileName: 'search.v8', format: SEARCH_STORE_FORMAT, without: '' }).stored!;
    expect(stored.places.size).toBe(made.entries.length);
    const shapeless = new EntryStoreWriter(options.folder);
    for (const id of stored.places.keys()) shapeless.keepNew(id, serialize({ stored: 1 }));
    await shapeless.save('search.v8', { format: SEARCH_STORE_FORMAT, podsiteVersion: options.podsiteVersion, key: stored.key });

    const opened = SearchStore.open(options);
    expect(opened.diagnostics).toEqual([]);
    const entries = opened.store.entries(`${made.settings.url}\n${made.settings.timezone}`);
    expect(made.entries.map((entry) => entries.get(entry))).toEqual(made.entries.map(() => undefined));
    expect(searchIndexFile(made, undefined, (key) => SearchStore.open(options).store.entries(key)).files).toEqual(fresh);
  });

  it('writes its file entry by entry after a header of ids and sizes, each entry the terms of one entry', async () => {
    const made = await site();
    const options = await storeOptions();
    await savedStore(made, options);
    const bytes = await readFile(path.join(options.folder, 'search.v8'));
    const headerLength = bytes.readUInt32LE(0);
    const header = deserialize(bytes.subarray(4, 4 + headerLength)) as { format: number; key: string; ids: string[]; sizes: number[] };
    expect(header).toMatchObject({ format: SEARCH_STORE_FORMAT, key: `${made.settings.url}\n${made.settings.timezone}` });
    expect(header.ids).toHaveLength(made.entries.length);
    let at = 4 + headerLength;
    const stored = header.sizes.map((size) => (deserialize(bytes.subarray(at, (at += size))) as { stored: string }).stored);
    expect(at).toBe(bytes.length);
    expect(stored.every((text) => typeof text === 'string')).toBe(true);
  });
});
