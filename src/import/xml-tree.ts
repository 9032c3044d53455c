import { characterEntities } from 'character-entities';
import { SaxesParser } from 'saxes';

/** An element of a feed being imported, with where it starts (1-based) for messages. */
export interface ImportNode {
  /** The qualified name with the usual prefix of its namespace (`itunes:image`), whatever prefix the feed chose. */
  name: string;
  attributes: Record<string, string>;
  children: ImportNode[];
  text: string;
  line: number;
  column: number;
}

export type XmlTreeResult = { root: ImportNode } | { error: string; line: number; column: number };

/** The prefixes podsite reads elements by, for the namespaces a feed may bind to other prefixes. */
const USUAL_PREFIXES: Record<string, string> = {
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'https://podcastindex.org/namespace/1.0': 'podcast',
  'http://podcastindex.org/namespace/1.0': 'podcast',
  'https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md': 'podcast',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://www.w3.org/2005/Atom': 'atom',
};

/**
 * Reads a feed into a tree of elements. Unlike the check of podsite's own feed (src/feed-check.ts),
 * this parse forgives what hosts commonly get wrong and apps let through: HTML named entities
 * (`&nbsp;`, `&rsquo;`) outside CDATA, and prefixes used without a declaration. What is not XML at
 * all still fails, with the line and column of the first error.
 */
export function readXmlTree(text: string): XmlTreeResult {
  const parser = new SaxesParser({ xmlns: false, position: true });
  Object.assign(parser.ENTITIES, characterEntities);
  const stack: ImportNode[] = [];
  const prefixes = new Map<string, string>();
  let root: ImportNode | undefined;
  let failure: { error: string; line: number; column: number } | undefined;
  parser.on('error', (error) => {
    failure ??= { error: error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '').replace(/\.$/, ''), line: parser.line, column: parser.column + 1 };
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes as Record<string, string>)) {
      const declared = /^xmlns:(.+)$/.exec(name);
      if (declared !== null && USUAL_PREFIXES[value] !== undefined) prefixes.set(declared[1]!, USUAL_PREFIXES[value]);
      attributes[name] = value;
    }
    const element: ImportNode = { name: usualName(tag.name, prefixes), attributes, children: [], text: '', line: parser.line, column: parser.column + 1 };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root ??= element;
    stack.push(element);
  });
  const addText = (content: string) => {
    const current = stack.at(-1);
    if (current) current.text += content;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => stack.pop());
  try {
    parser.write(text).close();
  } catch {
    // saxes throws after reporting the error to the handler, which kept the first one.
  }
  if (failure !== undefined) return failure;
  if (root === undefined) return { error: 'the document has no element', line: 1, column: 1 };
  return { root };
}

function usualName(name: string, prefixes: ReadonlyMap<string, string>): string {
  const colon = name.indexOf(':');
  if (colon === -1) return name;
  const prefix = name.slice(0, colon);
  return `${prefixes.get(prefix) ?? prefix}:${name.slice(colon + 1)}`;
}

export function childNamed(element: ImportNode, name: string): ImportNode | undefined {
  return element.children.find((c) => c.name === name);
}

export function childrenNamed(element: ImportNode, name: string): ImportNode[] {
  return element.children.filter((c) => c.name === name);
}

/** The trimmed text of a child element; undefined when it is absent or empty. */
export function childText(element: ImportNode, name: string): string | undefined {
  const text = childNamed(element, name)?.text.trim();
  return text === '' ? undefined : text;
}
