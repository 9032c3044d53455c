import { describe, expect, it } from 'vitest';
import type { Settings } from '../src/config.js';
import { podcastGuid } from '../src/feed.js';
import { episodeFiles } from '../src/import/episode-files.js';
import { decodeFeed } from '../src/import/feed-source.js';
import { htmlToMarkdown, htmlToParagraphs, htmlToText } from '../src/import/html-to-markdown.js';
import { parseRfc2822, readFeed, type ImportedEpisode, type ImportedFeed } from '../src/import/read-feed.js';
import { importedSettings, settingsDifferences, settingsText } from '../src/import/show-settings.js';
import { parseYaml } from '../src/yaml.js';

const ITUNES = 'http://www.itunes.com/dtds/podcast-1.0.dtd';

function feedOf(channel: string, attributes = `xmlns:itunes="${ITUNES}"`): ImportedFeed {
  const result = readFeed(`<?xml version="1.0"?>\n<rss version="2.0" ${attributes}><channel>${channel}</channel></rss>`);
  if ('error' in result) throw new Error(result.error.message);
  return result.feed;
}

const item = (inside: string) =>
  `<item><title>T</title><pubDate>Tue, 05 Mar 2024 08:30:00 +0000</pubDate><enclosure url="https://m.example/a.mp3" length="10" type="audio/mpeg"/>${inside}</item>`;

describe('HTML show notes to Markdown', () => {
  it('keeps paragraphs, links, lists, line breaks and emphasis', () => {
    const html = '<p>Hello <b>there</b>, see <a href="https://x.example/?a=1&amp;b=2">this</a>.<br>Next line</p><ul><li>one</li><li>two</li></ul>';
    expect(htmlToMarkdown(html)).toBe('Hello **there**, see [this](https://x.example/?a=1\\&b=2).\\\nNext line\n\n- one\n- two\n');
  });

  it('decodes entities, including ones escaped once too often', () => {
    expect(htmlToMarkdown('<p>Ben&rsquo;s loaf&nbsp;&#8212; salt &amp;amp; pepper &amp;rsquo;</p>')).toBe('Ben’s loaf\u00a0— salt & pepper ’\n');
    expect(htmlToText('Q&amp;amp;A &#x263A;')).toBe('Q&A ☺');
  });

  it('reads HTML that was escaped as text, the way some hosts fill <description>', () => {
    expect(htmlToMarkdown('&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two &amp;amp; three&lt;/p&gt;')).toBe('One\n\nTwo & three\n');
  });

  it('keeps the paragraphs and line breaks of plain text', () => {
    expect(htmlToMarkdown('First line\nsecond line\n\nA new paragraph & more')).toBe('First line\\\nsecond line\n\nA new paragraph & more\n');
    expect(htmlToMarkdown('  ')).toBe('');
  });

  it('makes a setting text of paragraphs', () => {
    expect(htmlToParagraphs('<p>One <i>two</i></p>\n<p>Three\n  four</p><div>Five</div>')).toBe('One two\n\nThree four\n\nFive');
  });
});

describe('reading a feed', () => {
  it('reports XML that is not well-formed at its line and column', () => {
    const result = readFeed('<?xml version="1.0"?>\n<rss>\n  <channel><title>A</titel></channel></rss>');
    expect(result).toMatchObject({ error: { line: 3, severity: 'error' } });
    expect('error' in result && result.error.message).toBe('not a feed: the XML is not well-formed (unexpected close tag)');
  });

  it('names an Atom feed and a web page for what they are', () => {
    expect(readFeed('<feed xmlns="http://www.w3.org/2005/Atom"/>')).toMatchObject({ error: { message: expect.stringContaining('this is an Atom feed') } });
    expect(readFeed('<html><body/></html>')).toMatchObject({ error: { message: expect.stringContaining('this is a web page') } });
    expect(readFeed('<rss version="2.0"/>')).toMatchObject({ error: { message: expect.stringContaining('<rss><channel>') } });
  });

  it('accepts HTML entities outside CDATA, and any prefix bound to a known namespace', () => {
    const feed = feedOf(`<title>Caf&eacute;&nbsp;Talk</title><i:author>Ana&rsquo;s</i:author>${item('<i:season>2</i:season><i:episodeType>Bonus</i:episodeType>')}`, `xmlns:i="${ITUNES}"`);
    expect(feed.show.title).toBe('Café\u00a0Talk');
    expect(feed.show.author).toBe('Ana’s');
    expect(feed.episodes[0]).toMatchObject({ season: 2, type: 'bonus' });
  });

  it('prefers content:encoded, then description, then itunes:summary for the notes', () => {
    const content = 'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:itunes="' + ITUNES + '"';
    const notes = (inside: string) => feedOf(item(inside), content).episodes[0]!.notes;
    expect(notes('<description>D</description><content:encoded><![CDATA[<p>C</p>]]></content:encoded><itunes:summary>S</itunes:summary>')).toBe('C\n');
    expect(notes('<itunes:summary>S</itunes:summary><description>D</description>')).toBe('D\n');
    expect(notes('<itunes:summary>S</itunes:summary>')).toBe('S\n');
    expect(notes('')).toBe('');
  });

  it('keeps a description that is a summary beside full notes, not one that copies them', () => {
    const content = 'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:itunes="' + ITUNES + '"';
    const description = (inside: string) => feedOf(item(inside), content).episodes[0]!.description;
    expect(description('<description>Short &amp; sweet.</description><content:encoded><![CDATA[<p>Long</p><p>notes</p>]]></content:encoded>')).toBe('Short & sweet.');
    expect(description('<description><![CDATA[<p>Same</p>]]></description><content:encoded><![CDATA[<p>Same</p>]]></content:encoded>')).toBeUndefined();
    expect(description('<description>Only this</description>')).toBeUndefined();
  });

  it('skips items without audio, title or date with a warning at their line, and uses the audio URL when there is no GUID', () => {
    const feed = feedOf(
      [
        '<item><title>Post</title><pubDate>Tue, 05 Mar 2024 08:30:00 +0000</pubDate></item>',
        '\n<item><pubDate>Tue, 05 Mar 2024 08:30:00 +0000</pubDate><enclosure url="https://m.example/b.mp3"/></item>',
        '\n<item><title>Undated</title><enclosure url="https://m.example/c.mp3"/></item>',
        '\n<item><title>Odd date</title><pubDate>yesterday</pubDate><enclosure url="https://m.example/d.mp3"/></item>',
        `\n${item('<itunes:duration>about an hour</itunes:duration><itunes:episode>0</itunes:episode>')}`,
      ].join(''),
    );
    expect(feed.notes.map((note) => `${note.line}: ${note.message}`)).toEqual([
      '2: item 1 (“Post”) has no audio (no <enclosure url>); it is not imported',
      '3: item 2 has no title; it is not imported',
      '4: item 3 (“Undated”) has no <pubDate>; it is not imported',
      '5: item 4 (“Odd date”) has a <pubDate> that is not a date: `yesterday`; it is not imported',
    ]);
    expect(feed.episodes).toHaveLength(1);
    expect(feed.episodes[0]).toMatchObject({ guid: 'https://m.example/a.mp3', audio: { url: 'https://m.example/a.mp3', length: 10, type: 'audio/mpeg' } });
    expect(feed.episodes[0]!.audio.duration).toBeUndefined();
    expect(feed.episodes[0]!.episode).toBeUndefined();
  });

  it('warns of an audio file without size, a GUID given twice and a feed that says it moved', () => {
    const feed = feedOf(
      `<itunes:new-feed-url>https://new.example/feed.xml</itunes:new-feed-url>\n${item('<guid>g</guid>')}\n${item('<guid>g</guid>').replace(' length="10"', ' length="0"')}`,
    );
    expect(feed.notes.map((note) => `${note.line}: ${note.message}`)).toEqual([
      '2: this feed already says that the show moved to https://new.example/feed.xml',
      '4: item 2 (“T”) has the GUID of item 1, `g`',
      '4: item 2 (“T”) gives no size for its audio',
    ]);
    expect(feed.episodes).toHaveLength(2);
  });

  it('reads durations in seconds and in (H)H:MM:SS', () => {
    const duration = (value: string) => feedOf(item(`<itunes:duration>${value}</itunes:duration>`)).episodes[0]!.audio.duration;
    expect(duration('3015')).toBe(3015);
    expect(duration('3015.6')).toBe(3016);
    expect(duration('50:13')).toBe('50:13');
    expect(duration('01:02:03')).toBe('01:02:03');
  });

  it('reads the channel: owner, artwork, categories with subcategories, locked, funding', () => {
    const feed = feedOf(
      `<title>S</title><link>https://old.example/</link><language>fr</language>` +
        `<itunes:owner><itunes:name>Ana</itunes:name><itunes:email>a@x.example</itunes:email></itunes:owner>` +
        `<image><url>https://old.example/a.jpg</url></image><itunes:explicit>yes</itunes:explicit><itunes:type>Serial</itunes:type>` +
        `<itunes:category text="Arts"><itunes:category text="Books"/><itunes:category text="Design"/></itunes:category><itunes:category text="History"/>` +
        `<podcast:locked>no</podcast:locked><podcast:funding url="https://give.example/">Give</podcast:funding><podcast:guid>ABC</podcast:guid>`,
      `xmlns:itunes="${ITUNES}" xmlns:podcast="https://podcastindex.org/namespace/1.0"`,
    );
    expect(feed.show).toEqual({
      title: 'S',
      link: 'https://old.example/',
      language: 'fr',
      owner: { name: 'Ana', email: 'a@x.example' },
      artwork: 'https://old.example/a.jpg',
      explicit: true,
      type: 'serial',
      categories: ['Arts > Books', 'Arts > Design', 'History'],
      locked: false,
      funding: [{ url: 'https://give.example/', text: 'Give' }],
      podcastGuid: 'abc',
    });
  });

  it('decodes a feed in the encoding its XML declaration names, else as UTF-8', () => {
    expect(decodeFeed(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><t>Caf\xe9</t>', 'latin1'))).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><t>Café</t>');
    expect(decodeFeed(Buffer.from('<?xml version="1.0"?><t>Café</t>', 'utf8'))).toBe('<?xml version="1.0"?><t>Café</t>');
    expect(decodeFeed(Buffer.from('<?xml version="1.0" encoding="klingon"?><t>Café</t>', 'utf8'))).toContain('Café');
  });

  it('parses the RFC 2822 dates of feeds, keeping their offset', () => {
    expect(parseRfc2822('Tue, 05 Mar 2024 08:30:00 +0100')).toEqual({ instant: new Date('2024-03-05T07:30:00Z'), offsetMinutes: 60 });
    expect(parseRfc2822('5 Mar 2024 08:30 GMT')).toEqual({ instant: new Date('2024-03-05T08:30:00Z'), offsetMinutes: 0 });
    expect(parseRfc2822('Tue, 05 March 2024 20:00:00 EST')).toEqual({ instant: new Date('2024-03-06T01:00:00Z'), offsetMinutes: -300 });
    expect(parseRfc2822('Fri, 30 Feb 2024 08:30:00 +0000')).toBeUndefined();
    expect(parseRfc2822('2024-03-05')).toBeUndefined();
    expect(parseRfc2822('Tue, 05 Mar 2024 08:30:00 XYZ')).toBeUndefined();
  });
});

function episode(title: string, iso: string, offsetMinutes = 0, extra: Partial<ImportedEpisode> = {}): ImportedEpisode {
  return { title, date: { instant: new Date(iso), offsetMinutes }, guid: `${title}|${iso}`, audio: { url: 'https://m.example/a.mp3' }, notes: '', line: 1, column: 1, ...extra };
}

describe('episode files', () => {
  it('names files with the slug podsite new gives a title', () => {
    const name = (title: string) => episodeFiles([episode(title, '2024-01-01T10:00:00Z')])[0]!.name;
    expect(name('Why Does Bread Rise? (Yeast & Friends)')).toBe('2024-01-01-why-does-bread-rise-yeast-and-friends.md');
    expect(name('Ça va? Ben’s Café')).toBe('2024-01-01-ca-va-bens-cafe.md');
    expect(name('???')).toBe('2024-01-01-episode.md');
    expect(name('word '.repeat(20))).toBe(`2024-01-01-${Array(8).fill('word').join('-')}.md`);
  });

  it('names files by the day the feed gave, and numbers repeated titles oldest first', () => {
    const files = episodeFiles([episode('Q&A', '2024-02-01T10:00:00Z'), episode('Q&A', '2024-01-01T10:00:00Z'), episode('Late', '2024-01-02T03:00:00Z', -300)]);
    expect(files.map((file) => file.name)).toEqual(['2024-01-01-q-and-a.md', '2024-01-01-late.md', '2024-02-01-q-and-a-2.md']);
  });

  it('writes front matter that podsite reads back to the same values', () => {
    const fields = {
      guid: 'tag:x,2024:1',
      season: 2,
      episode: 3,
      type: 'trailer' as const,
      audio: { url: 'https://m.example/a.mp3?x=1&y=2', length: 99, type: 'audio/mpeg', duration: '1:02:03' },
      image: 'https://m.example/i.jpg',
      explicit: false,
    };
    const [file] = episodeFiles([episode('Say "hi": #1 \\ ok', '2024-01-02T03:04:05Z', 90, { ...fields, notes: 'Notes.\n' })]);
    const [, yaml, body] = file!.text.split(/^---$/m);
    const parsed = parseYaml({ file: 'x.md', text: yaml! });
    expect(parsed.diagnostics).toEqual([]);
    expect(JSON.parse(JSON.stringify(parsed.root))).toEqual({ title: 'Say "hi": #1 \\ ok', date: '2024-01-02T04:34:05+01:30', ...fields });
    expect(body).toBe('\nNotes.\n');
    expect(file!.name).toBe('2024-01-02-say-hi-1-ok.md');
  });
});

describe('show settings', () => {
  const show = { title: 'S', link: 'https://old.example/', categories: ['Arts > Books'], funding: [{ url: 'https://give.example/', text: 'Give' }], owner: { email: 'a@x.example' } };

  it('computes podcast:guid from the feed address when the feed has none, as the Podcast Index does', () => {
    expect(importedSettings(show, 'https://feeds.example/show.xml').get('feed.guid')).toBe(podcastGuid('https://feeds.example/show.xml'));
    expect(importedSettings({ ...show, selfUrl: 'https://self.example/rss' }, 'https://feeds.example/show.xml').get('feed.guid')).toBe(podcastGuid('https://self.example/rss'));
    expect(importedSettings({ ...show, podcastGuid: 'given' }, 'https://feeds.example/show.xml').get('feed.guid')).toBe('given');
    expect(importedSettings(show, undefined).has('feed.guid')).toBe(false);
  });

  it('writes YAML with owner and feed as mappings', () => {
    const text = settingsText(importedSettings({ ...show, author: 'Ana', locked: true }, undefined), 'old.xml');
    const parsed = parseYaml({ file: 'podsite.yaml', text });
    expect(parsed.diagnostics).toEqual([]);
    expect(JSON.parse(JSON.stringify(parsed.root))).toEqual({
      title: 'S',
      url: 'https://old.example/',
      author: 'Ana',
      owner: { email: 'a@x.example' },
      categories: ['Arts > Books'],
      feed: { locked: true, funding: { 'https://give.example/': 'Give' } },
    });
  });

  it('lists the settings that differ from the feed', () => {
    const existing = { title: 'S', url: 'https://old.example/', owner: { name: '', email: undefined }, categories: ['Arts > Books'], feed: { funding: {} } } as unknown as Settings;
    expect(settingsDifferences(existing, importedSettings(show, undefined))).toEqual([
      ['owner.email', '(not set)', 'a@x.example'],
      ['feed.funding', '', 'https://give.example/ (Give)'],
    ]);
  });
});
