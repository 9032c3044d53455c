import { SaxesParser, type SaxesTagNS } from 'saxes';
import { APPLE_CATEGORIES, APPLE_MEDIA_TYPES, MISTAKEN_MEDIA_TYPES } from './apple.js';
import { CHAPTERS_TYPE, PAGING_RELATIONS, PERSON_TAXONOMY, TRANSCRIPT_TYPES } from './podcast-namespace.js';

/**
 * A podcast feed read back the way apps read it: parsed by a strict XML parser (saxes, the only
 * door to it), then held to what Apple, PSP-1 and the Podcasting 2.0 namespace require of each
 * element. Elements it does not know are let through: RSS is extensible.
 *
 * The feed is checked in parts, the channel and each item on its own, so that `podsite dev` can
 * keep the result of every item whose XML has not changed; what involves several items (unique
 * GUIDs and enclosure URLs, numbers in a serial show) is a cheap pass over facts kept per item.
 */

/** Where a requirement comes from. */
export type FeedStandard = 'XML 1.0' | 'RSS 2.0' | 'Apple' | 'PSP-1' | 'Podcasting 2.0' | 'RFC 5005';

/**
 * What a problem breaks. Most are generic (`value`, `url`...); the specific ones name requirements
 * that podsite also checks on its input, so the build can report them under the same rule.
 */
export type Requirement =
  | 'well-formed'
  | 'rss'
  | 'namespace'
  | 'self-link'
  | 'required'
  | 'placement'
  | 'value'
  | 'url'
  | 'text-length'
  | 'show-artwork'
  | 'show-category'
  | 'category-name'
  | 'language-code'
  | 'description-length'
  | 'enclosure-length'
  | 'enclosure-type-apple'
  | 'serial-episode-number'
  | 'unique-guid'
  | 'unique-enclosure-url';

export type FeedProblemSeverity = 'error' | 'warning';

export interface FeedProblem {
  /** The item, counted from 0 in document order; undefined for the channel and the document itself. */
  item: number | undefined;
  /** For a value that must be unique: the earlier item that has it too. */
  otherItem?: number;
  /** `title`, `enclosure`, `itunes:image`...: namespaced names with their usual prefix, whatever the feed's prefix. */
  element: string;
  attribute: string | undefined;
  severity: FeedProblemSeverity;
  requirement: Requirement;
  sources: readonly FeedStandard[];
  /** What is required and what the feed has instead, with the sources in parentheses. */
  message: string;
  hint: string | undefined;
}

export const FEED_NAMESPACES = {
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  podcast: 'https://podcastindex.org/namespace/1.0',
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
} as const;

/** Items already checked, kept between checks of the same feed as it changes (one per `podsite dev` session). */
export interface FeedCheckCache {
  items: Map<string, CheckedItem>;
  /** The namespaces in scope of the items when they were checked: items read differently under others. */
  itemNamespaces: string;
}

export interface FeedCheckOptions {
  cache?: FeedCheckCache;
  /**
   * A key per item in document order, the same as long as the item is (podsite: its entry's
   * key), so that a result is found again after items were added before it. Each result is
   * reused only if the item's XML is unchanged.
   */
  itemKeys?: readonly string[];
  /** How messages name items, in document order (podsite: by their episode files); `item 1`, `item 2`... otherwise. */
  itemNames?: readonly string[];
}

export function createFeedCheckCache(): FeedCheckCache {
  return { items: new Map(), itemNamespaces: '' };
}

type Parent = 'channel' | 'item';

/** A problem found in one part of the feed, before it is placed. */
type Finding = Omit<FeedProblem, 'item' | 'otherItem'>;

interface ItemFacts {
  guid: string | undefined;
  enclosureUrl: string | undefined;
  /** A full episode (no `itunes:episodeType`, or `full`), which a serial show must number. */
  full: boolean;
  numbered: boolean;
}

/** What the check of one item found, before it is placed in a feed: the same for the same XML under the same channel. */
export interface ItemCheck {
  findings: Finding[];
  facts: ItemFacts | undefined;
}

interface CheckedItem {
  /** A copy of the item's XML, so that the cache does not keep whole feeds alive. */
  xml: string;
  findings: Finding[];
  /** Undefined when the item is not well-formed: nothing else about it is known. */
  facts: ItemFacts | undefined;
  /** Well-formed, and a single `item` element: what a part the feed's writer gave must be. */
  oneItem: boolean;
}

/**
 * A feed as its writer made it, never joined: the text around the items (one more piece than
 * there are items) and each item's XML. The feed is `around[0] + items[0] + around[1] + …`.
 */
export interface FeedParts {
  around: readonly string[];
  items: readonly string[];
}

/** The feed as one text. */
export const joinFeedParts = ({ around, items }: FeedParts): string => {
  const pieces: string[] = [around[0]!];
  for (let index = 0; index < items.length; index++) pieces.push(items[index]!, around[index + 1]!);
  return pieces.join('');
};

/**
 * Every problem of the feed: the document's and the channel's, then item by item, then those
 * across items. A feed given in parts is checked without being joined (40 MB for a large archive).
 */
export function checkFeed(feed: string | FeedParts, options: FeedCheckOptions = {}): FeedProblem[] {
  const nameOf = (index: number) => options.itemNames?.[index] ?? `item ${index + 1}`;
  if (typeof feed !== 'string') {
    const wellCut = feed.around.length === feed.items.length + 1 && feed.items.every((item) => item.startsWith('<item') && item.endsWith('</item>'));
    if (wellCut) return checkInParts(feed.around.join('<!---->'), feed.items, true, () => joinFeedParts(feed), options, nameOf);
    return checkFeed(joinFeedParts(feed), options);
  }
  const xml = feed;
  const spans = findItems(xml);
  if (spans === undefined) return checkWhole(xml, nameOf);

  // The channel without its items; a comment where each was keeps text on either side apart.
  let head = '';
  let from = 0;
  for (const span of spans) {
    head += `${xml.slice(from, span.start)}<!---->`;
    from = span.end;
  }
  head += xml.slice(from);
  return checkInParts(head, spans.map((span) => xml.slice(span.start, span.end)), false, () => xml, options, nameOf);
}

/**
 * The check of a feed cut into its channel (`head`, a comment where each item was) and its items.
 * Items the feed's writer gave are trusted only as far as the parse confirms them; otherwise the
 * whole feed is scanned again.
 */
function checkInParts(
  head: string,
  items: readonly string[],
  givenByWriter: boolean,
  whole: () => string,
  options: FeedCheckOptions,
  nameOf: (index: number) => string,
): FeedProblem[] {
  const check = new FeedCheckInParts(head, { nameOf, cache: options.cache, itemKeys: options.itemKeys?.length === items.length ? options.itemKeys : undefined, scanned: !givenByWriter });
  for (const item of items) check.add(item);
  return check.result() ?? checkFeed(whole(), options);
}

/**
 * The check of a feed given in parts, never joined: the same problems as `checkFeed` of the whole
 * feed, from the feed without its items (each replaced by an empty comment) and then each item in
 * turn, as it is made. Parts its writer gave are trusted only as far as the parse confirms them:
 * when the feed without its items is not well-formed, or a part is not one item, `result` is
 * undefined and the whole feed must be checked by `checkFeed`. Parts cut by `checkFeed`'s own
 * scan (`scanned`) are checked as they are, as a strict parser would read the whole feed.
 */
export class FeedCheckInParts {
  private readonly problems: FeedProblem[] = [];
  private readonly facts: (ItemFacts | undefined)[] = [];
  private readonly channel: XmlNode | undefined;
  private readonly namespaces: Record<string, string> = {};
  private trusted = true;
  /** When the feed without its items is not well-formed: the first error ends the reading, as apps do. */
  private readonly unreadable: FeedProblem[] | undefined;
  /** Results by item key, for the cache once every item was checked. */
  private readonly kept = new Map<string, CheckedItem>();

  /** `skeleton`: the feed as written, each item replaced by `<!---->`. */
  constructor(
    skeleton: string,
    private readonly options: FeedCheckOptions & { nameOf?: (index: number) => string; scanned?: boolean } = {},
  ) {
    const document = parse(skeleton, undefined);
    if (document.findings.length > 0) {
      if (options.scanned) this.unreadable = placeAll(document.findings, undefined);
      else this.trusted = false;
      return;
    }
    this.problems.push(...placeAll(checkDocument(document), undefined));
    this.channel = child(document.roots[0]!, 'channel');
    if (!options.scanned && this.channel?.children.some((c) => c.name === 'item') !== false) {
      this.trusted = false;
      return;
    }
    this.namespaces = { ...document.rootNamespaces, ...this.channel?.namespaces };
    const { cache } = options;
    const namespaceKey = cache && JSON.stringify(this.namespaces);
    if (cache && cache.itemNamespaces !== namespaceKey) {
      cache.items.clear();
      cache.itemNamespaces = namespaceKey!;
    }
  }

  /** Checks the next item; the checks across items wait for `result`. Gives what was found, to be given to `addChecked` in a later check. */
  add(itemXml: string): ItemCheck | undefined {
    if (!this.trusted || this.unreadable) return undefined;
    const { cache, itemKeys, scanned = false } = this.options;
    const index = this.facts.length;
    const key = itemKeys?.[index] ?? String(index);
    const known = cache?.items.get(key);
    let result: CheckedItem | undefined = known !== undefined && known.xml === itemXml ? known : undefined;
    if (result === undefined) {
      // A part given by the writer must be one item; one cut by the scan is read as it is.
      if (!scanned && !(itemXml.startsWith('<item') && itemXml.endsWith('</item>'))) {
        this.trusted = false;
        return undefined;
      }
      // A scanned item is a slice of the whole feed: a cache keeps a copy, not the feed.
      const made = checkItemXml(itemXml, this.namespaces, cache !== undefined && scanned);
      // The parser's values are slices of the item's XML, which V8 would keep whole as long as they live.
      result = { ...made, facts: made.facts && { ...made.facts, guid: ownCopy(made.facts.guid), enclosureUrl: ownCopy(made.facts.enclosureUrl) } };
    }
    if (!scanned && !result.oneItem) {
      this.trusted = false;
      return undefined;
    }
    if (cache) this.kept.set(key, result);
    const checked: ItemCheck = { findings: result.findings, facts: result.facts };
    this.addChecked(checked);
    return checked;
  }

  /** The next item, whose XML is the same as that of an item `add` checked, under the same channel. */
  addChecked(checked: ItemCheck): void {
    if (!this.trusted || this.unreadable) return;
    this.problems.push(...placeAll(checked.findings, this.facts.length));
    this.facts.push(checked.facts);
  }

  /** Every problem, in the order `checkFeed` gives them; undefined when the whole feed must be checked instead. */
  result(): FeedProblem[] | undefined {
    if (!this.trusted) return undefined;
    if (this.unreadable) return this.unreadable;
    const { itemNames, nameOf, cache } = this.options;
    if (cache) cache.items = this.kept;
    return [...this.problems, ...acrossItems(this.channel, this.facts, nameOf ?? ((index) => itemNames?.[index] ?? `item ${index + 1}`))];
  }
}

const ownCopy = (value: string | undefined) => (value === undefined ? undefined : Buffer.from(value, 'utf8').toString('utf8'));

/** A document that cannot be cut into parts (a DOCTYPE, or markup too broken to find the items) is parsed whole. */
function checkWhole(xml: string, nameOf: (item: number) => string): FeedProblem[] {
  const document = parse(xml, undefined);
  if (document.findings.length > 0) return placeAll(document.findings, undefined);
  const problems = placeAll(checkDocument(document), undefined);
  const channel = child(document.roots[0]!, 'channel');
  const items = channel?.children.filter((c) => c.name === 'item') ?? [];
  const facts = items.map((item, index) => {
    const findings: Finding[] = [];
    const itemFacts = checkItem(item, reporter(findings));
    problems.push(...placeAll(findings, index));
    return itemFacts;
  });
  problems.push(...acrossItems(channel, facts, nameOf));
  return problems;
}

function checkItemXml(itemXml: string, namespaces: Record<string, string>, copy: boolean): CheckedItem {
  const fragment = parse(itemXml, namespaces);
  const kept = copy ? Buffer.from(itemXml, 'utf8').toString('utf8') : itemXml;
  if (fragment.findings.length > 0) return { xml: kept, findings: fragment.findings, facts: undefined, oneItem: false };
  const findings: Finding[] = [];
  // The part ends with the end tag of its `<item>`: well-formed, it is that one element.
  const facts = checkItem(fragment.roots[0]!, reporter(findings));
  // Starting with `<item` and ending with `</item>`, one element is the whole part.
  const oneItem = fragment.roots.length === 1 && fragment.roots[0]!.name === 'item';
  return { xml: kept, findings, facts, oneItem };
}

const placeAll = (findings: readonly Finding[], item: number | undefined): FeedProblem[] => findings.map((f) => ({ item, ...f }));

// ---------------------------------------------------------------------------------------------
// Cutting the feed into parts

interface Span {
  start: number;
  end: number;
}

/**
 * Where each `<item>` child of `rss > channel` starts and ends, found by a scan that reads only
 * markup (CDATA sections, comments and processing instructions are skipped whole). Undefined when
 * the scan cannot be sure: a DOCTYPE (entities), or markup it cannot follow; the strict parser
 * then reads the whole feed. Every part is then parsed strictly, and a cut in the wrong place
 * leaves a part that is not well-formed: a mistake of this scan shows as a parse error, never as
 * a passed check.
 */
function findItems(xml: string): Span[] | undefined {
  const spans: Span[] = [];
  const open: string[] = [];
  let at = 0;
  for (;;) {
    const lt = xml.indexOf('<', at);
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      at = endOfSkipped(xml, lt);
      if (at === -1) return undefined;
      continue;
    }
    const end = endOfTag(xml, lt + 1);
    if (end === -1) return undefined;
    at = end + 1;
    if (next === 0x2f /* / */) {
      if (xml.slice(lt + 2, end).trim() !== open.pop()) return undefined;
      continue;
    }
    const name = tagName(xml, lt);
    const selfClosing = xml.charCodeAt(end - 1) === 0x2f; /* / */
    if (name === 'item' && open.length === 2 && open[0] === 'rss' && open[1] === 'channel') {
      const itemEnd = selfClosing ? at : endOfItem(xml, at);
      if (itemEnd === -1) return undefined;
      spans.push({ start: lt, end: itemEnd });
      at = itemEnd;
    } else if (!selfClosing) open.push(name);
  }
  return open.length === 0 ? spans : undefined;
}

/**
 * Inside an item only other items, and what may hide markup, matter: in well-formed XML every
 * other `<` starts a tag, whose name and attributes the item's own parse checks.
 */
const MARKUP_IN_ITEM = /<(?:!|\?|(\/?)item(?=[\s/>]))/g;

/** Just past the end tag of the item whose content starts at `from`, or -1. */
function endOfItem(xml: string, from: number): number {
  let depth = 1;
  MARKUP_IN_ITEM.lastIndex = from;
  for (;;) {
    const match = MARKUP_IN_ITEM.exec(xml);
    if (match === null) return -1;
    const lt = match.index;
    if (match[0] === '<!' || match[0] === '<?') {
      const end = endOfSkipped(xml, lt);
      if (end === -1) return -1;
      MARKUP_IN_ITEM.lastIndex = end;
      continue;
    }
    const end = endOfTag(xml, lt + 1);
    if (end === -1) return -1;
    MARKUP_IN_ITEM.lastIndex = end + 1;
    if (match[1] === '/') depth--;
    else if (xml.charCodeAt(end - 1) !== 0x2f /* / */) depth++;
    if (depth === 0) return end + 1;
  }
}

/** Just past a CDATA section, comment or processing instruction starting at `lt`; -1 for anything else (a DOCTYPE). */
function endOfSkipped(xml: string, lt: number): number {
  const [opening, closing] = xml.startsWith('<![CDATA[', lt) ? ['<![CDATA[', ']]>'] : xml.startsWith('<!--', lt) ? ['<!--', '-->'] : xml.startsWith('<?', lt) ? ['<?', '?>'] : [];
  if (opening === undefined) return -1;
  const end = xml.indexOf(closing!, lt + opening.length);
  return end === -1 ? -1 : end + closing!.length;
}

function tagName(xml: string, lt: number): string {
  let end = lt + 1;
  while (end < xml.length && !/[\s/>]/.test(xml[end]!)) end++;
  return xml.slice(lt + 1, end);
}

/** The `>` that ends the tag whose name starts at `from`, skipping quoted attribute values. */
function endOfTag(xml: string, from: number): number {
  let at = from;
  for (;;) {
    const gt = xml.indexOf('>', at);
    if (gt === -1) return -1;
    let quote = -1;
    for (let i = at; i < gt; i++) {
      const c = xml.charCodeAt(i);
      if (c === 0x22 || c === 0x27) {
        quote = i;
        break;
      }
    }
    if (quote === -1) return gt;
    const closing = xml.indexOf(xml[quote]!, quote + 1);
    if (closing === -1) return -1;
    at = closing + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface XmlNode {
  name: string;
  /** By name as for elements: `isPermaLink`, `xml:lang`... */
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
  /** Namespace declarations on this element. */
  namespaces: Record<string, string>;
}

interface Parsed {
  roots: XmlNode[];
  rootNamespaces: Record<string, string>;
  findings: Finding[];
}

const PREFIX_OF_NAMESPACE: ReadonlyMap<string, string> = new Map(Object.entries(FEED_NAMESPACES).map(([prefix, uri]) => [uri, prefix]));

function canonicalName(uri: string, local: string): string {
  if (uri === '') return local;
  const prefix = PREFIX_OF_NAMESPACE.get(uri) ?? (uri === 'http://www.w3.org/XML/1998/namespace' ? 'xml' : undefined);
  return prefix === undefined ? `{${uri}}${local}` : `${prefix}:${local}`;
}

/**
 * False when the text has a lone surrogate: saxes lets a high one through, and UTF-8 cannot
 * encode either. (`String#isWellFormed`, in Node 20 but not yet in TypeScript's ES2023 library.)
 */
const isWellFormedUnicode = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

class NotWellFormed extends Error {}

/**
 * The elements of a document, or of an item with the namespaces in scope around it. At the first
 * well-formedness error the parse stops: what follows would be guesswork.
 */
function parse(text: string, fragmentNamespaces: Record<string, string> | undefined): Parsed {
  const parsed: Parsed = { roots: [], rootNamespaces: {}, findings: [] };
  const stack: XmlNode[] = [];
  const parser = new SaxesParser({
    xmlns: true,
    position: false,
    fragment: fragmentNamespaces !== undefined,
    additionalNamespaces: fragmentNamespaces,
    // Podcast apps read XML 1.0, whatever the declaration says.
    forceXMLVersion: true,
    defaultXMLVersion: '1.0',
  });
  const notWellFormed = (reason: string) => {
    const inside = stack.at(-1)?.name;
    parsed.findings.push(
      finding(inside ?? (fragmentNamespaces ? 'item' : 'rss'), undefined, ['XML 1.0'], {
        says: `the feed is not well-formed XML: ${reason}${inside === undefined ? '' : `, inside \`<${inside}>\``}`,
        subjectless: true,
        requirement: 'well-formed',
        hint: 'podcast apps reject a feed that a strict XML parser does not accept',
      }),
    );
    throw new NotWellFormed(reason);
  };
  parser.on('error', (error) => notWellFormed(error.message.replace(/\.$/, '')));
  parser.on('xmldecl', (declaration) => {
    if (declaration.encoding !== undefined && declaration.encoding.toLowerCase() !== 'utf-8') {
      notWellFormed(`the declared encoding is \`${declaration.encoding}\`; podcast feeds are UTF-8 (PSP-1)`);
    }
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      attributes[canonicalName(attribute.uri, attribute.local)] = attribute.value;
    }
    const element: XmlNode = { name: canonicalName(tag.uri, tag.local), attributes, children: [], text: '', namespaces: tag.ns };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else {
      if (parsed.roots.length === 0) parsed.rootNamespaces = tag.ns;
      parsed.roots.push(element);
    }
    stack.push(element);
  });
  const addText = (content: string) => {
    const current = stack.at(-1);
    if (current) current.text += content;
    else if (content.trim() !== '') notWellFormed('text outside of the element');
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => stack.pop());
  try {
    if (!isWellFormedUnicode(text)) notWellFormed('a lone surrogate (U+D800–U+DFFF), which UTF-8 cannot encode');
    parser.write(text).close();
  } catch (error) {
    if (!(error instanceof NotWellFormed)) throw error;
  }
  return parsed;
}

function child(element: XmlNode, name: string): XmlNode | undefined {
  return element.children.find((c) => c.name === name);
}

// ---------------------------------------------------------------------------------------------
// Reporting

interface Complaint {
  /** The predicate: "must be `true` or `false`, not `yes`". */
  says: string;
  /** `says` is a whole sentence, not said of the element. */
  subjectless?: true;
  requirement?: Requirement;
  severity?: FeedProblemSeverity;
  /** When a complaint comes from other standards than its element's. */
  sources?: readonly FeedStandard[];
  hint?: string;
}

type Report = (element: string, attribute: string | undefined, sources: readonly FeedStandard[], complaint: Complaint) => void;

function finding(element: string, attribute: string | undefined, sources: readonly FeedStandard[], complaint: Complaint): Finding {
  const from = complaint.sources ?? sources;
  const subject = attribute === undefined ? `\`<${element}>\`` : `\`${attribute}\` of \`<${element}>\``;
  return {
    element,
    attribute,
    severity: complaint.severity ?? 'error',
    requirement: complaint.requirement ?? 'value',
    sources: from,
    message: `${complaint.subjectless ? '' : `${subject} `}${complaint.says} (${from.join(', ')})`,
    hint: complaint.hint,
  };
}

const reporter =
  (findings: Finding[]): Report =>
  (element, attribute, sources, complaint) =>
    findings.push(finding(element, attribute, sources, complaint));

/** `yes`, or an empty value, as it is named in a message; long values are cut. */
function found(value: string): string {
  if (value === '') return 'an empty value';
  const shown = value.length > 100 ? `${value.slice(0, 97)}…` : value;
  return `\`${shown.replaceAll('`', "'")}\``;
}

function alternatives(values: readonly string[]): string {
  const quoted = values.map((v) => `\`${v}\``);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

// ---------------------------------------------------------------------------------------------
// Values

/** A value's problem, or undefined when the value is fine. Values are compared without surrounding white space. */
type ValueCheck = (value: string) => Complaint | undefined;

const oneOf =
  (allowed: readonly string[], { ignoreCase = false } = {}): ValueCheck =>
  (value) => {
    const ok = ignoreCase ? allowed.some((a) => a.toLowerCase() === value.toLowerCase()) : allowed.includes(value);
    return ok ? undefined : { says: `must be ${alternatives(allowed)}, not ${found(value)}` };
  };

const wholeNumber =
  (from: 0 | 1): ValueCheck =>
  (value) =>
    /^\d+$/.test(value) && Number(value) >= from ? undefined : { says: `must be a whole number${from === 1 ? ' from 1' : ''}, not ${found(value)}` };

const decimalNumber: ValueCheck = (value) => (/^\d+(\.\d+)?$/.test(value) ? undefined : { says: `must be a number such as \`12\` or \`12.5\`, not ${found(value)}` });

/** Characters a URL may not hold as they are (WHATWG URL: not a valid URL string); `%` only as an escape. */
const UNSAFE_IN_URL = /[\u0000-\u0020"<>\\^`{|}\u007F]|%(?![0-9A-Fa-f]{2})/;

const absoluteUrl: ValueCheck = (value) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { says: `must be an absolute http(s) URL, not ${found(value)}`, requirement: 'url' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    return { says: `must be an absolute http(s) URL, not ${found(value)}`, requirement: 'url' };
  }
  const unsafe = UNSAFE_IN_URL.exec(value)?.[0];
  if (unsafe !== undefined) {
    const what = unsafe === ' ' ? 'a space' : unsafe === '%' ? 'a `%` that starts no escape' : /\s/.test(unsafe) ? 'white space' : `\`${unsafe}\``;
    return { says: `must be a valid URL, but ${found(value)} contains ${what}`, requirement: 'url', hint: `percent-encode it: \`${url.href}\`` };
  }
  return undefined;
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** RFC 2822 `date-time`, with the obsolete zone names apps still write (`GMT`, `EST`...). */
const RFC_2822 =
  /^(?:([a-z]{3}),\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|UT|GMT|[ECMP][SD]T)$/i;

const rfc2822Date: ValueCheck = (value) => {
  const complaint = { says: `must be an RFC 2822 date such as \`Wed, 30 Jun 2021 08:00:00 +0200\`, not ${found(value)}` };
  const match = RFC_2822.exec(value);
  if (match === null) return complaint;
  const [, weekday, day, month, year, hour, minute, second] = match;
  const monthIndex = MONTHS.indexOf(month!.toLowerCase());
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day)));
  const realDay = monthIndex !== -1 && date.getUTCDate() === Number(day) && date.getUTCMonth() === monthIndex;
  if (!realDay || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 60) return complaint;
  if (weekday !== undefined && WEEKDAYS.indexOf(weekday.toLowerCase()) !== date.getUTCDay()) {
    return { says: `has the wrong day of the week: ${found(value)} was a ${['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][date.getUTCDay()]}` };
  }
  return undefined;
};

const uuidV5: ValueCheck = (value) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(value) ? undefined : { says: `must be a UUID version 5, not ${found(value)}` };

const languageCode: ValueCheck = (value) =>
  /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(value) ? undefined : { says: `must be an ISO 639 language code such as \`en\` or \`pt-BR\`, not ${found(value)}` };

const showLanguage: ValueCheck = (value) => {
  const complaint = languageCode(value);
  return complaint && { ...complaint, requirement: 'language-code' };
};

const emailAddress: ValueCheck = (value) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : { says: `must be an e-mail address, not ${found(value)}` });

const mediaType: ValueCheck = (value) => {
  const meant = Object.hasOwn(MISTAKEN_MEDIA_TYPES, value.toLowerCase()) ? MISTAKEN_MEDIA_TYPES[value.toLowerCase()] : undefined;
  if (meant !== undefined) return { says: `must be a registered media type, not ${found(value)}`, hint: `write \`${meant}\`` };
  return /^[a-z]+\/[a-z0-9.+-]+$/i.test(value) ? undefined : { says: `must be a media type such as \`audio/mpeg\`, not ${found(value)}` };
};

const maxBytes =
  (limit: number, requirement: Requirement): ValueCheck =>
  (value) => {
    const bytes = Buffer.byteLength(value);
    return bytes <= limit ? undefined : { says: `may hold at most ${limit} bytes; it has ${bytes}`, requirement, severity: 'warning' };
  };

/** A limit past which apps may cut the text: a warning. */
const maxCharacters =
  (limit: number, sources?: readonly FeedStandard[]): ValueCheck =>
  (value) => {
    // UTF-16 units are never fewer than characters: most values need no count.
    const characters = value.length <= limit ? value.length : Array.from(value).length;
    if (characters <= limit) return undefined;
    const complaint: Complaint = { says: `should be at most ${limit} characters; it has ${characters}`, requirement: 'text-length', severity: 'warning' };
    if (sources) complaint.sources = sources;
    return complaint;
  };

const allOf =
  (...checks: ValueCheck[]): ValueCheck =>
  (value) => {
    for (const check of checks) {
      const complaint = check(value);
      if (complaint) return complaint;
    }
    return undefined;
  };

/** Apple and PSP-1: artwork is JPEG or PNG, "with appropriate file extensions". */
const artworkUrl = allOf(absoluteUrl, (value) =>
  /\.(jpe?g|png)$/i.test(new URL(value).pathname)
    ? undefined
    : { says: `should end in \`.jpg\` or \`.png\`, as Apple asks of artwork; ${found(value)} does not`, severity: 'warning' },
);

/** Apple: "Specifying any value other than Yes has no effect" (PSP-1 writes it `yes`). */
const yesOnly: ValueCheck = (value) =>
  value.toLowerCase() === 'yes' ? undefined : { says: `has an effect only as \`Yes\`; ${found(value)} is ignored`, severity: 'warning' };

const clockDuration = /^(?:\d+:)?\d{1,2}:\d{2}$/;
const duration: ValueCheck = (value) => {
  if (/^\d+$/.test(value)) return undefined;
  if (clockDuration.test(value)) {
    return { says: `should be a number of seconds; ${found(value)} is read by Apple, but PSP-1 asks for seconds`, severity: 'warning', sources: ['PSP-1'] };
  }
  return { says: `must be a whole number of seconds, not ${found(value)}` };
};

// ---------------------------------------------------------------------------------------------
// Elements

const RSS: readonly FeedStandard[] = ['RSS 2.0'];
const APPLE: readonly FeedStandard[] = ['Apple'];
const APPLE_PSP1: readonly FeedStandard[] = ['Apple', 'PSP-1'];
const RSS_APPLE_PSP1: readonly FeedStandard[] = ['RSS 2.0', 'Apple', 'PSP-1'];
const P20: readonly FeedStandard[] = ['Podcasting 2.0'];
/** "Tag values are limited to 255 characters unless otherwise specified": Apple, and PSP-1 after it. */
const APPLE_VALUE_LIMIT = maxCharacters(255, APPLE_PSP1);
/** The namespace asks that names and labels stay under 128 characters, or aggregators may cut them. */
const LABEL_LIMIT = maxCharacters(128);

interface AttributeRule {
  required?: true;
  check?: ValueCheck;
}

interface ElementRule {
  sources: readonly FeedStandard[];
  /** Where it belongs; found elsewhere, it is reported. */
  parents: readonly Parent[];
  /** At most one per parent. */
  single?: true;
  text?: ValueCheck;
  attributes?: Readonly<Record<string, AttributeRule>>;
  /** Checks that need more than one value of the element. */
  more?: (element: XmlNode, report: Report) => void;
}

const BOTH: readonly Parent[] = ['channel', 'item'];
const CHANNEL: readonly Parent[] = ['channel'];
const ITEM: readonly Parent[] = ['item'];

/** What is checked of each element podsite writes or may write, wherever it appears. */
const ELEMENTS: Readonly<Record<string, ElementRule>> = {
  title: { sources: RSS, parents: BOTH, single: true, text: APPLE_VALUE_LIMIT },
  link: { sources: RSS, parents: BOTH, single: true, text: absoluteUrl },
  description: { sources: RSS_APPLE_PSP1, parents: BOTH, single: true, text: maxBytes(4000, 'description-length') },
  language: { sources: RSS_APPLE_PSP1, parents: CHANNEL, single: true, text: showLanguage },
  pubDate: { sources: RSS, parents: BOTH, single: true, text: rfc2822Date },
  lastBuildDate: { sources: RSS, parents: CHANNEL, single: true, text: rfc2822Date },
  image: { sources: RSS, parents: CHANNEL, single: true, more: checkRssImage },
  guid: { sources: ['RSS 2.0', 'PSP-1'], parents: ITEM, single: true, attributes: { isPermaLink: { check: oneOf(['true', 'false']) } }, more: checkGuid },
  enclosure: {
    sources: RSS_APPLE_PSP1,
    parents: ITEM,
    single: true,
    attributes: { url: { required: true, check: absoluteUrl }, length: { required: true, check: enclosureLength }, type: { required: true, check: mediaType } },
    more: checkEnclosureType,
  },
  'atom:link': { sources: ['PSP-1', 'RFC 5005'], parents: BOTH, attributes: { href: { required: true, check: absoluteUrl } } },

  'itunes:image': { sources: APPLE_PSP1, parents: BOTH, single: true, attributes: { href: { required: true, check: artworkUrl } } },
  'itunes:category': { sources: APPLE_PSP1, parents: CHANNEL, more: checkCategory },
  'itunes:explicit': { sources: APPLE_PSP1, parents: BOTH, single: true, text: oneOf(['true', 'false']) },
  'itunes:author': { sources: APPLE, parents: BOTH, single: true, text: APPLE_VALUE_LIMIT },
  'itunes:title': { sources: APPLE, parents: BOTH, single: true, text: APPLE_VALUE_LIMIT },
  'itunes:type': { sources: APPLE_PSP1, parents: CHANNEL, single: true, text: oneOf(['episodic', 'serial']) },
  'itunes:new-feed-url': { sources: APPLE, parents: CHANNEL, single: true, text: absoluteUrl },
  'itunes:block': { sources: APPLE_PSP1, parents: BOTH, single: true, text: yesOnly },
  'itunes:complete': { sources: APPLE_PSP1, parents: CHANNEL, single: true, text: yesOnly },
  'itunes:owner': { sources: APPLE, parents: CHANNEL, single: true, more: checkOwner },
  'itunes:duration': { sources: APPLE_PSP1, parents: ITEM, single: true, text: duration },
  'itunes:episode': { sources: APPLE_PSP1, parents: ITEM, single: true, text: wholeNumber(1) },
  'itunes:season': { sources: APPLE_PSP1, parents: ITEM, single: true, text: wholeNumber(1) },
  'itunes:episodeType': { sources: APPLE_PSP1, parents: ITEM, single: true, text: oneOf(['full', 'trailer', 'bonus']) },

  'podcast:guid': { sources: P20, parents: CHANNEL, single: true, text: uuidV5 },
  'podcast:locked': { sources: P20, parents: CHANNEL, single: true, text: oneOf(['yes', 'no']), attributes: { owner: { check: emailAddress } }, more: checkLockedOwner },
  'podcast:funding': { sources: P20, parents: BOTH, text: LABEL_LIMIT, attributes: { url: { required: true, check: absoluteUrl } } },
  'podcast:person': {
    sources: P20,
    parents: BOTH,
    text: allOf(notEmpty, LABEL_LIMIT),
    attributes: { role: { check: personRole }, group: { check: personGroup }, img: { check: absoluteUrl }, href: { check: absoluteUrl } },
  },
  'podcast:txt': { sources: P20, parents: BOTH, text: maxCharacters(4000, ['PSP-1']), attributes: { purpose: { check: LABEL_LIMIT } } },
  'podcast:trailer': {
    sources: P20,
    parents: CHANNEL,
    text: allOf(notEmpty, LABEL_LIMIT),
    attributes: {
      url: { required: true, check: absoluteUrl },
      pubdate: { required: true, check: rfc2822Date },
      length: { check: wholeNumber(0) },
      type: { check: mediaType },
      season: { check: wholeNumber(0) },
    },
  },
  'podcast:transcript': {
    sources: P20,
    parents: ITEM,
    attributes: {
      url: { required: true, check: absoluteUrl },
      type: { required: true, check: oneOf(Object.keys(TRANSCRIPT_TYPES)) },
      language: { check: languageCode },
      rel: { check: oneOf(['captions']) },
    },
    more: checkCaptions,
  },
  'podcast:chapters': { sources: P20, parents: ITEM, single: true, attributes: { url: { required: true, check: absoluteUrl }, type: { required: true, check: oneOf([CHAPTERS_TYPE]) } } },
  'podcast:season': { sources: P20, parents: ITEM, single: true, text: wholeNumber(0), attributes: { name: { check: LABEL_LIMIT } } },
  'podcast:episode': { sources: P20, parents: ITEM, single: true, text: decimalNumber, attributes: { display: { check: maxCharacters(32) } } },
};

interface RequiredElement {
  element: string;
  sources: readonly FeedStandard[];
  /** The text may not be empty either. */
  text?: true;
  requirement?: Requirement;
}

const REQUIRED: Readonly<Record<Parent, readonly RequiredElement[]>> = {
  channel: [
    { element: 'title', sources: RSS_APPLE_PSP1, text: true },
    { element: 'link', sources: ['RSS 2.0', 'PSP-1'], text: true },
    { element: 'description', sources: RSS_APPLE_PSP1, text: true },
    { element: 'language', sources: APPLE_PSP1, text: true, requirement: 'language-code' },
    { element: 'itunes:image', sources: APPLE_PSP1, requirement: 'show-artwork' },
    { element: 'itunes:category', sources: APPLE_PSP1, requirement: 'show-category' },
    { element: 'itunes:explicit', sources: APPLE_PSP1, text: true },
  ],
  item: [
    { element: 'title', sources: APPLE_PSP1, text: true },
    { element: 'enclosure', sources: APPLE_PSP1 },
    // Apple falls back to the enclosure URL, but PSP-1 requires a GUID that never changes.
    { element: 'guid', sources: ['PSP-1'], text: true },
  ],
};

function notEmpty(value: string): Complaint | undefined {
  return value === '' ? { says: 'must not be empty', requirement: 'required' } : undefined;
}

function enclosureLength(value: string): Complaint | undefined {
  if (!/^\d+$/.test(value)) return { says: `must be the size of the file in bytes, not ${found(value)}` };
  return Number(value) > 0 ? undefined : { says: 'must be the size of the file in bytes, not 0', requirement: 'enclosure-length', sources: ['Apple', 'PSP-1'] };
}

const LOWERCASE_ROLES = new Set(Object.values(PERSON_TAXONOMY).flat().map((role) => role.toLowerCase()));
const LOWERCASE_GROUPS = new Set(Object.keys(PERSON_TAXONOMY).map((group) => group.toLowerCase()));

function personRole(value: string): Complaint | undefined {
  return LOWERCASE_ROLES.has(value.toLowerCase())
    ? undefined
    : { says: `must be a role of the Podcast Taxonomy Project such as \`host\`, \`co-host\` or \`guest\`, not ${found(value)}`, hint: 'apps show an unknown role as `host`' };
}

function personGroup(value: string): Complaint | undefined {
  return LOWERCASE_GROUPS.has(value.toLowerCase()) ? undefined : { says: `must be a group of the Podcast Taxonomy Project such as \`cast\` or \`writing\`, not ${found(value)}` };
}

function checkEnclosureType(enclosure: XmlNode, report: Report): void {
  const type = enclosure.attributes.type?.trim();
  if (type === undefined || mediaType(type) !== undefined || APPLE_MEDIA_TYPES.includes(type.toLowerCase())) return;
  report('enclosure', 'type', APPLE, {
    says: `is not one Apple Podcasts accepts: ${found(type)}`,
    requirement: 'enclosure-type-apple',
    severity: 'warning',
    hint: `Apple accepts ${APPLE_MEDIA_TYPES.join(', ')}`,
  });
}

function checkGuid(guid: XmlNode, report: Report): void {
  const value = guid.text.trim();
  const permalink = (guid.attributes.isPermaLink?.trim() ?? 'true') === 'true';
  if (value !== '' && permalink && absoluteUrl(value) !== undefined) {
    report('guid', 'isPermaLink', RSS, {
      says: `is \`true\` (the default), but the GUID ${found(value)} is not a URL`,
      severity: 'warning',
      hint: 'write `isPermaLink="false"` on a GUID that is not the address of the episode',
    });
  }
}

function checkCaptions(transcript: XmlNode, report: Report): void {
  const type = transcript.attributes.type?.trim();
  if (transcript.attributes.rel?.trim() !== 'captions' || type === undefined || !Object.hasOwn(TRANSCRIPT_TYPES, type)) return;
  if (!TRANSCRIPT_TYPES[type]!.timed) {
    report('podcast:transcript', 'rel', P20, {
      says: `is \`captions\`, but a \`${type}\` file has no time codes`,
      hint: `captions are ${Object.keys(TRANSCRIPT_TYPES).filter((t) => TRANSCRIPT_TYPES[t]!.timed).join(', ')}`,
    });
  }
}

function checkLockedOwner(locked: XmlNode, report: Report): void {
  if (locked.attributes.owner !== undefined) return;
  report('podcast:locked', 'owner', P20, {
    says: 'is missing: the Podcast Index reads `<podcast:locked>` only with the e-mail address of its owner',
    requirement: 'required',
    severity: 'warning',
  });
}

function checkRssImage(image: XmlNode, report: Report): void {
  const url = child(image, 'url');
  if (url === undefined) report('image', undefined, RSS, { says: 'must have a `<url>`', requirement: 'required' });
  else {
    const complaint = absoluteUrl(url.text.trim());
    if (complaint) report('url', undefined, RSS, complaint);
  }
}

function checkOwner(owner: XmlNode, report: Report): void {
  const email = child(owner, 'itunes:email');
  const complaint = email && emailAddress(email.text.trim());
  if (complaint) report('itunes:email', undefined, APPLE, complaint);
}

function checkCategory(category: XmlNode, report: Report): void {
  const checkName = (element: XmlNode, allowed: readonly string[], what: string): string | undefined => {
    const name = element.attributes.text;
    if (name === undefined) {
      const text = element.text.trim();
      report('itunes:category', 'text', APPLE_PSP1, {
        says: text === '' ? 'is missing' : `is missing: Apple reads the category from the \`text\` attribute, not from the element's text ${found(text)}`,
        requirement: 'category-name',
      });
      return undefined;
    }
    if (!allowed.includes(name)) {
      report('itunes:category', 'text', APPLE_PSP1, { says: `must be ${what}, not ${found(name)}`, requirement: 'category-name', hint: 'see podcasters.apple.com, "Apple Podcasts categories"' });
    }
    return name;
  };
  const parent = checkName(category, Object.keys(APPLE_CATEGORIES), "one of Apple's categories");
  for (const sub of category.children.filter((c) => c.name === 'itunes:category')) {
    const subcategories = parent !== undefined && Object.hasOwn(APPLE_CATEGORIES, parent) ? APPLE_CATEGORIES[parent]! : [];
    checkName(sub, subcategories, `a subcategory of \`${parent ?? '?'}\` in Apple's list`);
    if (sub.children.some((c) => c.name === 'itunes:category')) {
      report('itunes:category', undefined, APPLE, { says: "is nested too deep: Apple's categories have one level of subcategories", requirement: 'category-name' });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The parts

function checkChildren(parent: XmlNode, level: Parent, report: Report): void {
  const here = level === 'channel' ? 'the channel' : 'an item';
  const counts = new Map<string, number>();
  for (const element of parent.children) {
    const rule = ELEMENTS[element.name];
    if (rule === undefined) continue;
    if (!rule.parents.includes(level)) {
      const where = rule.parents.map((p) => (p === 'channel' ? 'the channel' : 'an item')).join(' or ');
      report(element.name, undefined, rule.sources, { says: `belongs in ${where}, not in ${here}`, requirement: 'placement' });
      continue;
    }
    const count = (counts.get(element.name) ?? 0) + 1;
    counts.set(element.name, count);
    if (rule.single && count === 2) report(element.name, undefined, rule.sources, { says: `may appear only once in ${here}`, requirement: 'placement' });
    const complaint = rule.text?.(element.text.trim());
    if (complaint) report(element.name, undefined, rule.sources, complaint);
    for (const [name, attribute] of Object.entries(rule.attributes ?? {})) {
      const value = element.attributes[name];
      if (value === undefined) {
        if (attribute.required) report(element.name, name, rule.sources, { says: 'is missing', requirement: 'required' });
        continue;
      }
      const problem = attribute.check?.(value.trim());
      if (problem) report(element.name, name, rule.sources, problem);
    }
    rule.more?.(element, report);
  }
  for (const required of REQUIRED[level]) {
    const element = child(parent, required.element);
    if (element === undefined) {
      report(required.element, undefined, required.sources, { says: `is missing: ${here} must have one`, requirement: required.requirement ?? 'required' });
    } else if (required.text && element.text.trim() === '') {
      report(required.element, undefined, required.sources, { says: 'must not be empty', requirement: required.requirement ?? 'required' });
    }
  }
}

/** The root, its namespaces and the channel, items left out. */
function checkDocument(document: Parsed): Finding[] {
  const findings: Finding[] = [];
  const report = reporter(findings);
  const [root] = document.roots;
  if (root?.name !== 'rss') {
    report(root?.name ?? 'rss', undefined, ['RSS 2.0', 'Apple'], { says: 'is not `<rss>`: Apple takes RSS 2.0 feeds only', requirement: 'rss' });
    return findings;
  }
  if (root.attributes.version !== '2.0') {
    report('rss', 'version', RSS, { says: `must be \`2.0\`, not ${found(root.attributes.version ?? '')}`, requirement: 'rss' });
  }
  for (const [prefix, uri] of Object.entries(FEED_NAMESPACES)) {
    const declared = document.rootNamespaces[prefix];
    // content: only for HTML in the notes, so only when declared.
    if (declared === uri || (declared === undefined && prefix === 'content')) continue;
    report('rss', `xmlns:${prefix}`, prefix === 'itunes' ? APPLE_PSP1 : ['PSP-1'], {
      says: declared === undefined ? `is missing: declare \`${uri}\`` : `must be exactly \`${uri}\` (namespace names are case-sensitive), not ${found(declared)}`,
      requirement: 'namespace',
    });
  }
  const channels = root.children.filter((c) => c.name === 'channel');
  if (channels.length !== 1) {
    report('channel', undefined, RSS, { says: channels.length === 0 ? 'is missing' : 'may appear only once', requirement: 'rss' });
    return findings;
  }
  const channel = channels[0]!;
  checkChildren(channel, 'channel', report);
  checkFeedLinks(channel, report);
  return findings;
}

/** PSP-1: the feed names its own URL; RFC 5005: a page names each neighbour at most once. */
function checkFeedLinks(channel: XmlNode, report: Report): void {
  const links = channel.children.filter((c) => c.name === 'atom:link');
  const count = (rel: string) => links.filter((link) => link.attributes.rel?.trim() === rel).length;
  if (count('self') === 0) {
    report('atom:link', 'rel', ['PSP-1'], { says: 'is `self` on no `<atom:link>`: the feed must give its own URL', requirement: 'self-link' });
  }
  for (const rel of ['self', ...PAGING_RELATIONS]) {
    if (count(rel) > 1) report('atom:link', 'rel', rel === 'self' ? ['PSP-1'] : ['RFC 5005'], { says: `is \`${rel}\` on ${count(rel)} links; one is allowed`, requirement: 'placement' });
  }
}

function checkItem(item: XmlNode, report: Report): ItemFacts {
  checkChildren(item, 'item', report);
  const episodeType = child(item, 'itunes:episodeType')?.text.trim();
  return {
    guid: child(item, 'guid')?.text.trim() || undefined,
    enclosureUrl: child(item, 'enclosure')?.attributes.url?.trim() || undefined,
    full: episodeType === undefined || episodeType === 'full',
    numbered: child(item, 'itunes:episode') !== undefined,
  };
}

/** What involves several items; items that are not well-formed are left out. */
function acrossItems(channel: XmlNode | undefined, facts: readonly (ItemFacts | undefined)[], nameOf: (item: number) => string): FeedProblem[] {
  const problems: FeedProblem[] = [];
  const unique = (value: (f: ItemFacts) => string | undefined, element: string, attribute: string | undefined, what: string, requirement: Requirement, sources: readonly FeedStandard[], hint: string) => {
    const first = new Map<string, number>();
    facts.forEach((f, index) => {
      const key = f && value(f);
      if (key === undefined) return;
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, index);
        return;
      }
      const complaint = { says: `must be unique: ${found(key)} is also the ${what} of ${nameOf(earlier)}`, requirement, hint };
      problems.push({ ...finding(element, attribute, sources, complaint), item: index, otherItem: earlier });
    });
  };
  unique((f) => f.guid, 'guid', undefined, 'GUID', 'unique-guid', ['PSP-1', 'Apple'], 'apps show only one of two episodes with the same GUID');
  unique((f) => f.enclosureUrl, 'enclosure', 'url', 'enclosure URL', 'unique-enclosure-url', APPLE, 'Apple Podcasts ignores an episode whose enclosure URL another episode has');
  if (channel !== undefined && child(channel, 'itunes:type')?.text.trim() === 'serial') {
    facts.forEach((f, index) => {
      if (f === undefined || !f.full || f.numbered) return;
      const complaint = { says: 'is missing: in a serial show, every full episode has a number', requirement: 'serial-episode-number' as const };
      problems.push({ ...finding('itunes:episode', undefined, APPLE_PSP1, complaint), item: index });
    });
  }
  return problems;
}
