import { tagSlug } from '../collections.js';

/** Letters that Unicode does not split into a base letter and an accent, as they are usually written in ASCII. */
const LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', đ: 'd', Đ: 'd', ð: 'd', Ð: 'd',
  þ: 'th', Þ: 'th', ł: 'l', Ł: 'l', ı: 'i', '&': ' and ', "'": '', '’': '',
};

/** Words of a slug, at most: a file name and a URL stay readable. */
const MAX_SLUG_WORDS = 8;

/**
 * The slug of a new episode's file name from its title: accents folded as tag addresses fold them
 * (`Épisode spécial` → `episode-special`), apostrophes dropped (`don't` → `dont`). A title with no
 * letter or digit in Latin script gives `fallback`.
 */
export function titleSlug(title: string, fallback: string): string {
  const spelled = [...title].map((character) => LETTERS[character] ?? character).join('');
  const slug = tagSlug(spelled);
  // tagSlug names a tag with no Latin letters by a hash; a file name reads better with the fallback.
  if (!/[a-z0-9]/i.test(spelled.normalize('NFD').replace(/\p{M}/gu, ''))) return fallback;
  const short = slug.split('-').slice(0, MAX_SLUG_WORDS).join('-');
  return short;
}
