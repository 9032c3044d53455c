import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Position } from '../src/diagnostics.js';
import { isPackedPositions, PackedPositions, packPositions } from '../src/packed-positions.js';

const POSITIONS = new Map<string, Position>([
  ['', { line: 2, column: 1, endLine: 9, endColumn: 4 }],
  ['title', { line: 2, column: 8, endLine: 2, endColumn: 42 }],
  ['audio.url', { line: 5, column: 8 }],
  ['chapters.0.start', { line: 7, column: 14, endLine: 7, endColumn: 20 }],
  ['tags#key', { line: 8, column: 1, endColumn: 5 }],
  ['titre-été 🎙', { line: 9, column: 3 }],
]);

/** As the parse store has them back: through V8's serialization, then wrapped. */
const throughStore = (positions: Map<string, Position>) => new PackedPositions(deserialize(serialize(packPositions(positions))) as never);

describe('packed positions', () => {
  it('give back every position, in the same order, whatever is asked first', () => {
    expect([...throughStore(POSITIONS)]).toEqual([...POSITIONS]);
    expect(throughStore(POSITIONS).get('audio.url')).toEqual({ line: 5, column: 8 });
    expect(throughStore(POSITIONS).get('tags#key')).toEqual({ line: 8, column: 1, endColumn: 5 });
    expect(throughStore(POSITIONS).has('chapters.0.start')).toBe(true);
    expect(throughStore(POSITIONS).has('chapters.0')).toBe(false);
    expect(throughStore(POSITIONS).size).toBe(6);
    expect([...throughStore(POSITIONS).keys()]).toEqual([...POSITIONS.keys()]);
    expect([...throughStore(POSITIONS).values()]).toEqual([...POSITIONS.values()]);
    const seen: string[] = [];
    throughStore(POSITIONS).forEach((_position, path) => seen.push(path));
    expect(seen).toEqual([...POSITIONS.keys()]);
    const changed = throughStore(POSITIONS).set('guid', { line: 10, column: 7 });
    expect([...changed.keys()]).toEqual([...POSITIONS.keys(), 'guid']);
    expect([...throughStore(new Map())]).toEqual([]);
  });

  it('are left as a Map when a position holds what the packed form cannot say exactly', () => {
    expect(packPositions(new Map([['title', { line: 1.5, column: 1 }]]))).toBeUndefined();
    expect(packPositions(new Map([['title', { line: 1, column: -1 }]]))).toBeUndefined();
    expect(packPositions(new Map([['title', { line: 1, column: 1, offset: 3 } as Position]]))).toBeUndefined();
    expect(packPositions(new Map([['title', { line: 2 ** 31, column: 1 }]]))).toBeUndefined();
  });

  it('are not trusted from a store when their lengths do not add up to their paths', () => {
    const packed = packPositions(POSITIONS)!;
    expect(isPackedPositions(packed)).toBe(true);
    expect(isPackedPositions({ ...packed, paths: `${packed.paths}x` })).toBe(false);
    expect(isPackedPositions({ ...packed, numbers: packed.numbers.slice(1) })).toBe(false);
    expect(isPackedPositions({ ...packed, numbers: Int32Array.from(packed.numbers) })).toBe(false);
    expect(isPackedPositions({ ...packed, numbers: packed.numbers.map((n, index) => (index === 2 ? n + 0.5 : n)) })).toBe(false);
    expect(isPackedPositions({ ...packed, numbers: packed.numbers.map((n, index) => (index === 2 ? String(n) : n)) })).toBe(false);
    const negative = packed.numbers.slice();
    negative[1] = -4;
    expect(isPackedPositions({ ...packed, numbers: negative })).toBe(false);
    // An end line or column may be absent (-1), nothing lower.
    const belowAbsent = packed.numbers.slice();
    belowAbsent[3] = -2;
    expect(isPackedPositions({ ...packed, numbers: belowAbsent })).toBe(false);
    // A line or column is never absent.
    const absentColumn = packed.numbers.slice();
    absentColumn[2] = -1;
    expect(isPackedPositions({ ...packed, numbers: absentColumn })).toBe(false);
    expect(isPackedPositions({ paths: '', numbers: [] })).toBe(true);
    expect(isPackedPositions(new Map())).toBe(false);
  });
});
