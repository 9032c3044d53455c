import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { startDev, type Dev } from '../src/dev/dev.js';
import type { DevBuild } from '../src/dev/session.js';
import { SILENCE_MP3 } from './audio-host.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const audio = (n: number) => `episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}`;

const running: Dev[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((dev) => dev.close()));
});

/** A dev server on a temp site, and a way to wait for the build that a save starts. */
async function devOn(files: Record<string, string | Buffer>, baseUrl?: string) {
  const root = await tempProject(files);
  const builds: DevBuild[] = [];
  let waiting: ((build: DevBuild) => void) | undefined;
  const dev = await startDev({
    cwd: root,
    port: 0,
    now: () => NOW,
    ...(baseUrl && { baseUrl }),
    onBuild: (built) => {
      builds.push(built);
      waiting?.(built);
    },
  });
  running.push(dev);
  await dev.ready;
  const nextBuild = () =>
    new Promise<DevBuild>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no rebuild within 10 s')), 10_000);
      waiting = (built) => {
        clearTimeout(timer);
        waiting = undefined;
        resolve(built);
      };
    });
  /**
   * Makes a change on disk and waits for the rebuilds it causes: on a loaded machine the watcher
   * may report one write as two events far enough apart for two rebuilds, taken here as one.
   */
  const change = async (act: () => Promise<unknown>): Promise<DevBuild> => {
    const first = builds.length;
    const next = nextBuild();
    await act();
    await next;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await dev.idle();
    const caused = builds.slice(first);
    const last = caused.at(-1)!;
    return { ...last, full: caused.some((b) => b.full), changed: [...new Set(caused.flatMap((b) => b.changed))] };
  };
  const get = async (urlPath: string, init?: RequestInit) => {
    const response = await fetch(new URL(urlPath, dev.url), { redirect: 'manual', ...init });
    return { status: response.status, type: response.headers.get('content-type'), location: response.headers.get('location'), text: await response.text() };
  };
  return { root, dev, builds, change, get, file: (name: string) => path.join(root, name) };
}

function treeOf(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(folder, full)] = readFileSync(full, 'base64');
  }
  return files;
}

const SITE = {
  'podsite.yaml': MINIMAL_SETTINGS,
  'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}`),
  'episodes/2024-02-01-two.md': episodeFile(`title: Two\n${audio(2)}`),
  'episodes/2024-03-01-three.md': episodeFile(`title: Three\n${audio(3)}`),
  'episodes/2024-04-01-draft.md': episodeFile(`title: Coming soon\ndraft: true\n${audio(4)}`),
  'episodes/2030-01-01-later.md': episodeFile(`title: Much later\n${audio(5)}`),
  'public/artwork.png': 'png',
};

describe('podsite dev', () => {
  it('rebuilds what each save changed, and its output equals a full build of the same files', async () => {
    const { root, dev, change, get, file } = await devOn(SITE);
    expect(dev.first.ok).toBe(true);

    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<script src="/__podsite/client.js" data-events="/__podsite/events"></script></body>');
    expect(home.text).toContain('Coming soon');
    expect(home.text).toMatch(/Much later[\s\S]*Scheduled/);

    const edited = await change(() => writeFile(file('episodes/2024-02-01-two.md'), episodeFile(`title: Two, edited\n${audio(2)}`)));
    expect(edited.full).toBe(false);
    expect(edited.changed.sort()).toEqual(
      ['2024/01/01/one/index.html', '2024/02/01/two/index.html', '2024/03/01/three/index.html', 'archive/index.html', 'feed.xml', 'index.html', 'search-index.json'].sort(),
    );
    expect((await get('/2024/02/01/two/')).text).toContain('<h1 dir="auto">Two, edited</h1>');

    await change(() => writeFile(file('episodes/2024-05-01-four.md'), episodeFile(`title: Four\n${audio(6)}`)));
    expect((await get('/2024/05/01/four/')).status).toBe(200);

    await change(() => rename(file('episodes/2024-01-01-one.md'), file('episodes/2024-01-02-first.md')));
    const gone = await get('/2024/01/01/one/');
    expect(gone.status).toBe(404);
    expect(gone.text).toContain('Page not found');
    expect((await get('/2024/01/02/first/')).status).toBe(200);

    await change(() => rm(file('episodes/2024-03-01-three.md')));
    expect((await get('/2024/03/01/three/')).status).toBe(404);

    await change(() => mkdir(file('templates')).then(() => writeFile(file('templates/404.hbs'), '<h1>Lost</h1>\n')));
    expect((await get('/nowhere')).text).toContain('<h1>Lost</h1>');

    await change(() => writeFile(file('public/extra.txt'), 'extra'));
    expect((await get('/extra.txt')).text).toBe('extra');

    const settingsChanged = await change(() => writeFile(file('podsite.yaml'), MINIMAL_SETTINGS.replace('Test Show', 'Renamed Show')));
    expect(settingsChanged.full).toBe(true);
    expect((await get('/')).text).toContain('Renamed Show');

    const pageAdded = await change(() => mkdir(file('pages')).then(() => writeFile(file('pages/about.md'), '---\ntitle: About us\nmenu: true\n---\nWho we are.\n')));
    expect(pageAdded.full).toBe(false);
    expect((await get('/about/')).text).toContain('<p>Who we are.</p>');
    expect((await get('/2024/01/02/first/')).text).toContain('<a href="/about/"><bdi>About us</bdi></a>');

    await change(() => mkdir(file('people')).then(() => writeFile(file('people/ann.md'), '---\nname: Ann Host\n---\nAnn hosts the show.\n')));
    await change(() => writeFile(file('episodes/2024-02-01-two.md'), episodeFile(`title: Two, again\nhosts: ann\ntags: [Café, cafe]\n${audio(2)}`)));
    expect((await get('/people/ann/')).text).toContain('Two, again');
    expect((await get('/tags/cafe/')).text).toContain('Two, again');
    const personEdited = await change(() => writeFile(file('people/ann.md'), '---\nname: Ann Hostess\n---\nAnn hosts the show.\n'));
    expect(personEdited.changed).toContain('people/ann/index.html');
    expect((await get('/2024/02/01/two/')).text).toContain('<a href="/people/ann/">Ann Hostess</a>');

    const full = await mkdtemp(path.join(tmpdir(), 'podsite-full-'));
    try {
      const fresh = await build({ cwd: root, output: full, drafts: true, future: true, now: NOW });
      expect(fresh.ok).toBe(true);
      expect(treeOf(dev.session.outputFolder)).toEqual(treeOf(full));
    } finally {
      await rm(full, { recursive: true, force: true });
    }
  });

  it('serves the media folder, and makes the feed again when an audio file in it changes', async () => {
    const { change, get, file } = await devOn({
      'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  media: recordings\n`,
      'recordings/ep1.mp3': SILENCE_MP3,
      'episodes/2024-01-01-one.md': episodeFile('title: One\nepisode: 1\naudio:\n  url: /media/ep1.mp3'),
    });
    expect((await get('/feed.xml')).text).toContain(`<enclosure url="https://show.example.com/media/ep1.mp3" length="${SILENCE_MP3.length}" type="audio/mpeg"/>`);
    expect((await get('/media/ep1.mp3')).type).toBe('audio/mpeg');
    const longer = Buffer.concat([SILENCE_MP3, SILENCE_MP3]);
    const rebuilt = await change(() => writeFile(file('recordings/ep1.mp3'), longer));
    expect(rebuilt.ok).toBe(true);
    expect(rebuilt.changed).toEqual(expect.arrayContaining(['feed.xml', 'media/ep1.mp3']));
    expect((await get('/feed.xml')).text).toContain(`length="${longer.length}"`);
  });

  it('follows transcripts and chapters through additions, edits and removals, and still equals a full build', async () => {
    const { root, change, get, file } = await devOn(SITE);
    const same = async () => {
      const full = await mkdtemp(path.join(tmpdir(), 'podsite-full-'));
      try {
        expect((await build({ cwd: root, output: full, drafts: true, future: true, now: NOW })).ok).toBe(true);
        expect(treeOf(path.join(root, '.podsite/dev'))).toEqual(treeOf(full));
      } finally {
        await rm(full, { recursive: true, force: true });
      }
    };
    const feed = async () => (await get('/feed.xml')).text;

    const added = await change(() => writeFile(file('episodes/2024-02-01-two.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n'));
    expect(added).toMatchObject({ ok: true, full: false });
    // The page shows the transcript: it changes with the copy and the feed.
    expect(added.changed.sort()).toEqual(['2024/02/01/two/index.html', '2024/02/01/two/transcript.vtt', 'feed.xml']);
    expect((await get('/2024/02/01/two/')).text).toContain('Hello.');
    expect((await get('/2024/02/01/two/transcript.vtt')).text).toContain('Hello.');
    expect(await feed()).toContain('<podcast:transcript url="https://show.example.com/2024/02/01/two/transcript.vtt" type="text/vtt" language="en" rel="captions"/>');

    // chokidar reads a folder again at most once a second: an edit sooner after a file appeared can go unseen.
    const afterReading = () => new Promise((resolve) => setTimeout(resolve, 1100));
    await afterReading();
    // The copy and the page that shows it change; the feed, which only links to it, stays as it is.
    const edited = await change(() => writeFile(file('episodes/2024-02-01-two.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello again, edited.\n'));
    expect(edited.changed.sort()).toEqual(['2024/02/01/two/index.html', '2024/02/01/two/transcript.vtt']);
    expect((await get('/2024/02/01/two/')).text).toContain('Hello again, edited.');
    expect((await get('/2024/02/01/two/transcript.vtt')).text).toContain('Hello again, edited.');

    // Chapters from the notes: the fast path writes the page, the rebuild the chapters file and the feed.
    await change(() => writeFile(file('episodes/2024-02-01-two.md'), episodeFile(`title: Two\n${audio(2)}`, '- 00:00 Intro\n- 05:00 Main part\n')));
    expect(JSON.parse((await get('/2024/02/01/two/chapters.json')).text)).toEqual({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Intro' }, { startTime: 300, title: 'Main part' }] });
    expect(await feed()).toContain('<podcast:chapters url="https://show.example.com/2024/02/01/two/chapters.json" type="application/json+chapters"/>');
    await same();

    // A transcript named in the front matter, outside the watched folders, in a folder that does not exist yet.
    const named = await change(() => writeFile(file('episodes/2024-01-01-one.md'), episodeFile(`title: One\n${audio(1)}\ntranscript: ../transcripts/one.srt`)));
    expect(named.ok).toBe(false);
    expect(named.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule)).toEqual(['missing-transcript']);
    // chokidar sets the watch of a new path up in the background.
    const watchesSetUp = () => new Promise((resolve) => setTimeout(resolve, 500));
    await watchesSetUp();
    const folderMade = await change(() => mkdir(file('transcripts')));
    expect(folderMade.ok).toBe(false);
    await watchesSetUp();
    const created = await change(() => writeFile(file('transcripts/one.srt'), '1\n00:00:00,000 --> 00:00:01,000\nOne.\n'));
    expect(created.ok).toBe(true);
    expect((await get('/2024/01/01/one/transcript.srt')).text).toContain('One.');
    await afterReading();
    await change(() => writeFile(file('transcripts/one.srt'), '1\n00:00:00,000 --> 00:00:01,000\nOne, edited.\n'));
    expect((await get('/2024/01/01/one/transcript.srt')).text).toContain('One, edited.');
    await same();

    const removed = await change(() => rm(file('episodes/2024-02-01-two.vtt')));
    expect(removed.changed.sort()).toEqual(['2024/02/01/two/index.html', '2024/02/01/two/transcript.vtt', 'feed.xml']);
    expect((await get('/2024/02/01/two/transcript.vtt')).status).toBe(404);
    expect(await feed()).not.toContain('2024/02/01/two/transcript.vtt');
    await same();
  });

  it('keeps the last good site when a save has an error, and tells the browser', async () => {
    const { change, get, file, dev } = await devOn(SITE);
    const events: string[] = [];
    const stream = await fetch(new URL('__podsite/events', dev.url));
    const reader = stream.body!.getReader();
    const readEvents = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(decoder.decode(value));
      }
    })();

    const broken = await change(() => writeFile(file('episodes/2024-02-01-two.md'), '---\ntitle: Two\nseason: [1\n---\nNotes'));
    expect(broken.ok).toBe(false);
    expect((await get('/2024/02/01/two/')).text).toContain('<h1 dir="auto">Two</h1>');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const errorEvent = events.map((chunk) => /data: (.*)/.exec(chunk)?.[1]).filter(Boolean).map((data) => JSON.parse(data!)).find((e) => e.errors.length > 0);
    expect(errorEvent.errors[0]).toMatchObject({ file: 'episodes/2024-02-01-two.md', line: 3, rule: 'yaml-syntax', frame: expect.stringContaining('> 3 | season: [1') });

    const fixed = await change(() => writeFile(file('episodes/2024-02-01-two.md'), episodeFile(`title: Two, fixed\n${audio(2)}`)));
    expect(fixed.ok).toBe(true);
    expect((await get('/2024/02/01/two/')).text).toContain('<h1 dir="auto">Two, fixed</h1>');
    await reader.cancel();
    await readEvents.catch(() => undefined);
  });

  it('serves with content types, folder indexes and the base path, and never outside the folder', async () => {
    const { get, root } = await devOn({ ...SITE, 'secret.txt': 'not for the web' }, 'https://example.com/show/');
    await writeFile(path.join(root, '.podsite/secret.txt'), 'outside the site');
    expect((await get('/')).location).toBe('/show/');
    const page = await get('/show/2024/02/01/two/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('href="/show/assets/style.css"');
    expect((await get('/show/assets/style.css')).type).toBe('text/css; charset=utf-8');
    expect((await get('/show/feed.xml')).type).toBe('application/xml; charset=utf-8');
    expect((await get('/show/artwork.png')).type).toBe('image/png');
    expect((await get('/show/archive')).location).toBe('/show/archive/');
    for (const attempt of ['/show/../secret.txt', '/show/..%2fsecret.txt', '/show/%2e%2e/%2e%2e/secret.txt', '/show/..%5c..%5csecret.txt', '/show/%00']) {
      const response = await get(attempt);
      expect(response.status, attempt).toBe(404);
      expect(response.text, attempt).not.toContain('outside the site');
      expect(response.text, attempt).not.toContain('not for the web');
    }
    expect((await get('/show/feed.xml', { method: 'POST' })).status).toBe(405);
  });
});
