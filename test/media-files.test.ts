import { existsSync } from 'node:fs';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLocalAudio, type LocalAudioOptions } from '../src/media-files.js';
import { SILENCE_M4A, SILENCE_MP3 } from './audio-host.js';
import { tempProject } from './helpers.js';

describe('local audio files and their cache', () => {
  async function project(files: Record<string, string | Buffer>) {
    const root = await tempProject(files);
    const options: LocalAudioOptions = {
      root,
      publicFolder: path.join(root, 'public'),
      mediaFolder: path.join(root, 'audio'),
      cacheFile: path.join(root, '.podsite-cache/media.json'),
    };
    return { root, options };
  }
  const readCache = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as { version: number; entries: Record<string, { size: number; mtimeMs: number; facts: { duration: number } }> };

  it('finds a path on the site in the media folder or in public/', async () => {
    const { options } = await project({ 'audio/ep1.mp3': SILENCE_MP3, 'public/media/ep2.m4a': SILENCE_M4A, 'public/ep3.mp3': SILENCE_MP3 });
    const found = await readLocalAudio(['/media/ep1.mp3', '/media/ep2.m4a', '/ep3.mp3', '/media/ep4.mp3'], options);
    expect(found.get('/media/ep1.mp3')).toEqual({ source: 'audio/ep1.mp3', from: 'file', size: SILENCE_MP3.length, type: 'audio/mpeg', duration: expect.closeTo(3.06, 2), problems: [] });
    expect(found.get('/media/ep2.m4a')).toMatchObject({ source: 'public/media/ep2.m4a', size: SILENCE_M4A.length, type: 'audio/x-m4a' });
    expect(found.get('/ep3.mp3')).toMatchObject({ source: 'public/ep3.mp3', size: SILENCE_MP3.length });
    expect(found.get('/media/ep4.mp3')).toMatchObject({
      size: undefined,
      problems: [{ rule: 'audio-file-not-found', message: 'no file for the audio `/media/ep4.mp3`: looked for audio/ep4.mp3 and public/media/ep4.mp3' }],
    });
  });

  it('says that an audio file whose name is not safe on every host is not in the site', async () => {
    const { options } = await project({ 'audio/aux.mp3': SILENCE_MP3, 'public/media/ok.mp3': SILENCE_MP3 });
    const found = await readLocalAudio(['/media/aux.mp3', '/media/ok.mp3', '/media/my%20show.mp3'], options);
    expect(found.get('/media/aux.mp3')).toMatchObject({
      size: undefined,
      problems: [{ rule: 'audio-file-not-found', message: 'the audio `/media/aux.mp3` is not in the site: its file is not copied, since the name `aux.mp3` is not safe on every host (`aux` is a device name on Windows)' }],
    });
    expect(found.get('/media/ok.mp3')).toMatchObject({ size: SILENCE_MP3.length, problems: [] });
    // A name that is not there is said to be missing, not unsafe.
    expect(found.get('/media/my%20show.mp3')!.problems[0]!.message).toMatch(/^no file for the audio/);
  });

  it('keeps the size of a file that is not audio, and says why it cannot be read', async () => {
    const { options } = await project({ 'public/notes.mp3': 'not audio at all' });
    const found = (await readLocalAudio(['/notes.mp3'], options)).get('/notes.mp3');
    expect(found).toMatchObject({ size: 16, type: undefined, duration: undefined, problems: [{ rule: 'unreadable-audio' }] });
  });

  it('reads an unchanged file from the cache, and again once its modification time or size changes', async () => {
    const { root, options } = await project({ 'public/ep.mp3': SILENCE_MP3 });
    await readLocalAudio(['/ep.mp3'], options);
    const written = await readCache(options.cacheFile);
    const file = path.join(root, 'public/ep.mp3');
    expect(written.entries['public/ep.mp3']).toEqual({ size: SILENCE_MP3.length, mtimeMs: (await stat(file)).mtimeMs, facts: { type: 'audio/mpeg', duration: expect.closeTo(3.06, 2) } });

    // A duration no parser would find shows that the second build took the cached one.
    written.entries['public/ep.mp3']!.facts.duration = 999;
    await writeFile(options.cacheFile, JSON.stringify(written));
    expect((await readLocalAudio(['/ep.mp3'], options)).get('/ep.mp3')?.duration).toBe(999);

    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    expect((await readLocalAudio(['/ep.mp3'], options)).get('/ep.mp3')?.duration).toBeCloseTo(3.06, 2);

    const { mtimeMs } = await stat(file);
    const cached = await readCache(options.cacheFile);
    cached.entries['public/ep.mp3']!.facts.duration = 999;
    await writeFile(options.cacheFile, JSON.stringify(cached));
    await writeFile(file, SILENCE_M4A);
    await utimes(file, new Date(mtimeMs), new Date(mtimeMs));
    expect((await readLocalAudio(['/ep.mp3'], options)).get('/ep.mp3')).toMatchObject({ size: SILENCE_M4A.length, type: 'audio/x-m4a' });
  });

  it('starts afresh from a cache file that is damaged, and keeps the cache out of git', async () => {
    const { root, options } = await project({ 'public/ep.mp3': SILENCE_MP3, '.podsite-cache/media.json': '{"version": 1, "entr' });
    expect((await readLocalAudio(['/ep.mp3'], options)).get('/ep.mp3')?.type).toBe('audio/mpeg');
    expect((await readCache(options.cacheFile)).entries['public/ep.mp3']).toBeDefined();
    expect(existsSync(path.join(root, '.podsite-cache/.gitignore'))).toBe(true);
  });
});
