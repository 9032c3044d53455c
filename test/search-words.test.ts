import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { wordsOf } from '../src/search-words.js';

/** The tokenizer the page's script searches with: the words of the index must be cut as it cuts them. */
const miniSearchWords = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** Separators and word characters of every kind: astral punctuation (U+10100, U+1E95E), emoji, lone surrogates, no-break and ideographic spaces. */
const risky = fc
  .array(fc.constantFrom('a', 'é', '1', ' ', '\n', '\r', '\t', '\u00A0', '\u3000', '\u2028', '.', ',', '-', '«', '»', '’', '_', '@', '#', '$', '+', '😀', '\u{10100}', '\u{1E95E}', '\u{1F600}', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u0000', '\u200B'), { maxLength: 24 })
  .map((units) => units.join(''));

describe('the words of a search index', () => {
  it('are cut as MiniSearch cuts them, empty words at either end included', () => {
    fc.assert(
      fc.property(fc.oneof(risky, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
        expect(wordsOf(text)).toEqual(miniSearchWords(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('take every code unit of the BMP for what MiniSearch takes it for', () => {
    for (let code = 0; code < 0x10000; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      const words = wordsOf(text);
      const expected = miniSearchWords(text);
      if (words.length !== expected.length || words.some((word, i) => word !== expected[i])) expect({ code, words }).toEqual({ code, words: expected });
    }
  });
});
