import { fromHtml } from 'hast-util-from-html';
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize';
import { toHtml } from 'hast-util-to-html';
import type { Nodes } from 'mdast';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import remarkHtml from 'remark-html';
import type { HtmlPolicy } from './config.js';

/** The only door to remark: swapping the Markdown engine touches this file alone. */
export interface RenderedNotes {
  html: string;
  /** The notes as plain text, raw HTML left out: what excerpts and search are made of. */
  text: string;
}

export interface MarkdownOptions {
  html: HtmlPolicy;
}

/**
 * Podcast notes carry players and pictures, so the sanitizer keeps media and embeds and removes
 * what runs code: scripts, event handlers, `javascript:` URLs.
 */
const SANITIZE_SCHEMA: Schema = {
  ...defaultSchema,
  // remark already prefixes footnote ids; prefixing again would break the footnote links.
  clobber: [],
  // Removed with their content: a stylesheet's text shown as notes would be worse than nothing.
  strip: ['script', 'style'],
  tagNames: [...(defaultSchema.tagNames ?? []), 'iframe', 'audio', 'video', 'source', 'figure', 'figcaption'],
  attributes: {
    ...defaultSchema.attributes,
    iframe: ['src', 'width', 'height', 'title', 'allow', 'allowFullScreen', 'frameBorder', 'loading'],
    audio: ['src', 'controls', 'preload'],
    video: ['src', 'controls', 'preload', 'poster', 'width', 'height'],
    source: ['src', 'type'],
    img: [...(defaultSchema.attributes?.img ?? []), 'loading', 'width', 'height', 'title'],
  },
  protocols: { ...defaultSchema.protocols, src: ['http', 'https'], poster: ['http', 'https'] },
};

function createProcessor() {
  return remark().use(remarkGfm).use(remarkHtml, { sanitize: false });
}

type Processor = ReturnType<typeof createProcessor>;
let processor: Processor | undefined;

export function renderMarkdown(markdown: string, options: MarkdownOptions): RenderedNotes {
  processor ??= createProcessor();
  const tree = processor.parse(markdown);
  const text = plainText(tree);
  const html = withoutObsoleteAlign(processor.stringify(processor.runSync(tree) as typeof tree));
  return { html: options.html === 'sanitize' ? sanitizeHtml(html) : wellFormed(html), text };
}

const INLINE = new Set(['emphasis', 'strong', 'delete', 'link', 'linkReference', 'inlineCode', 'text', 'html', 'image', 'imageReference', 'break', 'footnoteReference']);

function plainText(tree: Nodes): string {
  return textOf(tree).replace(/\s+/g, ' ').trim();
}

function textOf(node: Nodes): string {
  switch (node.type) {
    case 'html':
    case 'footnoteDefinition':
    case 'footnoteReference':
    case 'definition':
      return '';
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'break':
    case 'thematicBreak':
      return ' ';
  }
  if ('value' in node) return node.value;
  if (!('children' in node)) return '';
  // Blocks are separated so a heading and the next paragraph do not run together.
  const separator = node.children.every((child) => INLINE.has(child.type)) ? '' : ' ';
  return node.children.map((child) => textOf(child as Nodes)).join(separator);
}

/** GFM table alignment comes out as `align`, which HTML5 made obsolete; the same thing in CSS is valid. */
function withoutObsoleteAlign(html: string): string {
  return html.replace(/<(td|th) align="(left|right|center)">/g, '<$1 style="text-align: $2">');
}

/**
 * Raw HTML in notes is often broken (`<Devoxx>` read as a tag, a stray `</div>`); parsed and
 * written again as browsers would read it, it can no longer swallow or close the page around it.
 */
function wellFormed(html: string): string {
  return toHtml(fromHtml(html, { fragment: true }));
}

function sanitizeHtml(html: string): string {
  return toHtml(sanitize(fromHtml(html, { fragment: true }), SANITIZE_SCHEMA));
}
