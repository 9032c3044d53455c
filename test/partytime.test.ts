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

/** Podcasting 2.0 elements as podsite writes them, from settings, person files, transcripts and chapters. */
describe('Podcasting 2.0 elements, read by the feed check and by podcast-partytime alike', () => {
  const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n';
  const srt = '1\n00:00:00,000 --> 00:00:01,000\nHello.\n';
  let xml: string;

  beforeAll(async () => {
    const root = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}feed:
  locked: true
  funding:
    https://show.example.com/support: Support the show
  txt:
    verify: S6lpp-7ZCn8-dZfGc-OoyaG
`,
      'people/jane-host.md': '---\nname: Jane Host\nimage: /people/jane.jpg\nlink: https://jane.example.com/\n---\nJane hosts.\n',
      'people/kim-cohost.md': '---\nname: Kim Cohost\nrole: co-host\n---\n',
      'people/sam-guest.md': '---\nname: Sam Guest\nrole: guest\nlink: https://guest.example.com/\n---\n',
      'episodes/2024-01-05-one.md': episodeFile(
        'title: One\nepisode: 1\nguid: show-one\nhosts: Jane Host, kim-cohost\nguests: [Sam Guest]\naudio:\n  url: https://media.example.com/one.mp3\n  length: 12345678\n  duration: "1:02:03"\ntranscript:\n  - 2024-01-05-one.vtt\n  - 2024-01-05-one.srt\n  - url: one.fr.html\n    language: fr',
        '- 00:00 Intro\n- 12:30 The main part\n',
      ),
      'episodes/2024-01-05-one.vtt': vtt,
      'episodes/2024-01-05-one.srt': srt,
      'episodes/one.fr.html': '<p>Bonjour.</p>\n',
      'episodes/2024-01-12-two.md': episodeFile('title: Two\nepisode: 2\naudio:\n  url: https://media.example.com/two.m4a\n  length: 23456789\n  duration: 61'),
    });
    const result = await build({ cwd: root, write: false });
    expect(result.diagnostics).toEqual([]);
    xml = feedOf(result);
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
      { name: 'Jane Host', role: 'Host', group: 'Cast', img: 'https://show.example.com/people/jane.jpg', href: 'https://jane.example.com/' },
      { name: 'Kim Cohost', role: 'Co-Host', group: 'Cast' },
      { name: 'Sam Guest', role: 'Guest', group: 'Cast', href: 'https://guest.example.com/' },
    ]);
    // partytime names SubRip `application/srt`.
    expect(one.podcastTranscripts).toEqual([
      { url: 'https://show.example.com/2024/01/05/one/transcript.vtt', type: 'text/vtt', rel: 'captions', language: 'en' },
      { url: 'https://show.example.com/2024/01/05/one/transcript.srt', type: 'application/srt', rel: 'captions', language: 'en' },
      { url: 'https://show.example.com/2024/01/05/one/transcript.html', type: 'text/html', language: 'fr' },
    ]);
    expect(one.podcastChapters).toEqual({ url: 'https://show.example.com/2024/01/05/one/chapters.json', type: 'application/json+chapters' });
    expect(feed.items[0]!.podcastPeople).toBeUndefined();
  });

  it('are reported by the feed check where the index would misread them', () => {
    // Without an owner the index ignores podcast:locked; an unknown role, it reads as a host.
    const misread = xml.replace('<podcast:locked owner="owner@example.com">', '<podcast:locked>').replace('role="guest"', 'role="special guest"');
    const feed = parsed(misread);
    expect(feed.locked).toBeUndefined();
    expect(feed.items[1]!.podcastPeople![2]).toMatchObject({ name: 'Sam Guest', role: 'Host' });
    expect(checkFeed(misread).map(({ item, element, attribute, severity }) => ({ item, element, attribute, severity }))).toEqual([
      { item: undefined, element: 'podcast:locked', attribute: 'owner', severity: 'warning' },
      { item: 1, element: 'podcast:person', attribute: 'role', severity: 'error' },
    ]);
  });
});
