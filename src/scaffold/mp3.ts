/**
 * Silent MPEG-1 Layer III audio, mono, 48 kHz, 32 kbit/s: every frame is a header followed by
 * zeros, which decoders play as silence. Each frame is 1152 samples (24 ms) and 96 bytes
 * (144 × 32000 / 48000), so a few seconds weigh a few kilobytes.
 */
const FRAME_BYTES = 96;
const FRAME_SECONDS = 1152 / 48_000;
// 0xFFFB: frame sync, MPEG-1, Layer III, no CRC; 0x14: 32 kbit/s, 48 kHz, no padding; 0xC0: mono.
const FRAME_HEADER = [0xff, 0xfb, 0x14, 0xc0];

/** A silent MP3 of at least `seconds`, in whole frames. */
export function silentMp3(seconds: number): Buffer {
  const frames = Math.ceil(seconds / FRAME_SECONDS);
  const audio = Buffer.alloc(frames * FRAME_BYTES);
  for (let frame = 0; frame < frames; frame++) audio.set(FRAME_HEADER, frame * FRAME_BYTES);
  return audio;
}
