/** Characters that XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates). */
const FORBIDDEN_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

export function hasForbiddenXmlCharacters(text: string): boolean {
  FORBIDDEN_IN_XML.lastIndex = 0;
  return FORBIDDEN_IN_XML.test(text);
}

/** UTF-16 index of the first forbidden character, or -1. */
export function indexOfForbiddenXmlCharacter(text: string): number {
  FORBIDDEN_IN_XML.lastIndex = 0;
  return text.search(FORBIDDEN_IN_XML);
}

export function removeForbiddenXmlCharacters(text: string): string {
  return text.replace(FORBIDDEN_IN_XML, '');
}

/** U+FDD0–U+FDEF and the last two code points of every plane. */
const NONCHARACTERS = `\\uFDD0-\\uFDEF\\uFFFE\\uFFFF${Array.from({ length: 16 }, (_, i) => `\\u{${(i + 1).toString(16)}FFFE}\\u{${(i + 1).toString(16)}FFFF}`).join('')}`;

/**
 * Characters that are a parse error wherever they stand in an HTML document
 * ("control-character-in-input-stream", "noncharacter-in-input-stream", "unexpected-null-character"):
 * controls but the ASCII whitespace (tab, LF, form feed, CR), DEL and the C1 controls,
 * noncharacters, and lone surrogates (which UTF-8 cannot carry).
 */
const FORBIDDEN_IN_HTML = new RegExp(
  `[\\u0000-\\u0008\\u000B\\u000E-\\u001F\\u007F-\\u009F${NONCHARACTERS}]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]`,
  'gu',
);

/** The text without the characters HTML forbids; the same string when it has none, which is nearly always. */
export function removeForbiddenHtmlCharacters(text: string): string {
  FORBIDDEN_IN_HTML.lastIndex = 0;
  if (!FORBIDDEN_IN_HTML.test(text)) return text;
  return text.replace(FORBIDDEN_IN_HTML, '');
}
