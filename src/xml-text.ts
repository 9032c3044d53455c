/**
 * What may be a character that XML 1.0 forbids: C0 controls but tab, LF and CR, U+FFFE, U+FFFF,
 * and surrogates, which are forbidden only when lone. No lookaround and no `u` flag: every field
 * of the feed, the full notes included, is scanned, and those made each scan several times slower.
 */
const SUSPECT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/g;

/** UTF-16 index of the first character XML 1.0 forbids at or after `from`, or -1. */
function forbiddenXmlCharacterAt(text: string, from: number): number {
  SUSPECT_IN_XML.lastIndex = from;
  for (let match = SUSPECT_IN_XML.exec(text); match !== null; match = SUSPECT_IN_XML.exec(text)) {
    const at = match.index;
    const code = text.charCodeAt(at);
    if (code < 0xd800 || code > 0xdbff) return at;
    const next = text.charCodeAt(at + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return at;
    // A pair: one character beyond the BMP, all of which XML allows.
    SUSPECT_IN_XML.lastIndex = at + 2;
  }
  return -1;
}

/** Whether the text holds a character XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates). */
export function hasForbiddenXmlCharacters(text: string): boolean {
  return forbiddenXmlCharacterAt(text, 0) !== -1;
}

/** UTF-16 index of the first forbidden character, or -1. */
export function indexOfForbiddenXmlCharacter(text: string): number {
  return forbiddenXmlCharacterAt(text, 0);
}

/** The text without the characters XML 1.0 forbids; the same string when it has none, which is nearly always. */
export function removeForbiddenXmlCharacters(text: string): string {
  let kept = '';
  let from = 0;
  for (let at = forbiddenXmlCharacterAt(text, 0); at !== -1; at = forbiddenXmlCharacterAt(text, from)) {
    kept += text.slice(from, at);
    from = at + 1;
  }
  return from === 0 ? text : kept + text.slice(from);
}

/**
 * What may be a character that is a parse error wherever it stands in an HTML document
 * ("control-character-in-input-stream", "noncharacter-in-input-stream", "unexpected-null-character"):
 * controls but the ASCII whitespace (tab, LF, form feed, CR), DEL and the C1 controls, the
 * noncharacters, and surrogates, which are one only when lone or when the pair is a noncharacter.
 * No lookaround and no `u` flag: every page goes through it, and those are a hundred times slower.
 */
const SUSPECT_IN_HTML = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF\uD800-\uDFFF]/g;

/** The text without the characters HTML forbids; the same string when it has none, which is nearly always. */
export function removeForbiddenHtmlCharacters(text: string): string {
  SUSPECT_IN_HTML.lastIndex = 0;
  let kept = '';
  let from = 0;
  for (let match = SUSPECT_IN_HTML.exec(text); match !== null; match = SUSPECT_IN_HTML.exec(text)) {
    const at = match.index;
    const code = text.charCodeAt(at);
    let length = 1;
    let forbidden = true;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(at + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length = 2;
        // U+1FFFE, U+1FFFF … U+10FFFF: the last two code points of each plane.
        forbidden = (((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000 & 0xfffe) === 0xfffe;
        SUSPECT_IN_HTML.lastIndex = at + 2;
      }
    }
    if (!forbidden) continue;
    kept += text.slice(from, at);
    from = at + length;
  }
  return from === 0 ? text : kept + text.slice(from);
}
