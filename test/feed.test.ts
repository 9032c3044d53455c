import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { DevSession } from '../src/dev/session.js';
import { withAnalyticsPrefix } from '../src/feed.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, tempProject, type XmlElement } from './helpers.js';

const numbered = (n: number, extra = '') =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60\n${extra}`);

async function show(settings = '', episodes: Record<string, string> = {}) {
  return tempProject({
    'podsite.yaml': MINIMAL_SETTINGS + settings,
    'episodes/2024-01-01-one.md': numbered(1),
    'episodes/2024-01-08-two.md': numbered(2),
    'episodes/2024-01-15-three.md': numbered(3),
    ...episodes,
  });
}

const channelOf = async (file: string): Promise<XmlElement> => child(parseXmlStrict(await readFile(file, 'utf8')), 'channel')!;
const guidsOf = (channel: XmlElement) => children(channel, 'item').map((item) => child(item, 'guid')!.text);

describe('the feed', () => {
  it('says what the feed settings say: locked, funding, txt, new feed URL, block, complete', async () => {
    const root = await show(`feed:
  locked: true
  funding:
    https://support.example.com/show?a=1&b=2: Support "us" & more
  txt:
    applepodcastsverify: 1234abcd
  newUrl: https://new.example.com/feed.xml
  block: true
  complete: true
`);
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const channel = await channelOf(path.join(root, 'dist/feed.xml'));
    expect(child(channel, 'podcast:locked')).toMatchObject({ text: 'yes', attributes: { owner: 'owner@example.com' } });
    expect(child(channel, 'podcast:funding')).toMatchObject({ text: 'Support "us" & more', attributes: { url: 'https://support.example.com/show?a=1&b=2' } });
    expect(child(channel, 'podcast:txt')).toMatchObject({ text: '1234abcd', attributes: { purpose: 'applepodcastsverify' } });
    expect(child(channel, 'itunes:new-feed-url')?.text).toBe('https://new.example.com/feed.xml');
    expect(child(channel, 'itunes:block')?.text).toBe('Yes');
    expect(child(channel, 'itunes:complete')?.text).toBe('Yes');
    expect(child(channel, 'podcast:guid')?.text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('leaves out what is not set, and says the feed is not locked', async () => {
    const root = await show();
    await build({ cwd: root });
    const channel = await channelOf(path.join(root, 'dist/feed.xml'));
    expect(child(channel, 'podcast:locked')?.text).toBe('no');
    for (const name of ['podcast:funding', 'podcast:txt', 'itunes:new-feed-url', 'itunes:block', 'itunes:complete', 'podcast:trailer']) {
      expect(child(channel, name), name).toBeUndefined();
    }
  });

  it('refuses settings that would publish a broken feed', async () => {
    const root = await show('feed:\n  newUrl: feed.xml\n  analyticsPrefix: http://op3.dev/e/\n  guid: not-a-uuid\n');
    const result = await build({ cwd: root });
    expect(result.diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ['invalid-url', 12],
      ['invalid-url', 13],
      ['invalid-feed-guid', 14],
    ]);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('announces trailers in the channel', async () => {
    const root = await show('', {
      'episodes/2023-12-20-trailer.md': episodeFile('title: Coming soon\ntype: trailer\nseason: 1\naudio:\n  url: https://media.example.com/trailer.mp3\n  length: 500'),
    });
    await build({ cwd: root });
    const trailer = child(await channelOf(path.join(root, 'dist/feed.xml')), 'podcast:trailer');
    expect(trailer).toMatchObject({
      text: 'Coming soon',
      attributes: { url: 'https://media.example.com/trailer.mp3', length: '500', type: 'audio/mpeg', season: '1', pubdate: 'Wed, 20 Dec 2023 00:00:00 +0100' },
    });
  });

  it('puts the analytics prefix before every enclosure once, and not in podsite dev', async () => {
    const root = await show('feed:\n  analyticsPrefix: https://op3.dev/e/\n', { 'episodes/2024-01-22-four.md': numbered(4).replace('https://media.example.com/e4.mp3', 'https://op3.dev/e/media.example.com/e4.mp3') });
    await build({ cwd: root });
    const channel = await channelOf(path.join(root, 'dist/feed.xml'));
    expect(children(channel, 'item').map((item) => child(item, 'enclosure')!.attributes.url)).toEqual([
      'https://op3.dev/e/media.example.com/e4.mp3',
      'https://op3.dev/e/media.example.com/e3.mp3',
      'https://op3.dev/e/media.example.com/e2.mp3',
      'https://op3.dev/e/media.example.com/e1.mp3',
    ]);
    const session = new DevSession({ cwd: root });
    await session.rebuild();
    const preview = await channelOf(path.join(session.outputFolder, 'feed.xml'));
    expect(child(children(preview, 'item')[1]!, 'enclosure')!.attributes.url).toBe('https://media.example.com/e3.mp3');
  });

  it('splits a long archive into RFC 5005 paged feeds that link to each other', async () => {
    const root = await show('feed:\n  limit: 2\n', { 'episodes/2024-01-22-four.md': numbered(4), 'episodes/2024-01-29-five.md': numbered(5) });
    const result = await build({ cwd: root });
    // Every page passes the feed check, its items named after their own episodes.
    expect(result.diagnostics).toEqual([]);
    const pages = [path.join(root, 'dist/feed.xml'), path.join(root, 'dist/feed/page/2.xml'), path.join(root, 'dist/feed/page/3.xml')];
    const channels = await Promise.all(pages.map(channelOf));
    expect(channels.map((channel) => children(channel, 'item').map((item) => child(item, 'title')!.text))).toEqual([
      ['Episode 5', 'Episode 4'],
      ['Episode 3', 'Episode 2'],
      ['Episode 1'],
    ]);
    const links = (channel: XmlElement) => Object.fromEntries(children(channel, 'atom:link').map((link) => [link.attributes.rel, link.attributes.href]));
    const url = (n: number) => (n === 1 ? 'https://show.example.com/feed.xml' : `https://show.example.com/feed/page/${n}.xml`);
    expect(links(channels[0]!)).toEqual({ self: url(1), first: url(1), last: url(3), next: url(2) });
    expect(links(channels[1]!)).toEqual({ self: url(2), first: url(1), last: url(3), previous: url(1), next: url(3) });
    expect(links(channels[2]!)).toEqual({ self: url(3), first: url(1), last: url(3), previous: url(2) });
    expect(existsSync(path.join(root, 'dist/feed/page/4.xml'))).toBe(false);
  });

  it('keeps every GUID when the permalinks change, through the ledger the build writes', async () => {
    const root = await show();
    await build({ cwd: root });
    const before = guidsOf(await channelOf(path.join(root, 'dist/feed.xml')));
    expect(before).toEqual(['https://show.example.com/2024/01/15/three/', 'https://show.example.com/2024/01/08/two/', 'https://show.example.com/2024/01/01/one/']);
    const ledger = await readFile(path.join(root, 'podsite.lock'), 'utf8');
    expect(ledger).toContain('"file":"episodes/2024-01-08-two.md"');

    // New permalinks, a renamed file and a new audio host: apps must see the same three episodes.
    await writeFile(path.join(root, 'podsite.yaml'), `${MINIMAL_SETTINGS}build:\n  permalink: /episodes/:episode/\n`);
    await writeFile(path.join(root, 'episodes/2024-01-08-two.md'), (await readFile(path.join(root, 'episodes/2024-01-08-two.md'), 'utf8')).replace('media.example.com', 'cdn.example.net'));
    await import('node:fs/promises').then((fs) => fs.rename(path.join(root, 'episodes/2024-01-15-three.md'), path.join(root, 'episodes/2024-01-15-episode-three.md')));
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const channel = await channelOf(path.join(root, 'dist/feed.xml'));
    expect(guidsOf(channel)).toEqual(before);
    expect(children(channel, 'item').map((item) => child(item, 'guid')!.attributes.isPermaLink)).toEqual(['false', 'false', 'false']);
    expect(child(children(channel, 'item')[0]!, 'link')!.text).toBe('https://show.example.com/episodes/3/');
    expect(await readFile(path.join(root, 'podsite.lock'), 'utf8')).toContain('"file":"episodes/2024-01-15-episode-three.md"');
  });

  it('writes the ledger again when a record changes, or when its text is not as podsite writes it', async () => {
    const root = await show();
    const ledgerFile = path.join(root, 'podsite.lock');
    await build({ cwd: root });
    const written = await readFile(ledgerFile, 'utf8');
    // The same records, formatted by hand: written back as podsite writes them.
    await writeFile(ledgerFile, `${JSON.stringify(JSON.parse(written), null, 2)}\n`);
    expect((await build({ cwd: root })).diagnostics).toEqual([]);
    expect(await readFile(ledgerFile, 'utf8')).toBe(written);
    // A number changed: its record changes.
    await writeFile(path.join(root, 'episodes/2024-01-08-two.md'), numbered(2).replace('episode: 2', 'episode: 2\nseason: 3'));
    expect((await build({ cwd: root })).ok).toBe(true);
    expect(await readFile(ledgerFile, 'utf8')).toContain('"file":"episodes/2024-01-08-two.md","season":3,"episode":2,');
  });

  it('writes the ledger only with the site: not on errors, not for check or dev', async () => {
    const root = await show('', { 'episodes/2024-02-01-broken.md': episodeFile('title: Broken\ndate: 2024-02-30') });
    expect((await build({ cwd: root })).ok).toBe(false);
    expect(existsSync(path.join(root, 'podsite.lock'))).toBe(false);
    await writeFile(path.join(root, 'episodes/2024-02-01-broken.md'), numbered(4));
    expect((await build({ cwd: root, write: false })).ok).toBe(true);
    await new DevSession({ cwd: root }).rebuild();
    expect(existsSync(path.join(root, 'podsite.lock'))).toBe(false);
    expect((await build({ cwd: root })).ok).toBe(true);
    expect(existsSync(path.join(root, 'podsite.lock'))).toBe(true);
  });
});

describe('withAnalyticsPrefix', () => {
  it('puts the prefix before the URL without its scheme, never twice', () => {
    expect(withAnalyticsPrefix('https://cdn.example.com/a.mp3', undefined)).toBe('https://cdn.example.com/a.mp3');
    expect(withAnalyticsPrefix('https://cdn.example.com/a.mp3', 'https://op3.dev/e/')).toBe('https://op3.dev/e/cdn.example.com/a.mp3');
    expect(withAnalyticsPrefix('http://cdn.example.com/a.mp3', 'https://dts.podtrac.com/redirect.mp3')).toBe('https://dts.podtrac.com/redirect.mp3/cdn.example.com/a.mp3');
    expect(withAnalyticsPrefix('https://op3.dev/e/cdn.example.com/a.mp3', 'https://op3.dev/e/')).toBe('https://op3.dev/e/cdn.example.com/a.mp3');
    expect(withAnalyticsPrefix('https://OP3.dev/e/cdn.example.com/a.mp3', 'https://op3.dev/e/')).toBe('https://OP3.dev/e/cdn.example.com/a.mp3');
    // Another service's prefix stays: chaining two services is common.
    expect(withAnalyticsPrefix('https://dts.podtrac.com/redirect.mp3/cdn.example.com/a.mp3', 'https://op3.dev/e/')).toBe(
      'https://op3.dev/e/dts.podtrac.com/redirect.mp3/cdn.example.com/a.mp3',
    );
  });
});
