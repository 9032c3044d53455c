/**
 * How much input podsite reads before it stops and says so: hostile or broken files (a 5 MB
 * export, a YAML "billion laughs", thousands of nested quotes) must cost bounded time and memory.
 * The defaults are far above real podcasts (show notes stay under 50 KB) and settable under
 * `limits:` in the settings.
 */
export interface InputLimits {
  /** Bytes of an episode, person or page file; a larger file is not read. */
  fileSize: number;
  /** Bytes of the front matter between its `---` lines. */
  frontMatterSize: number;
  /** Characters of one line of an episode, person or page file. */
  lineLength: number;
  /** Levels of nested quotes, lists, brackets or emphasis in Markdown. */
  markdownDepth: number;
  /** Aliases (`*name`) in one YAML document. */
  yamlAliases: number;
  /** Levels of nested mappings and lists in one YAML document. */
  yamlDepth: number;
}

export const inputLimitDefaults = {
  fileSize: 262_144,
  frontMatterSize: 65_536,
  lineLength: 50_000,
  markdownDepth: 100,
  yamlAliases: 100,
  yamlDepth: 32,
} satisfies InputLimits;
