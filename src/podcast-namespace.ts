/**
 * Vocabularies of the Podcasting 2.0 namespace (github.com/Podcastindex-org/podcast-namespace)
 * that feed values are checked against.
 */

/**
 * `podcast:person` roles by group, from the Podcast Taxonomy Project (`taxonomy-en.json` in the
 * namespace repository). Both attributes are case-insensitive; without them, a person is a host
 * in the cast.
 */
export const PERSON_TAXONOMY: Readonly<Record<string, readonly string[]>> = {
  'Creative Direction': ['Director', 'Assistant Director', 'Executive Producer', 'Senior Producer', 'Producer', 'Associate Producer', 'Development Producer', 'Creative Director'],
  Cast: ['Host', 'Co-Host', 'Guest Host', 'Guest', 'Voice Actor', 'Narrator', 'Announcer', 'Reporter'],
  Writing: [
    'Author', 'Editorial Director', 'Co-Writer', 'Writer', 'Songwriter', 'Guest Writer', 'Story Editor', 'Managing Editor', 'Script Editor',
    'Script Coordinator', 'Researcher', 'Editor', 'Fact Checker', 'Translator', 'Transcriber', 'Logger',
  ],
  'Audio Production': ['Studio Coordinator', 'Technical Director', 'Technical Manager', 'Audio Engineer', 'Remote Recording Engineer', 'Post Production Engineer'],
  'Audio Post-Production': ['Audio Editor', 'Sound Designer', 'Foley Artist', 'Composer', 'Theme Music', 'Music Production', 'Music Contributor'],
  Administration: ['Production Coordinator', 'Booking Coordinator', 'Production Assistant', 'Content Manager', 'Marketing Manager', 'Sales Representative', 'Sales Manager'],
  Visuals: ['Graphic Designer', 'Cover Art Designer'],
  Community: ['Social Media Manager'],
  'Misc.': ['Consultant', 'Intern'],
  'Video Production': ['Camera Operator', 'Lighting Designer', 'Camera Grip', 'Assistant Camera'],
  'Video Post-Production': ['Editor', 'Assistant Editor'],
};

/**
 * `podcast:transcript` types the namespace lists, and whether the format carries time codes:
 * `rel="captions"` declares a file of timed captions, which plain text and HTML are not.
 */
export const TRANSCRIPT_TYPES: Readonly<Record<string, { timed: boolean }>> = {
  'text/plain': { timed: false },
  'text/html': { timed: false },
  'text/vtt': { timed: true },
  'application/json': { timed: true },
  'application/x-subrip': { timed: true },
};

/** The type of a `podcast:chapters` file: JSON chapters (format 1.2.0). */
export const CHAPTERS_TYPE = 'application/json+chapters';

/** RFC 5005 relations of a paged or archived feed, written as `atom:link rel`; `prev` is the IANA synonym of `previous`. */
export const PAGING_RELATIONS: readonly string[] = ['first', 'last', 'next', 'previous', 'prev', 'current', 'next-archive', 'prev-archive'];
