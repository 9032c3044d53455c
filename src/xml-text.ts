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
