import { fromParse5 } from 'hast-util-from-parse5';
import { parseFragment } from 'parse5';
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize';
import { toHtml } from 'hast-util-to-html';
import { htmlTagNames } from 'html-tag-names';
import type { Element, Root as HastRoot, RootContent } from 'hast';
import type { Html, Nodes, Root } from 'mdast';
import { svgTagNames } from 'svg-tag-names';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import remarkHtml from 'remark-html';
import type { HtmlPolicy } from './config.js';
import { inputLimitDefaults } from './input-limits.js';

/** The only door to remark: swapping the Markdown engine touches this file alone. */
export interface RenderedNotes {
  html: string;
  /** The notes as plain text, raw HTML left out: what excerpts and search are made of. */
  text: string;
  /** Raw HTML tags that are no HTML element, such as `<Devoxx>` typed as text; lines of the notes. */
  unknownTags: UnknownTag[];
  /** Pictures and embeds the notes load from a URL with a host; the site decides which hosts are others. */
  remoteMedia: RemoteMedia[];
  /** Set when the notes nest too deep to be read as Markdown: they are then plain text. */
  tooDeep?: TooDeep;
}

export interface TooDeep {
  /** Where the nesting goes past the limit, in the Markdown's own lines. */
  line: number;
  column: number;
  /** What nests: `quotes and lists`, `brackets`, `emphasis`; `markup` when remark itself gave up. */
  what: string;
  limit: number;
}

export interface RemoteMedia {
  url: string;
  line: number;
  column: number;
}

export interface UnknownTag {
  name: string;
  line: number;
  column: number;
}

export interface MarkdownOptions {
  html: HtmlPolicy;
  /** Levels of nesting beyond which the notes are not given to remark (`limits.markdownDepth`). */
  maxDepth?: number;
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
  const limit = options.maxDepth ?? inputLimitDefaults.markdownDepth;
  // remark and its plugins recurse over the tree and some of its steps are quadratic in nesting:
  // 2,000 nested quotes overflowed the stack, 600 nested lists took 19 s.
  const tooDeep = nestingBeyond(markdown, limit);
  if (tooDeep !== undefined) return asPlainText(markdown, tooDeep);
  try {
    processor ??= createProcessor();
    const tree = processor.parse(markdown);
    const text = plainText(tree);
    const { unknownTags, remoteMedia } = inspectRawHtml(tree, markdown);
    const html = withoutObsoleteAlign(processor.stringify(processor.runSync(tree) as typeof tree));
    return { html: options.html === 'sanitize' ? sanitizeHtml(html) : wellFormed(html), text, unknownTags, remoteMedia };
  } catch (error) {
    // The last resort for a shape the scan does not foresee: one episode's notes, not the build.
    if (error instanceof RangeError) return asPlainText(markdown, { line: 1, column: 1, what: 'markup', limit });
    throw error;
  }
}

/** Notes that cannot be read as Markdown, shown as they were typed: escaped, one paragraph per block. */
function asPlainText(markdown: string, tooDeep: TooDeep): RenderedNotes {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const blocks = markdown.split(/\n[ \t]*\n/).map((block) => block.trim()).filter((block) => block !== '');
  return {
    html: blocks.map((block) => `<p>${escape(block)}</p>`).join('\n'),
    text: markdown.replace(/\s+/g, ' ').trim(),
    unknownTags: [],
    remoteMedia: [],
    tooDeep,
  };
}

function positionIn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const LIST_MARKER = /^(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)/;

/**
 * Where the Markdown nests more than `limit` levels, in one linear pass and without parsing:
 * block quotes and list markers at the start of a line (indentation counts a level per two
 * columns, as nested lists are written), unclosed `[`, and emphasis closed around emphasis.
 * It may count more levels than remark would see, never fewer for these shapes; code in a
 * top-level fence is skipped, since remark reads it as text.
 */
export function nestingBeyond(markdown: string, limit: number): TooDeep | undefined {
  let fence: string | undefined;
  let brackets = 0;
  // Offsets of the emphasis delimiters still open in this paragraph, innermost last.
  const openers: number[] = [];
  let lineNumber = 0;
  for (let start = 0; start <= markdown.length; ) {
    lineNumber++;
    let end = markdown.indexOf('\n', start);
    if (end === -1) end = markdown.length;
    const at = (offset: number, what: string): TooDeep => ({ line: lineNumber, column: offset - start + 1, what, limit });
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(markdown.slice(start, Math.min(end, start + 256)));
    if (fence !== undefined) {
      if (fenceMatch !== null && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = undefined;
    } else if (fenceMatch !== null) {
      fence = fenceMatch[1];
    } else {
      let i = start;
      let levels = 0;
      let columns = 0;
      for (;;) {
        while (i < end && (markdown[i] === ' ' || markdown[i] === '\t')) columns += markdown[i++] === '\t' ? 4 : 1;
        const markerStart = i;
        if (markdown[i] === '>') i++;
        else {
          const marker = LIST_MARKER.exec(markdown.slice(i, Math.min(end, i + 11)));
          if (marker === null) break;
          i += marker[0].length;
        }
        if (++levels + Math.floor(columns / 2) > limit) return at(markerStart, 'quotes and lists');
        // The space after a marker belongs to it: only the indentation before one counts.
        if (markdown[i] === ' ' || markdown[i] === '\t') i++;
      }
      if (levels + Math.floor(columns / 2) > limit) return at(i, 'quotes and lists');
      if (markdown.slice(i, end).trim() === '') {
        // A blank line ends the paragraph: brackets and emphasis do not carry over.
        brackets = 0;
        openers.length = 0;
      }
      for (; i < end; i++) {
        const c = markdown[i]!;
        if (c === '\\') i++;
        else if (c === '[') {
          if (++brackets > limit) return at(i, 'brackets');
        } else if (c === ']') {
          if (brackets > 0) brackets--;
        } else if (c === '*' || c === '_' || c === '~') {
          let runEnd = i;
          while (markdown[runEnd + 1] === c) runEnd++;
          // CommonMark's flanking rules: `*` inside a word opens and closes, `_` does neither.
          const before = markdown[i - 1] ?? ' ';
          const after = markdown[runEnd + 1] ?? ' ';
          const spaceBefore = /\s/.test(before);
          const spaceAfter = /\s/.test(after);
          const punctuationBefore = /[\p{P}\p{S}]/u.test(before);
          const punctuationAfter = /[\p{P}\p{S}]/u.test(after);
          const left = !spaceAfter && (!punctuationAfter || spaceBefore || punctuationBefore);
          const right = !spaceBefore && (!punctuationBefore || spaceAfter || punctuationAfter);
          const opens = c === '_' ? left && (!right || punctuationBefore) : left;
          const closes = c === '_' ? right && (!left || punctuationAfter) : right;
          let k = i;
          if (closes) {
            for (; k <= runEnd && openers.length > 0; k++) {
              // Emphasis nests as deep as the opener this delimiter closes.
              if (openers.length > limit) return { ...positionIn(markdown, openers[limit]!), what: 'emphasis', limit };
              openers.pop();
            }
          }
          if (opens) for (; k <= runEnd; k++) openers.push(k);
          i = runEnd;
        }
      }
    }
    start = end + 1;
  }
  return undefined;
}

const HTML_ELEMENTS = new Set(htmlTagNames);
const SVG_ELEMENTS = new Set(svgTagNames.map((name) => name.toLowerCase()));
const TAG = /<\/?([A-Za-z][A-Za-z0-9-]*)/g;

/** A `src` with a host (`https://…`, `//…`) in a raw HTML tag of the elements that load it as the page opens. */
const REMOTE_SOURCE = /<(?:img|iframe|video|audio|source|embed)\b[^>]*?\s(?:src|poster)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi;

/**
 * What the notes' raw HTML holds that the page should know: tags of no HTML element, which are
 * made text again (`List<String>` was meant to be read, and a browser would swallow `<String>`),
 * and pictures or embeds loaded from a host.
 */
function inspectRawHtml(tree: Root, markdown: string): { unknownTags: UnknownTag[]; remoteMedia: RemoteMedia[] } {
  const rawHtml: Html[] = [];
  const remoteMedia: RemoteMedia[] = [];
  const lineStarts = [0];
  for (let i = markdown.indexOf('\n'); i !== -1; i = markdown.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const positionOf = (offset: number) => {
    const line = upperBound(lineStarts, offset);
    return { line, column: offset - lineStarts[line - 1]! + 1 };
  };
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'html') rawHtml.push(node);
    else if (node.type === 'image' && /^(?:https?:)?\/\//i.test(node.url) && node.position?.start.offset !== undefined) {
      remoteMedia.push({ url: node.url, ...positionOf(node.position.start.offset) });
    } else if ('children' in node) stack.push(...(node.children as Nodes[]));
  }
  const hasSvg = rawHtml.some((node) => /<svg[\s>]/i.test(node.value));
  const isUnknown = (name: string) => {
    const lower = name.toLowerCase();
    // Custom elements have a dash; SVG names count only where the notes draw an SVG.
    return !(HTML_ELEMENTS.has(lower) || lower.includes('-') || (hasSvg && SVG_ELEMENTS.has(lower)));
  };
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
      if (!isUnknown(name) || reported.has(name.toLowerCase())) continue;
      reported.add(name.toLowerCase());
      unknown.push({ name, ...positionOf(start + match.index) });
    }
    for (const match of source.matchAll(REMOTE_SOURCE)) remoteMedia.push({ url: match[1]!, ...positionOf(start + match.index) });
    if (reported.size > 0) node.value = node.value.replace(TAG, (tag, name: string) => (isUnknown(name) ? `&lt;${tag.slice(1)}` : tag));
  }
  const byPosition = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line - b.line || a.column - b.column;
  return { unknownTags: unknown.sort(byPosition), remoteMedia: remoteMedia.sort(byPosition) };
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
  return finish(htmlTree(html));
}

function sanitizeHtml(html: string): string {
  return finish(sanitize(htmlTree(html), SANITIZE_SCHEMA) as HastRoot);
}

/**
 * HTML read as a browser reads it inside a `<body>`. parse5 is called without the source
 * positions that hast-util-from-html asks it for: nothing here uses them, and they took half the time.
 */
function htmlTree(html: string): HastRoot {
  return fromParse5(parseFragment(html, { scriptingEnabled: false })) as HastRoot;
}

function finish(tree: HastRoot): string {
  polishChildren(tree.children);
  return toHtml(tree, { allowDangerousHtml: true });
}

/** `youtube.com/embed/ID`, `youtube-nocookie.com/embed/ID`, with or without the scheme. */
const YOUTUBE_EMBED = /^(?:https?:)?\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/embed\/([\w-]{6,})/i;

/** Each node polished where it stands: no new arrays for the thousands of nodes of a long note. */
function polishChildren(children: RootContent[]): void {
  for (let i = 0; i < children.length; i++) children[i] = polished(children[i]!);
}

/**
 * The notes as a listener's page should have them: a YouTube embed becomes the theme's
 * click-to-load preview (nothing asked of YouTube before the listener does), a picture from
 * another host loads when seen and without the page's address, and `>` in text is written
 * `&gt;` like `<`, which validators prefer though browsers need neither.
 */
function polished(node: RootContent): RootContent {
  if (node.type === 'text') {
    return node.value.includes('>') ? { type: 'raw', value: node.value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') } : node;
  }
  if (node.type !== 'element') return node;
  if (node.tagName === 'script') {
    // In a script, `<!--` then `<script` make the parser skip the next `</script>`: the rest of
    // the page would become script. `\u003C` is `<` to JavaScript and JSON alike, in a string or a regex.
    for (const child of node.children) if (child.type === 'text') child.value = child.value.replace(/<(?=!--|\/?script)/gi, '\\u003C');
    return node;
  }
  if (node.tagName === 'style') return node;
  // Nothing ends a `<plaintext>`, not even its end tag: the rest of the page would show as text.
  if (node.tagName === 'plaintext') node.tagName = 'pre';
  if (node.tagName === 'iframe') {
    const id = YOUTUBE_EMBED.exec(String(node.properties.src ?? ''))?.[1];
    if (id !== undefined) return youtubePreview(id, typeof node.properties.title === 'string' ? node.properties.title : undefined);
  }
  // The theme lets a wide table or a long line of code scroll within itself: a keyboard user reaches it to scroll it.
  if (node.tagName === 'pre' || node.tagName === 'table') node.properties.tabIndex = 0;
  if (node.tagName === 'img') {
    // `border="0"`, from the days of linked pictures, is what browsers do anyway; HTML5 made it obsolete.
    if (/^\s*0*\s*$/.test(String(node.properties.border ?? 'x'))) delete node.properties.border;
    if (/^(?:https?:)?\/\//i.test(String(node.properties.src ?? ''))) {
      node.properties.loading ??= 'lazy';
      node.properties.referrerPolicy = 'no-referrer';
    }
  }
  polishChildren(node.children);
  if (node.content !== undefined) polishChildren(node.content.children);
  return node;
}

/** The same markup as the episode page's `youtube:` preview, which the theme's player.js turns into the video on a click. */
function youtubePreview(id: string, title: string | undefined): Element {
  const label = title === undefined || /^youtube video player$/i.test(title) ? 'YouTube' : title;
  const span = (className: string, text: string): Element => ({ type: 'element', tagName: 'span', properties: { className: [className] }, children: [{ type: 'text', value: text }] });
  return {
    type: 'element',
    tagName: 'a',
    properties: { className: ['video-preview'], href: `https://www.youtube.com/watch?v=${id}`, dataYoutube: id, dataFrameTitle: label },
    children: [span('video-title', label), span('video-action', '▶ youtube.com')],
  };
}

const CHARACTER_REFERENCE = /&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]*);/gi;

/**
 * Text with its HTML character references (`&eacute;`, `&#233;`) decoded and everything else
 * left as it is: a bare `&` or `<` stays. Jekyll themes print names into HTML unescaped, so
 * archives made for them write `H&eacute;ritier`; in a feed that would show as typed.
 */
export function decodeCharacterReferences(text: string): string {
  return text.replace(CHARACTER_REFERENCE, (reference) => {
    const [node] = htmlTree(reference).children;
    return node?.type === 'text' ? node.value : reference;
  });
}
