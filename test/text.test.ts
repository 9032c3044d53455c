import { describe, expect, it } from 'vitest';
import { podcastGuid } from '../src/feed.js';
import { paginationWindow } from '../src/pages.js';
import { encodePath, expandPermalink, outputFileOf } from '../src/permalink.js';
import { absoluteUrl, siteHref } from '../src/site.js';
import { absolutizeUrls, prefixBasePath } from '../src/urls.js';
import { excerpt } from '../src/text.js';

describe('excerpt', () => {
  it('keeps short texts whole', () => {
    expect(excerpt('Short text.', 20)).toBe('Short text.');
  });

  it('cuts after a whole word and adds an ellipsis', () => {
    expect(excerpt('The quick brown fox jumps over the lazy dog', 20)).toBe('The quick brown fox…');
    expect(excerpt('Une phrase, puis une autre.', 11)).toBe('Une phrase…');
  });

  it('never splits an emoji or a surrogate pair', () => {
    expect(excerpt('🎙️🎙️🎙️🎙️🎙️🎙️', 3)).toBe('🎙️🎙…');
  });
});

describe('permalinks and URLs', () => {
  it('expands the tokens', () => {
    expect(expandPermalink('/:year/:month/:day/:slug/', { year: '2009', month: '04', day: '12', slug: 'ep-1', episode: '1' })).toBe('/2009/04/12/ep-1/');
    expect(expandPermalink('/episodes/:episode.html', { year: '', month: '', day: '', slug: '', episode: '42' })).toBe('/episodes/42.html');
  });

  it('maps a URL path to the file that serves it', () => {
    expect(outputFileOf('/')).toBe('index.html');
    expect(outputFileOf('/a/b/')).toBe('a/b/index.html');
    expect(outputFileOf('/a/b')).toBe('a/b/index.html');
    expect(outputFileOf('/episodes/42.html')).toBe('episodes/42.html');
    expect(outputFileOf('/release-v1.2')).toBe('release-v1.2/index.html');
  });

  it('percent-encodes non-ASCII paths in links, under the base path', () => {
    expect(encodePath('/été/2024/')).toBe('/%C3%A9t%C3%A9/2024/');
    const settings = { url: 'https://example.com/show/' };
    expect(absoluteUrl(settings, '/été/')).toBe('https://example.com/show/%C3%A9t%C3%A9/');
    expect(siteHref(settings, '/feed.xml')).toBe('/show/feed.xml');
    expect(siteHref(settings, 'https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
    expect(absoluteUrl(settings, '/news:2025/')).toBe('https://example.com/show/news:2025/');
  });
});

describe('podcast:guid', () => {
  it('is the UUID v5 of the feed URL without scheme and trailing slash, as in the namespace docs', () => {
    expect(podcastGuid('https://mp3s.nashownotes.com/pc20rss.xml')).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810');
    expect(podcastGuid('http://mp3s.nashownotes.com/pc20rss.xml/')).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810');
  });
});

describe('root-relative URLs in notes', () => {
  const settings = { url: 'https://example.com/show/' };
  const notes = '<p><img src="/a.png" srcset="/a.png 1x, /a@2x.png 2x" alt=""> <a href="//cdn.example/x">x</a> <code>&lt;img src="/not-a-link"&gt;</code></p>';

  it('get the base path in pages', () => {
    expect(prefixBasePath(notes, settings)).toBe(
      '<p><img src="/show/a.png" srcset="/show/a.png 1x, /show/a@2x.png 2x" alt=""> <a href="//cdn.example/x">x</a> <code>&lt;img src="/not-a-link"&gt;</code></p>',
    );
  });

  it('are found in tags whose other attributes hold a `>`', () => {
    expect(prefixBasePath('<a title="a > b" href="/x/">x</a>', settings)).toBe('<a title="a > b" href="/show/x/">x</a>');
  });

  it('become absolute in the feed, outside code samples only', () => {
    expect(absolutizeUrls('<img src="/show/a.png">', settings)).toBe('<img src="https://example.com/show/a.png">');
    expect(absolutizeUrls(notes, settings)).toContain('<code>&lt;img src="/not-a-link"&gt;</code>');
  });
});

describe('paginationWindow', () => {
  it('keeps the first, the last and the pages around the current one, with gaps between', () => {
    expect(paginationWindow(1, 1)).toEqual([1]);
    expect(paginationWindow(3, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(paginationWindow(1, 400)).toEqual([1, 2, 3, undefined, 400]);
    expect(paginationWindow(200, 400)).toEqual([1, undefined, 198, 199, 200, 201, 202, undefined, 400]);
    expect(paginationWindow(400, 400)).toEqual([1, undefined, 398, 399, 400]);
  });
});
