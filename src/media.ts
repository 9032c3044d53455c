import type { IFormat } from 'music-metadata';

/**
 * The only door to music-metadata: what an audio file says about itself. Callers hand it bytes
 * (a Blob of a local file, or the first bytes a host sent); it never reads the disk or the network.
 */

/**
 * music-metadata, with the file-type detection it brings, is loaded when a file is first read: a
 * build whose audio facts are all in the cache reads none, and bundled they were 200 KB of code
 * that every build compiled. Outside `read`, so that a failed load is podsite's error, not the file's.
 */
const musicMetadata = () => import('music-metadata');

/** What the audio itself tells; either may be unknown for a format that does not say. */
export interface MediaFacts {
  /** The MIME type podcast apps expect for this kind of file, e.g. `audio/mpeg`. */
  type: string | undefined;
  /** Seconds, as exact as the file allows. */
  duration: number | undefined;
}

export type MediaReading = { facts: MediaFacts } | { problem: string };

/** A whole file, with random access: the duration is exact, even for VBR MP3 without a header. */
export async function readMediaBlob(blob: Blob): Promise<MediaReading> {
  // Without a file name or a MIME type, the format is told from the content.
  const untyped = blob.type === '' ? blob : blob.slice(0, blob.size, '');
  const { parseBlob } = await musicMetadata();
  const reading = await read(() => parseBlob(untyped, { skipCovers: true, duration: true }));
  return 'problem' in reading ? reading : { facts: reading.facts };
}

/**
 * The first bytes of a file of `totalSize` bytes, as a byte-range request gives them. The duration
 * is known when the format puts it at the start: an MP3 with a Xing/VBRI header, a constant-bitrate
 * MP3 (from its size), an MP4/M4A whose `moov` box comes first.
 */
export async function readMediaStart(bytes: Uint8Array, totalSize: number): Promise<MediaReading> {
  // The MP4 parser reads box after box to the end; cut at the last whole box so that it stops
  // there instead of failing on the `mdat` box it was not sent.
  const whole = isIsoMedia(bytes) ? completeBoxesLength(bytes) : undefined;
  const sent = whole === undefined ? bytes : bytes.subarray(0, whole);
  const size = whole ?? totalSize;
  const { parseWebStream } = await musicMetadata();
  const reading = await read(() =>
    // A stream keeps the file's real size, where a Buffer would claim only its own.
    parseWebStream(new Blob([new Uint8Array(sent)]).stream(), { size }, { skipCovers: true, skipPostHeaders: true }),
  );
  if ('problem' in reading) return reading;
  const { facts, constantBitrate } = reading;
  if (facts.duration !== undefined || constantBitrate === undefined) return { facts };
  // music-metadata computes this itself once it has read to the end of the file, which these bytes are not.
  const audioBytes = size - (id3v2TagLength(bytes) ?? 0);
  return { facts: { ...facts, duration: (audioBytes * 8) / constantBitrate } };
}

/**
 * Where the audio frames of an MP3 start when an ID3v2 tag comes first, or undefined. Embedded
 * cover art often makes the tag larger than a first range request, so the frames are asked for
 * separately.
 */
export function id3v2TagLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return undefined;
  const sizeBytes = bytes.subarray(6, 10);
  if (sizeBytes.some((b) => b >= 0x80)) return undefined;
  // A "syncsafe" integer: 7 bits per byte.
  const size = ((sizeBytes[0]! << 21) | (sizeBytes[1]! << 14) | (sizeBytes[2]! << 7) | sizeBytes[3]!) >>> 0;
  const hasFooter = (bytes[5]! & 0x10) !== 0;
  return 10 + size + (hasFooter ? 10 : 0);
}

async function read(parse: () => Promise<{ format: IFormat }>): Promise<{ facts: MediaFacts; constantBitrate: number | undefined } | { problem: string }> {
  let format: IFormat;
  try {
    ({ format } = await parse());
  } catch (error) {
    // The parsers throw on content they cannot make sense of: that is the file's problem, not podsite's.
    return { problem: (error as Error).message || String(error) };
  }
  const duration = format.duration !== undefined && Number.isFinite(format.duration) ? format.duration : undefined;
  const constantBitrate = format.container === 'MPEG' && format.codecProfile === 'CBR' && format.bitrate ? format.bitrate : undefined;
  return { facts: { type: mediaTypeOfFormat(format), duration }, constantBitrate };
}

/** MP4 brands of files that are audio even when they carry chapter images as a video track. */
const AUDIO_BRANDS = new Set(['M4A', 'M4B', 'M4P']);

/** The type podcast apps expect, from the container music-metadata found (`MPEG`, `M4A/isom/iso2`…). */
export function mediaTypeOfFormat(format: Pick<IFormat, 'container' | 'hasVideo'>): string | undefined {
  const container = format.container ?? '';
  if (container === 'MPEG') return 'audio/mpeg';
  if (container.startsWith('ADTS/')) return 'audio/aac';
  if (container === 'Ogg') return 'audio/ogg';
  if (container === 'FLAC') return 'audio/flac';
  if (container === 'WAVE') return 'audio/wav';
  if (container.startsWith('EBML/')) return format.hasVideo ? 'video/webm' : 'audio/webm';
  // What is left with brands is ISO media (MP4, M4A, QuickTime): the `ftyp` brands name it.
  const brands = container.split('/');
  if (brands.some((brand) => AUDIO_BRANDS.has(brand))) return 'audio/x-m4a';
  if (brands.includes('M4V')) return 'video/x-m4v';
  if (brands.includes('qt')) return 'video/quicktime';
  if (brands.some((brand) => /^(isom|iso\d|mp41|mp42|avc1|dash|3gp\d|3g2\w)$/.test(brand))) return format.hasVideo ? 'video/mp4' : 'audio/x-m4a';
  return undefined;
}

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

function isIsoMedia(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && ascii(bytes, 4, 8) === 'ftyp';
}

/** Length of the top-level ISO media boxes that `bytes` holds whole. */
function completeBoxesLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = view.getUint32(offset);
    if (size === 1) {
      if (offset + 16 > bytes.length) break;
      size = Number(view.getBigUint64(offset + 8));
    }
    // Size 0 means "to the end of the file", which these bytes are not.
    if (size < 8 || offset + size > bytes.length) break;
    offset += size;
  }
  return offset;
}
