import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntryStoreWriter, readEntryStore, runsOf, writePieces, type EntrySource } from '../src/v8-store.js';

describe('a cache file written in chunks', () => {
  it('writes the pieces in order, those in memory and those read from a place of a file, the same at any size of chunk', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'podsite-pieces-'));
    try {
      const file = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
      const source = { readInto: (place: { at: number; bytes: number }, target: Uint8Array, offset: number) => void file.copy(target, offset, place.at, place.at + place.bytes) };
      const pieces = [Buffer.from('abc'), Buffer.alloc(0), { source, at: 2, bytes: 9 }, Buffer.from('0123456789ABCDEF'), { source, at: 0, bytes: 0 }, Buffer.from('x'), { source, at: 30, bytes: 6 }];
      const expected = Buffer.concat([Buffer.from('abc'), file.subarray(2, 11), Buffer.from('0123456789ABCDEF'), Buffer.from('x'), file.subarray(30, 36)]);
      for (const chunkBytes of [1, 4, 6, 16, 1 << 20]) {
        const target = path.join(folder, `pieces-${chunkBytes}`);
        const handle = await open(target, 'w');
        await writePieces(handle, pieces, chunkBytes);
        await handle.close();
        expect(readFileSync(target).toString(), `chunks of ${chunkBytes}`).toBe(expected.toString());
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('a store of entries read back', () => {
  it('gives bytes of their own, which reading other entries does not change, and views that last until the next read', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'podsite-entries-'));
    try {
      const options = { folder, displayFolder: '.podsite-cache', podsiteVersion: 'test' };
      const spec = { fileName: 'entries.v8', format: 1, without: 'nothing' };
      // Small entries far apart, so that reading one moves the read-ahead window away from the others.
      const entries = { first: Buffer.alloc(100, 1), wide: Buffer.alloc(200_000, 2), far: Buffer.alloc(100, 3) };
      const writer = new EntryStoreWriter(folder);
      for (const [id, bytes] of Object.entries(entries)) writer.keepNew(id, bytes);
      await writer.save(spec.fileName, { format: 1, podsiteVersion: 'test', key: 'k' });

      const { stored, diagnostics } = readEntryStore(options, spec);
      expect(diagnostics).toEqual([]);
      const place = (id: string) => stored!.places.get(id)!;
      const first = place('first').source.readBytes(place('first'));
      const firstView = place('first').source.readView(place('first'));
      expect(firstView.equals(entries.first)).toBe(true);
      expect(place('wide').source.readBytes(place('wide')).equals(entries.wide)).toBe(true);
      expect(place('far').source.readView(place('far')).equals(entries.far)).toBe(true);
      expect(first.equals(entries.first), 'the bytes read first are still theirs').toBe(true);
      // The view was of the window, which now holds the far entry.
      expect(firstView.equals(entries.first)).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('a store of entries saved after a few changed', () => {
  const spec = { fileName: 'entries.v8', format: 1, without: 'nothing' };
  const header = { format: 1, podsiteVersion: 'test', key: 'k' };

  /** Entries of different sizes, some larger than a chunk of the save, so that runs cross chunks. */
  const entriesOf = (count: number, changed: (index: number) => boolean = () => false) =>
    Array.from({ length: count }, (_, index) => [`entry-${index}`, Buffer.alloc(index % 7 === 0 ? 300_000 : 1 + ((index * 37) % 900), changed(index) ? 255 - (index % 200) : index % 250)] as const);

  it('reads the same entries back, in the order kept, when most are kept from the last file and a few are new', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'podsite-entries-'));
    try {
      const options = { folder, displayFolder: '.podsite-cache', podsiteVersion: 'test' };
      const first = new EntryStoreWriter(folder);
      for (const [id, bytes] of entriesOf(60)) first.keepNew(id, bytes);
      await first.save(spec.fileName, header);

      const last = readEntryStore(options, spec).stored!;
      const changed = (index: number) => index === 3 || index === 41;
      const next = new EntryStoreWriter(folder);
      const expected = entriesOf(60, changed).filter((_, index) => index !== 20);
      for (const [id, bytes] of expected) {
        if (changed(Number(id.slice('entry-'.length)))) next.keepNew(id, bytes);
        else next.keepEarlier(id, last.places.get(id)!);
      }
      next.keepNew('added', Buffer.from('added at the end'));
      await next.save(spec.fileName, header);

      const { stored, diagnostics } = readEntryStore(options, spec);
      expect(diagnostics).toEqual([]);
      expect([...stored!.places.keys()]).toEqual([...expected.map(([id]) => id), 'added']);
      for (const [id, bytes] of [...expected, ['added', Buffer.from('added at the end')] as const]) {
        const place = stored!.places.get(id)!;
        expect(place.source.readBytes(place).equals(bytes), id).toBe(true);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('copies entries that follow each other in the last file with one read a chunk, not one an entry', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'podsite-entries-'));
    try {
      const bytes = Buffer.alloc(4000 * 1000);
      for (let index = 0; index < bytes.length; index++) bytes[index] = index % 251;
      const reads: number[] = [];
      // A source that answers only whole-run reads, and counts them.
      const source = {
        readBytes: () => expect.unreachable('an entry read on its own'),
        readView: () => expect.unreachable('an entry read on its own'),
        readInto: (place: { at: number; bytes: number }, target: Uint8Array, offset: number) => {
          reads.push(place.bytes);
          bytes.copy(target, offset, place.at, place.at + place.bytes);
        },
      };
      const writer = new EntryStoreWriter(folder);
      for (let index = 0; index < 4000; index++) writer.keepEarlier(`entry-${index}`, { source, at: index * 1000, bytes: 1000 });
      await writer.save(spec.fileName, header);

      const { stored } = readEntryStore({ folder, displayFolder: '.podsite-cache', podsiteVersion: 'test' }, spec);
      expect(stored?.places.size).toBe(4000);
      const place = stored!.places.get('entry-3999')!;
      expect(place.source.readBytes(place).equals(bytes.subarray(3999 * 1000))).toBe(true);
      expect(reads.length).toBeLessThanOrEqual(6);
      expect(reads.reduce((sum, read) => sum + read, 0)).toBe(bytes.length);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('joins only places of one source that follow each other, in the order kept', () => {
    const source = (name: string) => ({ name }) as unknown as EntrySource;
    const [last, scratch] = [source('last'), source('scratch')];
    const places = [
      { source: last, at: 10, bytes: 5 },
      { source: last, at: 15, bytes: 5 },
      // Where the run above ends, but in another file.
      { source: scratch, at: 20, bytes: 3 },
      { source: last, at: 20, bytes: 1 },
      // Earlier in the same file: its own run.
      { source: last, at: 0, bytes: 10 },
      { source: last, at: 10, bytes: 0 },
      { source: last, at: 10, bytes: 2 },
      // Bytes in memory pass as they are, between runs: the place after them starts its own.
      new Uint8Array([1, 2]),
      { source: last, at: 12, bytes: 4 },
    ];
    expect([...runsOf(places)]).toEqual([
      { source: last, at: 10, bytes: 10 },
      { source: scratch, at: 20, bytes: 3 },
      { source: last, at: 20, bytes: 1 },
      { source: last, at: 0, bytes: 12 },
      new Uint8Array([1, 2]),
      { source: last, at: 12, bytes: 4 },
    ]);
  });

  it('ignores a file cut short after such a save, with the warning', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'podsite-entries-'));
    try {
      const options = { folder, displayFolder: '.podsite-cache', podsiteVersion: 'test' };
      const first = new EntryStoreWriter(folder);
      for (const [id, bytes] of entriesOf(30)) first.keepNew(id, bytes);
      await first.save(spec.fileName, header);
      const last = readEntryStore(options, spec).stored!;
      const next = new EntryStoreWriter(folder);
      for (const [id, place] of last.places) next.keepEarlier(id, place);
      await next.save(spec.fileName, header);
      const file = path.join(folder, spec.fileName);
      truncateSync(file, statSync(file).size - 1);

      const { stored, diagnostics } = readEntryStore(options, spec);
      expect(stored).toBeUndefined();
      expect(diagnostics.map((d) => [d.rule, d.message])).toEqual([['cache-ignored', expect.stringContaining('cut short')]]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
