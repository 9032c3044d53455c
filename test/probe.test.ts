import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { probeAudio } from '../src/probe.js';
import { handMadeMp3, id3Padding, MP3_FRAME_SECONDS, SILENCE_M4A, SILENCE_MP3, startAudioHost, type AudioHost, type Route } from './audio-host.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject } from './helpers.js';

const hosts: AudioHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

async function host(routes: Record<string, Route>): Promise<AudioHost> {
  const started = await startAudioHost(routes);
  hosts.push(started);
  return started;
}

async function probe(urls: string[], options: { timeoutMs?: number; concurrency?: number } = {}) {
  const folder = await tempProject({});
  const cacheFile = path.join(folder, 'probe.json');
  const found = await probeAudio(urls, { cacheFile, ...options });
  return { found, cacheFile, again: () => probeAudio(urls, { cacheFile, ...options }) };
}

describe('--probe-audio: asking the audio host', () => {
  it('reads size and type from HEAD, and type and duration from the first bytes of a range request', async () => {
    const audio = await host({ '/ep1.mp3': { body: SILENCE_MP3, type: 'application/octet-stream' }, '/ep2.m4a': { body: SILENCE_M4A, type: 'audio/mp4' } });
    const { found } = await probe([`${audio.origin}/ep1.mp3`, `${audio.origin}/ep2.m4a`]);
    expect(found.get(`${audio.origin}/ep1.mp3`)).toEqual({
      source: `${audio.origin}/ep1.mp3`,
      from: 'host',
      size: SILENCE_MP3.length,
      type: 'audio/mpeg',
      duration: expect.closeTo(3.06, 2),
      problems: [],
    });
    expect(found.get(`${audio.origin}/ep2.m4a`)).toMatchObject({ size: SILENCE_M4A.length, type: 'audio/x-m4a', duration: expect.closeTo(3.05, 2), problems: [] });
    expect(audio.requests.filter((r) => r.includes('ep1'))).toEqual(['HEAD /ep1.mp3', 'GET /ep1.mp3 bytes=0-65535']);
  });

  it('gives a constant-bitrate MP3 its duration from its size, without downloading it', async () => {
    const long = handMadeMp3(5000);
    const audio = await host({ '/long.mp3': { body: long } });
    const { found } = await probe([`${audio.origin}/long.mp3`]);
    expect(found.get(`${audio.origin}/long.mp3`)).toMatchObject({ size: long.length, duration: expect.closeTo(5000 * MP3_FRAME_SECONDS, 3), problems: [] });
    expect(audio.bytesSent.get('/long.mp3')).toBe(65536);
  });

  it('asks for the frames after an ID3 tag larger than the first range', async () => {
    const tagged = Buffer.concat([id3Padding(200_000), handMadeMp3(2500)]);
    const audio = await host({ '/tagged.mp3': { body: tagged } });
    const { found } = await probe([`${audio.origin}/tagged.mp3`]);
    expect(found.get(`${audio.origin}/tagged.mp3`)).toMatchObject({ size: tagged.length, type: 'audio/mpeg', duration: expect.closeTo(60, 3), problems: [] });
    expect(audio.requests).toEqual(['HEAD /tagged.mp3', 'GET /tagged.mp3 bytes=0-65535', 'GET /tagged.mp3 bytes=200000-265535']);
  });

  it('reports a host that refuses HEAD, and still learns the size from the range request', async () => {
    const audio = await host({ '/ep.mp3': { body: SILENCE_MP3, head: 'refuse' } });
    const { found } = await probe([`${audio.origin}/ep.mp3`]);
    expect(found.get(`${audio.origin}/ep.mp3`)).toMatchObject({
      size: SILENCE_MP3.length,
      type: 'audio/mpeg',
      problems: [{ rule: 'audio-host-requirements', message: `the host of \`${audio.origin}/ep.mp3\` answers HEAD requests with 405 Method Not Allowed` }],
    });
  });

  it('reports a host that ignores byte ranges, and stops reading after the first bytes', async () => {
    const huge = handMadeMp3(50_000);
    const audio = await host({ '/ep.mp3': { body: huge, ranges: 'ignore' } });
    const { found } = await probe([`${audio.origin}/ep.mp3`]);
    expect(found.get(`${audio.origin}/ep.mp3`)).toMatchObject({
      size: huge.length,
      duration: expect.closeTo(50_000 * MP3_FRAME_SECONDS, 2),
      problems: [{ rule: 'audio-host-requirements', message: expect.stringContaining('ignores byte ranges: it answered a range request with 200 OK') }],
    });
    // The socket buffers take some; the rest of 19 MB is never sent.
    expect(audio.bytesSent.get('/ep.mp3')).toBeLessThan(huge.length / 2);
  });

  it('gives up on a host that does not answer in time', async () => {
    const audio = await host({ '/ep.mp3': { hang: true } });
    const started = performance.now();
    const { found } = await probe([`${audio.origin}/ep.mp3`], { timeoutMs: 200 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(found.get(`${audio.origin}/ep.mp3`)?.problems).toEqual([
      { rule: 'audio-probe-failed', message: `could not ask the host of \`${audio.origin}/ep.mp3\`: no answer within 0.2 s`, hint: expect.any(String) },
    ]);
  });

  it('follows redirects, but not forever', async () => {
    const audio = await host({ '/ep.mp3': { body: SILENCE_MP3 }, '/old/ep.mp3': { redirect: '/ep.mp3', status: 301 }, '/loop.mp3': { redirect: '/loop.mp3' } });
    const { found } = await probe([`${audio.origin}/old/ep.mp3`, `${audio.origin}/loop.mp3`]);
    expect(found.get(`${audio.origin}/old/ep.mp3`)).toMatchObject({ size: SILENCE_MP3.length, duration: expect.closeTo(3.06, 2), problems: [] });
    expect(found.get(`${audio.origin}/loop.mp3`)?.problems).toEqual([
      expect.objectContaining({ rule: 'audio-probe-failed', message: expect.stringContaining('more than 5 redirects') }),
    ]);
  });

  it('reports a URL the host does not have, and one that is a page rather than audio', async () => {
    const audio = await host({ '/episode-page.mp3': { body: Buffer.from('<!doctype html><title>Episode 1</title>'), type: 'text/html' } });
    const { found } = await probe([`${audio.origin}/gone.mp3`, `${audio.origin}/episode-page.mp3`]);
    expect(found.get(`${audio.origin}/gone.mp3`)?.problems).toEqual([
      expect.objectContaining({ rule: 'audio-probe-failed', message: `the host answers \`${audio.origin}/gone.mp3\` with 404 Not Found (HEAD) and 404 Not Found (GET)` }),
    ]);
    expect(found.get(`${audio.origin}/episode-page.mp3`)).toMatchObject({
      size: 39,
      type: undefined,
      problems: [{ rule: 'unreadable-audio', message: expect.stringContaining('the host says it is text/html') }],
    });
  });

  it('reports a host that cannot be reached', async () => {
    const audio = await host({});
    await audio.close();
    const { found } = await probe([`${audio.origin}/ep.mp3`]);
    expect(found.get(`${audio.origin}/ep.mp3`)?.problems).toEqual([
      expect.objectContaining({ rule: 'audio-probe-failed', message: expect.stringContaining('ECONNREFUSED') }),
    ]);
  });

  it('asks a handful of requests at a time', async () => {
    const routes = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`/ep${i}.mp3`, { body: SILENCE_MP3, delayMs: 30 }]));
    const audio = await host(routes);
    const { found } = await probe(Object.keys(routes).map((route) => `${audio.origin}${route}`), { concurrency: 3 });
    expect([...found.values()].every((finding) => finding.size === SILENCE_MP3.length)).toBe(true);
    expect(audio.mostAtOnce).toBe(3);
  });

  it('keeps what the host answered, so that later builds do not ask again; failures are asked again', async () => {
    const audio = await host({ '/ep.mp3': { body: SILENCE_MP3, head: 'refuse' } });
    const urls = [`${audio.origin}/ep.mp3`, `${audio.origin}/gone.mp3`];
    const { found, cacheFile, again } = await probe(urls);
    const asked = audio.requests.length;
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { entries: Record<string, { probedAt: string }> };
    expect(Object.keys(cached.entries)).toEqual([`${audio.origin}/ep.mp3`]);

    const second = await again();
    expect(second.get(urls[0]!)).toEqual(found.get(urls[0]!));
    expect(audio.requests.slice(asked)).toEqual(['HEAD /gone.mp3', 'GET /gone.mp3 bytes=0-65535']);

    // Deleting the cache is how a refresh is asked for.
    await rm(cacheFile);
    await again();
    expect(audio.requests.slice(asked + 2).filter((r) => r.includes('/ep.mp3'))).toEqual(['HEAD /ep.mp3', 'GET /ep.mp3 bytes=0-65535']);
  });
});

describe('build with probeAudio', () => {
  it('fills in and checks remote audio from its host, naming the episode file at the URL', async () => {
    const audio = await host({ '/ep1.mp3': { body: SILENCE_MP3 }, '/ep2.mp3': { body: SILENCE_MP3, ranges: 'ignore' } });
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-05-first.md': episodeFile(`title: First\nepisode: 1\naudio:\n  url: ${audio.origin}/ep1.mp3`),
      'episodes/2024-01-12-second.md': episodeFile(`title: Second\nepisode: 2\naudio:\n  url: ${audio.origin}/ep2.mp3\n  length: 12000\n  duration: 3`),
      'episodes/2024-01-19-third.md': episodeFile(`title: Third\nepisode: 3\naudio:\n  url: ${audio.origin}/ep3.mp3\n  length: 5000`),
    });
    const result = await build({ cwd: root, probeAudio: { timeoutMs: 5000 } });
    expect(result.diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.rule])).toEqual([
      ['episodes/2024-01-12-second.md', 5, 8, 'warning', 'audio-host-requirements'],
      ['episodes/2024-01-12-second.md', 6, 11, 'warning', 'audio-facts-mismatch'],
      ['episodes/2024-01-19-third.md', 5, 8, 'warning', 'audio-probe-failed'],
    ]);
    expect(result.diagnostics[1]!.message).toBe(`\`audio.length\` is 12000 bytes but its host says ${SILENCE_MP3.length} bytes; the feed uses ${SILENCE_MP3.length}`);
    const items = children(child(parseXmlStrict(await readText(path.join(root, 'dist/feed.xml'))), 'channel')!, 'item');
    const enclosures = items.map((item) => child(item, 'enclosure')!.attributes.length);
    expect(enclosures).toEqual(['5000', String(SILENCE_MP3.length), String(SILENCE_MP3.length)]);
    expect(items.map((item) => child(item, 'itunes:duration')?.text)).toEqual([undefined, '3', '3']);
  });

  it('asks nothing unless told to', async () => {
    const audio = await host({ '/ep1.mp3': { body: SILENCE_MP3 } });
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-05-first.md': episodeFile(`title: First\nepisode: 1\naudio:\n  url: ${audio.origin}/ep1.mp3`),
    });
    const result = await build({ cwd: root, write: false });
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['missing-audio-length']);
    expect(result.diagnostics[0]!.hint).toContain('--probe-audio');
    expect(audio.requests).toEqual([]);
  });
});
