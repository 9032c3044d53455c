import { PERSON_TAXONOMY } from './podcast-namespace.js';
import type { Schema } from './schema.js';

/**
 * Roles of the Podcast Taxonomy Project by group (src/podcast-namespace.ts), written in lower case
 * as the namespace's examples write them (`role="guest"`, `group="cast"`).
 */
export const ROLES_BY_GROUP: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(PERSON_TAXONOMY).map(([group, roles]) => [group.toLowerCase(), roles.map((role) => role.toLowerCase())]),
);

export type PersonGroup = string;
export type PersonRole = string;

export const PERSON_GROUPS: readonly PersonGroup[] = Object.keys(ROLES_BY_GROUP);
/** Each role once; `editor` is in two groups. */
export const PERSON_ROLES: readonly PersonRole[] = [...new Set(Object.values(ROLES_BY_GROUP).flat())];

/** The group a role belongs to; for `editor`, the first of its two (writing). */
export function groupOfRole(role: PersonRole): PersonGroup {
  return PERSON_GROUPS.find((group) => ROLES_BY_GROUP[group]!.includes(role))!;
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
