import { characterEntities } from 'character-entities';
import type { Nodes as HastNodes } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toMdast } from 'hast-util-to-mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

/**
 * Show notes from another host, as Markdown. Hosts send HTML (`<p>`, `<a>`, `<ul>`, `<br>`), often
 * with entities escaped twice, or plain text whose line breaks are the only structure.
 */
export function htmlToMarkdown(html: string): string {
  const tree = fromHtml(looksLikeHtml(html) ? unescapeTwice(html) : plainTextAsHtml(html), { fragment: true });
  decodeLeftoverEntities(tree);
  const markdown = toMarkdown(toMdast(tree), {
    bullet: '-',
    emphasis: '_',
    rule: '-',
    resourceLink: true,
    extensions: [gfmToMarkdown()],
  });
  return markdown.trim() === '' ? '' : `${markdown.trim()}\n`;
}

/** The text of a title or a short field that a host may have sent as HTML or with entities escaped twice (`&amp;amp;`). */
export function htmlToText(html: string): string {
  const tree = fromHtml(html, { fragment: true });
  decodeLeftoverEntities(tree);
  // Not \s: a no-break space (&nbsp;) is kept where it was meant.
  return textOf(tree).replace(/[ \t\r\n]+/g, ' ').trim();
}

/** The text of a longer description, one paragraph a line, for a setting such as the show's `description`. */
export function htmlToParagraphs(html: string): string {
  return htmlToMarkdownText(looksLikeHtml(html) ? unescapeTwice(html) : plainTextAsHtml(html));
}

function htmlToMarkdownText(html: string): string {
  const tree = fromHtml(html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|h\d)>/gi, '\n\n'), { fragment: true });
  decodeLeftoverEntities(tree);
  return textOf(tree)
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/[ \t\r\n]+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}

const looksLikeHtml = (text: string) => /<\/?[a-z][a-z0-9]*[\s/>]/i.test(text) || /&lt;\/?[a-z][a-z0-9]*[\s/&]/i.test(text);

/** Notes escaped once more than HTML (`&lt;p&gt;`, the way some hosts put HTML in `<description>`) are read as the HTML they are. */
function unescapeTwice(html: string): string {
  if (/<\/?[a-z][a-z0-9]*[\s/>]/i.test(html)) return html;
  return textOf(fromHtml(html, { fragment: true }));
}

/** Plain text keeps its paragraphs (blank lines) and line breaks; its entities are still decoded, as apps do. */
function plainTextAsHtml(text: string): string {
  const escape = (s: string) => s.replaceAll('<', '&lt;');
  return text
    .trim()
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => `<p>${paragraph.split(/\r?\n/).map(escape).join('<br>')}</p>`)
    .join('');
}

function textOf(node: HastNodes): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'root' || node.type === 'element') return node.children.map((child) => textOf(child)).join('');
  return '';
}

/**
 * Text that still holds entities after the HTML is decoded (`&amp;amp;` in the feed, `&amp;` in the
 * HTML, `&` meant) was escaped once too often by the host: decoded once more, as the podcaster meant.
 */
function decodeLeftoverEntities(node: HastNodes): void {
  if (node.type === 'text') {
    node.value = node.value.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,31}));/gi, (entity, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) return characterEntities[name] ?? entity;
      const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
    });
  } else if (node.type === 'root' || node.type === 'element') {
    for (const child of node.children) decodeLeftoverEntities(child);
  }
}
