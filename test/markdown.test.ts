import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/markdown.js';

const keep = { html: 'keep' } as const;
const sanitize = { html: 'sanitize' } as const;

describe('renderMarkdown', () => {
  it('renders GFM: tables, autolinks, strikethrough and footnotes', () => {
    const { html } = renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n\nSee https://example.com and ~~old~~.[^1]\n\n[^1]: A note.\n', keep);
    // Focusable, as the theme lets a wide table scroll within itself; and a code block likewise.
    expect(html).toContain('<table tabindex="0">');
    expect(renderMarkdown('```\ncode\n```\n', keep).html).toBe('<pre tabindex="0"><code>code\n</code></pre>\n');
    expect(html).toContain('<a href="https://example.com">https://example.com</a>');
    expect(html).toContain('<del>old</del>');
    expect(html).toMatch(/<section[^>]*class="footnotes"/);
  });

  it('keeps raw HTML by default, as show notes carry pictures and players', () => {
    const { html } = renderMarkdown('<img src="/a.png" alt="A">\n\n<iframe src="https://player.example.com/1"></iframe>\n', keep);
    expect(html).toContain('<img src="/a.png" alt="A">');
    expect(html).toContain('<iframe src="https://player.example.com/1"></iframe>');
  });

  it('sanitize removes scripts, event handlers and javascript: URLs but keeps media', () => {
    const markdown = [
      '<script>alert(1)</script>',
      '',
      '<img src="https://example.com/a.png" alt="A" onerror="alert(2)">',
      '',
      '<a href="javascript:alert(3)">click</a> and [me](javascript:alert(4))',
      '',
      '<iframe src="https://player.example.com/1" width="400"></iframe>',
      '',
      'Text with a footnote.[^n]',
      '',
      '[^n]: The note.',
    ].join('\n');
    const { html } = renderMarkdown(markdown, sanitize);
    expect(html).not.toMatch(/script|onerror|javascript:|alert/i);
    expect(html).toContain('<img src="https://example.com/a.png" alt="A" loading="lazy" referrerpolicy="no-referrer">');
    expect(html).toContain('<iframe src="https://player.example.com/1" width="400"></iframe>');
    const footnoteLink = /href="#(user-content-fn-n)"/.exec(html)?.[1];
    expect(html).toContain(`id="${footnoteLink}"`);
  });

  it('gives plain text without markup or raw HTML, blocks separated', () => {
    const { text } = renderMarkdown('## Title\n\nSome *emphasis* and a [link](https://x.example).\n\n<div>hidden html</div>\n\n- one\n- two\n', keep);
    expect(text).toBe('Title Some emphasis and a link. one two');
  });

  it('sanitize removes a stylesheet with its text', () => {
    const { html } = renderMarkdown('<style>body { display: none }</style>\n\nText.\n', sanitize);
    expect(html).not.toContain('display');
    expect(html).toContain('<p>Text.</p>');
  });

  it('closes broken raw HTML inside the notes, so it cannot swallow the page', () => {
    const { html } = renderMarkdown('Say <Devoxx> and\n\n<div>unclosed\n\nend</span>\n', keep);
    expect(html.match(/<div>/g)?.length).toBe(html.match(/<\/div>/g)?.length);
    expect(html).toContain('<p>Say &lt;Devoxx&gt; and</p>');
  });

  it('shows tags of no HTML element as the text they were meant to be, and reports them', () => {
    const { html, unknownTags } = renderMarkdown('Use List<String> here, <b>bold</b>.\n\n<Devoxx>\n', keep);
    expect(html).toContain('<p>Use List&lt;String&gt; here, <b>bold</b>.</p>');
    expect(html).toContain('&lt;Devoxx&gt;');
    expect(unknownTags).toEqual([
      { name: 'String', line: 1, column: 9 },
      { name: 'Devoxx', line: 3, column: 1 },
    ]);
  });

  it('writes > in text as &gt;, in code too', () => {
    const { html } = renderMarkdown('a -> b and `git add <file>`\n', keep);
    expect(html).toBe('<p>a -&gt; b and <code>git add &lt;file&gt;</code></p>\n');
  });

  for (const [policy, options] of [['keep', keep], ['sanitize', sanitize]] as const) {
    it(`turns a YouTube embed into a click-to-load preview, with the ${policy} policy`, () => {
      const markdown = '<iframe width="560" height="315" src="//www.youtube.com/embed/9zrMlEEWBgY" frameborder="0" allowfullscreen></iframe>\n\n<iframe src="https://www.youtube-nocookie.com/embed/_HxHIQ90-Fw" title="A talk"></iframe>\n';
      const { html, remoteMedia } = renderMarkdown(markdown, options);
      expect(html).not.toContain('<iframe');
      expect(html).toContain('<a class="video-preview" href="https://www.youtube.com/watch?v=9zrMlEEWBgY" data-youtube="9zrMlEEWBgY" data-frame-title="YouTube">');
      expect(html).toContain('<a class="video-preview" href="https://www.youtube.com/watch?v=_HxHIQ90-Fw" data-youtube="_HxHIQ90-Fw" data-frame-title="A talk"><span class="video-title">A talk</span>');
      expect(remoteMedia.map((media) => [media.url, media.line])).toEqual([
        ['//www.youtube.com/embed/9zrMlEEWBgY', 1],
        ['https://www.youtube-nocookie.com/embed/_HxHIQ90-Fw', 3],
      ]);
    });
  }

  it('lists the pictures and embeds loaded from a host, Markdown or HTML, with their place', () => {
    const markdown = 'Intro ![badge](https://img.shields.io/x.svg) and ![local](/a.png)\n\n  <img alt="b" src="http://other.example/b.png">\n';
    const { html, remoteMedia } = renderMarkdown(markdown, keep);
    expect(remoteMedia).toEqual([
      { url: 'https://img.shields.io/x.svg', line: 1, column: 7 },
      { url: 'http://other.example/b.png', line: 3, column: 3 },
    ]);
    expect(html).toContain('<img src="https://img.shields.io/x.svg" alt="badge" loading="lazy" referrerpolicy="no-referrer">');
    expect(html).toContain('<img src="/a.png" alt="local">');
    expect(renderMarkdown('<img src="/b.png" alt="B" border="0"> <img src="/c.png" alt="C" border="2">\n', keep).html).toBe('<p><img src="/b.png" alt="B"> <img src="/c.png" alt="C" border="2"></p>\n');
  });
});

