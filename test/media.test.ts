import { describe, expect, it } from 'vitest';
import { id3v2TagLength, mediaTypeOfFormat, readMediaBlob, readMediaStart } from '../src/media.js';
import { handMadeMp3, id3Padding, MP3_FRAME_SECONDS, SILENCE_M4A, SILENCE_MP3 } from './audio-host.js';

describe('reading audio (the door to music-metadata)', () => {
  it('reads type and duration of whole MP3 and M4A files', async () => {
    expect(await readMediaBlob(new Blob([SILENCE_MP3]))).toEqual({ facts: { type: 'audio/mpeg', duration: expect.closeTo(3.06, 2) } });
    expect(await readMediaBlob(new Blob([SILENCE_M4A]))).toEqual({ facts: { type: 'audio/x-m4a', duration: expect.closeTo(3.05, 2) } });
  });

  it('tells the format from the content, whatever the file is called', async () => {
    const reading = await readMediaBlob(new Blob([SILENCE_M4A], { type: 'audio/mpeg' }));
    expect(reading).toEqual({ facts: expect.objectContaining({ type: 'audio/x-m4a' }) });
  });

  it('says why a file that is not audio cannot be read', async () => {
    expect(await readMediaBlob(new Blob(['# show notes, saved as .mp3 by mistake\n']))).toEqual({ problem: expect.stringMatching(/format/i) });
  });

  it('gives a constant-bitrate MP3 without header its duration from the size, from its first bytes alone', async () => {
    const mp3 = handMadeMp3(2000);
    const first = mp3.subarray(0, 64 * 1024);
    const reading = await readMediaStart(first, mp3.length);
    expect(reading).toEqual({ facts: { type: 'audio/mpeg', duration: expect.closeTo(2000 * MP3_FRAME_SECONDS, 3) } });
  });

  it('reads the duration of an M4A from its first bytes when its moov box comes first', async () => {
    const padded = Buffer.concat([SILENCE_M4A, Buffer.alloc(200_000)]);
    expect(await readMediaStart(padded.subarray(0, 4096), padded.length)).toEqual({ facts: { type: 'audio/x-m4a', duration: expect.closeTo(3.05, 2) } });
  });

  it('finds where the frames start after a large ID3 tag', () => {
    expect(id3v2TagLength(id3Padding(300_000))).toBe(300_000);
    expect(id3v2TagLength(handMadeMp3(1))).toBeUndefined();
  });

  it('names the type apps expect for each container', () => {
    expect(mediaTypeOfFormat({ container: 'MPEG' })).toBe('audio/mpeg');
    expect(mediaTypeOfFormat({ container: 'M4A/isom/iso2', hasVideo: true })).toBe('audio/x-m4a');
    expect(mediaTypeOfFormat({ container: 'isom/iso2/avc1/mp41', hasVideo: true })).toBe('video/mp4');
    expect(mediaTypeOfFormat({ container: 'isom/iso2/mp41', hasVideo: false })).toBe('audio/x-m4a');
    expect(mediaTypeOfFormat({ container: 'qt', hasVideo: true })).toBe('video/quicktime');
    expect(mediaTypeOfFormat({ container: 'Ogg' })).toBe('audio/ogg');
    expect(mediaTypeOfFormat({ container: 'Musepack, SV7' })).toBeUndefined();
  });
});
