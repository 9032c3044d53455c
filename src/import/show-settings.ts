import type { Settings } from '../config.js';
import { podcastGuid } from '../feed.js';
import type { ImportedShow } from './read-feed.js';

/** The settings an import sets, by the key docs/settings.md gives them, as they would be written. */
export type ImportedSettings = Map<string, string | boolean | string[] | Record<string, string>>;

/**
 * The show's settings from the channel. The show keeps its `podcast:guid`: the one the feed has,
 * else the one the Podcast Index computed from the old feed's address (`feedUrl`), so that the
 * index sees the same show at its new address.
 */
export function importedSettings(show: ImportedShow, feedUrl: string | undefined): ImportedSettings {
  const settings: ImportedSettings = new Map();
  const set = (key: string, value: string | boolean | string[] | Record<string, string> | undefined) => {
    if (value !== undefined) settings.set(key, value);
  };
  set('title', show.title);
  set('description', show.description);
  set('language', show.language);
  set('url', show.link);
  set('author', show.author);
  set('owner.name', show.owner?.name);
  set('owner.email', show.owner?.email);
  set('artwork', show.artwork);
  if (show.categories.length > 0) set('categories', show.categories);
  set('explicit', show.explicit);
  set('type', show.type);
  set('copyright', show.copyright);
  set('feed.locked', show.locked);
  const selfUrl = show.selfUrl ?? feedUrl;
  set('feed.guid', show.podcastGuid ?? (selfUrl === undefined ? undefined : podcastGuid(selfUrl)));
  if (show.funding.length > 0) set('feed.funding', Object.fromEntries(show.funding.map(({ url, text }) => [url, text])));
  return settings;
}

const COMMENTS: Record<string, string> = {
  url: "The old feed's <link>: put the address of the new site here.",
  'feed.guid': "The show's podcast:guid from the old feed: the Podcast Index knows the show by it. Keep it.",
  'feed.locked': 'podcast:locked from the old feed: while true, no other host may import the feed.',
};

/** podsite.yaml for the imported show, with a comment on each setting that the move concerns. */
export function settingsText(settings: ImportedSettings, source: string): string {
  const lines = [`# Imported by \`podsite import\` from ${source}. docs/settings.md describes every key.`];
  const nested = new Map<string, string[]>();
  for (const [key, value] of settings) {
    const [parent, child] = key.includes('.') ? key.split('.') : [undefined, key];
    const comment = COMMENTS[key] === undefined ? [] : [`# ${COMMENTS[key]}`];
    const written = [...comment, ...keyValue(child!, value)];
    if (parent === undefined) lines.push(...written);
    else nested.set(parent, [...(nested.get(parent) ?? []), ...written]);
  }
  for (const [parent, children] of nested) {
    // `owner` goes right after the author, as in the sample; `feed` at the end.
    const block = [`${parent}:`, ...children.map((line) => `  ${line}`)];
    const after = parent === 'owner' ? lines.findIndex((line) => /^author:/.test(line)) : -1;
    if (after === -1) lines.push(...block);
    else lines.splice(after + 1, 0, ...block);
  }
  return `${lines.join('\n')}\n`;
}

function keyValue(key: string, value: string | boolean | string[] | Record<string, string>): string[] {
  if (typeof value === 'boolean') return [`${key}: ${value}`];
  if (typeof value === 'string') return [`${key}: ${JSON.stringify(value)}`];
  if (Array.isArray(value)) return [`${key}:`, ...value.map((item) => `  - ${JSON.stringify(item)}`)];
  return [`${key}:`, ...Object.entries(value).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)];
}

/** What the existing settings say otherwise than the feed: `[key, theirs, the feed's]`, values as text. */
export function settingsDifferences(existing: Settings, imported: ImportedSettings): [string, string, string][] {
  const current: Record<string, unknown> = {
    title: existing.title,
    description: existing.description,
    language: existing.language,
    url: existing.url,
    author: existing.author,
    'owner.name': existing.owner.name,
    'owner.email': existing.owner.email,
    artwork: existing.artwork,
    categories: existing.categories,
    explicit: existing.explicit,
    type: existing.type,
    copyright: existing.copyright,
    'feed.locked': existing.feed.locked,
    'feed.guid': existing.feed.guid,
    'feed.funding': existing.feed.funding,
  };
  const differences: [string, string, string][] = [];
  for (const [key, value] of imported) {
    const theirs = shown(current[key]);
    const feeds = shown(value);
    if (theirs !== feeds) differences.push([key, theirs, feeds]);
  }
  return differences;
}

function shown(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([url, text]) => `${url} (${String(text)})`).join(', ');
  return String(value);
}
