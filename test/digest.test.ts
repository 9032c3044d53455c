import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestOfText, digestThroughHashObject } from '../src/digest.js';

const TEXTS = ['', 'a', '["Episode 1",null,"/2024/01/01/e1/",1704067200000]\0abc', 'été 🎙 \u{1F600}', 'lone \uD800 surrogate', 'x'.repeat(10_000)];

describe('digests of texts', () => {
  it('are those of createHash over the same text, one-shot or not', () => {
    for (const algorithm of ['sha1', 'sha256'] as const) {
      for (const encoding of ['hex', 'base64url'] as const) {
        for (const text of TEXTS) {
          const expected = createHash(algorithm).update(text).digest(encoding);
          expect(digestOfText(algorithm, text, encoding)).toBe(expected);
          expect(digestThroughHashObject(algorithm, text, encoding)).toBe(expected);
        }
      }
    }
  });
});
