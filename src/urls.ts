import type { Settings } from './config.js';
import { siteHref } from './site.js';

/**
 * A start tag in HTML written by hast-util-to-html: text never holds a raw `<`, and attribute
 * values are double-quoted with no raw `"` inside (but may hold `>`).
 */
const START_TAG = /<[a-zA-Z](?:[^<>"]|"[^"]*")*>/g;
/** A URL attribute whose value starts with a single `/`: a path on the site. */
const ROOT_RELATIVE = /(\s(?:href|src|poster)=")\/(?!\/)/g;
const SRCSET = /(\ssrcset=")([^"]*)"/g;

/** Rewrites every root-relative URL in the attributes of `html` (notes already serialized by hast). */
function rewriteRootRelative(html: string, prefix: string): string {
  return html.replace(START_TAG, (tag) =>
    tag
      .replace(ROOT_RELATIVE, (_, attribute: string) => `${attribute}${prefix}`)
      .replace(SRCSET, (_, attribute: string, candidates: string) => {
        const rewritten = candidates.replace(/(^|,\s*)\/(?!\/)/g, (__, separator: string) => `${separator}${prefix}`);
        return `${attribute}${rewritten}"`;
      }),
  );
}

/**
 * Notes link to `/images/x.png` meaning the site's own files, so a site under a base path
 * (`https://host/show/`) needs it added to them.
 */
export function prefixBasePath(html: string, settings: Pick<Settings, 'url'>): string {
  const base = siteHref(settings, '/');
  return base === '/' ? html : rewriteRootRelative(html, base);
}

/** Podcast apps resolve nothing: root-relative URLs in the feed's HTML become absolute. */
export function absolutizeUrls(html: string, settings: Pick<Settings, 'url'>): string {
  return rewriteRootRelative(html, `${new URL(settings.url).origin}/`);
}

/**
 * An http(s) URL of the most common shape, which the URL parser always takes: a host of letters,
 * digits, dots and hyphens ending in a name (not a number, which it would read as an IPv4
 * address), a port under 10000, then printable ASCII only. Told by this alone, thousands of
 * audio URLs at each build are not each parsed into an object.
 */
const PLAIN_HTTP_URL = /^https?:\/\/[a-z0-9]+(?:[.-][a-z0-9]+)*\.[a-z]{2,63}(?::\d{1,4})?(?:[/?#][\x21-\x7e]*)?$/i;

export function isHttpUrl(text: string): boolean {
  if (PLAIN_HTTP_URL.test(text)) return true;
  // A path of the site: the parser takes no URL without a scheme (and a base).
  if (text.startsWith('/')) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function isUrlOrSitePath(text: string): boolean {
  // A backslash is a separator to Windows (`/..\..\x.mp3` would climb out of the public folder there) and to browsers; NUL to no one.
  return isHttpUrl(text) || (text.startsWith('/') && !text.startsWith('//') && !/[\\\0]/.test(text) && !text.split('/').includes('..'));
}

