import { fileURLToPath } from 'node:url';
import { parseFeed, type FeedObject } from 'podcast-partytime';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { checkFeed } from '../src/feed-check.js';
import { podcastGuid } from '../src/feed.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

/**
 * The feed as the Podcast Index reads it: podcast-partytime is its own parser. What podsite means
 * to say, the index must hear, down to every episode.
 */
const repository = fileURLToPath(new URL('..', import.meta.url));

const feedOf = (result: BuildResult): string => result.output!.files.find((file) => file.path === 'feed.xml')!.contents;

function parsed(xml: string): FeedObject {
  const feed = parseFeed(xml);
  expect(feed, 'podcast-partytime reads the feed').not.toBeNull();
  return feed!;
}

describe('the sample podcast, read by podcast-partytime', () => {
  let result: BuildResult;
  let feed: FeedObject;

  beforeAll(async () => {
    result = await build({ cwd: repository, write: false });
    feed = parsed(feedOf(result));
  });

  it('passes the feed check', () => {
    expect(checkFeed(feedOf(result))).toEqual([]);
  });

  it('sees the show as written', () => {
    const { settings } = result.site!;
    expect(feed).toMatchObject({
      title: settings.title,
      link: settings.url,
      language: settings.language,
      explicit: settings.explicit,
      itunesType: settings.type,
      itunesImage: new URL(settings.artwork!, settings.url).href,
      itunesCategory: ['Technology', 'History'],
      guid: podcastGuid(new URL('feed.xml', settings.url).href),
      pubsub: { self: new URL('feed.xml', settings.url).href },
    });
  });

  it('sees every episode, with its GUID, enclosure, duration, numbers and date', () => {
    const { episodes } = result.site!;
    expect(episodes.length).toBeGreaterThan(0);
    expect(feed.items.map((item) => item.guid)).toEqual(episodes.map((e) => e.guid ?? e.url));
    feed.items.forEach((item, index) => {
      const episode = episodes[index]!;
      expect(item, episode.file).toMatchObject({
        title: episode.title,
        enclosure: { url: episode.audio!.url, length: episode.audio!.length, type: episode.audio!.type },
        duration: episode.audio!.duration,
        itunesEpisodeType: episode.episodeType,
        pubDate: episode.date,
      });
      expect(item.itunesEpisode, episode.file).toBe(episode.number);
      expect(item.itunesSeason, episode.file).toBe(episode.season);
      expect(item.podcastSeason?.number, episode.file).toBe(episode.season);
    });
  });
});

/** Podcasting 2.0 elements podsite does not write yet, written here by hand into a built feed. */
describe('Podcasting 2.0 elements, read by the feed check and by podcast-partytime alike', () => {
  const CHANNEL_ELEMENTS = [
    '<podcast:locked owner="owner@example.com">yes</podcast:locked>',
    '<podcast:funding url="https://show.example.com/support">Support the show</podcast:funding>',
    '<podcast:person role="host" img="https://show.example.com/people/jane.jpg" href="https://jane.example.com/">Jane Host</podcast:person>',
    '<podcast:person role="co-host" group="cast">Kim Cohost</podcast:person>',
    '<podcast:txt purpose="verify">S6lpp-7ZCn8-dZfGc-OoyaG</podcast:txt>',
  ].join('');
  const ITEM_ELEMENTS = [
    '<podcast:person role="guest" href="https://guest.example.com/">Sam Guest</podcast:person>',
    '<podcast:person role="Producer" group="Creative Direction">Pat Producer</podcast:person>',
    '<podcast:transcript url="https://show.example.com/transcripts/one.vtt" type="text/vtt" rel="captions"/>',
    '<podcast:transcript url="https://show.example.com/transcripts/one.html" type="text/html" language="fr"/>',
    '<podcast:transcript url="https://show.example.com/transcripts/one.srt" type="application/x-subrip" rel="captions"/>',
    '<podcast:chapters url="https://show.example.com/chapters/one.json" type="application/json+chapters"/>',
  ].join('');

  let xml: string;

  beforeAll(async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-05-one.md': episodeFile('title: One\nepisode: 1\nguid: show-one\naudio:\n  url: https://media.example.com/one.mp3\n  length: 12345678\n  duration: "1:02:03"'),
      'episodes/2024-01-12-two.md': episodeFile('title: Two\nepisode: 2\naudio:\n  url: https://media.example.com/two.m4a\n  length: 23456789\n  duration: 61'),
    });
    const built = feedOf(await build({ cwd: root, write: false }));
    // The channel's elements before its first item; the item's at the end of the oldest episode, `One`.
    const firstItem = built.indexOf('<item>');
    const oneEnds = built.lastIndexOf('</item>');
    xml = `${built.slice(0, firstItem)}${CHANNEL_ELEMENTS}${built.slice(firstItem, oneEnds)}${ITEM_ELEMENTS}${built.slice(oneEnds)}`;
  });

  it('passes the feed check', () => {
    expect(checkFeed(xml)).toEqual([]);
  });

  it('are seen as intended', () => {
    const feed = parsed(xml);
    expect(feed.locked).toBe(true);
    expect(feed.podcastOwner).toBe('owner@example.com');
    expect(feed.podcastFunding).toEqual([{ url: 'https://show.example.com/support', message: 'Support the show' }]);
    expect(feed.podcastPeople).toEqual([
      { name: 'Jane Host', role: 'Host', group: 'Cast', img: 'https://show.example.com/people/jane.jpg', href: 'https://jane.example.com/' },
      { name: 'Kim Cohost', role: 'Co-Host', group: 'Cast' },
    ]);
    expect(feed.podcastTxt).toEqual([{ purpose: 'verify', value: 'S6lpp-7ZCn8-dZfGc-OoyaG' }]);
    expect(feed.guid).toBe(podcastGuid('https://show.example.com/feed.xml'));

    expect(feed.items.map((item) => [item.guid, item.enclosure, item.duration])).toEqual([
      ['https://show.example.com/2024/01/12/two/', { url: 'https://media.example.com/two.m4a', length: 23456789, type: 'audio/x-m4a' }, 61],
      ['show-one', { url: 'https://media.example.com/one.mp3', length: 12345678, type: 'audio/mpeg' }, 3723],
    ]);
    const one = feed.items[1]!;
    expect(one.podcastPeople).toEqual([
      { name: 'Sam Guest', role: 'Guest', group: 'Cast', href: 'https://guest.example.com/' },
      { name: 'Pat Producer', role: 'Producer', group: 'Creative Direction' },
    ]);
    // Without a language of its own, a transcript is in the feed's.
    expect(one.podcastTranscripts).toEqual([
      { url: 'https://show.example.com/transcripts/one.vtt', type: 'text/vtt', rel: 'captions', language: 'en' },
      { url: 'https://show.example.com/transcripts/one.html', type: 'text/html', language: 'fr' },
      { url: 'https://show.example.com/transcripts/one.srt', type: 'application/srt', rel: 'captions', language: 'en' },
    ]);
    expect(one.podcastChapters).toEqual({ url: 'https://show.example.com/chapters/one.json', type: 'application/json+chapters' });
    expect(feed.items[0]!.podcastPeople).toBeUndefined();
  });

  it('are reported by the feed check where the index would misread them', () => {
    // Without an owner the index ignores podcast:locked; an unknown role, it reads as a host.
    const misread = xml.replace('<podcast:locked owner="owner@example.com">', '<podcast:locked>').replace('role="guest"', 'role="special guest"');
    const feed = parsed(misread);
    expect(feed.locked).toBeUndefined();
    expect(feed.items[1]!.podcastPeople![0]).toMatchObject({ name: 'Sam Guest', role: 'Host' });
    expect(checkFeed(misread).map(({ item, element, attribute, severity }) => ({ item, element, attribute, severity }))).toEqual([
      { item: undefined, element: 'podcast:locked', attribute: 'owner', severity: 'warning' },
      { item: 1, element: 'podcast:person', attribute: 'role', severity: 'error' },
    ]);
  });
});
