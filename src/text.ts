/** The start of a text, cut after a whole word, with an ellipsis when something was cut. */
export function excerpt(text: string, length: number): string {
  const characters = Array.from(text);
  if (characters.length <= length) return text;
  const cut = characters.slice(0, length + 1).join('');
  const lastSpace = cut.lastIndexOf(' ');
  const kept = lastSpace > length / 2 ? cut.slice(0, lastSpace) : characters.slice(0, length).join('');
  return `${kept.replace(/[\s,;:.!?\-–—]+$/u, '')}…`;
}
