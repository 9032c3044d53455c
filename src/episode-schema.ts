import type { Schema } from './schema.js';
import { TRANSCRIPT_MEDIA_TYPES } from './transcripts.js';

export const EPISODE_TYPES = ['full', 'trailer', 'bonus'] as const;
export type EpisodeType = (typeof EPISODE_TYPES)[number];

/** Front matter of an episode or news post. docs/episodes.md describes each field for people. */
export const EPISODE_SCHEMA: Schema = {
  title: { type: { kind: 'string' }, required: true, description: 'The episode title.' },
  date: {
    type: { kind: 'string' },
    description: 'Publication date, `YYYY-MM-DD` with an optional time and offset; else the `YYYY-MM-DD-` prefix of the file name.',
  },
  episode: { type: { kind: 'integer', min: 1 }, description: 'Episode number.' },
  season: { type: { kind: 'integer', min: 1 }, description: 'Season number.' },
  type: { type: { kind: 'enum', values: EPISODE_TYPES }, description: '`full` (default), `trailer` or `bonus`.' },
  description: { type: { kind: 'string' }, description: 'Summary for apps and search engines; else an excerpt of the notes.' },
  audio: {
    type: {
      kind: 'object',
      fields: {
        url: {
          type: { kind: 'string' },
          description: 'Absolute http(s) URL of the audio file, or its path on the site (`/media/ep1.mp3`) for a file of the public or media folder.',
        },
        length: { type: { kind: 'integer', min: 1 }, description: 'Size of the audio file in bytes; read from the file when it is local.' },
        type: { type: { kind: 'string' }, description: 'MIME type; read from a local file, else inferred from the file extension when absent.' },
        duration: { type: { kind: 'string-or-number' }, description: 'Duration in seconds, or `H:MM:SS`; read from a local file.' },
      },
    },
    description: 'The audio file.',
  },
  image: { type: { kind: 'string' }, description: 'Episode artwork: a path on the site or an absolute URL.' },
  explicit: { type: { kind: 'boolean' }, description: 'Explicit content; defaults to the show setting.' },
  guid: { type: { kind: 'string' }, description: 'Globally unique id in the feed; defaults to the page URL. Never change it once published.' },
  slug: { type: { kind: 'string' }, description: 'The `:slug` of the permalink; defaults to the file name without its date prefix.' },
  draft: { type: { kind: 'boolean' }, description: 'Left out of the build unless `--drafts`.' },
  youtube: { type: { kind: 'string' }, description: 'A YouTube video id or URL.' },
  tags: { type: { kind: 'string-list', commaSeparated: true }, description: 'Tags, as a list or comma-separated text.' },
  hosts: { type: { kind: 'string-list', commaSeparated: true }, description: 'Hosts of this episode, as a list or comma-separated text.' },
  guests: { type: { kind: 'string-list', commaSeparated: true }, description: 'Guests of this episode, as a list or comma-separated text.' },
  author: { type: { kind: 'string' }, description: 'Author of the post, when different from the show author.' },
  socialPost: { type: { kind: 'string' }, description: 'Text of the social-media post announcing the episode; checked against `limits.socialPost`.' },
  transcript: {
    type: {
      kind: 'list',
      single: true,
      item: {
        kind: 'text-or-object',
        shorthand: 'url',
        fields: {
          url: { type: { kind: 'string' }, required: true, description: 'A path relative to the episode file, or an absolute https URL.' },
          language: { type: { kind: 'string' }, description: "Language code of the transcript; the show's `language` by default." },
          type: { type: { kind: 'enum', values: TRANSCRIPT_MEDIA_TYPES }, description: 'MIME type; from the extension (.vtt, .srt, .json, .txt, .html) when absent.' },
        },
      },
    },
    description: 'Transcripts: a path or https URL, a list of them, or mappings with `url`, `language` and `type`; else the .vtt, .srt, .json, .txt or .html files named like the episode file. `[]` for none.',
  },
  chapters: {
    type: {
      kind: 'list',
      item: {
        kind: 'object',
        fields: {
          start: { type: { kind: 'string-or-number' }, required: true, description: 'Start time: seconds, or `H:MM:SS` / `MM:SS`.' },
          title: { type: { kind: 'string' }, required: true, description: 'The chapter title.' },
          url: { type: { kind: 'string' }, description: 'A web page about the chapter: an absolute http(s) URL.' },
          image: { type: { kind: 'string' }, description: 'Chapter artwork: a path on the site or an absolute URL.' },
        },
      },
    },
    description: 'Chapters, in order; else the lines of the notes that start with a timestamp. `[]` for none.',
  },
};
