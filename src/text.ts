/** The start of a text, cut after a whole word, with an ellipsis when something was cut. */
export function excerpt(text: string, length: number): string {
  const characters = Array.from(text);
  if (characters.length <= length) return text;
  const cut = characters.slice(0, length + 1).join('');
  const lastSpace = cut.lastIndexOf(' ');
  const kept = lastSpace > length / 2 ? cut.slice(0, lastSpace) : characters.slice(0, length).join('');
  return `${kept.replace(/[\s,;:.!?\-–—]+$/u, '')}…`;
}

/** Code-unit order: the same on every machine and locale, and far cheaper than localeCompare in big sorts. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
