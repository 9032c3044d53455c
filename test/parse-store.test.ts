import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deserialize, serialize, setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { hashText } from '../src/build-store.js';
import { parseSettings } from '../src/config.js';
import { parseEntry, type ParsedEntry } from '../src/entry.js';
import type { EpisodeSource } from '../src/episode.js';
import type { SourceFile } from '../src/load.js';
import { SpilledTexts, StringSpill, withBody } from '../src/notes-spill.js';
import { PackedPositions } from '../src/packed-positions.js';
import { PARSE_STORE_FORMAT, ParseStore, storedKey, type ParseStoreOptions } from '../src/parse-store.js';
import { EntryStoreWriter } from '../src/v8-store.js';
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

/** A store that kept what parsing made of these files, saved. */
async function savedStore(options: ParseStoreOptions, ...files: SourceFile[]): Promise<void> {
  const store = ParseStore.open(options).store;
  for (const file of files) store.keep(file, parseEntry(file, settings));
  await store.save();
}

/** An entry from the store as parsing makes it: its positions in a plain Map (toEqual tells Map classes apart). */
function asParsed(entry: ParsedEntry | undefined): ParsedEntry | undefined {
  if (entry?.episode === undefined) return entry;
  return { ...entry, episode: withBody({ ...entry.episode, positions: new Map(entry.episode.positions) }, entry.episode.markdown) as EpisodeSource };
}

/** Bytes as a store file begins: their length, then them. */
function withLength(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  return Buffer.concat([length, bytes]);
}

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
    // Positions are read from their packed form when first asked for: a build reads few of them.
    expect(again.get(EPISODE)?.episode?.positions).toBeInstanceOf(PackedPositions);
    expect(asParsed(again.get(EPISODE))).toEqual(parsed);
    expect([...again.get(EPISODE)!.episode!.positions], 'in the same order').toEqual([...parsed.episode!.positions]);
    expect(again.get(source('2024-03-02-other-name.md', EPISODE.text)), 'the name is part of what is parsed').toBeUndefined();
    expect(again.get({ ...EPISODE, text: `${EPISODE.text}More.\n` })).toBeUndefined();
    expect(ParseStore.open({ ...options, key: 'settings-2' }).store.get(EPISODE), 'other settings').toBeUndefined();
    expect(storedKey(options), 'other rules of time zones, with another Node').toContain(`tz ${process.versions.tz}`);
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
    await savedStore(options, EPISODE);
    const whole = await readFile(file);
    for (const cut of [whole.subarray(0, 3), whole.subarray(0, 10), whole.subarray(0, whole.length - 1)]) {
      await writeFile(file, cut);
      const opened = ParseStore.open(options);
      expect(opened.diagnostics.map((d) => [d.file, d.rule, d.severity])).toEqual([['.podsite-cache/parsed.v8', 'cache-ignored', 'warning']]);
      expect(opened.store.get(EPISODE)).toBeUndefined();
    }
    await writeFile(file, Buffer.concat([whole, Buffer.from([0])]));
    expect(ParseStore.open(options).diagnostics[0]!.message).toContain('longer than its entries');

    await writeFile(file, whole);
    expect(ParseStore.open({ ...options, podsiteVersion: '0.9.0' }).diagnostics[0]!.message).toContain('another version');

    await writeFile(file, withLength(serialize({ hello: 'world' })));
    expect(ParseStore.open(options).diagnostics[0]!.message).toContain('not a podsite build cache');

    const id = `${EPISODE.file}\0${hashText(EPISODE.text)}`;
    const wrongShape = new EntryStoreWriter(options.folder);
    wrongShape.keepNew(id, serialize({ episode: { title: 'No date' }, markdownFrom: 0, diagnostics: [] }));
    await wrongShape.save('parsed.v8', { format: PARSE_STORE_FORMAT, podsiteVersion: '1.0.0', key: storedKey({ key: 'settings-1' }) });
    const shape = ParseStore.open(options);
    expect(shape.diagnostics).toEqual([]);
    expect(shape.store.get(EPISODE)).toBeUndefined();
    expect((await readdir(options.folder)).sort()).toEqual(['parsed.v8']);
  });

  it('keeps positions packed and the address, and does not trust packed positions whose lengths do not add up, nor an address of the wrong shape', async () => {
    const options = await storeOptions();
    await savedStore(options, EPISODE);
    const file = path.join(options.folder, 'parsed.v8');
    const whole = await readFile(file);
    const headerBytes = whole.readUInt32LE(0);
    const kept = deserialize(whole.subarray(4 + headerBytes)) as { episode: { positions: { paths: string; numbers: number[] } } };
    expect(kept.episode.positions.numbers).toEqual(expect.arrayContaining([expect.any(Number)]));
    expect(kept.episode).toHaveProperty('address.path', '/2024/03/01/first/');
    expect(ParseStore.open(options).store.get(EPISODE)).toBeDefined();

    const tamperedWith = async (change: (entry: typeof kept) => void) => {
      const copy = deserialize(serialize(kept)) as typeof kept;
      change(copy);
      const tampered = new EntryStoreWriter(options.folder);
      tampered.keepNew(`${EPISODE.file}\0${hashText(EPISODE.text)}`, serialize(copy));
      await tampered.save('parsed.v8', { format: PARSE_STORE_FORMAT, podsiteVersion: '1.0.0', key: storedKey({ key: 'settings-1' }) });
      return ParseStore.open(options).store.get(EPISODE);
    };
    expect(await tamperedWith(() => undefined)).toBeDefined();
    expect(await tamperedWith((entry) => (entry.episode.positions.paths += 'x'))).toBeUndefined();
    expect(await tamperedWith((entry) => Object.assign(entry.episode, { address: { path: 7 } }))).toBeUndefined();
    expect(await tamperedWith((entry) => Object.assign((entry.episode as unknown as { address: { wall: object } }).address.wall, { month: 'January' }))).toBeUndefined();
  });

  it('writes its file entry by entry after a header of ids and sizes, each entry serialized on its own', async () => {
    const options = await storeOptions();
    const other = source('2024-03-04-other.md', episodeFile('title: Other\nepisode: 2\naudio:\n  url: https://media.example.com/2.mp3\n  length: 1000'));
    await savedStore(options, EPISODE, other);
    const bytes = await readFile(path.join(options.folder, 'parsed.v8'));
    const headerLength = bytes.readUInt32LE(0);
    const header = deserialize(bytes.subarray(4, 4 + headerLength)) as { format: number; podsiteVersion: string; key: string; ids: string[]; sizes: number[] };
    expect(header).toMatchObject({ format: PARSE_STORE_FORMAT, podsiteVersion: '1.0.0', key: storedKey({ key: 'settings-1' }) });
    expect(header.ids).toEqual([EPISODE, other].map((file) => `${file.file}\0${hashText(file.text)}`));
    let at = 4 + headerLength;
    const titles = header.sizes.map((size) => {
      const entry = deserialize(bytes.subarray(at, (at += size))) as { episode: { title: string } };
      return entry.episode.title;
    });
    expect(titles).toEqual(['First', 'Other']);
    expect(at).toBe(bytes.length);
  });

  it('keeps new entries outside the cache folder until it is saved: a build that never saves leaves nothing there', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'podsite-parse-project-'));
    const options = await storeOptions({ folder: path.join(project, '.podsite-cache') });
    const store = ParseStore.open(options).store;
    store.keep(EPISODE, parseEntry(EPISODE, settings));
    expect(await readdir(project)).toEqual([]);
    await store.save();
    expect(asParsed(ParseStore.open(options).store.get(EPISODE))).toEqual(parseEntry(EPISODE, settings));
  });

  it('goes on without saving when its scratch file cannot be made: the store is only a shortcut', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'podsite-parse-project-'));
    const options = await storeOptions({ folder: path.join(project, 'missing', '.podsite-cache') });
    const temporaryFolder = process.env.TMPDIR;
    process.env.TMPDIR = path.join(project, 'no-temporary-folder');
    try {
      const store = ParseStore.open(options).store;
      expect(() => store.keep(EPISODE, parseEntry(EPISODE, settings))).not.toThrow();
      await store.save();
    } finally {
      if (temporaryFolder === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = temporaryFolder;
    }
    expect(await readdir(project)).toEqual([]);
  });

  it('gives back an earlier entry after the file it was read from was replaced', async () => {
    const options = await storeOptions();
    const other = source('2024-03-04-other.md', episodeFile('title: Other\nepisode: 2'));
    await savedStore(options, EPISODE);
    // The second build keeps the first entry as read from the first file, which its own save replaces.
    const second = ParseStore.open(options).store;
    const earlier = second.get(EPISODE)!;
    second.keep(EPISODE, earlier);
    second.keep(other, parseEntry(other, settings));
    await second.save();
    const third = ParseStore.open(options).store;
    expect(asParsed(third.get(EPISODE))).toEqual(parseEntry(EPISODE, settings));
    expect(asParsed(third.get(other))).toEqual(parseEntry(other, settings));
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
