import { describe, expect, it, vi } from 'vitest';

const writes = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    writes.count++;
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { StringSpill } = await import('../src/notes-spill.js');

/**
 * The search index of a first build puts tens of thousands of short strings in the spill: each
 * written on its own was a system call each, about a third of a second on the real archive.
 */
describe('the spill of a streamed build', () => {
  it('writes many short strings together, and still gives each back', () => {
    const spill = new StringSpill();
    const texts = Array.from({ length: 10_000 }, (_, index) => `["term${index}",{"0":{"${index}":1}}]`);
    writes.count = 0;
    const places = texts.map((text) => spill.put(text));
    // About 330 KB in all: two writes, not ten thousand.
    expect(writes.count).toBeLessThanOrEqual(2);
    texts.forEach((text, index) => expect(spill.read(places[index]!)).toBe(text));
    expect(writes.count).toBeLessThanOrEqual(3);
  });
});
