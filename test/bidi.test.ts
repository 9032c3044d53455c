import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeBidiControls } from '../src/bidi.js';
import { build } from '../src/build.js';
import { child, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, tempProject } from './helpers.js';

const RLO = '\u202e';
const PDF = '\u202c';

describe('closeBidiControls', () => {
  it.each([
    ['plain text', 'Hello'],
    ['right-to-left text without controls', 'שלום עולם'],
    ['a closed override', `a${RLO}b${PDF}c`],
    ['a closed isolate', 'a\u2067b\u2069c'],
    ['a closer without an opener', `a${PDF}\u2069b`],
  ])('leaves %s alone', (_, text) => {
    expect(closeBidiControls(text)).toBeUndefined();
  });

  it.each([
    ['an override', `שלום ${RLO}evil`, `שלום ${RLO}evil${PDF}`],
    ['an isolate', 'a\u2068b', 'a\u2068b\u2069'],
    ['nested ones, innermost first', '\u202b\u2066x', '\u202b\u2066x\u2069\u202c'],
    ['an isolate whose embedding inside was closed', '\u2066\u202ax\u202c', '\u2066\u202ax\u202c\u2069'],
    ['an embedding that a PDF inside an isolate does not close', `\u202a\u2066x\u2069${PDF}${PDF}\u202b`, `\u202a\u2066x\u2069${PDF}${PDF}\u202b${PDF}`],
    ['embeddings an isolate closer ends with its isolate', '\u2067\u202ex\u2069\u202d', '\u2067\u202ex\u2069\u202d\u202c'],
  ])('closes %s', (_, text, closed) => {
    expect(closeBidiControls(text)).toBe(closed);
  });
});

describe('right-to-left titles, names and tags in a site', () => {
  const TITLE = `שלום עולם ${RLO}evil`;
  const TAG = `مرحبا ${RLO}`;

  it('warn about controls left open, close them, and isolate the text on the pages; the feed stays well-formed', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'public/artwork.png': 'png',
      'people/dana.md': `---\nname: "דנה ${RLO}כהן"\n---\nBio.\n`,
      'episodes/2024-01-01-one.md': episodeFile(`title: "${TITLE}"\nepisode: 1\ntags: [plain, "${TAG}"]\nhosts: [dana]\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1000\n  duration: 60`),
      'episodes/2024-01-02-two.md': episodeFile('title: Two, after it\nepisode: 2\naudio:\n  url: https://media.example.com/2.mp3\n  length: 2000\n  duration: 60'),
    });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map(({ file, line, column, severity, rule }) => ({ file, line, column, severity, rule }))).toEqual([
      { file: 'episodes/2024-01-01-one.md', line: 2, column: 8, severity: 'warning', rule: 'unbalanced-bidi' },
      { file: 'episodes/2024-01-01-one.md', line: 4, column: 15, severity: 'warning', rule: 'unbalanced-bidi' },
      { file: 'people/dana.md', line: 2, column: 7, severity: 'warning', rule: 'unbalanced-bidi' },
    ]);
    const closed = `${TITLE}${PDF}`;
    const page = await readFile(path.join(root, 'dist/2024/01/01/one/index.html'), 'utf8');
    expect(page).toContain(`<h1 dir="auto">${closed}</h1>`);
    // The title in the browser's tab is followed by nothing it can reverse.
    expect(page).toMatch(new RegExp(`<title>${closed}[^${RLO}]*</title>`));
    expect(page).toMatch(new RegExp(`<a href="/tags/[^"]+/"><bdi>${TAG}${PDF}</bdi></a>`));
    expect(page).toContain(`<bdi><a href="/people/dana/">דנה ${RLO}כהן${PDF}</a></bdi>`);
    const next = await readFile(path.join(root, 'dist/2024/01/02/two/index.html'), 'utf8');
    expect(next).toContain(`← <bdi>${closed}</bdi></a>`);
    const archive = await readFile(path.join(root, 'dist/archive/index.html'), 'utf8');
    expect(archive).toContain(`<bdi>${closed}</bdi></a>`);

    const channel = child(parseXmlStrict(await readFile(path.join(root, 'dist/feed.xml'), 'utf8')), 'channel')!;
    const titles = channel.children.filter((element) => element.name === 'item').map((item) => child(item, 'title')!);
    expect(titles.map((title) => title.text)).toContain(closed);
  });

  it('close what the show title and a page title leave open, in the header, the menu and the feed', async () => {
    const show = `Radio ${RLO}Show`;
    const page = `عن ${RLO}about`;
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS.replace('title: Test Show', `title: "${show}"`),
      'public/artwork.png': 'png',
      'pages/about.md': `---\ntitle: "${page}"\nmenu: true\n---\nAbout us.\n`,
      'episodes/2024-01-01-one.md': episodeFile('title: One\nepisode: 1\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1000\n  duration: 60'),
    });
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map(({ file, line, column, rule }) => ({ file, line, column, rule }))).toEqual([
      { file: 'pages/about.md', line: 2, column: 8, rule: 'unbalanced-bidi' },
      { file: 'podsite.yaml', line: 1, column: 8, rule: 'unbalanced-bidi' },
    ]);
    const home = await readFile(path.join(root, 'dist/index.html'), 'utf8');
    expect(home).toContain(`${show}${PDF}`);
    expect(home).not.toMatch(new RegExp(`${RLO}Show[^${PDF}]`));
    expect(home).toContain(`${page}${PDF}`);
    const channel = child(parseXmlStrict(await readFile(path.join(root, 'dist/feed.xml'), 'utf8')), 'channel')!;
    expect(child(channel, 'title')!.text).toBe(`${show}${PDF}`);
  });
});
