import { wallTime } from '../dates.js';
import { silentMp3 } from './mp3.js';
import { solidPng } from './png.js';
import { deployGuide } from './readme.js';

/** What `podsite init` asks, or takes from flags. */
export interface ShowAnswers {
  title: string;
  author: string;
  /** A language code such as `en` or `pt-BR`. */
  language: string;
  /** The address the site will have, e.g. `https://myshow.example.com/`. */
  url: string;
  /** The owner's e-mail address, which apps show to prove ownership; none leaves `owner` out. */
  email: string | undefined;
  /** An IANA time zone, for the dates of episodes. */
  timezone: string;
}

/** Apple's smallest accepted size: the artwork is a placeholder, so the lightest file that passes. */
export const ARTWORK_SIZE = 1400;
const ARTWORK_COLOUR = [0x2f, 0x4a, 0x6d] as const;
/** Long enough for the player to show it plays, short enough to weigh a few kilobytes. */
const SAMPLE_AUDIO_SECONDS = 5;
export const FIRST_EPISODE_SLUG = 'welcome';
export const SAMPLE_AUDIO = '/media/welcome.mp3';

/** What podsite writes beside its output and sources, none of which belongs in version control. */
export const GITIGNORE = `# Made by podsite build and podsite dev: build again to get them back.
dist/
# Beside the output folder: the lock of a running build, its staging folders and spilled notes.
.dist.*
.podsite/
.podsite-cache/
node_modules/
.DS_Store
`;

/**
 * The files of a new show, by path: settings, a first episode dated `now` in the show's time zone
 * with a short silent MP3 as its audio, placeholder artwork, `.gitignore` and a README. Built as
 * they are, they give a site and a feed with no error and no warning.
 */
export function projectFiles(answers: ShowAnswers, made: { now: Date; podsiteVersion: string }): Record<string, string | Buffer> {
  const { now, podsiteVersion } = made;
  const today = wallTime(now, answers.timezone);
  const date = `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;
  const episodeFile = `episodes/${date}-${FIRST_EPISODE_SLUG}.md`;
  return {
    'podsite.yaml': settingsText(answers),
    [episodeFile]: firstEpisode(answers),
    [`public${SAMPLE_AUDIO}`]: silentMp3(SAMPLE_AUDIO_SECONDS),
    'public/artwork.png': solidPng(ARTWORK_SIZE, ARTWORK_SIZE, ARTWORK_COLOUR),
    '.gitignore': GITIGNORE,
    'README.md': readme(answers, episodeFile, podsiteVersion),
  };
}

const quoted = (text: string) => JSON.stringify(text);

function settingsText(answers: ShowAnswers): string {
  const owner = answers.email === undefined ? '' : `owner:\n  name: ${quoted(answers.author)}\n  email: ${quoted(answers.email)}\n`;
  return `# The show's settings: every key is described in podsite's docs/settings.md.
title: ${quoted(answers.title)}
description: >-
  What ${answers.title.replace(/\s+/g, ' ')} is about, in a few sentences: podcast apps and search engines show it.
language: ${answers.language}
author: ${quoted(answers.author)}
${owner}# The address the site will have: links in the feed and pages start with it.
url: ${quoted(answers.url)}
# A square PNG or JPEG of 1400 to 3000 pixels in public/; replace the placeholder.
artwork: /artwork.png
# From Apple's list, e.g. \`Technology\` or \`Society & Culture > Documentary\`.
categories:
  - Society & Culture
explicit: false
type: episodic
timezone: ${answers.timezone}
`;
}

function firstEpisode(answers: ShowAnswers): string {
  return `---
title: ${quoted(`Welcome to ${answers.title}`)}
season: 1
episode: 1
description: ${quoted(`The first episode of ${answers.title.replace(/\s+/g, ' ')}.`)}
audio:
  # Replace with your recording. A file of public/media/ is measured by podsite itself;
  # for audio on a media host, give its https URL with \`length\` (bytes) and \`duration\`.
  url: ${SAMPLE_AUDIO}
---
The show notes, in Markdown: what the episode is about, links, credits.

## Links

- [podsite](https://www.npmjs.com/package/podsite), which built this site
`;
}

function readme(answers: ShowAnswers, episodeFile: string, podsiteVersion: string): string {
  return `# ${answers.title}

The website and podcast feed of ${answers.title}, built with [podsite](https://www.npmjs.com/package/podsite).

## Build and preview

\`\`\`sh
npx podsite dev      # serve on http://127.0.0.1:4000/, rebuild on every save
npx podsite build    # check everything and write the site into dist/
npx podsite check    # check everything, write nothing
\`\`\`

The feed is \`${answers.url}feed.xml\`: submit that address to Apple Podcasts, Spotify and the other apps.

## Replace the placeholders

\`podsite init\` made a show that builds at once, with stand-ins to replace before you publish:

- \`public/artwork.png\`: a plain square of colour. Apple wants a square PNG or JPEG (RGB) of
  1400 to 3000 pixels.
- \`public/media/welcome.mp3\`: five seconds of silence, so that the first episode has audio and
  the feed is valid. Replace it with your recording (podsite reads its size, type and duration),
  or give your media host's URL in the episode:

  \`\`\`yaml
  audio:
    url: https://media.example.com/episode-1.mp3
    length: 48213377      # bytes
    duration: "50:13"
  \`\`\`

- \`description\` and \`categories\` in \`podsite.yaml\` (categories come from Apple's list).
- \`${episodeFile}\`: the first episode's title and notes.

## Add an episode

\`\`\`sh
npx podsite new "The title of the episode"          # the next number, dated today
npx podsite new "Behind the scenes" --type bonus --draft
\`\`\`

It prints the path of the new file; fill in its audio. An episode marked \`draft: true\` stays out of
the site until you remove that line (\`podsite build --drafts\` shows it).

## Keep in version control

Commit everything here, including \`podsite.lock\` once the first build writes it: it records the
GUID of each published episode, which must never change. \`.gitignore\` leaves out what podsite
makes again (\`dist/\`, \`.podsite-cache/\`, \`.podsite/\`, and the \`.dist.*\` files beside the output).

${deployGuide(podsiteVersion)}`;
}
