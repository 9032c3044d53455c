import { describe, expect, it } from 'vitest';
import { checkFeed, createFeedCheckCache, joinFeedParts, type FeedProblem } from '../src/feed-check.js';

/** A feed with every element the checker knows, each as the standards want it. */
const GOOD = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <atom:link href="https://show.example.com/feed.xml" rel="self" type="application/rss+xml"/>
    <atom:link href="https://show.example.com/feed.xml?page=2" rel="next"/>
    <title>Test Show</title>
    <link>https://show.example.com/</link>
    <description>A show made for tests.</description>
    <language>en</language>
    <copyright>Test Author</copyright>
    <lastBuildDate>Sat, 10 Feb 2024 18:30:00 +0100</lastBuildDate>
    <image><url>https://show.example.com/artwork.png</url><title>The show's artwork</title><link>https://show.example.com/</link></image>
    <itunes:author>Test Author</itunes:author>
    <itunes:owner><itunes:name>Owner</itunes:name><itunes:email>owner@example.com</itunes:email></itunes:owner>
    <itunes:image href="https://show.example.com/artwork.png"/>
    <itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/></itunes:category>
    <itunes:category text="Technology"/>
    <itunes:explicit>false</itunes:explicit>
    <itunes:type>serial</itunes:type>
    <itunes:new-feed-url>https://show.example.com/feed.xml</itunes:new-feed-url>
    <itunes:complete>Yes</itunes:complete>
    <podcast:guid>a4d5a761-ce35-5c3b-b691-ed0db4a0ff21</podcast:guid>
    <podcast:locked owner="owner@example.com">yes</podcast:locked>
    <podcast:funding url="https://show.example.com/support">Support the show</podcast:funding>
    <podcast:person role="host" img="https://show.example.com/jane.jpg" href="https://jane.example.com/">Jane Host</podcast:person>
    <podcast:txt purpose="verify">S6lpp-7ZCn8-dZfGc-OoyaG</podcast:txt>
    <podcast:trailer pubdate="Thu, 01 Feb 2024 08:00:00 +0100" url="https://media.example.com/trailer.mp3" length="12345" type="audio/mpeg" season="1">Coming soon</podcast:trailer>
    <item>
      <title>Second</title>
      <link>https://show.example.com/2024/02/10/second/</link>
      <guid isPermaLink="false">my-stable-guid</guid>
      <pubDate>Sat, 10 Feb 2024 18:30:00 +0100</pubDate>
      <description>Second episode.</description>
      <content:encoded><![CDATA[<p>Notes that show </item> and <![CDATA[ as text, with a split ]]]]><![CDATA[> inside.</p>]]></content:encoded>
      <enclosure url="https://media.example.com/e2.m4a" length="2000" type="audio/x-m4a"/>
      <itunes:duration>125</itunes:duration>
      <itunes:image href="https://show.example.com/images/e2.png"/>
      <itunes:explicit>false</itunes:explicit>
      <itunes:episodeType>full</itunes:episodeType>
      <itunes:episode>2</itunes:episode>
      <itunes:season>1</itunes:season>
      <podcast:season name="The beginning">1</podcast:season>
      <podcast:episode display="Two">2</podcast:episode>
      <podcast:person role="Guest" group="Cast">Sam Guest</podcast:person>
      <podcast:transcript url="https://show.example.com/e2.vtt" type="text/vtt" rel="captions" language="en"/>
      <podcast:transcript url="https://show.example.com/e2.html" type="text/html"/>
      <podcast:chapters url="https://show.example.com/e2.chapters.json" type="application/json+chapters"/>
      <!-- a comment with <item> in it -->
    </item>
    <item>
      <title>First &lt;Episode&gt; &amp; more</title>
      <link>https://show.example.com/2024/01/05/first/</link>
      <guid>https://show.example.com/2024/01/05/first/</guid>
      <pubDate>Fri, 05 Jan 2024 00:00:00 GMT</pubDate>
      <description>First episode.</description>
      <enclosure url="https://media.example.com/e1.mp3" length="1000" type="audio/mpeg"/>
      <itunes:duration>3723</itunes:duration>
      <itunes:episodeType>full</itunes:episodeType>
      <itunes:episode>1</itunes:episode>
      <itunes:season>1</itunes:season>
    </item>
  </channel>
</rss>
`;

/** The good feed with `from` (which it holds exactly once) replaced by `to`. */
function edited(...edits: [from: string, to: string][]): string {
  let xml = GOOD;
  for (const [from, to] of edits) {
    expect(xml.split(from), `\`${from}\` is in the feed once`).toHaveLength(2);
    xml = xml.replace(from, () => to);
  }
  return xml;
}

/** The fields a test names; `severity` is `error` unless it says otherwise. */
type Expected = Partial<Pick<FeedProblem, 'item' | 'otherItem' | 'element' | 'attribute' | 'requirement' | 'severity'>>;

function brief(problem: FeedProblem): Expected {
  const shown: Expected = { item: problem.item, element: problem.element, attribute: problem.attribute, requirement: problem.requirement, severity: problem.severity };
  if (problem.otherItem !== undefined) shown.otherItem = problem.otherItem;
  return shown;
}

const channel = (element: string, requirement: FeedProblem['requirement'], more: Expected = {}): Expected => ({ item: undefined, element, attribute: undefined, requirement, severity: 'error', ...more });
const item = (index: number, element: string, requirement: FeedProblem['requirement'], more: Expected = {}): Expected => ({ item: index, element, attribute: undefined, requirement, severity: 'error', ...more });

const SECOND_ITEM = GOOD.slice(GOOD.indexOf('    <item>'), GOOD.indexOf('    </item>') + '    </item>\n'.length);
const long = (n: number) => 'x'.repeat(n);

/** Each case breaks one requirement and expects exactly the problems listed. */
const CASES: [name: string, xml: string, expected: Expected[]][] = [
  // Well-formedness, with a strict parser
  ['a mismatched closing tag', edited(['<title>Second</title>', '<title>Second</titel>']), [item(0, 'item', 'well-formed')]],
  ['an entity XML does not define', edited(['Second episode.', 'Second&nbsp;episode.']), [item(0, 'description', 'well-formed')]],
  ['a bare ampersand', edited(['A show made for tests.', 'Tests & more']), [channel('description', 'well-formed')]],
  ['a control character', edited(['<copyright>Test Author', '<copyright>Test\u0007Author']), [channel('copyright', 'well-formed')]],
  ['a character reference to a control character', edited(['First episode.', 'First&#x1B;episode.']), [item(1, 'description', 'well-formed')]],
  ['an undeclared namespace prefix', edited(['<itunes:duration>125', '<googleplay:author>x</googleplay:author><itunes:duration>125']), [item(0, 'item', 'well-formed')]],
  ['a lone surrogate', edited(['Second episode.', 'Second \uD83D episode.']), [item(0, 'item', 'well-formed')]],
  ['another declared encoding', edited(['encoding="UTF-8"', 'encoding="ISO-8859-1"']), [channel('rss', 'well-formed')]],
  ['an unclosed CDATA section', edited([' inside.</p>]]>', ' inside.</p>']), [channel('content:encoded', 'well-formed')]],
  ['text after the root element', `${GOOD}junk`, [channel('rss', 'well-formed')]],

  // RSS 2.0 and the namespaces
  ['an Atom feed', edited(['<rss version="2.0"', '<feed version="2.0"'], ['</rss>', '</feed>']), [channel('feed', 'rss')]],
  ['another RSS version', edited(['<rss version="2.0"', '<rss version="0.92"']), [channel('rss', 'rss', { attribute: 'version' })]],
  [
    'the podcast namespace in other letter case',
    edited(['xmlns:podcast="https://podcastindex.org/namespace/1.0"', 'xmlns:podcast="https://PodcastIndex.org/namespace/1.0"']),
    [channel('rss', 'namespace', { attribute: 'xmlns:podcast' })],
  ],
  [
    'the itunes namespace misspelt, so that Apple ignores every itunes element',
    edited(['xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"', 'xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"']),
    [
      channel('rss', 'namespace', { attribute: 'xmlns:itunes' }),
      channel('itunes:image', 'show-artwork'),
      channel('itunes:category', 'show-category'),
      channel('itunes:explicit', 'required'),
    ],
  ],
  ['no atom:link to the feed itself', edited(['rel="self"', 'rel="alternate"']), [channel('atom:link', 'self-link', { attribute: 'rel' })]],
  ['a paging link that is relative', edited(['href="https://show.example.com/feed.xml?page=2"', 'href="/feed.xml?page=2"']), [channel('atom:link', 'url', { attribute: 'href' })]],
  ['two next pages', edited(['rel="next"/>', 'rel="next"/><atom:link href="https://show.example.com/feed.xml?page=3" rel="next"/>']), [channel('atom:link', 'placement', { attribute: 'rel' })]],

  // The channel
  ['an empty show title', edited(['<title>Test Show</title>', '<title> </title>']), [channel('title', 'required')]],
  ['a show description over 4000 bytes', edited(['A show made for tests.', 'é'.repeat(2001)]), [channel('description', 'description-length', { severity: 'warning' })]],
  ['a language that is no code', edited(['<language>en</language>', '<language>English</language>']), [channel('language', 'language-code')]],
  ['no language', edited(['<language>en</language>', '']), [channel('language', 'language-code')]],
  ['no show artwork', edited(['<itunes:image href="https://show.example.com/artwork.png"/>', '']), [channel('itunes:image', 'show-artwork')]],
  ['artwork at a relative URL', edited(['<itunes:image href="https://show.example.com/artwork.png"/>', '<itunes:image href="/artwork.png"/>']), [channel('itunes:image', 'url', { attribute: 'href' })]],
  ['artwork that is neither JPEG nor PNG', edited(['<itunes:image href="https://show.example.com/artwork.png"/>', '<itunes:image href="https://show.example.com/artwork.gif"/>']), [channel('itunes:image', 'value', { attribute: 'href', severity: 'warning' })]],
  ['no category', edited(['<itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/></itunes:category>', ''], ['<itunes:category text="Technology"/>', '']), [channel('itunes:category', 'show-category')]],
  ['a category not on Apple’s list', edited(['<itunes:category text="Technology"/>', '<itunes:category text="Tech"/>']), [channel('itunes:category', 'category-name', { attribute: 'text' })]],
  ['a subcategory of another category', edited(['<itunes:category text="Documentary"/>', '<itunes:category text="Tech News"/>']), [channel('itunes:category', 'category-name', { attribute: 'text' })]],
  ['a category as element text', edited(['<itunes:category text="Technology"/>', '<itunes:category>Technology</itunes:category>']), [channel('itunes:category', 'category-name', { attribute: 'text' })]],
  ['explicit as yes', edited(['<itunes:explicit>false</itunes:explicit>\n    <itunes:type>', '<itunes:explicit>yes</itunes:explicit>\n    <itunes:type>']), [channel('itunes:explicit', 'value')]],
  ['no explicit', edited(['<itunes:explicit>false</itunes:explicit>\n    <itunes:type>', '<itunes:type>']), [channel('itunes:explicit', 'required')]],
  ['another show type', edited(['<itunes:type>serial</itunes:type>', '<itunes:type>serialized</itunes:type>']), [channel('itunes:type', 'value')]],
  ['an unnumbered full episode in a serial show', edited(['<itunes:episode>1</itunes:episode>', '']), [item(1, 'itunes:episode', 'serial-episode-number')]],
  ['complete as true', edited(['<itunes:complete>Yes</itunes:complete>', '<itunes:complete>true</itunes:complete>']), [channel('itunes:complete', 'value', { severity: 'warning' })]],
  ['a podcast:guid that is a UUID v4', edited(['a4d5a761-ce35-5c3b-b691-ed0db4a0ff21', 'a4d5a761-ce35-4c3b-b691-ed0db4a0ff21']), [channel('podcast:guid', 'value')]],
  ['locked as true', edited(['>yes</podcast:locked>', '>true</podcast:locked>']), [channel('podcast:locked', 'value')]],
  ['locked without an owner', edited(['<podcast:locked owner="owner@example.com">', '<podcast:locked>']), [channel('podcast:locked', 'required', { attribute: 'owner', severity: 'warning' })]],
  ['locked with an owner that is no address', edited(['<podcast:locked owner="owner@example.com">', '<podcast:locked owner="the owner">']), [channel('podcast:locked', 'value', { attribute: 'owner' })]],
  ['funding without a URL', edited(['<podcast:funding url="https://show.example.com/support">', '<podcast:funding>']), [channel('podcast:funding', 'required', { attribute: 'url' })]],
  ['a role not in the taxonomy', edited(['role="host"', 'role="cohost"']), [channel('podcast:person', 'value', { attribute: 'role' })]],
  ['a group not in the taxonomy', edited(['group="Cast"', 'group="Band"']), [item(0, 'podcast:person', 'value', { attribute: 'group' })]],
  ['a person image at a relative URL', edited(['img="https://show.example.com/jane.jpg"', 'img="/jane.jpg"']), [channel('podcast:person', 'url', { attribute: 'img' })]],
  ['a person without a name', edited(['>Jane Host<', '><']), [channel('podcast:person', 'required')]],
  ['a person name over 128 characters', edited(['>Jane Host<', `>${long(129)}<`]), [channel('podcast:person', 'text-length', { severity: 'warning' })]],
  ['a txt over 4000 characters', edited(['S6lpp-7ZCn8-dZfGc-OoyaG', long(4001)]), [channel('podcast:txt', 'text-length', { severity: 'warning' })]],
  ['a trailer without a date', edited(['pubdate="Thu, 01 Feb 2024 08:00:00 +0100" ', '']), [channel('podcast:trailer', 'required', { attribute: 'pubdate' })]],
  ['a trailer dated in RFC 3339', edited(['pubdate="Thu, 01 Feb 2024 08:00:00 +0100"', 'pubdate="2024-02-01T08:00:00+01:00"']), [channel('podcast:trailer', 'value', { attribute: 'pubdate' })]],
  ['a show link that is relative', edited(['<link>https://show.example.com/</link>\n    <description>', '<link>/</link>\n    <description>']), [channel('link', 'url')]],
  ['an RSS image at a relative URL', edited(['<url>https://show.example.com/artwork.png</url>', '<url>artwork.png</url>']), [channel('url', 'url')]],
  ['an owner address that is no address', edited(['<itunes:email>owner@example.com</itunes:email>', '<itunes:email>owner at example.com</itunes:email>']), [channel('itunes:email', 'value')]],
  ['a build date in another format', edited(['<lastBuildDate>Sat, 10 Feb 2024 18:30:00 +0100', '<lastBuildDate>10/02/2024 18:30']), [channel('lastBuildDate', 'value')]],
  ['a show title over 255 characters', edited(['<title>Test Show</title>', `<title>${long(256)}</title>`]), [channel('title', 'text-length', { severity: 'warning' })]],
  ['a funding call over 128 characters', edited(['Support the show', long(129)]), [channel('podcast:funding', 'text-length', { severity: 'warning' })]],
  ['a trailer season in words', edited(['season="1"', 'season="one"']), [channel('podcast:trailer', 'value', { attribute: 'season' })]],
  ['an atom:link without href', edited(['<atom:link href="https://show.example.com/feed.xml?page=2" rel="next"/>', '<atom:link rel="next"/>']), [channel('atom:link', 'required', { attribute: 'href' })]],
  ['two show titles', edited(['<title>Test Show</title>', '<title>Test Show</title><title>Again</title>']), [channel('title', 'placement')]],
  ['an item element in the channel', edited(['<itunes:complete>Yes</itunes:complete>', '<itunes:duration>12</itunes:duration>']), [channel('itunes:duration', 'placement')]],

  // Items
  ['an item without a title', edited(['<title>Second</title>', '']), [item(0, 'title', 'required')]],
  ['an item without an enclosure', edited(['<enclosure url="https://media.example.com/e1.mp3" length="1000" type="audio/mpeg"/>', '']), [item(1, 'enclosure', 'required')]],
  ['an enclosure URL with a space', edited(['https://media.example.com/e1.mp3', 'https://media.example.com/Episode 1.mp3']), [item(1, 'enclosure', 'url', { attribute: 'url' })]],
  ['an enclosure over FTP', edited(['https://media.example.com/e1.mp3', 'ftp://media.example.com/e1.mp3']), [item(1, 'enclosure', 'url', { attribute: 'url' })]],
  ['an enclosure of length 0', edited(['length="1000"', 'length="0"']), [item(1, 'enclosure', 'enclosure-length', { attribute: 'length' })]],
  ['an enclosure length in megabytes', edited(['length="1000"', 'length="1.2 MB"']), [item(1, 'enclosure', 'value', { attribute: 'length' })]],
  ['an enclosure without a length', edited(['length="1000" ', '']), [item(1, 'enclosure', 'required', { attribute: 'length' })]],
  ['audio/mp3, which is no media type', edited(['type="audio/mpeg"/>', 'type="audio/mp3"/>']), [item(1, 'enclosure', 'value', { attribute: 'type' })]],
  ['an enclosure type Apple does not take', edited(['type="audio/mpeg"/>', 'type="audio/ogg"/>']), [item(1, 'enclosure', 'enclosure-type-apple', { attribute: 'type', severity: 'warning' })]],
  ['two enclosures', edited(['<itunes:duration>3723', '<enclosure url="https://media.example.com/e1b.mp3" length="1000" type="audio/mpeg"/><itunes:duration>3723']), [item(1, 'enclosure', 'placement')]],
  ['two items with one enclosure URL', edited(['https://media.example.com/e1.mp3', 'https://media.example.com/e2.m4a']), [item(1, 'enclosure', 'unique-enclosure-url', { attribute: 'url', otherItem: 0 })]],
  ['an item without a GUID', edited(['<guid isPermaLink="false">my-stable-guid</guid>', '']), [item(0, 'guid', 'required')]],
  ['two items with one GUID', edited(['<guid>https://show.example.com/2024/01/05/first/</guid>', '<guid isPermaLink="false">my-stable-guid</guid>']), [item(1, 'guid', 'unique-guid', { otherItem: 0 })]],
  ['a GUID that is no URL, without isPermaLink="false"', edited(['<guid isPermaLink="false">my-stable-guid</guid>', '<guid>my-stable-guid</guid>']), [item(0, 'guid', 'value', { attribute: 'isPermaLink', severity: 'warning' })]],
  ['a date in RFC 3339', edited(['<pubDate>Fri, 05 Jan 2024 00:00:00 GMT</pubDate>', '<pubDate>2024-01-05T00:00:00Z</pubDate>']), [item(1, 'pubDate', 'value')]],
  ['a date that does not exist', edited(['<pubDate>Fri, 05 Jan 2024 00:00:00 GMT</pubDate>', '<pubDate>Fri, 30 Feb 2024 00:00:00 GMT</pubDate>']), [item(1, 'pubDate', 'value')]],
  ['a date with the wrong day of the week', edited(['<pubDate>Fri, 05 Jan 2024 00:00:00 GMT</pubDate>', '<pubDate>Mon, 05 Jan 2024 00:00:00 GMT</pubDate>']), [item(1, 'pubDate', 'value')]],
  ['a duration as a clock', edited(['<itunes:duration>3723</itunes:duration>', '<itunes:duration>1:02:03</itunes:duration>']), [item(1, 'itunes:duration', 'value', { severity: 'warning' })]],
  ['a duration in minutes', edited(['<itunes:duration>3723</itunes:duration>', '<itunes:duration>62 min</itunes:duration>']), [item(1, 'itunes:duration', 'value')]],
  ['episode 0', edited(['<itunes:episode>1</itunes:episode>', '<itunes:episode>0</itunes:episode>']), [item(1, 'itunes:episode', 'value')]],
  ['a negative season', edited(['<itunes:season>1</itunes:season>\n    </item>', '<itunes:season>-1</itunes:season>\n    </item>']), [item(1, 'itunes:season', 'value')]],
  ['an episode type with a capital', edited(['<itunes:episodeType>full</itunes:episodeType>\n      <itunes:episode>1', '<itunes:episodeType>Full</itunes:episodeType>\n      <itunes:episode>1']), [item(1, 'itunes:episodeType', 'value')]],
  ['new-feed-url in an item', edited(['<itunes:duration>3723', '<itunes:new-feed-url>https://show.example.com/feed.xml</itunes:new-feed-url><itunes:duration>3723']), [item(1, 'itunes:new-feed-url', 'placement')]],
  ['block as no', edited(['<itunes:duration>3723', '<itunes:block>no</itunes:block><itunes:duration>3723']), [item(1, 'itunes:block', 'value', { severity: 'warning' })]],
  ['a transcript of a type not listed', edited(['type="text/html"/>', 'type="application/pdf"/>']), [item(0, 'podcast:transcript', 'value', { attribute: 'type' })]],
  ['captions in HTML, which has no time codes', edited(['type="text/html"/>', 'type="text/html" rel="captions"/>']), [item(0, 'podcast:transcript', 'value', { attribute: 'rel' })]],
  ['a transcript language that is no code', edited(['language="en"/>', 'language="english"/>']), [item(0, 'podcast:transcript', 'value', { attribute: 'language' })]],
  ['an episode description over 4000 bytes', edited(['First episode.', long(4001)]), [item(1, 'description', 'description-length', { severity: 'warning' })]],
  ['a person link that is relative', edited(['href="https://jane.example.com/"', 'href="jane.example.com"']), [channel('podcast:person', 'url', { attribute: 'href' })]],
  ['a transcript without a URL', edited(['<podcast:transcript url="https://show.example.com/e2.html" ', '<podcast:transcript ']), [item(0, 'podcast:transcript', 'required', { attribute: 'url' })]],
  ['chapters of plain JSON type', edited(['type="application/json+chapters"', 'type="application/json"']), [item(0, 'podcast:chapters', 'value', { attribute: 'type' })]],
  ['two chapters files', edited(['<!-- a comment', '<podcast:chapters url="https://show.example.com/e2b.json" type="application/json+chapters"/><!-- a comment']), [item(0, 'podcast:chapters', 'placement')]],
  ['a season in words', edited(['<podcast:season name="The beginning">1</podcast:season>', '<podcast:season>one</podcast:season>']), [item(0, 'podcast:season', 'value')]],
  ['a podcast:episode in words', edited(['<podcast:episode display="Two">2</podcast:episode>', '<podcast:episode>two</podcast:episode>']), [item(0, 'podcast:episode', 'value')]],
  ['an episode display over 32 characters', edited(['display="Two"', `display="${long(33)}"`]), [item(0, 'podcast:episode', 'text-length', { attribute: 'display', severity: 'warning' })]],
  ['locked in an item', edited(['<itunes:duration>3723', '<podcast:locked owner="owner@example.com">yes</podcast:locked><itunes:duration>3723']), [item(1, 'podcast:locked', 'placement')]],
];

describe('the feed checker', () => {
  it('finds nothing wrong with a feed that meets every requirement', () => {
    expect(checkFeed(GOOD)).toEqual([]);
  });

  it.each(CASES)('finds %s', (_, xml, expected) => {
    expect(checkFeed(xml).map(brief)).toEqual(expected.map((e) => ({ attribute: undefined, severity: 'error', ...e })));
  });

  it('accepts what the standards allow: a trailer without a number in a serial show, GMT, a decimal episode, no content namespace', () => {
    const xml = edited(
      ['<itunes:episodeType>full</itunes:episodeType>\n      <itunes:episode>1</itunes:episode>', '<itunes:episodeType>trailer</itunes:episodeType>'],
      ['<podcast:episode display="Two">2</podcast:episode>', '<podcast:episode>2.5</podcast:episode>'],
      [' xmlns:content="http://purl.org/rss/1.0/modules/content/"', ''],
      ['<content:encoded>', '<description-html>'],
      ['</content:encoded>', '</description-html>'],
    );
    expect(checkFeed(xml)).toEqual([]);
  });

  it('names the requirement and its sources, with a hint when there is a fix', () => {
    const [problem] = checkFeed(edited(['https://media.example.com/e1.mp3', 'https://media.example.com/Episode 1.mp3']));
    expect(problem).toMatchObject({
      message: '`url` of `<enclosure>` must be a valid URL, but `https://media.example.com/Episode 1.mp3` contains a space (RSS 2.0, Apple, PSP-1)',
      hint: 'percent-encode it: `https://media.example.com/Episode%201.mp3`',
      sources: ['RSS 2.0', 'Apple', 'PSP-1'],
    });
    const [explicit] = checkFeed(edited(['<itunes:explicit>false</itunes:explicit>\n    <itunes:type>', '<itunes:explicit>clean</itunes:explicit>\n    <itunes:type>']));
    expect(explicit!.message).toBe('`<itunes:explicit>` must be `true` or `false`, not `clean` (Apple, PSP-1)');
    const twice = edited(['<guid>https://show.example.com/2024/01/05/first/</guid>', '<guid isPermaLink="false">my-stable-guid</guid>']);
    expect(checkFeed(twice)[0]!.message).toBe('`<guid>` must be unique: `my-stable-guid` is also the GUID of item 1 (PSP-1, Apple)');
    expect(checkFeed(twice, { itemNames: ['second.md', 'first.md'] })[0]!.message).toContain('is also the GUID of second.md');
  });

  it('reads namespaced elements by namespace, whatever their prefix', () => {
    // Apple wants the prefix `itunes` declared: here it is, but the elements use another.
    const xml = GOOD.replaceAll('itunes:', 'apple:').replace('xmlns:itunes=', 'xmlns:apple="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:itunes=');
    expect(checkFeed(xml)).toEqual([]);
    expect(checkFeed(xml.replace('<apple:explicit>false</apple:explicit>', '<apple:explicit>no</apple:explicit>')).map(brief)).toEqual([
      channel('itunes:explicit', 'value', { attribute: undefined }),
    ]);
  });

  it('finds the same problems whether it reads the feed in parts or whole', () => {
    // A DOCTYPE stops the cutting into parts: the feed is then parsed in one piece, and the
    // first well-formedness error, wherever it is, ends the reading.
    const whole = (xml: string) => xml.replace('<rss version', '<!DOCTYPE rss>\n<rss version');
    for (const [name, xml, expected] of CASES) {
      const inParts = checkFeed(xml).map(brief);
      const inOnePiece = checkFeed(whole(xml)).map(brief);
      if (expected.some((e) => e.requirement === 'well-formed')) {
        expect(inOnePiece.map((p) => p.requirement), name).toEqual(['well-formed']);
      } else {
        expect(inOnePiece, name).toEqual(inParts);
      }
    }
  });

  it('finds the same problems in the parts the feed’s writer made, and reads the feed whole when they are not items', () => {
    const parts = (xml: string) => {
      const cuts = [...xml.matchAll(/^ {4}(<item>[\s\S]*?^ {4}<\/item>)/gm)].map((m) => ({ start: m.index + 4, end: m.index + 4 + m[1]!.length }));
      const around = [xml.slice(0, cuts[0]?.start ?? xml.length)];
      cuts.forEach((cut, index) => around.push(xml.slice(cut.end, cuts[index + 1]?.start ?? xml.length)));
      return { around, items: cuts.map((cut) => xml.slice(cut.start, cut.end)) };
    };
    for (const [name, xml] of CASES) {
      const scanned = checkFeed(xml).map(brief);
      const cut = parts(xml);
      expect(joinFeedParts(cut), name).toBe(xml);
      expect(checkFeed(cut).map(brief), name).toEqual(scanned);
      if (cut.items.length < 2) continue;
      // Parts that are not one item each: two items given as one, an item given as channel text.
      const [first, second] = [cut.items[0]!, cut.items[1]!];
      const merged = { around: [cut.around[0]!, ...cut.around.slice(2)], items: [first + cut.around[1] + second, ...cut.items.slice(2)] };
      expect(checkFeed(merged).map(brief), name).toEqual(scanned);
      const hidden = { around: [cut.around[0]! + first + cut.around[1]!, ...cut.around.slice(2)], items: cut.items.slice(1) };
      expect(checkFeed(hidden).map(brief), name).toEqual(scanned);
    }
  });

  it('keeps the result of each unchanged item, and checks again an item that changed', () => {
    const cache = createFeedCheckCache();
    const keys = ['second', 'first'];
    expect(checkFeed(GOOD, { cache, itemKeys: keys })).toEqual([]);
    const kept = cache.items.get('second');
    const broken = edited(['<itunes:episode>1</itunes:episode>', '<itunes:episode>one</itunes:episode>']);
    expect(checkFeed(broken, { cache, itemKeys: keys }).map(brief)).toEqual([item(1, 'itunes:episode', 'value')]);
    expect(cache.items.get('second')).toBe(kept);
    // A new item before them: the others are found by key, not by place.
    const added = GOOD.replace(SECOND_ITEM, SECOND_ITEM.replace('my-stable-guid', 'third').replace('e2.m4a', 'e3.m4a').replace('>2</itunes:episode>', '>3</itunes:episode>') + SECOND_ITEM);
    expect(checkFeed(added, { cache, itemKeys: ['third', ...keys] })).toEqual([]);
    expect(cache.items.get('second')).toBe(kept);
    expect([...cache.items.keys()]).toEqual(['third', 'second', 'first']);
  });

  it('never reuses the result of a key whose item changed', () => {
    const cache = createFeedCheckCache();
    checkFeed(GOOD, { cache, itemKeys: ['a', 'b'] });
    const broken = edited(['<itunes:episode>1</itunes:episode>', '<itunes:episode>0</itunes:episode>']);
    expect(checkFeed(broken, { cache, itemKeys: ['a', 'b'] }).map(brief)).toEqual([item(1, 'itunes:episode', 'value')]);
    expect(checkFeed(GOOD, { cache, itemKeys: ['a', 'b'] })).toEqual([]);
  });
});
