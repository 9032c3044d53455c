import { fromHtml } from 'hast-util-from-html';
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize';
import { toHtml } from 'hast-util-to-html';
import { htmlTagNames } from 'html-tag-names';
import type { Html, Nodes, Root } from 'mdast';
import { svgTagNames } from 'svg-tag-names';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import remarkHtml from 'remark-html';
import type { HtmlPolicy } from './config.js';

/** The only door to remark: swapping the Markdown engine touches this file alone. */
export interface RenderedNotes {
  html: string;
  /** The notes as plain text, raw HTML left out: what excerpts and search are made of. */
  text: string;
  /** Raw HTML tags that are no HTML element, such as `<Devoxx>` typed as text; lines of the notes. */
  unknownTags: UnknownTag[];
}

export interface UnknownTag {
  name: string;
  line: number;
  column: number;
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
  const unknownTags = findUnknownTags(tree, markdown);
  const html = withoutObsoleteAlign(processor.stringify(processor.runSync(tree) as typeof tree));
  return { html: options.html === 'sanitize' ? sanitizeHtml(html) : wellFormed(html), text, unknownTags };
}

const HTML_ELEMENTS = new Set(htmlTagNames);
const SVG_ELEMENTS = new Set(svgTagNames.map((name) => name.toLowerCase()));
const TAG = /<\/?([A-Za-z][A-Za-z0-9-]*)/g;

function findUnknownTags(tree: Root, markdown: string): UnknownTag[] {
  const rawHtml: Html[] = [];
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'html') rawHtml.push(node);
    else if ('children' in node) stack.push(...(node.children as Nodes[]));
  }
  const hasSvg = rawHtml.some((node) => /<svg[\s>]/i.test(node.value));
  const lineStarts = [0];
  for (let i = markdown.indexOf('\n'); i !== -1; i = markdown.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const unknown: UnknownTag[] = [];
  for (const node of rawHtml) {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) continue;
    // The source text, not node.value: inside a list or quote, value has lost the indentation.
    const source = markdown.slice(start, end);
    const reported = new Set<string>();
    for (const match of source.matchAll(TAG)) {
      const name = match[1]!;
      const lower = name.toLowerCase();
      // Custom elements have a dash; SVG names count only where the notes draw an SVG.
      if (HTML_ELEMENTS.has(lower) || lower.includes('-') || (hasSvg && SVG_ELEMENTS.has(lower)) || reported.has(lower)) continue;
      reported.add(lower);
      const offset = start + match.index;
      const line = upperBound(lineStarts, offset);
      unknown.push({ name, line, column: offset - lineStarts[line - 1]! + 1 });
    }
  }
  return unknown.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** How many of the sorted `starts` are at or before `offset`: the 1-based line of the offset. */
function upperBound(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (starts[middle]! <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
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

const CHARACTER_REFERENCE = /&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]*);/gi;

/**
 * Text with its HTML character references (`&eacute;`, `&#233;`) decoded and everything else
 * left as it is: a bare `&` or `<` stays. Jekyll themes print names into HTML unescaped, so
 * archives made for them write `H&eacute;ritier`; in a feed that would show as typed.
 */
export function decodeCharacterReferences(text: string): string {
  return text.replace(CHARACTER_REFERENCE, (reference) => {
    const [node] = fromHtml(reference, { fragment: true }).children;
    return node?.type === 'text' ? node.value : reference;
  });
}
