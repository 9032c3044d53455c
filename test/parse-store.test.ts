import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serialize, setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { hashText } from '../src/build-store.js';
import { parseSettings } from '../src/config.js';
import { parseEntry } from '../src/entry.js';
import type { SourceFile } from '../src/load.js';
import { SpilledTexts, StringSpill } from '../src/notes-spill.js';
import { PARSE_STORE_FORMAT, ParseStore, type ParseStoreOptions } from '../src/parse-store.js';
import { episodeFile, MINIMAL_SETTINGS } from './helpers.js';

const settings = parseSettings(MINIMAL_SETTINGS, '/project/podsite.yaml').settings!;

function source(name: string, text: string): SourceFile {
  return { file: `episodes/${name}`, absolutePath: `/project/episodes/${name}`, text };
}

const EPISODE = source(
  '2024-03-01-first.md',
  episodeFile(
    'title: First\nepisode: 1\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1000\n  duration: "1:00"\nchapters:\n  - { start: "0:00", title: Hello }\n  - { start: "0:30", title: Bye }\nunknown_key: yes',
    'Some **notes**.\n',
  ),
);

async function storeOptions(extra: Partial<ParseStoreOptions> = {}): Promise<ParseStoreOptions> {
  const folder = await mkdtemp(path.join(tmpdir(), 'podsite-parse-store-'));
  return { folder, key: 'settings-1', podsiteVersion: '1.0.0', hashOf: (file) => hashText(file.text), displayFolder: '.podsite-cache', ...extra };
}

describe('the parse store', () => {
  it('gives back exactly what parsing made, dates, maps and diagnostics included, under the same key only', async () => {
    const options = await storeOptions();
    const parsed = parseEntry(EPISODE, settings);
    expect(parsed.episode?.date).toBeInstanceOf(Date);
    expect(parsed.diagnostics.length, 'the unknown key is reported').toBeGreaterThan(0);
    const first = ParseStore.open(options);
    expect(first.diagnostics).toEqual([]);
    expect(first.store.get(EPISODE)).toBeUndefined();
    first.store.keep(EPISODE, parsed);
    await first.store.save();

    const again = ParseStore.open(options).store;
    expect(again.get(EPISODE)).toEqual(parsed);
    expect(again.get(source('2024-03-02-other-name.md', EPISODE.text)), 'the name is part of what is parsed').toBeUndefined();
    expect(again.get({ ...EPISODE, text: `${EPISODE.text}More.\n` })).toBeUndefined();
    expect(ParseStore.open({ ...options, key: 'settings-2' }).store.get(EPISODE), 'other settings').toBeUndefined();
  });

  it('keeps a file that does not parse, with its diagnostics', async () => {
    const options = await storeOptions();
    const broken = source('2024-03-03-broken.md', episodeFile('title: [never closed'));
    const parsed = parseEntry(broken, settings);
    expect(parsed.episode).toBeUndefined();
    const store = ParseStore.open(options).store;
    store.keep(broken, parsed);
    await store.save();
    expect(ParseStore.open(options).store.get(broken)).toEqual(parsed);
  });

  it('drops on save the entries of files this build did not have', async () => {
    const options = await storeOptions();
    const other = source('2024-03-04-other.md', episodeFile('title: Other\nepisode: 2'));
    const store = ParseStore.open(options).store;
    store.keep(EPISODE, parseEntry(EPISODE, settings));
    store.keep(other, parseEntry(other, settings));
    await store.save();
    const next = ParseStore.open(options).store;
    expect(next.get(other)).toBeDefined();
    await next.save();
    const last = ParseStore.open(options).store;
    expect(last.get(other)).toBeDefined();
    expect(last.get(EPISODE), 'not used by the build before').toBeUndefined();
  });

  it('ignores with a warning a damaged file or one of another version, and an entry of the wrong shape quietly', async () => {
    const options = await storeOptions();
    const file = path.join(options.folder, 'parsed.v8');
    await writeFile(file, serialize({ format: PARSE_STORE_FORMAT, podsiteVersion: '1.0.0', key: 'settings-1', entries: new Map() }).subarray(0, 10));
    const cut = ParseStore.open(options);
    expect(cut.diagnostics.map((d) => [d.file, d.rule, d.severity])).toEqual([['.podsite-cache/parsed.v8', 'cache-ignored', 'warning']]);

    await writeFile(file, serialize({ format: PARSE_STORE_FORMAT, podsiteVersion: '0.9.0', key: 'settings-1', entries: new Map() }));
    expect(ParseStore.open(options).diagnostics[0]!.message).toContain('another version');

    await writeFile(file, serialize({ hello: 'world' }));
    expect(ParseStore.open(options).diagnostics[0]!.message).toContain('not a podsite build cache');

    const id = `${EPISODE.file}\0${hashText(EPISODE.text)}`;
    await writeFile(file, serialize({ format: PARSE_STORE_FORMAT, podsiteVersion: '1.0.0', key: 'settings-1', entries: new Map([[id, serialize({ episode: { title: 'No date' }, markdownFrom: 0, diagnostics: [] })]]) }));
    const shape = ParseStore.open(options);
    expect(shape.diagnostics).toEqual([]);
    expect(shape.store.get(EPISODE)).toBeUndefined();
    expect((await readdir(options.folder)).sort()).toEqual(['parsed.v8']);
  });
  it('gives an episode that keeps fast properties once its body and text are spilled', async () => {
    const options = await storeOptions();
    const first = ParseStore.open(options).store;
    first.keep(EPISODE, parseEntry(EPISODE, settings));
    await first.save();
    const episode = ParseStore.open(options).store.get(EPISODE)!.episode!;
    const file = { ...EPISODE };
    new SpilledTexts(new StringSpill(options.folder)).spillSource(file, episode);
    expect(episode.markdown).toBe('Some **notes**.\n');
    // A dictionary-mode episode takes about 1.5 KB, held for each of a large archive's files until the entries are made.
    setFlagsFromString('--allow-natives-syntax');
    const hasFastProperties = new Function('object', 'return %HasFastProperties(object)') as (object: object) => boolean;
    expect(hasFastProperties(episode)).toBe(true);
  });
});
