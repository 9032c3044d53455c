import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncrementalWriter } from '../src/dev/writer.js';
import { tempProject } from './helpers.js';

/** A feed file as renderFeed makes it: the text around the items, and the items. */
const feedFile = (items: string[], around = ['<rss><channel>\n    ', ...items.slice(1).map(() => '\n    '), '\n</channel></rss>\n']) => ({
  path: 'feed.xml',
  contents: around[0] + items.map((item, index) => item + around[index + 1]).join(''),
  parts: { around, items },
});

async function writerIn() {
  const folder = path.join(await tempProject({}), 'out');
  const writer = new IncrementalWriter(folder);
  return { writer, read: (relative: string) => readFile(path.join(folder, relative), 'utf8') };
}

describe('IncrementalWriter', () => {
  it('writes a file made of parts as the text they make, without joining them', async () => {
    const { writer, read } = await writerIn();
    const items = ['<item>one é</item>', '<item>two</item>', '<item>three</item>'];
    const file = feedFile(items);
    // Never asked for: a writer that joined the parts would read it.
    Object.defineProperty(file, 'contents', { get: () => expect.unreachable('the whole text was asked for') });
    expect(await writer.writeFiles([file])).toEqual(['feed.xml']);
    expect(await read('feed.xml')).toBe(feedFile(items).contents);
  });

  it('tells a changed item from unchanged ones, whether it keeps its length or not', async () => {
    const { writer, read } = await writerIn();
    await writer.writeFiles([feedFile(['<item>1</item>', '<item>2</item>'])]);
    // The same text in new strings: nothing to write.
    expect(await writer.writeFiles([feedFile(['<item>1</item>', ['<item>', '2</item>'].join('')])])).toEqual([]);
    // One character replaced by another: the same length, another text.
    expect(await writer.writeFiles([feedFile(['<item>1</item>', '<item>3</item>'])])).toEqual(['feed.xml']);
    expect(await read('feed.xml')).toBe(feedFile(['<item>1</item>', '<item>3</item>']).contents);
    expect(await writer.writeFiles([feedFile(['<item>1</item>', '<item>30</item>'])])).toEqual(['feed.xml']);
    expect(await read('feed.xml')).toBe(feedFile(['<item>1</item>', '<item>30</item>']).contents);
  });

  it('writes what follows the first changed piece over the file as it was, and cuts it to its new length', async () => {
    const { writer, read } = await writerIn();
    const pages = Array.from({ length: 10 }, (_, index) => ({ path: `p${index}.html`, contents: String(index) }));
    const feeds = [
      ['<item>1</item>', '<item>2</item>', '<item>3</item>'],
      ['<item>1</item>', '<item>two, longer</item>', '<item>3</item>'],
      ['<item>1</item>', '<item>2</item>'],
      ['<item>1</item>', '<item>2</item>', '<item>3</item>', '<item>4</item>'],
      ['<item>0</item>', '<item>1</item>'],
    ];
    for (const items of feeds) {
      expect(await writer.writeFiles([feedFile(items)])).toEqual(['feed.xml']);
      expect(await read('feed.xml')).toBe(feedFile(items).contents);
    }
    // Past the first few files written, through the thread pool.
    for (const [round, items] of feeds.entries()) {
      await writer.writeFiles([...pages.map((page) => ({ ...page, contents: page.contents + round })), feedFile(items)]);
      expect(await read('feed.xml')).toBe(feedFile(items).contents);
    }
  });

  it('compares the text, not the cuts: the same feed cut elsewhere is unchanged, another one of the same length is not', async () => {
    const { writer } = await writerIn();
    await writer.writeFiles([feedFile(['<item>ab</item>', '<item>c</item>'])]);
    const cutElsewhere = { path: 'feed.xml', contents: '', parts: { around: ['<rss><channel>\n    <item>ab</item>\n    <item>', '</item>\n</channel></rss>\n'], items: ['c'] } };
    expect(await writer.writeFiles([cutElsewhere])).toEqual([]);
    expect(await writer.writeFiles([feedFile(['<item>a</item>', '<item>cd</item>'])])).toEqual(['feed.xml']);
  });

  it('compares a file written whole with the same file made of parts', async () => {
    const { writer, read } = await writerIn();
    const parts = feedFile(['<item>1</item>']);
    await writer.writeFiles([{ path: 'feed.xml', contents: parts.contents }]);
    expect(await writer.writeFiles([parts])).toEqual([]);
    expect(await writer.writeFiles([{ path: 'feed.xml', contents: parts.contents.replace('1', '2') }])).toEqual(['feed.xml']);
    expect(await writer.writeFiles([parts])).toEqual(['feed.xml']);
    expect(await read('feed.xml')).toBe(parts.contents);
  });

  it('writes many parts in one file, past the operating system’s limit of buffers per write', async () => {
    const { writer, read } = await writerIn();
    const items = Array.from({ length: 3000 }, (_, index) => `<item>${'x'.repeat(index % 50)}${index}</item>`);
    // Past the first few files, the writes go through the thread pool.
    const pages = Array.from({ length: 10 }, (_, index) => ({ path: `p${index}.html`, contents: String(index) }));
    await writer.writeFiles([...pages, feedFile(items)]);
    expect(await read('feed.xml')).toBe(feedFile(items).contents);
  });
});
