/**
 * Every rule podsite checks. A diagnostic names its rule; its severity is the rule's default or
 * what `rules:` in podsite.yaml says. `podsite rules` and docs/rules.md are made from this table.
 *
 * A rule that is not `configurable` guards a value the build cannot do without (a date, a URL, a
 * well-formed file): such a problem always stops the build.
 */
export type Severity = 'error' | 'warning' | 'info';
export type RuleSetting = 'error' | 'warn' | 'info' | 'off';

export interface RuleSpec {
  severity: Severity;
  configurable: boolean;
  /** What it checks, one sentence for `podsite rules` and the docs. */
  description: string;
  group: RuleGroup;
}

export type RuleGroup = 'files' | 'settings' | 'front matter' | 'archive' | 'ledger' | 'audio' | 'budgets' | 'feed' | 'theme' | 'output';

const rule = (group: RuleGroup, severity: Severity, configurable: boolean, description: string): RuleSpec => ({
  group,
  severity,
  configurable,
  description,
});

export const RULES = {
  // Files and their syntax
  'missing-settings': rule('files', 'error', false, 'The settings file exists.'),
  'empty-file': rule('files', 'error', true, 'An episode or person file is not empty (an empty file is skipped).'),
  'binary-file': rule('files', 'error', true, 'An episode or person file is text, not binary data (a binary file is skipped).'),
  'invalid-utf8': rule('files', 'error', false, 'A file is valid UTF-8; the message gives the line and byte offset of the first bad byte.'),
  'missing-front-matter': rule('files', 'error', false, 'An episode or person file starts with front matter between `---` lines.'),
  'unclosed-front-matter': rule('files', 'error', false, 'The front matter opened by `---` is closed by another `---` line.'),
  'yaml-syntax': rule('files', 'error', false, 'The YAML is well-formed.'),
  'yaml-tab': rule('files', 'error', false, 'YAML is indented with spaces, not tabs.'),
  'yaml-warning': rule('files', 'warning', true, 'The YAML has nothing its parser warns about, such as an unknown tag (`!foo`).'),
  'duplicate-key': rule('files', 'error', false, 'A mapping does not have the same key twice.'),
  'yaml-alias-limit': rule('files', 'error', false, 'YAML aliases (`*name`) are not expanded more than the limit (a "billion laughs" file).'),
  'yaml-too-deep': rule('files', 'error', false, 'YAML nesting stays under the depth limit.'),
  // Bounded cost: input beyond `limits:` is reported, never read at any price.
  'file-too-large': rule('files', 'error', true, 'An episode, person or page file is at most `limits.fileSize` bytes (a larger file is skipped, unread).'),
  'front-matter-too-large': rule('files', 'error', false, 'The front matter is at most `limits.frontMatterSize` bytes.'),
  'line-too-long': rule('files', 'error', true, 'No line of an episode, person or page file is longer than `limits.lineLength` characters (such a file is skipped).'),
  'markdown-too-deep': rule('files', 'error', true, 'Quotes, lists, brackets and emphasis in Markdown nest at most `limits.markdownDepth` levels deep (deeper notes are shown as plain text).'),

  // Settings
  'unknown-setting': rule('settings', 'error', false, 'Every key of podsite.yaml is a known setting (with a did-you-mean).'),
  'unknown-rule': rule('settings', 'error', false, 'Every rule named under `rules:` exists, with `error`, `warn`, `info` or `off`, and may be changed.'),
  'invalid-timezone': rule('settings', 'error', false, '`timezone` is an IANA time zone.'),
  'invalid-language': rule('settings', 'error', false, '`language` is a language code such as `en` or `pt-BR`.'),
  'invalid-category': rule('settings', 'error', true, 'Each of `categories` is an Apple Podcasts category or `Category > Subcategory`.'),
  'invalid-permalink': rule('settings', 'error', false, '`build.permalink` starts with `/`, uses known tokens, and includes `:slug` or `:episode`; each segment is a file name every system takes (at most 255 bytes once filled in), and none is empty.'),
  'invalid-alias': rule('settings', 'error', false, 'Each front-matter alias points at an episode field or a person field.'),
  'invalid-output-folder': rule('settings', 'error', false, 'The output folder is neither the project folder nor one of its source folders.'),
  'missing-artwork': rule('settings', 'error', true, 'The show has artwork; Apple Podcasts requires it.'),
  'missing-category': rule('settings', 'error', true, 'The show has at least one category; Apple Podcasts requires it.'),
  'invalid-feed-guid': rule('settings', 'error', false, '`feed.guid`, the `podcast:guid` from a previous host, is a UUID.'),

  // Values, in settings and front matter
  'wrong-type': rule('front matter', 'error', false, 'A value has the expected type, with no YAML 1.1 coercion (`no` is text, `1:05:43` is not a number).'),
  'missing-field': rule('front matter', 'error', false, 'Required fields are present; all missing ones are listed in one message.'),
  'unknown-key': rule('front matter', 'error', true, 'Every front-matter key is a field, an alias or an ignored key (with a did-you-mean).'),
  'legacy-key': rule('front matter', 'info', true, 'A front-matter key is an alias of a field: the file could use the field name.'),
  'alias-conflict': rule('front matter', 'warning', true, 'An alias and its field are not both set; the first value is kept.'),
  'empty-title': rule('front matter', 'error', false, 'The title is not empty.'),
  'invalid-date': rule('front matter', 'error', false, 'A date, in front matter or in a file name, is a real calendar date and time.'),
  'missing-date': rule('front matter', 'error', false, 'Each entry has a date, in front matter or as the `YYYY-MM-DD-` prefix of its file name.'),
  'invalid-slug': rule('front matter', 'error', false, 'A slug, and the name of a person or page file, can be part of a URL and a folder name on any system: no `/`, `\\`, `?`, `#`, `%`, `<>:"|*` or control character, not `.`, `..` or a Windows device name (`CON`, `NUL`…), no trailing dot or space, at most 200 bytes.'),
  'invalid-url': rule('front matter', 'error', false, 'URLs are absolute http(s) URLs; image and artwork paths may also start with `/`.'),
  'missing-audio-url': rule('front matter', 'error', false, 'A numbered episode has audio, and the audio URL template has every value it needs.'),
  'unknown-media-type': rule('front matter', 'error', false, 'The media type of the audio is given, or known from its extension.'),
  'invalid-media-type': rule('front matter', 'error', false, 'The media type is a registered one (`audio/mpeg`, not `audio/mp3`).'),
  'media-type-not-apple': rule('front matter', 'warning', true, 'The media type is one that Apple Podcasts accepts.'),
  'missing-audio-length': rule('front matter', 'error', true, 'The audio has its length in bytes, written or read from the file (or its host); Apple and Spotify need it.'),
  'invalid-duration': rule('front matter', 'error', false, 'A duration is seconds or `H:MM:SS`.'),
  'invalid-youtube': rule('front matter', 'warning', true, '`youtube` is a video id or a YouTube video URL.'),
  'unknown-html-tag': rule('front matter', 'warning', true, 'Raw HTML in the notes uses known HTML elements; `<Devoxx>` is text that Markdown took for a tag (shown as text).'),
  'remote-media': rule('front matter', 'info', true, 'Pictures and embeds in Markdown come from the site: one from another host is asked of it by every listener\'s browser (YouTube embeds excepted: they load on a click).'),
  'missing-transcript': rule('front matter', 'error', true, 'A transcript file named by `transcript:` exists (when lowered, it is left out of the feed).'),
  'invalid-transcript': rule('front matter', 'error', true, 'A transcript is a .vtt, .srt, .json, .txt or .html file inside the project, or an https URL, with a language code; it is left out otherwise.'),
  'invalid-chapters': rule('front matter', 'warning', true, 'Chapter times are times, each after the one before and before the end of the audio; a chapter that is not is left out of the chapters file.'),

  // Across the archive
  'duplicate-permalink': rule('archive', 'error', false, 'No two entries have the same address, even with other letter case or Unicode normalization.'),
  'duplicate-guid': rule('archive', 'error', true, 'No two episodes have the same GUID.'),
  'duplicate-audio-url': rule('archive', 'warning', true, 'No two episodes have the same audio URL; Apple ignores the second.'),
  'duplicate-audio-length': rule('archive', 'warning', true, 'No two different audio files have exactly the same length in bytes: one length was most likely copied from another episode.'),
  'duplicate-episode-number': rule('archive', 'warning', true, 'No two full episodes have the same number in the same season.'),
  'title-number-mismatch': rule('archive', 'warning', true, 'A number in the title ("Episode 12", "LCC 220") agrees with the `episode` field.'),
  'episode-number-gap': rule('archive', 'info', true, 'Episode numbers of a season have no gaps.'),
  'future-episode': rule('archive', 'info', true, 'An entry dated in the future is left out unless `--future`.'),
  'no-episodes': rule('archive', 'warning', true, 'The episodes folder has episode files.'),
  'unknown-person': rule('archive', 'warning', true, 'Each name under `hosts` and `guests` is the id or the name of one person of the people folder.'),

  // The GUID ledger
  'invalid-ledger': rule('ledger', 'error', false, 'The GUID ledger (`podsite.lock`) is the JSON file that podsite writes.'),
  'guid-changed': rule('ledger', 'error', false, "An episode's GUID is the one the ledger recorded when it was first published: apps would download it again."),
  'episode-removed': rule('ledger', 'warning', true, 'Every episode the ledger recorded is still in the archive: apps keep removed ones until the feed drops them.'),

  // Budgets
  'description-too-long': rule('budgets', 'warning', true, "A description fits Apple's limit of 4000 bytes."),
  'social-post-too-long': rule('budgets', 'warning', true, 'The social-media post text fits `limits.socialPost` characters.'),

  // The feed
  'serial-needs-number': rule('feed', 'error', true, 'In a `serial` show, every full episode has a number.'),
  'invalid-xml-character': rule('feed', 'warning', true, 'Values contain no character that XML forbids (they are removed from the feed).'),
  'feed-check': rule('feed', 'error', true, 'The feed as written, read back by a strict XML parser, meets what Apple, PSP-1 and Podcasting 2.0 require of each element: values, enumerations, URLs, lengths, uniqueness.'),

  // The audio files themselves (local files, or their hosts with --probe-audio)
  'audio-file-not-found': rule('audio', 'error', true, 'Audio given as a path on the site (`/media/ep1.mp3`) is a file of the public folder or of the media folder.'),
  'unreadable-audio': rule('audio', 'warning', true, 'An audio file, or the first bytes its host sends (`--probe-audio`), can be read as audio; else only its size is used.'),
  'audio-facts-mismatch': rule('audio', 'warning', true, '`audio.length`, `audio.duration` and `audio.type` agree with the audio file (or its host, with `--probe-audio`); the file\'s values are used.'),
  'audio-host-requirements': rule('audio', 'warning', true, 'With `--probe-audio`: the audio host answers HEAD requests and byte ranges, as Apple Podcasts requires.'),
  'audio-probe-failed': rule('audio', 'warning', true, 'With `--probe-audio`: the audio host answers, in time, with the file rather than an error.'),

  // Theme and output
  'template-syntax': rule('theme', 'error', false, 'Templates are valid Handlebars.'),
  'template-error': rule('theme', 'error', false, 'Templates render without error (a missing helper, say).'),
  'invalid-json': rule('theme', 'error', false, "The theme's strings.json is valid JSON."),
  'output-conflict': rule('output', 'error', false, 'No public file has the path of a generated file.'),
  'write-failed': rule('output', 'error', false, 'The site could be written (disk full, no permission…).'),
  'output-locked': rule('output', 'error', false, 'No other podsite build is writing the same output folder (its lock file `.<output>.lock` is beside it); a lock left by a process that is gone is taken over.'),
  'cache-ignored': rule('output', 'warning', true, 'The build cache in `.podsite-cache/` could be read; a damaged one, or one of another podsite version, is ignored and made anew.'),

  // Containment: nothing read from outside the project, nothing written outside the output
  'invalid-path': rule('settings', 'error', false, 'A folder or file named in the settings is a path the system can use (no NUL or other control character), and every path the build makes stays inside the output folder.'),
  'path-outside-project': rule('settings', 'error', true, 'The folders and the ledger named in the settings are inside the project folder; lower this rule to read or write one outside on purpose (`--out` and `--ledger` on the command line may go anywhere).'),
  'output-not-podsite': rule('output', 'error', false, 'The output folder, which the build replaces whole, is missing, empty or a site that podsite wrote: files of anything else would be lost.'),
  'symlink-skipped': rule('files', 'warning', true, 'A symbolic link in a source folder leads to a file inside that folder; one that leads elsewhere (out of the project, say) or to a folder is not followed.'),

  // Hostile input, leftovers of issue 8
  'output-restored': rule('output', 'warning', true, 'The output folder was there when the build started; a build killed while swapping its new site in leaves it missing and the previous site aside in `.<output>.old-*`, which the next build puts back and says so.'),
  'unsafe-file-name': rule('files', 'warning', true, 'The names of the files and folders in `public/` and the media folder are safe on every host and in a URL: no `?#%<>:"|*\\`, control character, Windows device name (`CON.txt`, `aux.md`), trailing dot or space, or name over 200 bytes. Such a file is not copied.'),
  'url-too-long': rule('archive', 'error', false, 'The address of each episode or post, once percent-encoded with the site URL, is at most 2,000 characters: hosts, CDNs and sitemaps refuse longer ones, and its file path in the output could pass what the file system allows, although each name in it is short enough.'),
  'unbalanced-bidi': rule('front matter', 'warning', true, 'The show\'s title, a page\'s title, an episode\'s title and tags, and a person\'s name close the bidirectional controls they open (U+202A–U+202E, U+2066–U+2068); one left open would reorder the text after it on the page, so it is closed at the end of the value.'),
  // Terminal manners (issue 9): a user's slip is a diagnostic, never a stack
  'not-a-folder': rule('settings', 'error', false, 'The episodes, templates, public, people, pages and media folders, when they exist, are folders, not files.'),
  'unreadable-file': rule('files', 'error', false, 'An episode, person, page or template file can be read: podsite may open it, and it is still there when the build reads it (such a file is skipped).'),
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

export const SEVERITY_OF_SETTING: Readonly<Record<Exclude<RuleSetting, 'off'>, Severity>> = {
  error: 'error',
  warn: 'warning',
  info: 'info',
};
