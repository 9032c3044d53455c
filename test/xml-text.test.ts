import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasForbiddenXmlCharacters, indexOfForbiddenXmlCharacter, removeForbiddenXmlCharacters } from '../src/xml-text.js';

/** XML 1.0's `Char` production, read literally: what the scanning functions must agree with. */
const FORBIDDEN_BY_THE_SPEC = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** Text made of the characters that matter here: controls, noncharacters, both halves of surrogate pairs, and plain letters. */
const risky = fc
  .array(fc.constantFrom('a', 'é', '\t', '\n', '\r', '\u0000', '\u0008', '\u000B', '\u000C', '\u001F', ' ', '\uD7FF', '\uE000', '\uFFFD', '\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '😀', '\uD83F\uDFFE'), { maxLength: 30 })
  .map((units) => units.join(''));

describe('characters XML 1.0 forbids', () => {
  it('are found and removed exactly where the Char production says, lone surrogates included and pairs kept', () => {
    fc.assert(
      fc.property(risky, (text) => {
        const first = text.search(FORBIDDEN_BY_THE_SPEC);
        expect(indexOfForbiddenXmlCharacter(text)).toBe(first);
        expect(hasForbiddenXmlCharacters(text)).toBe(first !== -1);
        expect(removeForbiddenXmlCharacters(text)).toBe(text.replace(FORBIDDEN_BY_THE_SPEC, ''));
      }),
      { numRuns: 5000 },
    );
  });

  it('leave text with none of them as the same string', () => {
    const text = 'Un été 😀 à la mer\ttab\r\n';
    expect(removeForbiddenXmlCharacters(text)).toBe(text);
    expect(removeForbiddenXmlCharacters('a\uD800\uD800\uDC00b\uDC00\u0000')).toBe('a\uD800\uDC00b');
  });
});
