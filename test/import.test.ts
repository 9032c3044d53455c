import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { importFeed } from '../src/import/import-feed.js';
import { child, children, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject, type XmlElement } from './helpers.js';
import { run } from './cli-run.js';

const FIXTURE = fileURLToPath(new URL('fixtures/import/hosted-feed.xml', import.meta.url));


/** What apps identify an episode and its audio by. */
function identities(feedXml: string) {
  const channel = child(parseXmlStrict(feedXml), 'channel')!;
  return children(channel, 'item')
    .filter((item) => child(item, 'enclosure') !== undefined)
    .map((item) => {
      const enclosure = child(item, 'enclosure')!.attributes;
      return { guid: child(item, 'guid')!.text.trim(), url: enclosure.url, length: enclosure.length, type: enclosure.type };
    })
    .sort((a, b) => a.guid.localeCompare(b.guid));
}

const text = (element: XmlElement | undefined) => element?.text.trim();

describe('podsite import', () => {
  it('imports a hosted feed so that the built feed keeps every GUID and enclosure', async () => {
    const root = await tempProject({});
    const imported = await run(['import', FIXTURE], root);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 7 episode files and podsite.yaml.');
    // The blog post without audio is named, with its line in the feed.
    expect(imported.stderr).toMatch(/hosted-feed\.xml:73:\d+: warning: item 4 \(“Our blog: the holiday schedule”\) has no audio/);

    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    const original = await readText(FIXTURE);
    const built = await readText(path.join(root, 'dist/feed.xml'));
    expect(identities(built)).toEqual(identities(original));
    expect(identities(built)).toHaveLength(7);

    const channel = child(parseXmlStrict(built), 'channel')!;
    const originalChannel = child(parseXmlStrict(original), 'channel')!;
    for (const name of ['title', 'podcast:guid', 'itunes:author', 'language', 'copyright']) {
      expect(text(child(channel, name)), name).toBe(text(child(originalChannel, name)));
    }
    expect(child(channel, 'podcast:locked')?.text).toBe('yes');
    expect(children(channel, 'itunes:category').map((c) => [c.attributes.text, ...children(c, 'itunes:category').map((s) => s.attributes.text)])).toEqual([
      ['Science', 'Chemistry'],
      ['Kids & Family', 'Education for Kids'],
      ['Education'],
    ]);
    const byGuid = new Map(children(channel, 'item').map((item) => [text(child(item, 'guid')), item]));
    for (const item of children(originalChannel, 'item').filter((i) => child(i, 'enclosure'))) {
      const copy = byGuid.get(text(child(item, 'guid')))!;
      for (const name of ['title', 'itunes:season', 'itunes:episode']) {
        if (child(item, name) !== undefined) expect(text(child(copy, name)), name).toBe(text(child(item, name)));
      }
      expect(Date.parse(text(child(copy, 'pubDate'))!)).toBe(Date.parse(text(child(item, 'pubDate'))!));
      // A summary beside full notes stays the summary apps list.
      if (child(item, 'content:encoded') !== undefined) expect(text(child(copy, 'description'))).toBe(text(child(item, 'description')));
      const type = text(child(item, 'itunes:episodeType'));
      if (type !== undefined) expect(text(child(copy, 'itunes:episodeType'))).toBe(type);
    }
    // The ledger records the old GUIDs from the first build on.
    const ledger = JSON.parse(await readText(path.join(root, 'podsite.lock'))) as { podcastGuid: string; episodes: { guid: string }[] };
    expect(ledger.podcastGuid).toBe('4f6c0a4e-2b3c-5d1e-9f8a-7b6c5d4e3f2a');
    expect(ledger.episodes.map((e) => e.guid).sort()).toEqual(identities(original).map((i) => i.guid));
  });

  it('never overwrites an existing file without --force, and says which it skipped', async () => {
    const root = await tempProject({ 'episodes/2023-10-09-fizz-the-baking-soda-volcano-revisited.md': 'mine\n' });
    const first = await run(['import', FIXTURE], root);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('skipped episodes/2023-10-09-fizz-the-baking-soda-volcano-revisited.md: it exists');
    expect(first.stdout).toContain('Imported 6 episode files and podsite.yaml; 1 skipped.');
    expect(await readText(path.join(root, 'episodes/2023-10-09-fizz-the-baking-soda-volcano-revisited.md'))).toBe('mine\n');

    const forced = await run(['import', FIXTURE, '--force'], root);
    expect(forced.code).toBe(0);
    expect(forced.stdout).not.toContain('skipped');
    expect(await readText(path.join(root, 'episodes/2023-10-09-fizz-the-baking-soda-volcano-revisited.md'))).toContain('guid: "a1b2c3d4-0001-4e5f-8a9b-0c1d2e3f4a5b"');
  });

  it('keeps an existing podsite.yaml and prints what the feed says otherwise', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS });
    const { code, stdout } = await run(['import', FIXTURE], root);
    expect(code).toBe(0);
    expect(stdout).toContain('podsite.yaml exists and was kept; the feed says otherwise of:');
    expect(stdout).toContain('  title: Test Show\n    feed: Kitchen Table Science & Co.');
    expect(stdout).toContain('  feed.guid: (not set)\n    feed: 4f6c0a4e-2b3c-5d1e-9f8a-7b6c5d4e3f2a');
    expect(await readText(path.join(root, 'podsite.yaml'))).toBe(MINIMAL_SETTINGS);

    const forced = await run(['import', FIXTURE, '--force'], root);
    expect(forced.code).toBe(0);
    expect(await readText(path.join(root, 'podsite.yaml'))).toContain('title: "Kitchen Table Science & Co."');
  });

  it('keeps a settings file with errors, and says so', async () => {
    const root = await tempProject({ 'podsite.yaml': 'title: [broken\n' });
    const { code, stderr } = await run(['import', FIXTURE], root);
    expect(code).toBe(0);
    expect(stderr).toContain('podsite.yaml: warning: the settings file exists but has errors (see `podsite check`): it was kept');
    expect(await readText(path.join(root, 'podsite.yaml'))).toBe('title: [broken\n');
  });

  it('puts the episodes in the build.episodes folder of existing settings', async () => {
    const root = await tempProject({ 'show.yaml': `${MINIMAL_SETTINGS}build:\n  episodes: shows/episodes\n` });
    const { code } = await run(['import', FIXTURE, '--config', 'show.yaml'], root);
    expect(code).toBe(0);
    expect(await readdir(path.join(root, 'shows/episodes'))).toHaveLength(7);
    expect(existsSync(path.join(root, 'episodes'))).toBe(false);
    // Replaced by the feed's settings, the file names the default folder again: the episodes go there.
    const forced = await run(['import', FIXTURE, '--config', 'show.yaml', '--force'], root);
    expect(forced.code).toBe(0);
    expect(await readdir(path.join(root, 'episodes'))).toHaveLength(7);
  });

  it('refuses what is not an RSS feed with a clear message, writes nothing and exits with 1', async () => {
    const root = await tempProject({
      'atom.xml': '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title></feed>\n',
      'page.html': '<!doctype html>\n<html><body><p>Hello<br></body></html>\n',
    });
    const atom = await run(['import', 'atom.xml'], root);
    expect(atom.code).toBe(1);
    expect(atom.stderr).toContain('atom.xml:2:');
    expect(atom.stderr).toContain('not an RSS feed: this is an Atom feed');
    expect(atom.stderr).toContain('Nothing was written.');
    const page = await run(['import', 'page.html'], root);
    expect(page.code).toBe(1);
    expect(page.stderr).toMatch(/^page\.html:1:\d+: error: not a feed: the XML is not well-formed/);
    expect(page.stderr).not.toMatch(/\n\s+at /);
    const missing = await run(['import', 'nowhere.xml'], root);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nowhere.xml: error: no file nowhere.xml');
    expect(await readdir(root)).toEqual(['atom.xml', 'page.html']);
  });

  it('says which file could not be written, and what was written before, without a stack', async () => {
    const root = await tempProject({});
    await mkdir(path.join(root, 'episodes'), { mode: 0o555 });
    await chmod(root, 0o777);
    await chmod(path.join(root, 'episodes'), 0o555);
    // Root may write anywhere: the bin then runs as nobody, as a podsite user would run it.
    const asOtherUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const bin = fileURLToPath(new URL('../bin/podsite.js', import.meta.url));
    const imported = spawnSync(process.execPath, [bin, 'import', FIXTURE], { cwd: root, encoding: 'utf8', ...asOtherUser });
    expect(imported.stderr).not.toContain('internal error');
    expect(imported.stderr).toMatch(/^episodes\/[^:]+\.md: error: could not be written: permission denied$/m);
    expect(imported.stderr).toContain('hint: import into a folder you may write in');
    expect(imported.stderr).toContain('Written before that: podsite.yaml.');
    expect(imported.status).toBe(1);
    expect(await readdir(path.join(root, 'episodes'))).toEqual([]);
  });

  it('asks for the feed when none is given, and takes no second one', async () => {
    const root = await tempProject({});
    const none = await run(['import'], root);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('import needs the feed to import');
    const two = await run(['import', 'a.xml', 'b.xml'], root);
    expect(two.code).toBe(1);
    expect(two.stderr).toContain('`podsite import` takes one argument, FEED (found `a.xml b.xml`)');
    const build = await run(['build', 'extra'], root);
    expect(build.code).toBe(1);
  });
});

describe('podsite import from an http(s) address', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('follows redirects and computes podcast:guid from the address when the feed has none', async () => {
    const feed = (await readText(FIXTURE)).replace(/\s*<podcast:guid>.*<\/podcast:guid>/, '').replace(/\s*<atom:link[^>]*\/>/, '');
    const base = await serve((request, response) => {
      if (request.url === '/old.xml') response.writeHead(301, { location: '/feed.xml' }).end();
      else response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
    });
    const root = await tempProject({});
    const { code } = await run(['import', `${base}/old.xml`], root);
    expect(code).toBe(0);
    expect(await readdir(path.join(root, 'episodes'))).toHaveLength(7);
    const settings = await readText(path.join(root, 'podsite.yaml'));
    // The Podcast Index's GUID of the address the feed was read from: UUID v5 of "127.0.0.1:PORT/feed.xml".
    const { podcastGuid } = await import('../src/feed.js');
    expect(settings).toContain(`guid: "${podcastGuid(`${base}/feed.xml`)}"`);
  });

  it('reports an error status, a timeout and a feed too large, writing nothing', async () => {
    const base = await serve((request, response) => {
      if (request.url === '/missing.xml') response.writeHead(404, 'Not Found').end();
      else if (request.url === '/big.xml') response.writeHead(200).end('<rss>' + 'x'.repeat(5000) + '</rss>');
      // /slow.xml never answers.
    });
    const root = await tempProject({});
    const missing = await importFeed({ source: `${base}/missing.xml`, cwd: root });
    expect(missing.error?.message).toBe(`${base}/missing.xml answered 404 Not Found`);
    const slow = await importFeed({ source: `${base}/slow.xml`, cwd: root, download: { timeoutMs: 200 } });
    expect(slow.error?.message).toBe(`${base}/slow.xml did not answer within 0.2 s`);
    const big = await importFeed({ source: `${base}/big.xml`, cwd: root, download: { maxBytes: 1000 } });
    expect(big.error?.message).toMatch(/more than the 1000 bytes? a feed can be/);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('importing twice', () => {
  it('names the files the same way whatever the order of the items', async () => {
    const original = await readText(FIXTURE);
    const items = original.match(/<item>[\s\S]*?<\/item>/g)!;
    const reversed = original.replace(items.join('\n    '), [...items].reverse().join('\n    '));
    expect(reversed).not.toBe(original);
    const a = await tempProject({ 'feed.xml': original });
    const b = await tempProject({ 'feed.xml': reversed });
    await importFeed({ source: 'feed.xml', cwd: a });
    await importFeed({ source: 'feed.xml', cwd: b });
    const namesA = await readdir(path.join(a, 'episodes'));
    expect(namesA).toEqual(await readdir(path.join(b, 'episodes')));
    expect(namesA).toContain('2023-11-06-listener-questions.md');
    expect(namesA).toContain('2024-01-22-listener-questions-2.md');
    for (const name of namesA) expect(await readFile(path.join(b, 'episodes', name), 'utf8')).toBe(await readFile(path.join(a, 'episodes', name), 'utf8'));
  });
});
