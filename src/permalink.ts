export const PERMALINK_TOKENS = ['year', 'month', 'day', 'slug', 'episode'] as const;
export type PermalinkValues = Record<(typeof PERMALINK_TOKENS)[number], string>;

/** `/:year/:slug/` → `/2024/my-slug/`. Values are path segments already checked to be safe. */
export function expandPermalink(pattern: string, values: PermalinkValues): string {
  return pattern.replace(/:(year|month|day|slug|episode)\b/g, (_, token: keyof PermalinkValues) => values[token]);
}

/** The file that serves a URL path: `.html` names a file, anything else a folder served by its `index.html`. */
export function outputFileOf(urlPath: string): string {
  const relative = urlPath.replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) return `${relative}index.html`;
  return /\.html?$/i.test(relative) ? relative : `${relative}/index.html`;
}

/** Non-ASCII characters and spaces in a site path, percent-encoded; `?` and `#` keep their meaning. */
export function encodePath(urlPath: string): string {
  return encodeURI(urlPath);
}

/**
 * The longest address of a page, in characters once percent-encoded, with the site's URL. Browsers
 * take far more, but sitemaps take less than 2,048, and some hosts, proxies and CDNs refuse URLs
 * over about 2,000; the file's path in the output is about as long, which keeps it well under the
 * 4,096 bytes a path may have on Linux. Each name being under 255 bytes does not bound the whole.
 */
export const MAX_URL_LENGTH = 2000;
