import { mkdtempSync, openSync, closeSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlaceReader, StringSpill } from '../src/notes-spill.js';

/** Texts of many sizes written back to back, and where each one is. */
function fileOfTexts(count: number, longest = 9000): { file: string; texts: string[]; places: { at: number; bytes: number }[] } {
  const texts: string[] = [];
  const places: { at: number; bytes: number }[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    // From a few bytes to more than a quarter of the read-ahead, multi-byte characters included.
    const text = `${i}:` + 'é'.repeat((i * 7919) % longest) + 'x'.repeat(i % 5);
    texts.push(text);
    const bytes = Buffer.byteLength(text);
    places.push({ at, bytes });
    at += bytes;
  }
  const folder = mkdtempSync(path.join(tmpdir(), 'podsite-reader-'));
  folders.push(folder);
  const file = path.join(folder, 'texts');
  writeFileSync(file, texts.join(''));
  return { file, texts, places };
}

const folders: string[] = [];
const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function readerOf(file: string, readAhead?: number): PlaceReader {
  const fd = openSync(file, 'r');
  fds.push(fd);
  return new PlaceReader(fd, readAhead);
}

describe('reading places of a file through a read-ahead window', () => {
  it('gives every place exactly, read in order, in reverse and at random', () => {
    const { file, texts, places } = fileOfTexts(400);
    const reader = readerOf(file);
    const order = places.map((_, i) => i);
    const shuffled = [...order].sort((a, b) => ((a * 2654435761) % 1009) - ((b * 2654435761) % 1009));
    for (const sequence of [order, [...order].reverse(), shuffled]) {
      for (const i of sequence) {
        expect(reader.text({ ...places[i]!, encoding: 'utf8' })).toBe(texts[i]);
        expect(reader.bytes(places[i]!).toString('utf8')).toBe(texts[i]);
        expect(reader.view(places[i]!).toString('utf8')).toBe(texts[i]);
      }
    }
  });

  it('gives places at the very edges of its window, with a window of a few bytes', () => {
    const { file, texts, places } = fileOfTexts(300, 12);
    // 64 bytes: places of up to 16 bytes share windows, larger ones are read directly, and many end at a window's last byte.
    const reader = readerOf(file, 64);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < places.length; i++) expect(reader.text({ ...places[i]!, encoding: 'utf8' })).toBe(texts[i]);
      for (let i = places.length - 1; i >= 0; i--) expect(reader.text({ ...places[i]!, encoding: 'utf8' })).toBe(texts[i]);
    }
  });

  it('gives bytes of their own, which the next reads do not change; a view is the window itself', () => {
    const { file, texts, places } = fileOfTexts(50);
    const reader = readerOf(file);
    const kept = places.map((place) => reader.bytes(place));
    for (let i = places.length - 1; i >= 0; i--) reader.view(places[i]!);
    expect(kept.map((bytes) => bytes.toString('utf8'))).toEqual(texts);
  });

  it('says a file is cut short rather than give bytes that are not there', () => {
    const { file, places } = fileOfTexts(10);
    const reader = readerOf(file);
    expect(reader.text({ ...places[0]!, encoding: 'utf8' })).toMatch(/^0:/);
    const last = places.at(-1)!;
    expect(() => reader.text({ at: last.at + last.bytes - 1, bytes: 2, encoding: 'utf8' })).toThrow(/cut short/);
    // Nothing of the failed read stays in its window.
    expect(reader.text({ ...places[0]!, encoding: 'utf8' })).toMatch(/^0:/);
  });

  it('reads what a spill wrote after its window was read', () => {
    const spill = new StringSpill();
    const first = spill.put('first');
    expect(spill.read(first)).toBe('first');
    // Written after the window that holds `first` was read, beside it.
    const second = spill.put('second, with ünïcödé');
    const lone = spill.put('a lone \ud800 surrogate');
    expect(spill.read(second)).toBe('second, with ünïcödé');
    expect(spill.read(lone)).toBe('a lone \ud800 surrogate');
    expect(spill.read(first)).toBe('first');
  });
});
