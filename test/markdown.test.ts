import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/markdown.js';

const keep = { html: 'keep' } as const;
const sanitize = { html: 'sanitize' } as const;

describe('renderMarkdown', () => {
  it('renders GFM: tables, autolinks, strikethrough and footnotes', () => {
    const { html } = renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n\nSee https://example.com and ~~old~~.[^1]\n\n[^1]: A note.\n', keep);
    expect(html).toContain('<table>');
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
    expect(html).toContain('<img src="https://example.com/a.png" alt="A">');
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
    expect(html.match(/<devoxx>/g)?.length).toBe(html.match(/<\/devoxx>/g)?.length);
  });
});

