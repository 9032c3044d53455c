/** The start of a text, cut after a whole word, with an ellipsis when something was cut. */
export function excerpt(text: string, length: number): string {
  // Characters are counted as code points, as far as needed only: splitting whole notes into
  // characters to keep the first 280 was a tenth of a rebuild of thousands of entries.
  let end = 0;
  let counted = 0;
  let endOfLength = 0;
  while (end < text.length && counted <= length) {
    const isPair = isHighSurrogate(text.charCodeAt(end)) && isLowSurrogate(text.charCodeAt(end + 1));
    end += isPair ? 2 : 1;
    counted++;
    if (counted === length) endOfLength = end;
  }
  if (counted <= length) return text;
  const cut = text.slice(0, end);
  const lastSpace = cut.lastIndexOf(' ');
  const kept = lastSpace > length / 2 ? cut.slice(0, lastSpace) : text.slice(0, endOfLength);
  return `${kept.replace(/[\s,;:.!?\-–—]+$/u, '')}…`;
}

export const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
export const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Code-unit order: the same on every machine and locale, and far cheaper than localeCompare in big sorts. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
