import { describe, expect, it } from 'vitest';
import { inChunks } from '../src/v8-store.js';

describe('a cache file written in chunks', () => {
  it('gives the pieces back in order, joined into chunks of at least the size asked but the last, never split', () => {
    const pieces = [3, 0, 5, 1, 9, 2, 2, 4].map((length, i) => Buffer.alloc(length, i + 1));
    const chunks = [...inChunks(pieces, 6)];
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat(pieces));
    expect(chunks.map((chunk) => chunk.length)).toEqual([8, 10, 8]);
    expect([...inChunks([], 6)]).toEqual([]);
  });
});
