import { isHighSurrogate, isLowSurrogate } from './text.js';

/**
 * What MiniSearch's default tokenizer matches between words: line breaks, spaces and punctuation.
 * The search files are MiniSearch's serialized form, written without MiniSearch (see TermIndex),
 * so the words must be cut exactly as `text.split(SPACE_OR_PUNCTUATION)` cuts them.
 */
const SPACE_OR_PUNCTUATION = /^[\n\r\p{Z}\p{P}]$/u;

const UNKNOWN = 0;
const WORD = 1;
const SEPARATOR = 2;

/**
 * What each UTF-16 code unit outside the surrogates is, learnt at its first sight: a build after
 * one edit meets a few hundred of them, where filling all 65,536 at once took 19 ms.
 */
const kinds = new Uint8Array(0x10000);

function kindOf(code: number): number {
  let kind = kinds[code]!;
  if (kind === UNKNOWN) kinds[code] = kind = SPACE_OR_PUNCTUATION.test(String.fromCharCode(code)) ? SEPARATOR : WORD;
  return kind;
}

/**
 * The words of a text as MiniSearch's default tokenizer gives them, empty ones included (a text
 * that starts or ends with a separator has one there). A scan with a table of code units: the
 * split with its `u`-flag regex was the largest self time of indexing a 4,000-episode archive.
 */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  let start = 0;
  let between = false;
  for (let at = 0; at < text.length; ) {
    const code = text.charCodeAt(at);
    let width = 1;
    // A lone surrogate is a code point of its own, and none is a separator.
    let separator = false;
    if (code < 0xd800 || code > 0xdfff) separator = kindOf(code) === SEPARATOR;
    else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(at + 1))) {
      width = 2;
      separator = SPACE_OR_PUNCTUATION.test(text.slice(at, at + 2));
    }
    if (separator && !between) words.push(text.slice(start, at));
    else if (!separator && between) start = at;
    between = separator;
    at += width;
  }
  words.push(between ? '' : text.slice(start));
  return words;
}
