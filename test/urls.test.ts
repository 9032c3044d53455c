import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHttpUrl } from '../src/urls.js';

/** What isHttpUrl says, found by the URL parser alone. */
function parsedAsHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

describe('isHttpUrl', () => {
  it('says what the URL parser says of URLs of the plain shape it tells without it, and of others', () => {
    for (const text of [
      'https://media.example.com/episode-2000.mp3',
      'HTTP://Media.Example.COM:8080/a b',
      'https://999.1.1.1/x.mp3',
      'https://999.1.1.11/x.mp3',
      'https://1.2.3.4/x.mp3',
      'https://example.123/x.mp3',
      'https://a.example.com:99999/x.mp3',
      'https://xn--a.com/x.mp3',
      'https://exa mple.com/x.mp3',
      'https://user@example.com/x.mp3',
      'https://example.com/x.mp3?a=[1]#|^`{}\\',
      'https://example.com\\x.mp3',
      'https:///x.mp3',
      'http:example.com/x.mp3',
      ' https://example.com/x.mp3',
      '/media/x.mp3',
      '//example.com/x.mp3',
      'ftp://example.com/x.mp3',
      '',
    ]) {
      expect([text, isHttpUrl(text)]).toEqual([text, parsedAsHttpUrl(text)]);
    }
  });

  it('agrees with the URL parser on any text made of the pieces of URLs', () => {
    const piece = fc.constantFrom('http', 'https', 'HTTP', ':', '//', '/', 'a', 'Z', '0', '9', '.', '-', '--', 'xn--', '..', 'com', '1', '255', '999', '0x1', ':80', ':99999', '?', '#', '%', '%zz', ' ', '\t', '\n', '\\', '@', '[', ']', '|', '^', '`', '{', '}', '<', '>', '"', 'é', '\u0000', '\u007f', '\ud800', '_', '~', '!', '$', '&', '(', '*', '+', ',', ';', '=');
    const text = fc.oneof(
      fc.array(piece, { maxLength: 14 }).map((pieces) => pieces.join('')),
      fc.array(piece, { maxLength: 10 }).map((pieces) => `https://${pieces.join('')}`),
      fc.array(piece, { maxLength: 10 }).map((pieces) => `http://media.${pieces.join('')}`),
      fc.webUrl(),
    );
    fc.assert(fc.property(text, (written) => isHttpUrl(written) === parsedAsHttpUrl(written)), { numRuns: 20000 });
  });
});
