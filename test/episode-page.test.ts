import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createCache } from '../src/cache.js';
import { episodeFile, MINIMAL_SETTINGS, readText, tempProject } from './helpers.js';

const SRT = [
  '1',
  '00:00:00,000 --> 00:00:04,000',
  'Welcome to <i>Test Show</i>.',
  '',
  '2',
  '00:12:30,500 --> 00:12:35,000',
  'Never write &lt;script&gt;alert(1)&lt;/script&gt; in a page.',
  '',
].join('\n');

const EPISODE = episodeFile(
  `title: Pumps & Pipes
episode: 2
season: 1
audio:
  url: https://media.example.com/2.mp3
  length: 45400000
  duration: "1:04:27"
youtube: https://youtu.be/Xk7pQ2vLm9A
hosts: [Jane Doe]
guests: [Sam Roe]
tags: [water]
chapters:
  - { start: 0, title: Intro }
  - { start: "12:30", title: "Valves <and> pumps", url: "https://example.com/valves" }
  - { start: "1:02:03", title: Credits }`,
  'Notes about pumps.\n',
);

const files = (settings = MINIMAL_SETTINGS) => ({
  'podsite.yaml': settings,
  'episodes/2024-01-01-one.md': episodeFile('title: One\nseason: 1\nepisode: 1\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1001'),
  'episodes/2024-02-01-pumps.md': EPISODE,
  'episodes/2024-02-01-pumps.srt': SRT,
  'episodes/2024-03-01-three.md': episodeFile('title: Three\nseason: 1\nepisode: 3\naudio:\n  url: https://media.example.com/3.mp3\n  length: 1003'),
  'people/jane-doe.md': '---\nname: Jane Doe\n---\n',
  'people/sam-roe.md': '---\nname: Sam Roe\n---\n',
  'public/artwork.png': 'png',
});

const PAGE = 'dist/2024/02/01/pumps/index.html';

/** Every `src` attribute of the page: what the browser loads without being asked. */
const sources = (html: string) => [...html.matchAll(/\ssrc="([^"]*)"/g)].map((match) => match[1]!);

describe('the episode page', () => {
  it('has a native player with speed buttons, chapters and a transcript that seek it, and the video behind a click', async () => {
    const root = await tempProject(files());
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const html = await readText(path.join(root, PAGE));

    expect(html).toContain('<audio controls preload="none" src="https://media.example.com/2.mp3">');
    expect(html).toContain('<a href="https://media.example.com/2.mp3" download>Download the episode (45.4 MB)</a>');
    expect(html).toMatch(/<div class="player-speeds" role="group" aria-label="Playback speed" data-speeds hidden>/);
    expect([...html.matchAll(/<button type="button" data-speed="([\d.]+)" aria-pressed="(true|false)">/g)].map((m) => [m[1], m[2]])).toEqual([
      ['1', 'true'],
      ['1.25', 'false'],
      ['1.5', 'false'],
      ['2', 'false'],
    ]);
    expect(html).toContain('<script src="/assets/player.js" defer></script>');

    // Chapter links open the audio at their time without the script, and seek the player with it.
    expect(html).toContain('<a href="https://media.example.com/2.mp3#t=750" data-seek="750"><span class="timecode">0:12:30</span> <bdi>Valves &lt;and&gt; pumps</bdi></a> (<a href="https://example.com/valves">link</a>)');
    expect(html).toContain('<a href="https://media.example.com/2.mp3#t=3723" data-seek="3723"><span class="timecode">1:02:03</span> <bdi>Credits</bdi></a>');

    // The SubRip file beside the episode, shown on the page with its markup removed and its text escaped.
    expect(html).toContain('<details class="transcript" lang="en">');
    expect(html).toContain('<a href="https://media.example.com/2.mp3#t=0" data-seek="0" class="timecode">0:00:00</a> Welcome to Test Show.');
    expect(html).toContain('<a href="https://media.example.com/2.mp3#t=750.5" data-seek="750.5" class="timecode">0:12:30</a> Never write &lt;script&gt;alert(1)&lt;/script&gt; in a page.');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<a href="https://show.example.com/2024/02/01/pumps/transcript.srt" type="application/x-subrip" hreflang="en">SubRip (en)</a>');

    // The video: a link to YouTube until the listener asks, and nothing loaded from there before.
    expect(html).toContain('<a class="video-preview" href="https://www.youtube.com/watch?v=Xk7pQ2vLm9A" data-youtube="Xk7pQ2vLm9A" data-frame-title="Video: Pumps &amp; Pipes">');
    expect(html).toContain('Play the video (loads from YouTube)');
    expect(html).not.toContain('<iframe');
    expect(sources(html).filter((src) => /youtube|ytimg|googlevideo/.test(src))).toEqual([]);
    // The only other host in a src is the audio's, which preload="none" does not load.
    expect(sources(html).filter((src) => !src.startsWith('/'))).toEqual(['https://media.example.com/2.mp3']);

    expect(html).toContain('<p class="people"><strong>Hosts:</strong> <bdi><a href="/people/jane-doe/">Jane Doe</a></bdi></p>');
    expect(html).toContain('<p class="people"><strong>Guests:</strong> <bdi><a href="/people/sam-roe/">Sam Roe</a></bdi></p>');
    expect(html).toContain('<li><a href="/tags/water/"><bdi>water</bdi></a></li>');
    expect(html).toContain('<a rel="prev" href="/2024/01/01/one/">← <bdi>One</bdi></a>');
    expect(html).toContain('<a rel="next" href="/2024/03/01/three/"><bdi>Three</bdi> →</a>');

    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });
    const report = await validator.validateString(html, PAGE);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
  });

  it('speaks the show’s language: French strings, and the size in Mo', async () => {
    const root = await tempProject(files(MINIMAL_SETTINGS.replace('language: en', 'language: fr')));
    expect((await build({ cwd: root })).diagnostics).toEqual([]);
    const html = await readText(path.join(root, PAGE));
    expect(html).toContain('Télécharger l’épisode (45,4 Mo)');
    expect(html).toContain('aria-label="Vitesse de lecture"');
    expect(html).toContain('<h2 id="chapters-heading">Chapitres</h2>');
    expect(html).toContain('<summary>Transcription</summary>');
    expect(html).toContain('Lire la vidéo (chargée depuis YouTube)');
  });

  it('loads no script on a news post, and shows no transcript when the file has no cue', async () => {
    const root = await tempProject({ ...files(), 'episodes/2024-02-01-pumps.srt': 'not a transcript\n', 'episodes/2024-04-01-news.md': episodeFile('title: News') });
    expect((await build({ cwd: root })).diagnostics).toEqual([]);
    expect(await readText(path.join(root, 'dist/2024/04/01/news/index.html'))).not.toContain('player.js');
    const html = await readText(path.join(root, PAGE));
    expect(html).not.toContain('<details');
    expect(html).toContain('transcript.srt');
  });

  it('shows a YouTube embed of the notes as the click-to-load preview, with the script that plays it', async () => {
    const embed = '<iframe width="560" height="315" src="https://www.youtube.com/embed/9zrMlEEWBgY" frameborder="0" allowfullscreen></iframe>';
    const root = await tempProject({ ...files(), 'episodes/2024-04-01-news.md': episodeFile('title: News', `Our talk:\n\n${embed}\n`) });
    expect((await build({ cwd: root })).diagnostics).toEqual([]);
    const html = await readText(path.join(root, 'dist/2024/04/01/news/index.html'));
    expect(html).not.toContain('<iframe');
    expect(html).toContain('<a class="video-preview" href="https://www.youtube.com/watch?v=9zrMlEEWBgY" data-youtube="9zrMlEEWBgY"');
    expect(html).toContain('player.js');
  });

  it('is made again when only the transcript file changes, which podsite dev reads again only then', async () => {
    const root = await tempProject(files());
    const transcript = path.join(root, 'episodes/2024-02-01-pumps.srt');
    const cache = createCache();
    await build({ cwd: root, cache });
    // As podsite dev does: the files changed since the last build are the dirty ones.
    cache.dirty = new Set([transcript]);
    await writeFile(transcript, SRT.replace('Welcome to', 'Hello from'));
    const result = await build({ cwd: root, cache });
    expect(result.fresh).toContain('2024/02/01/pumps/index.html');
    expect(await readText(path.join(root, PAGE))).toContain('Hello from Test Show.');

    // A file no save touched is taken from the cache.
    cache.dirty = new Set();
    await writeFile(transcript, SRT.replace('Welcome to', 'Unseen'));
    expect((await build({ cwd: root, cache })).fresh).not.toContain('2024/02/01/pumps/index.html');
    expect(await readText(path.join(root, PAGE))).toContain('Hello from Test Show.');
  });
});
