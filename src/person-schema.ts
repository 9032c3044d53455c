import type { Schema } from './schema.js';

/**
 * Roles of the Podcast Taxonomy Project, by group, as the Podcasting 2.0 namespace lists them in
 * its `taxonomy.json`, written in lower case as the namespace's examples write them
 * (`role="guest"`, `group="cast"`). The taxonomy's own misspelling `Translater` is written
 * `translator`, as its description spells it.
 */
export const ROLES_BY_GROUP = {
  'creative direction': ['director', 'assistant director', 'executive producer', 'senior producer', 'producer', 'associate producer', 'development producer', 'creative director'],
  cast: ['host', 'co-host', 'guest host', 'guest', 'voice actor', 'narrator', 'announcer', 'reporter'],
  writing: [
    'author',
    'editorial director',
    'co-writer',
    'writer',
    'songwriter',
    'guest writer',
    'story editor',
    'managing editor',
    'script editor',
    'script coordinator',
    'researcher',
    'editor',
    'fact checker',
    'translator',
    'transcriber',
    'logger',
  ],
  'audio production': ['studio coordinator', 'technical director', 'technical manager', 'audio engineer', 'remote recording engineer', 'post production engineer'],
  'audio post-production': ['audio editor', 'sound designer', 'foley artist', 'composer', 'theme music', 'music production', 'music contributor'],
  administration: ['production coordinator', 'booking coordinator', 'production assistant', 'content manager', 'marketing manager', 'sales representative', 'sales manager'],
  visuals: ['graphic designer', 'cover art designer'],
  community: ['social media manager'],
  'misc.': ['consultant', 'intern'],
  'video production': ['camera operator', 'lighting designer', 'camera grip', 'assistant camera'],
  'video post-production': ['editor', 'assistant editor'],
} as const;

export type PersonGroup = keyof typeof ROLES_BY_GROUP;
export type PersonRole = (typeof ROLES_BY_GROUP)[PersonGroup][number];

export const PERSON_GROUPS = Object.keys(ROLES_BY_GROUP) as PersonGroup[];
/** Each role once; `editor` is in two groups. */
export const PERSON_ROLES: readonly PersonRole[] = [...new Set(Object.values(ROLES_BY_GROUP).flat())];

/** The group a role belongs to; for `editor`, the first of its two (writing). */
export function groupOfRole(role: PersonRole): PersonGroup {
  return PERSON_GROUPS.find((group) => (ROLES_BY_GROUP[group] as readonly string[]).includes(role))!;
}

/** Front matter of a person file in the people folder. docs/people.md describes each field for people. */
export const PERSON_SCHEMA: Schema = {
  name: { type: { kind: 'string' }, required: true, description: 'The name, as apps and pages show it.' },
  // Texts here, checked in src/people.ts: a message listing some sixty roles would help no one.
  role: {
    type: { kind: 'string' },
    description: 'A role of the Podcasting 2.0 taxonomy in lower case: `host` (default), `co-host`, `guest`, `producer`…',
  },
  group: {
    type: { kind: 'string' },
    description: "The taxonomy group of the role, in lower case; defaults to the role's group (`cast` for hosts and guests).",
  },
  image: { type: { kind: 'string' }, description: 'A picture of the person: a path on the site (`/people/ann.jpg`) or an absolute URL.' },
  link: { type: { kind: 'string' }, description: 'Their main URL; the feed links to it, else to `website`, else to `blog`.' },
  website: { type: { kind: 'string' }, description: 'Their website.' },
  blog: { type: { kind: 'string' }, description: 'Their blog.' },
  twitter: { type: { kind: 'string' }, description: 'Their Twitter/X handle, with or without `@`.' },
  alumni: { type: { kind: 'boolean' }, description: 'A former host: still credited on their episodes, no longer on the show.' },
};
