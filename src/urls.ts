import type { Settings } from './config.js';
import { siteHref } from './site.js';

/** `href`, `src` and `poster` attributes whose value starts with a single `/`. */
const ROOT_RELATIVE = /(\s(?:href|src|poster)\s*=\s*)(["'])\/(?!\/)/gi;

/**
 * Notes link to `/images/x.png` meaning the site's own files, so a site under a base path
 * (`https://host/show/`) needs it added to them.
 */
export function prefixBasePath(html: string, settings: Pick<Settings, 'url'>): string {
  const base = siteHref(settings, '/');
  if (base === '/') return html;
  return html.replace(ROOT_RELATIVE, (_, attribute: string, quote: string) => `${attribute}${quote}${base}`);
}

/** Podcast apps resolve nothing: root-relative URLs in the feed's HTML become absolute. */
export function absolutizeUrls(html: string, settings: Pick<Settings, 'url'>): string {
  const origin = new URL(settings.url).origin;
  return html.replace(ROOT_RELATIVE, (_, attribute: string, quote: string) => `${attribute}${quote}${origin}/`);
}
