import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { parseEntry } from '../src/entry.js';
import { parseSettings } from '../src/config.js';
import { renderMarkdown } from '../src/markdown.js';
import { detachedFromText, spillProperty, SpilledNotes, SpilledTexts, StringSpill } from '../src/notes-spill.js';
import { entryWith, spilledEntry } from '../src/spilled-entry.js';
import { toEpisode } from '../src/assemble.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

/**
 * A build that streams its output keeps notes, bodies and file texts in a temporary file and reads
 * them back at each use: what is read must be exactly what was written, and the site the same.
 */

describe('the spill of a streamed build', () => {
  it('gives back every string exactly, lone surrogates, non-Latin text and empty ones included', () => {
    const spill = new StringSpill();
    const strings = ['', 'plain', 'é à ü — 日本語 🎙️', 'lone \ud83c high', 'lone \udf99 low', 'x'.repeat(100_000), '\u0000\n\r\t'];
    const places = strings.map((text) => spill.put(text));
    // Read out of order and twice: each read is independent of the others.
    for (const index of [3, 0, 6, 5, 1, 4, 2, 3]) expect(spill.read(places[index]!)).toBe(strings[index]);
  });

  it('reads back each string whether it is in the file yet or still waits to be written, by every kind of read', () => {
    const spill = new StringSpill();
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const kept: { text: string; place: ReturnType<StringSpill['put']> }[] = [];
    const check = (index: number, how: number) => {
      const { text, place } = kept[index]!;
      const bytes = Buffer.from(text, place.encoding);
      if (how === 0) expect(spill.read(place)).toBe(text);
      else if (how === 1) expect(spill.readBytes(place).equals(bytes)).toBe(true);
      else if (how === 2) expect(spill.readView(place).equals(bytes)).toBe(true);
      else {
        const target = Buffer.alloc(place.bytes + 3);
        spill.readInto(place, target, 3);
        expect(target.subarray(3).equals(bytes)).toBe(true);
      }
    };
    for (let step = 0; step < 3_000; step++) {
      const size = random() < 0.02 ? 70_000 + Math.floor(random() * 200_000) : Math.floor(random() * 300);
      // Some with a lone surrogate, which only UTF-16 carries.
      const text = `${step}:${step % 5 === 0 ? '\ud83c' : ''}${'é'.repeat(size % 7)}${'x'.repeat(size)}`;
      kept.push({ text, place: spill.put(text) });
      // Now the string just put, now one from long ago: in the file, waiting, or across both.
      if (random() < 0.3) check(random() < 0.5 ? kept.length - 1 : Math.floor(random() * kept.length), Math.floor(random() * 4));
    }
    kept.forEach((_, index) => check(index, index % 4));
  });

  it('keeps notes as they were rendered, and the build cache writes them whole', () => {
    const spill = new StringSpill();
    const notes = renderMarkdown('Some *notes* with <Devoxx> and ![a picture](https://example.com/a.png) — café.\n', { html: 'keep' });
    const spilled = spill.putNotes(notes);
    expect(spilled).toBeInstanceOf(SpilledNotes);
    expect(spilled.html).toBe(notes.html);
    expect(spilled.text).toBe(notes.text);
    expect(spilled.unknownTags).toEqual(notes.unknownTags);
    expect(JSON.parse(JSON.stringify([['hash', spilled]]))).toEqual([['hash', notes]]);
  });

  it('parses into an entry that holds nothing of the file but its body, with the same values', () => {
    const text = episodeFile('title: A title long enough to be a slice\nepisode: 3\naudio:\n  url: https://media.example.com/a-long-name.mp3\n  length: 1000\n  duration: 60', 'The notes.\n');
    const settings = parseSettings(MINIMAL_SETTINGS, '/show/podsite.yaml', {}, '/show').settings!;
    const file = { file: 'episodes/2024-01-01-a.md', absolutePath: '/show/episodes/2024-01-01-a.md', text };
    const parsed = parseEntry(file, settings);
    const detached = detachedFromText(parsed, text);
    expect(detached).toEqual(parsed);
    expect(detached.episode).not.toBe(parsed.episode);
  });

  it('spills the body of a parsed episode without turning it into a dictionary in V8', () => {
    const settings = parseSettings(MINIMAL_SETTINGS, '/show/podsite.yaml', {}, '/show').settings!;
    const detached = [1, 2].map((n) => {
      const text = episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: 1000\n  duration: 60`, `The notes of ${n}.\n`);
      const file = { file: `episodes/2024-01-0${n}-e.md`, absolutePath: `/show/episodes/2024-01-0${n}-e.md`, text };
      return { file, episode: detachedFromText(parseEntry(file, settings), text).episode! };
    });
    new SpilledTexts(new StringSpill()).spillSources(detached.map(({ file }) => file), detached);
    expect(detached.map(({ episode }) => episode.markdown)).toEqual(['The notes of 1.\n', 'The notes of 2.\n']);
    setFlagsFromString('--allow-natives-syntax');
    const hasFastProperties = new Function('object', 'return %HasFastProperties(object)') as (object: object) => boolean;
    expect(detached.map(({ episode }) => hasFastProperties(episode))).toEqual([true, true]);
  });

  it('spills one file and its body at once, and leaves them as they are when all are spilled after', () => {
    const text = '---\ntitle: x\n---\nThe body.\n';
    const file = { text };
    const episode = { markdown: text.slice(17) };
    const spilled = new SpilledTexts(new StringSpill());
    spilled.spillSource(file, episode);
    expect(Object.getOwnPropertyDescriptor(file, 'text')?.get).toBeTypeOf('function');
    expect(Object.getOwnPropertyDescriptor(episode, 'markdown')?.get).toBeTypeOf('function');
    const reader = Object.getOwnPropertyDescriptor(file, 'text')?.get;
    spilled.spillSources([file], [{ file, episode }]);
    expect(Object.getOwnPropertyDescriptor(file, 'text')?.get).toBe(reader);
    expect([file.text, episode.markdown, spilled.bodyOf(episode)?.()]).toEqual([text, 'The body.\n', 'The body.\n']);
  });

  it('reads texts and bodies back through the objects that held them', () => {
    const spill = new StringSpill();
    const text = '---\ntitle: x\n---\nThe body.\n';
    const file = { text };
    const episode = { markdown: text.slice(17) };
    const copy = { markdown: episode.markdown };
    const other = { text: 'another file' };
    new SpilledTexts(spill).spillSources([file, other], [
      { file, episode },
      { file, episode: copy },
      { file, episode },
      { file: other, episode: { markdown: 'not its end' } },
    ]);
    expect(Object.getOwnPropertyDescriptor(file, 'text')?.get).toBeTypeOf('function');
    expect(file.text).toBe(text);
    expect(other.text).toBe('another file');
    expect(episode.markdown).toBe('The body.\n');
    expect(copy.markdown).toBe('The body.\n');
    expect({ ...episode }).toEqual({ markdown: 'The body.\n' });
  });

  it('makes an entry that reads its notes, body and summary from the spill only when they are asked for', () => {
    const settings = parseSettings(MINIMAL_SETTINGS, '/show/podsite.yaml', {}, '/show').settings!;
    const text = episodeFile('title: Episode 1\nepisode: 1\naudio:\n  url: https://media.example.com/e1.mp3\n  length: 1000\n  duration: 60', `${'Some notes, long enough for an excerpt. '.repeat(20)}\n`);
    const file = { file: 'episodes/2024-01-01-e1.md', absolutePath: '/show/episodes/2024-01-01-e1.md', text };
    const source = parseEntry(file, settings).episode!;
    const rendered = renderMarkdown(source.markdown, { html: 'keep' });
    const spill = new StringSpill();
    const spilled = spill.putNotes(rendered);
    let reads = 0;
    // Counts each read of the spill.
    const read = spill.read.bind(spill);
    spill.read = (place) => {
      reads++;
      return read(place);
    };
    const body = source.markdown;
    const spilledSource = { ...source };
    spillProperty(spill, spilledSource, 'markdown');
    reads = 0;
    let bodyReads = 0;
    const entry = spilledEntry(settings, spilledSource, spilled, { hosts: [], guests: [] }, () => {
      bodyReads++;
      return body;
    });
    const copy = entryWith(entry, { newer: undefined, older: undefined });
    expect([reads, bodyReads], 'nothing read to make the entry and its copy').toEqual([0, 0]);
    const inMemory = toEpisode(settings, source, rendered, { hosts: [], guests: [] });
    expect(copy.summary).toBe(inMemory.summary);
    expect(reads).toBe(1);
    expect(entry.summary, 'made once').toBe(inMemory.summary);
    expect(reads).toBe(1);
    expect([copy.html, copy.text, copy.markdown]).toEqual([inMemory.html, inMemory.text, inMemory.markdown]);
    expect(Object.keys(copy)).toEqual(Object.keys(inMemory));
  });

  it('returns a site whose entries read the same notes and bodies as a build in memory', async () => {
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
    for (let n = 1; n <= 5; n++) {
      files[`episodes/2024-02-0${n}-e${n}.md`] = episodeFile(
        `title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`,
        `Notes of episode ${n}: café, [a link](/archive/) and <img src="/images/${n}.png" alt="">.\n`,
      );
    }
    const root = await tempProject(files);
    const inMemory = await build({ cwd: root, write: false });
    const streamed = await build({ cwd: root });
    expect(streamed.ok).toBe(true);
    // Read from the spill, through one getter shared by every entry.
    expect(Object.getOwnPropertyDescriptor(streamed.site!.entries[0]!, 'html')?.get).toBe(Object.getOwnPropertyDescriptor(streamed.site!.entries[1]!, 'html')?.get);
    const facts = (site: typeof streamed.site) => site!.entries.map((entry) => ({ html: entry.html, text: entry.text, markdown: entry.markdown, summary: entry.summary }));
    expect(facts(streamed.site)).toEqual(facts(inMemory.site));
    expect(streamed.site!.entries[0]!.html).toContain('café');
  });

  it('keeps its entries, and the copies pages make of them, out of V8\'s dictionary mode', async () => {
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
    for (let n = 1; n <= 3; n++) files[`episodes/2024-02-0${n}-e${n}.md`] = episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, `Notes of episode ${n}.\n`);
    const streamed = await build({ cwd: await tempProject(files) });
    expect(streamed.ok).toBe(true);
    // A dictionary-mode entry of 44 properties took about 3 KB, against 0.4 KB: 60 MB at 20,000 episodes, and as much again for their copies.
    setFlagsFromString('--allow-natives-syntax');
    const hasFastProperties = new Function('object', 'return %HasFastProperties(object)') as (object: object) => boolean;
    const [newest, middle, oldest] = streamed.site!.entries;
    const copy = entryWith(middle!, { newer: newest, older: oldest });
    expect([newest!, middle!, oldest!, copy].map(hasFastProperties)).toEqual([true, true, true, true]);
    expect(copy.html).toBe(middle!.html);
  });
});
