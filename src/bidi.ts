/** Characters that open an embedding or override (LRE, RLE, LRO, RLO), or an isolate (LRI, RLI, FSI), and their closers (PDF, PDI). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * `text` with the bidirectional embeddings, overrides and isolates it opens and leaves open closed
 * at its end, or undefined when it closes every one. An RLO (U+202E) left open in a title reverses
 * whatever follows the title on the same line (the show's name in `<title>`, the rest of a list):
 * closing it at the end of the title changes nothing of the title as shown, and keeps it from
 * reordering what is not its own. Closers without an opener do nothing and are left.
 */
export function closeBidiControls(text: string): string | undefined {
  if (!BIDI_CONTROL.test(text)) return undefined;
  // What is open, innermost last: true for an isolate, false for an embedding or override.
  const open: boolean[] = [];
  for (const character of text) {
    switch (character) {
      case '\u202a':
      case '\u202b':
      case '\u202d':
      case '\u202e':
        open.push(false);
        break;
      case '\u2066':
      case '\u2067':
      case '\u2068':
        open.push(true);
        break;
      case '\u202c':
        // A PDF closes the innermost embedding, but not across an isolate (Unicode's bidi algorithm, X7).
        if (open.length > 0 && !open[open.length - 1]) open.pop();
        break;
      // Line breaks in a value end nothing: in a page, the paragraph is the whole element.
      case '\u2069': {
        // A PDI closes the innermost isolate and every embedding opened inside it (X6a).
        const isolate = open.lastIndexOf(true);
        if (isolate >= 0) open.length = isolate;
        break;
      }
    }
  }
  if (open.length === 0) return undefined;
  return text + open.reverse().map((isolate) => (isolate ? '\u2069' : '\u202c')).join('');
}

/** Said of a value whose bidi controls were closed by `closeBidiControls`. */
export const UNBALANCED_BIDI_MESSAGE = 'this value opens right-to-left or left-to-right controls (U+202A–U+202E, U+2066–U+2068) that it does not close: they would reorder the text after it; closed at its end';
export const UNBALANCED_BIDI_HINT = 'often pasted from another program: remove them, or close each one (U+202C after U+202A–U+202E, U+2069 after U+2066–U+2068); right-to-left text needs no control';

/**
 * `value` with what it leaves open closed, `report` told when it left something open: for text shown
 * inline beside other text (titles, names, tags), which must not reorder what follows it.
 */
export function withBidiClosed(value: string, report: (message: string, hint: string) => void): string {
  const balanced = closeBidiControls(value);
  if (balanced === undefined) return value;
  report(UNBALANCED_BIDI_MESSAGE, UNBALANCED_BIDI_HINT);
  return balanced;
}
