import type { EpisodeSource } from './episode.js';
import type { SourceFile } from './load.js';
import { hasForbiddenXmlCharacters } from './xml-text.js';

/**
 * Lets go of the episode files' text and Markdown once the notes are rendered, for a build that
 * keeps no memory cache: nothing after the Markdown stage reads them, and they are a quarter of
 * what the archive weighs in memory (150 MB for 20,000 episodes). Both go: the Markdown is a slice
 * of the file's text, which V8 keeps whole as long as the slice lives. An episode whose Markdown
 * holds a character that XML forbids keeps it: the feed says on which line (src/feed.ts).
 */
export function releaseSources(files: Iterable<SourceFile>, episodes: Iterable<Pick<EpisodeSource, 'markdown'>>): void {
  for (const file of files) file.text = '';
  for (const episode of episodes) {
    if (!hasForbiddenXmlCharacters(episode.markdown)) episode.markdown = '';
  }
}
