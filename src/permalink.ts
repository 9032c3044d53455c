export const PERMALINK_TOKENS = ['year', 'month', 'day', 'slug', 'episode'] as const;
export type PermalinkValues = Record<(typeof PERMALINK_TOKENS)[number], string>;

/** `/:year/:slug/` → `/2024/my-slug/`. Values are path segments already checked to be safe. */
export function expandPermalink(pattern: string, values: PermalinkValues): string {
  return pattern.replace(/:(year|month|day|slug|episode)\b/g, (_, token: keyof PermalinkValues) => values[token]);
}

/** The file that serves a URL path: a folder URL is served by its `index.html`. */
export function outputFileOf(urlPath: string): string {
  const relative = urlPath.replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) return `${relative}index.html`;
  return /\.[a-z0-9]+$/i.test(relative) ? relative : `${relative}/index.html`;
}

/** Non-ASCII characters in a path, percent-encoded for use in links and the feed. */
export function encodePath(urlPath: string): string {
  return urlPath
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
