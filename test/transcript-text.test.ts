import { describe, expect, it } from 'vitest';
import { parseTimedText } from '../src/transcript-text.js';

describe('parseTimedText', () => {
  it('reads WebVTT cues with their start, voice and text, leaving out the header and NOTE, STYLE and REGION blocks', () => {
    const vtt = [
      'WEBVTT - The first minute',
      '',
      'NOTE The cold open --> not a cue',
      '',
      'STYLE',
      '::cue { color: red }',
      '',
      'REGION',
      'id:fred width:40%',
      '',
      '00:00:00.000 --> 00:00:04.200',
      '<v Maya Okafor>Welcome to The Slow Build.',
      '',
      'intro-2',
      '00:04.200 --> 00:07.900 align:start position:10%',
      '<v.loud Tom Lindqvist>And I am standing',
      'at the bottom of a ladder.',
      '',
      '01:02:03.250 --> 01:02:05.000',
      '[Crane hum]',
      '',
    ].join('\n');
    expect(parseTimedText(vtt)).toEqual([
      { start: 0, speaker: 'Maya Okafor', text: 'Welcome to The Slow Build.' },
      { start: 4.2, speaker: 'Tom Lindqvist', text: 'And I am standing at the bottom of a ladder.' },
      { start: 3723.25, speaker: undefined, text: '[Crane hum]' },
    ]);
  });

  it('reads SubRip cues, with their numbers, commas, Windows line ends, a byte order mark and SubRip tags', () => {
    const srt = '\uFEFF1\r\n00:00:01,500 --> 00:00:03,000\r\n<i>Hello</i> there.\r\n\r\n2\r\n00:00:03,000 --> 00:00:06,000\r\n{\\an8}Up top.\r\n\r\n\r\n\r\n3\r\n00:10:00,000 --> 00:10:02,000\r\n- Two\r\n- lines\r\n';
    expect(parseTimedText(srt)).toEqual([
      { start: 1.5, speaker: undefined, text: 'Hello there.' },
      { start: 3, speaker: undefined, text: 'Up top.' },
      { start: 600, speaker: undefined, text: '- Two - lines' },
    ]);
  });

  it('leaves out malformed cues and keeps the ones around them', () => {
    const vtt = [
      'WEBVTT',
      '',
      '00:00:01.000 --> 00:00:02.000',
      'Kept first.',
      '',
      '00:00:61.000 --> 00:01:02.000',
      'Sixty-one seconds is no time.',
      '',
      '00:00:05 --> 00:00:06',
      'No milliseconds.',
      '',
      '00:00:09.000 --> 00:00:08.000',
      'Ends before it starts.',
      '',
      'one',
      'two',
      '00:00:10.000 --> 00:00:11.000',
      'The timing line comes too late.',
      '',
      '00:00:12.000 --> 00:00:13.000',
      '',
      '00:00:14.000 --> 00:00:15.000',
      '<i></i>',
      '',
      '00:00:16.000 -->',
      'No end.',
      '',
      '00:00:20.000 --> 00:00:21.000',
      'Kept last.',
    ].join('\n');
    expect(parseTimedText(vtt).map((cue) => cue.text)).toEqual(['Kept first.', 'Kept last.']);
  });

  it('removes tags and decodes entities, so that HTML-like text stays text for the template to escape', () => {
    const vtt = [
      'WEBVTT',
      '',
      '00:00:01.000 --> 00:00:02.000',
      '<c.yellow>Use &lt;script&gt;alert(1)&lt;/script&gt;</c> &amp; <b>bold</b><00:00:01.500> &#169; &#x263A; &bogus;',
      '',
      '00:00:03.000 --> 00:00:04.000',
      '<img src=x onerror=alert(1)>Tom & Jerry',
    ].join('\n');
    expect(parseTimedText(vtt)).toEqual([
      { start: 1, speaker: undefined, text: 'Use <script>alert(1)</script> & bold © ☺ &bogus;' },
      { start: 3, speaker: undefined, text: 'Tom & Jerry' },
    ]);
  });

  it('finds nothing in an empty file or a file of another kind', () => {
    expect(parseTimedText('')).toEqual([]);
    expect(parseTimedText('WEBVTT\n')).toEqual([]);
    expect(parseTimedText('{"segments": []}')).toEqual([]);
  });
});
