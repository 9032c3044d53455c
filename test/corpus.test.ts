import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { HtmlValidate } from 'html-validate';
import { parseFeed } from 'podcast-partytime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { checkFeed } from '../src/feed-check.js';
import { child, children, parseXmlStrict } from './helpers.js';

const repository = fileURLToPath(new URL('..', import.meta.url));
const corpus = path.resolve(repository, '../shared/corpus/lescastcodeurs/posts');
const present = existsSync(corpus);
if (!present) console.warn(`Skipping the Les Cast Codeurs archive tests: ${corpus} is absent (it is not part of a user's clone).`);

/** The real 359-post Jekyll archive, built unchanged with only docs/examples/lescastcodeurs.yaml. */
describe.skipIf(!present)('the Les Cast Codeurs archive (needs ../shared/corpus)', () => {
  let output: string;
  let result: BuildResult;

  beforeAll(async () => {
    output = await mkdtemp(path.join(tmpdir(), 'podsite-lcc-'));
    // The ledger a first build writes goes beside the output, not into docs/examples/.
    result = await build({ cwd: repository, config: 'docs/examples/lescastcodeurs.yaml', output, ledger: `${output}.lock` });
  }, 120_000);
  afterAll(() => Promise.all([rm(output, { recursive: true, force: true }), rm(`${output}.lock`, { force: true })]));

  it('builds 341 episodes and 18 news posts, with no errors', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.stats).toMatchObject({ episodes: 341, posts: 18, feedItems: 341 });
  });

  it('writes Jekyll permalinks, ten entries a page, French dates', async () => {
    const first = await readFile(path.join(output, '2009/04/12/les-cast-codeurs-podcast-episode-1/index.html'), 'utf8');
    expect(first).toContain('<html lang="fr">');
    expect(first).toContain('12 avril 2009');
    expect(first).toContain('src="https://traffic.libsyn.com/lescastcodeurs/LesCastCodeurs-Episode-1.mp3"');
    expect(existsSync(path.join(output, 'page/36/index.html'))).toBe(true);
    expect(existsSync(path.join(output, 'page/37/index.html'))).toBe(false);
  });

  it('gives every feed item a libsyn audio URL, and the length from mp3_length', async () => {
    const rss = parseXmlStrict(await readFile(path.join(output, 'feed.xml'), 'utf8'));
    const items = children(child(rss, 'channel')!, 'item');
    expect(items).toHaveLength(341);
    for (const item of items) {
      expect(child(item, 'enclosure')!.attributes.url).toMatch(/^https:\/\/traffic\.libsyn\.com\/lescastcodeurs\/LesCastCodeurs-Episode-\d+\.mp3$/);
    }
    const episodeOne = items.find((item) => child(item, 'itunes:episode')?.text === '1')!;
    expect(child(episodeOne, 'enclosure')!.attributes.length).toBe('71902534');
    expect(child(episodeOne, 'pubDate')!.text).toBe('Sun, 12 Apr 2009 00:00:00 +0200');
  });

  it('has a feed that passes the feed check, but for defects the input checks reported', async () => {
    expect(result.diagnostics.filter((d) => d.rule === 'feed-check')).toEqual([]);
    // The settings lower these rules to build the archive unchanged; the feed check finds the same
    // defects in the feed, item for item, and nothing else.
    const problems = checkFeed(await readFile(path.join(output, 'feed.xml'), 'utf8'));
    const fileOf = (item: number | undefined) => (item === undefined ? 'docs/examples/lescastcodeurs.yaml' : result.site!.episodes[item]!.file);
    const foundInFeed = (requirement: string, which: 'item' | 'otherItem' = 'item') =>
      problems.filter((p) => p.requirement === requirement).map((p) => fileOf(p[which])).sort();
    const reported = (rule: string) => result.diagnostics.filter((d) => d.rule === rule).map((d) => d.file).sort();
    expect(new Set(problems.map((p) => p.requirement))).toEqual(new Set(['show-artwork', 'enclosure-length', 'unique-enclosure-url']));
    expect(foundInFeed('show-artwork')).toEqual(reported('missing-artwork'));
    expect(foundInFeed('enclosure-length')).toEqual(reported('missing-audio-length'));
    // The archive check names the newer of two episodes with one audio URL: the first in the feed.
    expect(foundInFeed('unique-enclosure-url', 'otherItem')).toEqual(reported('duplicate-audio-url'));
  });

  it('has a feed in which podcast-partytime sees every episode by its GUID', async () => {
    const feed = parseFeed(await readFile(path.join(output, 'feed.xml'), 'utf8'));
    expect(feed?.items.map((item) => item.guid)).toEqual(result.site!.episodes.map((e) => e.guid ?? e.url));
  });

  it('reports the defects that Jekyll accepted silently', () => {
    const byRule = (rule: string) => result.diagnostics.filter((d) => d.rule === rule);
    const files = (rule: string) => byRule(rule).map((d) => path.basename(d.file));
    const typos = byRule('unknown-key');
    expect(typos.length).toBeGreaterThan(0);
    expect(typos.every((d) => d.hint === 'did you mean `mp3_length`?')).toBe(true);
    expect(byRule('missing-audio-length').length).toBeGreaterThanOrEqual(typos.length);
    const episode220 = '2019-12-03-lcc-220-interview-sur-le-metier-de-cto-avec-dimitri-baeli.md';
    expect(files('duplicate-episode-number')).toContain(episode220);
    expect(files('title-number-mismatch')).toContain(episode220);
    expect(byRule('episode-number-gap').map((d) => d.message)).toContain('episode 221 follows episode 219: 220 is missing');
    expect(byRule('duplicate-audio-length').some((d) => d.message.startsWith('the audio length 85017000 '))).toBe(true);
    expect(byRule('unknown-html-tag').map((d) => d.message.split('`')[1])).toEqual(expect.arrayContaining(['<Devoxx>', '<pattern>']));
  });

  it('finds every host that a post names in `team:` among the team files, and credits them in the feed', async () => {
    expect(result.diagnostics.filter((d) => d.rule === 'unknown-person' || d.file.includes('/team/'))).toEqual([]);
    expect(result.site!.people.map((person) => person.name)).toContain('Arnaud Héritier');
    const channel = child(parseXmlStrict(await readFile(path.join(output, 'feed.xml'), 'utf8')), 'channel')!;
    // Audrey Neveu and Vincent Massol are alumni: credited on their episodes, not on the show.
    expect(children(channel, 'podcast:person').map((person) => person.text)).toEqual(['Antonio Goncalves', 'Arnaud Héritier', 'Emmanuel Bernard', 'Guillaume Laforge', 'Katia Aresti']);
    const teamed = result.site!.episodes.filter((episode) => episode.hosts.length > 0);
    expect(teamed).toHaveLength(81);
    const items = new Map(children(channel, 'item').map((item) => [child(item, 'link')!.text, item]));
    for (const episode of teamed) {
      const credited = children(items.get(episode.url)!, 'podcast:person');
      expect(credited.map((person) => person.text), episode.file).toEqual(episode.people.hosts.map((person) => person.name));
      expect(credited.length, episode.file).toBe(episode.hosts.length);
    }
  });

  it('writes valid, accessible HTML on every page, whatever raw HTML the notes hold', async () => {
    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });
    const pages = (await readdir(output, { recursive: true })).filter((name) => name.endsWith('.html'));
    const problems: string[] = [];
    for (const page of pages) {
      const report = await validator.validateString(await readFile(path.join(output, page), 'utf8'), page);
      problems.push(...report.results.flatMap((r) => r.messages.map((m) => `${page}:${m.line} ${m.message}`)));
    }
    expect(problems).toEqual([]);
  });

  it('writes a search head small enough to load on first use, and shards of the whole notes of a few tens of KB', async () => {
    const head = await readFile(path.join(output, 'search-index.json'));
    const file = JSON.parse(head.toString('utf8')) as { index: { documentCount: number }; notes: { index: { documentCount: number }; shards: { file: string }[] } };
    expect(file.index.documentCount).toBe(359);
    expect(file.notes.index.documentCount).toBe(359);
    // Measured (docs/templates.md): the head 234 KB, 60 KB gzipped; 36 shards of 1.19 MB in all
    // (281 KB gzipped), the largest 39 KB; one index of the whole notes would be 1.4 MB.
    expect(head.length).toBeLessThan(280_000);
    expect(gzipSync(head).length).toBeLessThan(75_000);
    const shards = await Promise.all(file.notes.shards.map((shard) => readFile(path.join(output, shard.file))));
    expect(shards.length).toBeGreaterThan(20);
    expect(shards.length).toBeLessThan(60);
    const total = shards.reduce((sum, shard) => sum + shard.length, 0);
    expect(total).toBeLessThan(1_400_000);
    expect(shards.reduce((sum, shard) => sum + gzipSync(shard).length, 0)).toBeLessThan(330_000);
    // 40,000 bytes of terms, and the file's few bytes around them.
    expect(Math.max(...shards.map((shard) => shard.length))).toBeLessThan(40_100);
    // Only the shards are written under search/: none left over from other builds.
    expect((await readdir(path.join(output, 'search'))).length).toBe(shards.length);
  });
});
