/**
 * The text of a timed transcript (WebVTT or SubRip), read at build time so that the episode page
 * can show it with timestamps. Only what a reader needs is kept: when each cue starts, who speaks
 * and what is said. Markup inside cues is removed, so the text is plain and templates escape it.
 */
export interface Cue {
  /** Seconds from the start of the audio. */
  start: number;
  /** The voice of a WebVTT `<v Name>` tag, when the cue has one. */
  speaker: string | undefined;
  text: string;
}

/** `01:02:03.250`, `02:03.250` (WebVTT) or `01:02:03,250` (SubRip); hours may have more digits. */
const TIME = String.raw`(?:(\d+):)?([0-5]\d):([0-5]\d)[.,](\d{3})`;
const TIMING_LINE = new RegExp(String.raw`^\s*${TIME}\s*-->\s*${TIME}(?:\s.*)?$`);

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f' };

/**
 * The cues of a WebVTT or SubRip file, in the order written. A block without a valid timing line
 * (the `WEBVTT` header, `NOTE`, `STYLE` and `REGION` blocks, or a broken cue) is left out, as
 * players do; so is a cue with no text once its markup is removed.
 */
export function parseTimedText(source: string): Cue[] {
  const cues: Cue[] = [];
  const blocks = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  for (const block of blocks) {
    const lines = block.replace(/^\s*\n/, '').split('\n');
    // The timing line is the first line of a cue, or the second after its identifier (a number in SubRip).
    const timingIndex = lines.slice(0, 2).findIndex((line) => line.includes('-->'));
    if (timingIndex === -1) continue;
    const timing = TIMING_LINE.exec(lines[timingIndex]!);
    if (timing === null) continue;
    const start = seconds(timing.slice(1, 5));
    const end = seconds(timing.slice(5, 9));
    if (end < start) continue;
    const { speaker, text } = plainCueText(lines.slice(timingIndex + 1).join('\n'));
    if (text === '') continue;
    cues.push({ start, speaker, text });
  }
  return cues;
}

function seconds([hours, minutes, secs, milliseconds]: (string | undefined)[]): number {
  return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(secs) + Number(milliseconds) / 1000;
}

/** Cue text without its tags (`<v>`, `<i>`, `<c.x>`, inline timestamps, SubRip's `{\an8}`), entities decoded, lines joined. */
function plainCueText(raw: string): { speaker: string | undefined; text: string } {
  const voice = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(raw);
  const text = raw
    .replace(/<[^>\n]*>/g, '')
    .replace(/\{\\[^}\n]*\}/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => decodeEntity(name) ?? whole)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  const speaker = voice?.[1]?.trim();
  return { speaker: speaker === undefined || speaker === '' ? undefined : speaker, text };
}

function decodeEntity(name: string): string | undefined {
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return ENTITIES[name.toLowerCase()];
}
