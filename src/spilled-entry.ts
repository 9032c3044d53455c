import { toEpisode } from './assemble.js';
import type { Settings } from './config.js';
import type { EpisodeSource } from './episode.js';
import type { SpilledNotes } from './notes-spill.js';
import type { EpisodePeople } from './people.js';
import type { Episode } from './site.js';
import { prefixBasePath } from './urls.js';

/**
 * The entry `toEpisode` makes, whose notes (HTML and text) are read from the spill at each use
 * rather than held: the same values, for the page, the feed and the search index alike.
 */
export function spilledEntry(settings: Settings, source: EpisodeSource, notes: SpilledNotes, people: EpisodePeople): Episode {
  // The HTML is not read here: only the text makes the summary.
  const entry = toEpisode(settings, source, { html: '', text: notes.text, unknownTags: notes.unknownTags, remoteMedia: notes.remoteMedia }, people);
  Object.defineProperty(entry, 'html', { get: () => prefixBasePath(notes.html, settings), enumerable: true, configurable: true });
  Object.defineProperty(entry, 'text', { get: () => notes.text, enumerable: true, configurable: true });
  return entry;
}
