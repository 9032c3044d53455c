import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntryStoreWriter, inChunks, readEntryStore } from '../src/v8-store.js';

describe('a cache file written in chunks', () => {
  it('gives the pieces back in order, joined into chunks of at least the size asked but the last, never split', () => {
    const pieces = [3, 0, 5, 1, 9, 2, 2, 4].map((length, i) => Buffer.alloc(length, i + 1));
    const chunks = [...inChunks(pieces, 6)];
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat(pieces));
    expect(chunks.map((chunk) => chunk.length)).toEqual([8, 10, 8]);
    expect([...inChunks([], 6)]).toEqual([]);
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
