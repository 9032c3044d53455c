import fc from 'fast-check';

/**
 * Generators of hostile projects for test/fuzz.test.ts: YAML text (not values: the parser must
 * meet quoting, flow and block styles, anchors and broken syntax), file names and Markdown.
 * Nesting stays under 50 levels and names under 100 bytes: deeper and longer inputs are bounded
 * by their own limits and tests.
 */

/** Pieces that broke, or could break, an escaper, a parser or a path. */
const HOSTILE = [
  '<', '>', '&', '"', "'", '`', ']]>', '<![CDATA[', '<script>', '</script>', '<!--', '-->', '{{', '}}', '{{{', '{%', '%}', '<%=', '%>', '${',
  '\u2028', '\u2029', '\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001f', '\u007f', '\u0085', '\u009f', '\ufeff', '\ufffe', '\uffff', '\ufdd0',
  '\ud800', '\udfff', '\u202e', '\u200f', '\u200d', '😀', '👩‍🚀', 'שלום', 'مرحبا', 'é', 'e\u0301', '\u00a0', '\t', '\r', '\r\n', '\\', '/', '..', '#', '?', '%', '%2e', ':', '*', '|',
  '&amp;', '&#0;', '&#xD800;', '&nbsp;', '__proto__', 'constructor', 'null', '~', '- ', ': ', ' #', '---', '...',
];

const hostileUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 5, arbitrary: fc.constantFrom(...'abcdefghij XYZ 0123456789.,-_'.split('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Any text, often hostile; may hold controls, lone surrogates and line breaks. */
export const hostileText = (maxLength = 12) => fc.string({ unit: hostileUnit, maxLength });

/** Text on one line (no LF or CR), for places where a line break has a meaning of its own. */
export const lineText = (maxLength = 12) => hostileText(maxLength).map((text) => text.replace(/[\r\n\u0085\u2028\u2029]/g, ' '));

/** A YAML double-quoted scalar holding `text` exactly (a UTF-8 file cannot hold a lone surrogate raw). */
export function yamlQuoted(text: string): string {
  let out = '"';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (character === '"' || character === '\\') out += `\\${character}`;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += character;
  }
  return `${out}"`;
}

/** A scalar written the ways YAML allows, some of them wrong. */
const yamlScalar: fc.Arbitrary<string> = fc.oneof(
  hostileText().map(yamlQuoted),
  lineText().map((text) => `'${text.replace(/'/g, "''")}'`),
  lineText(),
  fc.constantFrom('true', 'false', 'yes', 'no', 'null', '~', '', '0', '-1', '1e309', '0x1F', '.inf', '.nan', '2024-01-01', '2024-02-30', '2024-01-01 25:61', '1:02:03', '"unterminated', "'", '[', '{', '&a', '*a', '!!binary aGk=', '!tag x', '|', '>', '@', '%TAG'),
  fc.integer().map(String),
  fc.double().map(String),
);

/** A YAML value as text at an indentation; `depth` bounds the nesting. */
export function yamlValue(depth: number): fc.Arbitrary<string> {
  if (depth <= 0) return yamlScalar;
  const inner = fc.constant(null).chain(() => yamlValue(depth - 1));
  return fc.oneof(
    { weight: 4, arbitrary: yamlScalar },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }).map((items) => `[${items.map((item) => item.replace(/\n/g, ' ')).join(', ')}]`) },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }).map((items) => items.map((item) => `\n- ${indent(item)}`).join('')) },
    { weight: 1, arbitrary: fc.array(fc.tuple(yamlKey, inner), { maxLength: 4 }).map((pairs) => pairs.map(([key, value]) => `\n  ${key}: ${indent(indent(value))}`).join('')) },
  );
}

function indent(text: string): string {
  return text.replace(/\n/g, '\n  ');
}

const FIELDS = ['title', 'date', 'description', 'tags', 'hosts', 'guests', 'episode', 'season', 'slug', 'type', 'audio', 'draft', 'explicit', 'image', 'guid', 'author', 'youtube', 'transcript', 'chapters'];

export const yamlKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIELDS) },
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '"__proto__"', '? complex', '<<', 'title ', 'Title', '"ti\\u0000tle"') },
  { weight: 1, arbitrary: lineText(8).map(yamlQuoted) },
);

/** A title, date and audio that validate, so that most runs get through to the pages and the feed. */
const goodFields = fc.record({
  title: hostileText(40).map(yamlQuoted),
  date: fc.constantFrom('2024-01-01', '2023-12-31 23:59', '2020-02-29T12:00:00+14:00', '1970-01-01', '2024-06-01'),
  description: hostileText(40).map(yamlQuoted),
  tags: fc.array(lineText(10).map(yamlQuoted), { maxLength: 3 }).map((tags) => `[${tags.join(', ')}]`),
  hosts: fc.array(lineText(10).map(yamlQuoted), { maxLength: 2 }).map((names) => `[${names.join(', ')}]`),
  audio: fc.constantFrom('\n  url: https://media.example.com/a.mp3\n  length: 1000', '\n  url: https://media.example.com/a%20b.mp3?x=1&y=%22\'\n  length: 1'),
});

/** Front matter that validates, every text in it hostile. */
export const hostileValues: fc.Arbitrary<string> = goodFields.map((good) => Object.entries(good).map(([key, value]) => `${key}: ${value}`).join('\n'));

/** Front matter text: mostly a valid episode with hostile values, then random keys and values. */
export const frontMatter: fc.Arbitrary<string> = fc
  .tuple(
    goodFields,
    fc.oneof({ weight: 3, arbitrary: fc.constant(['title', 'date', 'description', 'tags', 'hosts', 'audio']) }, { weight: 1, arbitrary: fc.subarray(['title', 'date', 'description', 'tags', 'hosts', 'audio']) }),
    fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(yamlKey, yamlValue(3)), { maxLength: 4 }) }),
    // A stray line, once in four runs.
    fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostileText(30) }),
  )
  .map(([good, kept, extra, garbage]) => {
    const lines = kept.map((key) => `${key}: ${good[key as keyof typeof good]}`);
    for (const [key, value] of extra) lines.push(`${key}: ${value}`);
    if (garbage !== null) lines.push(garbage);
    return lines.join('\n');
  });

const RESERVED = ['CON', 'con', 'NUL', 'aux', 'COM1', 'lpt9', 'PRN', '.', '..', '...', '.hidden', '-', '_', 'index', '404', 'feed', 'assets', 'tags', 'archive', 'people', 'search'];

/** A file name without a slash or NUL (no file system has them), under 100 bytes with its extension. */
export const fileStem: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 2, arbitrary: fc.constantFrom(...RESERVED) },
    { weight: 5, arbitrary: fc.string({ unit: hostileUnit, minLength: 1, maxLength: 20 }) },
  )
  .map((name) => name.replace(/[/\0]/g, '_').replace(/[\ud800-\udfff]/gu, '_'))
  .filter((name) => name.length > 0 && Buffer.byteLength(name) < 90);

export const episodeName: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('2024-01-01-', '2024-01-01-', '2024-13-45-', '', '2024-01-01', '1999-12-31-'), fc.oneof(fileStem, fc.stringMatching(/^[a-z0-9-]{1,20}$/)), fc.constantFrom('.md', '.md', '.md', '.markdown', '.MD', '.md.md', '.md '))
  .map(([prefix, stem, extension]) => `${prefix}${stem}${extension}`)
  .filter((name) => Buffer.byteLength(name) < 100 && name !== '.md');

/** Markdown built from its constructs, nested at most `depth` blocks deep. */
export function markdown(depth = 4): fc.Arbitrary<string> {
  return fc.array(block(depth), { maxLength: 6 }).map((blocks) => blocks.join('\n\n') + '\n');
}

const inline: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: lineText(16) },
      { weight: 1, arbitrary: lineText(8).map((t) => `*${t}*`) },
      { weight: 1, arbitrary: lineText(8).map((t) => `**${t}**`) },
      { weight: 1, arbitrary: lineText(8).map((t) => `~~${t}~~`) },
      { weight: 1, arbitrary: lineText(8).map((t) => `\`${t}\``) },
      { weight: 1, arbitrary: fc.tuple(lineText(8), lineText(12)).map(([t, u]) => `[${t}](${u})`) },
      { weight: 1, arbitrary: fc.tuple(lineText(8), lineText(12)).map(([t, u]) => `![${t}](${u} "${t}")`) },
      { weight: 1, arbitrary: fc.constantFrom('<https://example.com/?a=<b>&c>', 'https://example.com/x_(y)', 'www.example.com', 'a@b.c', '[^1]', '[x][ref]', '  \n', '\\\n', '&#0;', '&#x110000;', '&#xD800;', '&lt;script&gt;', '{{ title }}', '{% raw %}', '<%= 7*7 %>', '${1+1}', ']]>', '0:12:30', '(00:01:02)') },
      { weight: 1, arbitrary: fc.constantFrom('<b>', '</b>', '<span title="a&quot;b">x</span>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>', '<script>alert(1)</script>', '<!-- c', '-->', '<![CDATA[x]]>', '<?php x ?>', '<svg><script>x</script></svg>', '<math><mi>x</mi></math>', '<br/>', '<iframe src="https://example.com">', '</div>', '<textarea>', '</textarea>', '<style>x{}</style>', '<x-y a=1>', '<div\u0000>') },
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

function block(depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    { weight: 5, arbitrary: inline },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 7 }), inline).map(([level, text]) => `${'#'.repeat(level)} ${text}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('```', '~~~', '````'), lineText(6), hostileText(30)).map(([fence, info, code]) => `${fence}${info}\n${code}\n${fence}`) },
    { weight: 1, arbitrary: fc.array(inline, { minLength: 1, maxLength: 3 }).map((cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |\n|${cells.map(() => '---').join('|')}|\n| ${cells.join(' | ')} |`) },
    { weight: 1, arbitrary: fc.constantFrom('---', '***', '[ref]: https://example.com/"<>', '[^1]: a note', '<div>\n\n*x*\n\n</div>', '<div>', '<table><tr><td>x', '<details><summary>s</summary>', '<script>\nalert(1)\n</script>', '<!--\n', '<pre>\n\u0001\n</pre>', '0:00 Intro\n12:30 Part', '<plaintext>', '<xmp>x</p>', '<noscript><p>x', '<script>a = "<!--<script>";', '<style>/* <!-- */</style>') },
  );
  if (depth <= 0) return leaf;
  const inner = fc.constant(null).chain(() => block(depth - 1));
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: inner.map((text) => text.replace(/^/gm, '> ')) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('- ', '* ', '1. ', '9999999999. ', '- [ ] ', '- [x] '), fc.array(inner, { minLength: 1, maxLength: 3 })).map(([marker, items]) => items.map((item) => marker + item.replace(/\n/g, `\n${' '.repeat(marker.length)}`)).join('\n')) },
  );
}
