import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createCache } from '../src/cache.js';
import { parseSettings } from '../src/config.js';
import { nestingBeyond, renderMarkdown } from '../src/markdown.js';
import { episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject } from './helpers.js';

const EPISODE = (body = 'Some notes.\n', extra = '') =>
  episodeFile(`title: Hello\n${extra}audio:\n  url: https://media.example.com/a.mp3\n  length: 1000`, body);

const nestedList = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- item`).join('\n');

describe('Markdown nesting, scanned before remark', () => {
  it('finds quotes, lists, brackets and emphasis nested past the limit, where they pass it', () => {
    expect(nestingBeyond(`${'>'.repeat(2000)} x`, 100)).toEqual({ line: 1, column: 101, what: 'quotes and lists', limit: 100 });
    expect(nestingBeyond(`- ${'- '.repeat(150)}x`, 100)).toMatchObject({ line: 1, what: 'quotes and lists' });
    expect(nestingBeyond(`Intro\n\n${nestedList(600)}`, 100)).toMatchObject({ line: 103, column: 201, what: 'quotes and lists' });
    expect(nestingBeyond(`${'['.repeat(20_000)}x`, 100)).toEqual({ line: 1, column: 101, what: 'brackets', limit: 100 });
    expect(nestingBeyond(`${'*'.repeat(5000)}a${'*'.repeat(5000)}`, 100)).toEqual({ line: 1, column: 101, what: 'emphasis', limit: 100 });
    // Inside a word `*` both opens and closes.
    expect(nestingBeyond(`x${'*'.repeat(5000)}x${'*'.repeat(5000)}x`, 100)).toEqual({ line: 1, column: 102, what: 'emphasis', limit: 100 });
    expect(nestingBeyond(`a\n\n${'_a '.repeat(150)}${'a_ '.repeat(150)}`, 100)).toEqual({ line: 3, column: 301, what: 'emphasis', limit: 100 });
    // Brackets left open on one line still count on the next line of the same paragraph.
    expect(nestingBeyond(`${'['.repeat(60)}a\n${'['.repeat(60)}b`, 100)).toMatchObject({ line: 2, column: 41, what: 'brackets' });
  });

  it('leaves real notes alone: balanced markup, unclosed emphasis, a blank line, code in a fence', () => {
    const notes = [
      '# Links',
      '',
      '> A quote with **bold**, *emphasis*, ~~struck~~ and [a link](https://example.com/) in it.',
      '> > A reply.',
      '',
      nestedList(20),
      '',
      `${'*a **a '.repeat(20_000)}`,
      '',
      `${'['.repeat(90)}x`,
      '',
      `${'['.repeat(90)}y`,
      '',
      '```python',
      `${'>'.repeat(300)} ascii art`,
      '```',
      '',
      `${'[a] '.repeat(5000)} snake_case_name __init__ 2 * 3 * 4 a*b*c**d**e`,
      `${'**bold** and *em* '.repeat(5000)}`,
    ].join('\n');
    expect(nestingBeyond(notes, 100)).toBeUndefined();
  });

  it('shows notes nested too deep as plain text, escaped, instead of overflowing the stack', () => {
    const notes = renderMarkdown(`Hello <b>there</b>\n\n${'>'.repeat(2000)} x`, { html: 'keep' });
    expect(notes.tooDeep).toMatchObject({ line: 3, column: 101, what: 'quotes and lists' });
    expect(notes.html).toBe(`<p>Hello &lt;b&gt;there&lt;/b&gt;</p>\n<p>${'&gt;'.repeat(2000)} x</p>`);
    expect(notes.text).toBe(`Hello <b>there</b> ${'>'.repeat(2000)} x`);
  });

  it('turns a stack overflow in remark into the same plain text, as a last resort', () => {
    // A limit too high for the scan to stop anything: remark itself runs out of stack.
    const notes = renderMarkdown(`${'>'.repeat(3000)} x`, { html: 'keep', maxDepth: 1_000_000 });
    expect(notes.tooDeep).toEqual({ line: 1, column: 1, what: 'markup', limit: 1_000_000 });
    expect(notes.html).toContain('&gt;&gt;&gt;');
  });

  it('renders notes within the limit as before', () => {
    const notes = renderMarkdown(`${'> '.repeat(5)}deep\n\n${nestedList(5)}`, { html: 'keep', maxDepth: 10 });
    expect(notes.tooDeep).toBeUndefined();
    expect(notes.html.match(/<blockquote>/g)).toHaveLength(5);
    expect(notes.html.match(/<ul>/g)).toHaveLength(5);
  });
});

describe('bounded cost in a build', () => {
  it('reports notes nested 2,000 deep at their line, with the setting to raise, and writes nothing', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-quotes.md': EPISODE(`Intro\n\n${'>'.repeat(2000)} x\n`),
    });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(({ file, line, column, rule, severity }) => ({ file, line, column, rule, severity }))).toEqual([
      { file: 'episodes/2024-01-01-quotes.md', line: 9, column: 101, rule: 'markdown-too-deep', severity: 'error' },
    ]);
    expect(result.diagnostics[0]!.hint).toContain('limits.markdownDepth');
  });

  it('publishes notes too deep as plain text when the rule is lowered, in a page and a feed that parse', async () => {
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}rules:\n  markdown-too-deep: warn\n`,
      'episodes/2024-01-01-brackets.md': EPISODE(`Intro <i>x</i>\n\n${'['.repeat(20_000)}x\n`),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => [d.rule, d.severity, d.line, d.column])).toEqual([['markdown-too-deep', 'warning', 9, 101]]);
    expect(result.ok).toBe(true);
    const page = await readText(path.join(root, 'dist/2024/01/01/brackets/index.html'));
    expect(page).toContain('<p>Intro &lt;i&gt;x&lt;/i&gt;</p>');
    parseXmlStrict(await readText(path.join(root, 'dist/feed.xml')));
  });

  it('still reports notes too deep when a later build takes them from the build cache, through the spill, or from podsite dev\'s memory', async () => {
    const deep = EPISODE(`Intro\n\n${'['.repeat(20_000)}x\n`);
    const other = (notes: string) => episodeFile('title: Other\ndate: 2024-01-02\naudio:\n  url: https://media.example.com/b.mp3\n  length: 2000', notes);
    const files = { 'podsite.yaml': `${MINIMAL_SETTINGS}rules:\n  markdown-too-deep: warn\n`, 'episodes/2024-01-01-brackets.md': deep, 'episodes/2024-01-02-other.md': other('First.\n') };
    const tooDeep = (result: Awaited<ReturnType<typeof build>>) => result.diagnostics.map((d) => [d.file, d.rule, d.line, d.column]);
    const expected = [['episodes/2024-01-01-brackets.md', 'markdown-too-deep', 9, 101]];

    // A plain build: the notes are kept in .podsite-cache/, and a build that streams its pages reads them back through the spill.
    const root = await tempProject(files);
    expect(tooDeep(await build({ cwd: root }))).toEqual(expected);
    await writeFile(path.join(root, 'episodes/2024-01-02-other.md'), other('Second.\n'));
    const second = await build({ cwd: root });
    expect(second.upToDate, 'the pipeline ran').toBeUndefined();
    expect(second.notes).toEqual({ rendered: 1, reused: 1 });
    expect(tooDeep(second)).toEqual(expected);

    // podsite dev: the notes are kept in memory between builds.
    const devRoot = await tempProject(files);
    const cache = createCache();
    expect(tooDeep(await build({ cwd: devRoot, cache }))).toEqual(expected);
    await writeFile(path.join(devRoot, 'episodes/2024-01-02-other.md'), other('Second.\n'));
    const devSecond = await build({ cwd: devRoot, cache });
    expect(devSecond.notes).toEqual({ rendered: 1, reused: 1 });
    expect(tooDeep(devSecond)).toEqual(expected);
  });

  it('takes the depth limit from the settings, for notes, bios and pages', async () => {
    const deep = `${'> '.repeat(4)}four levels\n`;
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}limits:\n  markdownDepth: 3\n`,
      'episodes/2024-01-01-a.md': EPISODE(deep),
      'people/ann.md': `---\nname: Ann\n---\n${deep}`,
      'pages/about.md': `---\ntitle: About\n---\n${deep}`,
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => [d.file, d.rule, d.line, d.column])).toEqual([
      ['episodes/2024-01-01-a.md', 'markdown-too-deep', 7, 7],
      ['pages/about.md', 'markdown-too-deep', 4, 7],
      ['people/ann.md', 'markdown-too-deep', 4, 7],
    ]);
  });

  it('reports a 5 MB episode as too large without reading it into the Markdown reader', async () => {
    const paragraph = 'A paragraph with a [link](https://example.com/x) and *emphasis* and **strong**.\n\n';
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-huge.md': EPISODE(paragraph.repeat(Math.ceil(5_000_000 / paragraph.length))),
      'episodes/2024-01-02-fine.md': EPISODE(),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics.map(({ file, line, column, rule, severity }) => ({ file, line, column, rule, severity }))).toEqual([
      { file: 'episodes/2024-01-01-huge.md', line: 1, column: 1, rule: 'file-too-large', severity: 'error' },
    ]);
    expect(result.diagnostics[0]!.message).toContain('4.8 MB');
    expect(result.diagnostics[0]!.hint).toContain('limits.fileSize');
  });

  it('reports a 1 MB line at its first character past the limit, and the file size limit can be raised', async () => {
    const line = 'word [link](https://example.com/) *em* '.repeat(27_000);
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}limits:\n  fileSize: 2000000\n`,
      'episodes/2024-01-01-line.md': EPISODE(`Intro\n\n${line}\n`),
      'people/bob.md': `---\nname: Bob\n---\n${'b'.repeat(60_000)}\n`,
      'pages/about.md': `---\ntitle: About\n---\n\n${'c'.repeat(50_000)}\n`,
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => [d.file, d.rule, d.line, d.column])).toEqual([
      ['episodes/2024-01-01-line.md', 'line-too-long', 9, 50_001],
      ['people/bob.md', 'line-too-long', 4, 50_001],
    ]);
    expect(result.diagnostics[0]!.hint).toContain('limits.lineLength');
  });

  it('reports front matter past limits.frontMatterSize where it passes it, before any YAML is parsed', async () => {
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}limits:\n  frontMatterSize: 200\n`,
      'episodes/2024-01-01-a.md': EPISODE('Notes.\n', `description: "${'é'.repeat(300)}"\n`),
      'episodes/2024-01-02-b.md': EPISODE(),
    });
    const result = await build({ cwd: root });
    // `title: Hello\n` and `description: "` are 27 bytes; at 2 bytes each, the 87th é is the first past 200.
    expect(result.diagnostics.map((d) => [d.file, d.rule, d.line, d.column])).toEqual([['episodes/2024-01-01-a.md', 'front-matter-too-large', 3, 14 + 87]]);
    expect(result.diagnostics[0]!.hint).toContain('limits.frontMatterSize');
  });

  it('takes the YAML alias and depth limits from the settings', async () => {
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}limits:\n  yamlAliases: 2\n  yamlDepth: 2\n`,
      'episodes/2024-01-01-aliases.md': EPISODE('Notes.\n', 'author: &who Ann\ntags: [*who, *who, *who]\n'),
      'episodes/2024-01-02-deep.md': EPISODE('Notes.\n', 'tags: [[[a]]]\n'),
      'episodes/2024-01-03-fine.md': EPISODE('Notes.\n', 'author: &who Ann\ntags: [*who, *who]\n'),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => [d.file, d.rule, d.line, d.column])).toEqual([
      ['episodes/2024-01-01-aliases.md', 'yaml-alias-limit', 4, 8],
      ['episodes/2024-01-02-deep.md', 'yaml-too-deep', 3, 9],
    ]);
    expect(result.diagnostics.map((d) => d.hint)).toEqual([expect.stringContaining('limits.yamlAliases'), expect.stringContaining('limits.yamlDepth')]);
  });

  it('refuses limits that are not whole numbers, with the key', () => {
    const loaded = parseSettings(`${MINIMAL_SETTINGS}limits:\n  fileSize: 1 MB\n  markdownDepth: 0\n`, '/p/podsite.yaml', {}, '/p');
    expect(loaded.settings).toBeUndefined();
    expect(loaded.diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ['wrong-type', 12],
      ['wrong-type', 13],
    ]);
  });
});

describe('prototype names as keys', () => {
  it('are unknown keys of episodes (nested too) and person files, and change no object', async () => {
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}rules:\n  unknown-key: warn\n`,
      'episodes/2024-01-01-a.md': episodeFile(
        [
          'title: Hello',
          '__proto__:',
          '  polluted: yes',
          'constructor:',
          '  prototype:',
          '    polluted: yes',
          'prototype: x',
          'audio:',
          '  url: https://media.example.com/a.mp3',
          '  length: 1000',
          '  __proto__: { polluted: yes }',
          '  constructor: { polluted: yes }',
          'chapters:',
          '  - { start: 0, title: One, __proto__: { polluted: yes } }',
        ].join('\n'),
      ),
      'people/ann.md': '---\nname: Ann\n__proto__:\n  polluted: yes\nconstructor: { prototype: { polluted: yes } }\n---\nBio.\n',
    });
    const result = await build({ cwd: root });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.file, d.rule, d.line])).toEqual([
      ['episodes/2024-01-01-a.md', 'unknown-key', 3],
      ['episodes/2024-01-01-a.md', 'unknown-key', 5],
      ['episodes/2024-01-01-a.md', 'unknown-key', 8],
      ['episodes/2024-01-01-a.md', 'unknown-key', 12],
      ['episodes/2024-01-01-a.md', 'unknown-key', 13],
      ['episodes/2024-01-01-a.md', 'unknown-key', 15],
      ['people/ann.md', 'unknown-key', 3],
      ['people/ann.md', 'unknown-key', 5],
    ]);
    const page = await readFile(path.join(root, 'dist/2024/01/01/a/index.html'), 'utf8');
    expect(page).not.toContain('polluted');
  });
});
