import path from 'node:path';
import { withBidiClosed } from './bidi.js';
import { blocksValue, diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { PERMALINK_TOKENS } from './permalink.js';
import { fieldAt, keyPositionPath, readMapping, type Positions, type Schema } from './schema.js';
import { parseYaml } from './yaml.js';
import { inputLimitDefaults, type InputLimits } from './input-limits.js';
import { EPISODE_SCHEMA } from './episode-schema.js';
import { PERSON_SCHEMA } from './person-schema.js';
import { APPLE_CATEGORIES } from './apple.js';
import { isRuleId, RULES, type RuleId, type RuleSetting } from './rules.js';
import { didYouMean } from './suggest.js';
import { isUrlOrSitePath } from './urls.js';
import { isWithin, MAX_NAME_BYTES, nameProblem } from './contain.js';

export type ShowType = 'episodic' | 'serial';
export type HtmlPolicy = 'keep' | 'sanitize';

/** Everything `podsite.yaml` can say, after defaults. Paths are absolute. */
export interface Settings {
  title: string;
  description: string;
  language: string;
  author: string;
  owner: { name: string; email: string | undefined };
  /** An absolute URL, or a path on the site such as `/artwork.png`. */
  artwork: string | undefined;
  categories: string[];
  explicit: boolean;
  type: ShowType;
  copyright: string | undefined;
  /** The site's absolute URL, with a trailing slash; its path is the base path of every page. */
  url: string;
  timezone: string;
  build: {
    root: string;
    /** How diagnostics name the settings file: relative to the working folder. */
    configFile: string;
    episodes: string;
    templates: string;
    public: string;
    /** Audio files served under `/media/` (media-files.ts); undefined when not set. */
    media: string | undefined;
    output: string;
    perPage: number;
    permalink: string;
    audioUrl: string | undefined;
    html: HtmlPolicy;
    drafts: boolean;
    excerptLength: number;
    /** The GUID ledger (`podsite.lock`), committed with the episodes. */
    ledger: string;
    /** Folder of person files (hosts, guests); a folder that does not exist means no people. */
    people: string;
    /** Folder of Markdown pages (about, support…), each published at `/<name>/`. */
    pages: string;
  };
  /** The header's menu; undefined: home, archive, people and the pages marked `menu: true`. */
  nav: Link[] | undefined;
  /** Links in the footer of every page. */
  footer: Link[];
  frontMatter: {
    aliases: Record<string, string>;
    ignore: string[];
  };
  feed: FeedSettings;
  /** Severities that differ from the rules' defaults. */
  rules: Partial<Record<RuleId, RuleSetting>>;
  limits: {
    /** Characters allowed in an episode's social-media post text. */
    socialPost: number;
  } & InputLimits;
  /** Theme texts that replace the theme's own, by key, in the show's language. */
  strings: Record<string, string>;
  /** Where each setting was written, for diagnostics found later (the feed's, say). */
  positions: Positions;
}

/** A link of the menu or the footer: a path on the site (`/about/`) or an absolute URL. */
export interface Link {
  title: string;
  url: string;
}

export interface FeedSettings {
  /** `podcast:locked`: other hosts may not import the feed. */
  locked: boolean;
  /** `podcast:funding`: call-to-action text by URL. */
  funding: Record<string, string>;
  /** `podcast:txt`: values by purpose (`applepodcastsverify`, …). */
  txt: Record<string, string>;
  /** `itunes:new-feed-url`: where the feed moved to. */
  newUrl: string | undefined;
  /** `itunes:block`: hide the show from Apple Podcasts. */
  block: boolean;
  /** `itunes:complete`: no more episodes will come. */
  complete: boolean;
  /** Prefix of a download-analytics service (OP3, Podtrac…) put before enclosure URLs. */
  analyticsPrefix: string | undefined;
  /** Items in the main feed; older ones go to RFC 5005 paged feeds. */
  limit: number | undefined;
  /** `podcast:guid` from a previous host; else computed once from the feed URL and kept in the ledger. */
  guid: string | undefined;
}

/** What the command line may override. */
export interface Overrides {
  output?: string;
  /** Where the GUID ledger is, instead of `build.ledger`. */
  ledger?: string;
  baseUrl?: string;
  drafts?: boolean;
}

export const defaults = {
  author: '',
  categories: [] as string[],
  explicit: false,
  type: 'episodic' as ShowType,
  timezone: 'UTC',
  build: {
    episodes: 'episodes',
    templates: 'templates',
    public: 'public',
    output: 'dist',
    perPage: 10,
    permalink: '/:year/:month/:day/:slug/',
    html: 'keep' as HtmlPolicy,
    drafts: false,
    excerptLength: 280,
    ledger: 'podsite.lock',
    people: 'people',
    pages: 'pages',
  },
  footer: [] as Link[],
  feed: { locked: false, funding: {}, txt: {}, block: false, complete: false },
  limits: { socialPost: 280, ...inputLimitDefaults },
} satisfies Partial<Record<keyof Settings, unknown>>;

const LINK_FIELDS: Schema = {
  title: { type: { kind: 'string' }, required: true, description: 'The text of the link.' },
  url: { type: { kind: 'string' }, required: true, description: 'A path on the site (`/about/`) or an absolute http(s) URL.' },
};

export const SETTINGS_SCHEMA: Schema = {
  title: { type: { kind: 'string' }, required: true, description: "The show's name." },
  description: { type: { kind: 'string' }, required: true, description: 'What the show is about, for apps and search engines.' },
  language: { type: { kind: 'string' }, required: true, description: 'ISO 639 language code, e.g. `en` or `fr`.' },
  author: { type: { kind: 'string' }, description: 'Who makes the show, as apps display it.' },
  owner: {
    type: {
      kind: 'object',
      fields: {
        name: { type: { kind: 'string' }, description: "The owner's name (defaults to `author`)." },
        email: { type: { kind: 'string' }, description: 'Contact e-mail for podcast directories.' },
      },
    },
    description: 'Who to contact about the feed.',
  },
  artwork: { type: { kind: 'string' }, description: 'Square show artwork, 1400–3000 px: a path on the site (`/artwork.png`) or an absolute URL.' },
  categories: {
    type: { kind: 'string-list' },
    description: 'Apple Podcasts categories; a subcategory is written `Parent > Child`.',
  },
  explicit: { type: { kind: 'boolean' }, description: 'Whether the show contains explicit content.' },
  type: { type: { kind: 'enum', values: ['episodic', 'serial'] }, description: '`episodic` (newest first) or `serial` (in order).' },
  copyright: { type: { kind: 'string' }, description: 'Copyright notice.' },
  url: { type: { kind: 'string' }, required: true, description: "The site's absolute URL; its path is the base path of every page." },
  timezone: { type: { kind: 'string' }, description: 'IANA time zone for dates written without a time, and for displayed dates.' },
  build: {
    type: {
      kind: 'object',
      fields: {
        episodes: { type: { kind: 'string' }, description: 'Folder of episode Markdown files.' },
        templates: { type: { kind: 'string' }, description: 'Folder of templates that override the default theme.' },
        public: { type: { kind: 'string' }, description: 'Folder copied as-is into the site.' },
        media: {
          type: { kind: 'string' },
          description: 'Folder of audio files copied into the site under `/media/`; an episode names one as `/media/<file>`, and its size, type and duration are read from it.',
        },
        output: { type: { kind: 'string' }, description: 'Folder the site is written to.' },
        perPage: { type: { kind: 'integer', min: 1 }, description: 'Episodes per home page.' },
        permalink: {
          type: { kind: 'string' },
          description: `URL pattern of episode pages, from ${PERMALINK_TOKENS.map((t) => `\`:${t}\``).join(' ')}.`,
        },
        audioUrl: {
          type: { kind: 'string' },
          description: 'Audio URL for episodes whose front matter has none, with `{episode}` (and `{season}`, `{slug}`) placeholders.',
        },
        html: { type: { kind: 'enum', values: ['keep', 'sanitize'] }, description: 'Raw HTML in notes: `keep` it, or `sanitize` it.' },
        drafts: { type: { kind: 'boolean' }, description: 'Include drafts.' },
        excerptLength: { type: { kind: 'integer', min: 1 }, description: 'Characters in a generated excerpt.' },
        ledger: { type: { kind: 'string' }, description: 'The GUID ledger the build keeps: commit it (`podsite.lock`).' },
        people: { type: { kind: 'string' }, description: 'Folder of person files: hosts, guests and the rest of the team.' },
        pages: { type: { kind: 'string' }, description: 'Folder of Markdown pages (about, support, legal…); `pages/about.md` is published at `/about/`.' },
      },
    },
    description: 'Where things are and how the site is built.',
  },
  nav: {
    type: { kind: 'list', item: { kind: 'object', fields: LINK_FIELDS } },
    description: 'The menu in the header, a list of `{ title, url }`; by default home, archive, people and the pages marked `menu: true`.',
  },
  footer: {
    type: { kind: 'list', item: { kind: 'object', fields: LINK_FIELDS } },
    description: 'Links in the footer of every page, a list of `{ title, url }`.',
  },
  feed: {
    type: {
      kind: 'object',
      fields: {
        locked: { type: { kind: 'boolean' }, description: '`podcast:locked`: other podcast hosts may not import the feed (needs `owner.email`).' },
        funding: { type: { kind: 'string-map' }, description: '`podcast:funding`: the call to action, by URL, e.g. `https://example.com/support: Support the show`.' },
        txt: { type: { kind: 'string-map' }, description: '`podcast:txt`: a value by purpose, e.g. `applepodcastsverify: 1234abcd`.' },
        newUrl: { type: { kind: 'string' }, description: '`itunes:new-feed-url`: the feed\'s new address, when the show moves.' },
        block: { type: { kind: 'boolean' }, description: '`itunes:block`: keep the show out of Apple Podcasts.' },
        complete: { type: { kind: 'boolean' }, description: '`itunes:complete`: the show is over, no episode will follow.' },
        analyticsPrefix: { type: { kind: 'string' }, description: 'A download-analytics prefix (https) put before every enclosure URL, e.g. `https://op3.dev/e/`.' },
        limit: { type: { kind: 'integer', min: 1 }, description: 'Items in the main feed; older episodes are published in RFC 5005 paged feeds linked from it.' },
        guid: { type: { kind: 'string' }, description: "`podcast:guid` the show already has from a previous host; else computed once from the feed URL." },
      },
    },
    description: 'What the podcast feed says beyond the show itself.',
  },
  frontMatter: {
    type: {
      kind: 'object',
      fields: {
        aliases: { type: { kind: 'string-map' }, description: 'Other names for front-matter fields of episodes and person files, e.g. `mp3_length: audio.length`.' },
        ignore: { type: { kind: 'string-list' }, description: 'Front-matter keys to ignore silently, e.g. `layout`.' },
      },
    },
    description: 'How the front matter of episodes and person files from another tool is read.',
  },
  rules: {
    type: { kind: 'string-map' },
    description: 'Severity of rules, by rule id: `error`, `warn`, `info` or `off` (see `podsite rules`).',
  },
  limits: {
    type: {
      kind: 'object',
      fields: {
        socialPost: { type: { kind: 'integer', min: 1 }, description: 'Characters allowed in an episode\'s `socialPost` text (280).' },
        fileSize: { type: { kind: 'integer', min: 1 }, description: 'Bytes of an episode, person or page file (1048576, 1 MB); a larger file is skipped, unread.' },
        frontMatterSize: { type: { kind: 'integer', min: 1 }, description: 'Bytes of the front matter of a file (65536, 64 KB).' },
        lineLength: { type: { kind: 'integer', min: 1 }, description: 'Characters of one line of an episode, person or page file (100000).' },
        markdownDepth: { type: { kind: 'integer', min: 1 }, description: 'Levels of nested quotes, lists, brackets or emphasis in Markdown (100).' },
        yamlAliases: { type: { kind: 'integer', min: 0 }, description: 'Aliases (`*name`) in the front matter of one file (100).' },
        yamlDepth: { type: { kind: 'integer', min: 1 }, description: 'Levels of nesting in the front matter of one file (32).' },
      },
    },
    description: 'Content budgets checked on every episode.',
  },
  strings: {
    type: { kind: 'string-map' },
    description: "Theme texts that replace the theme's own, by key (see `strings.json`), e.g. `archive: All episodes`.",
  },
};

export interface LoadedSettings {
  settings: Settings | undefined;
  /** The `rules:` severities, known even when other settings are wrong, so they apply to the settings' own problems. */
  rules: Settings['rules'];
  diagnostics: Diagnostic[];
}

/**
 * Turns the text of a settings file into Settings. `file` is how diagnostics name it; `configPath`
 * is where it is, since folders in it are relative to it.
 */
export function parseSettings(text: string, configPath: string, overrides: Overrides = {}, cwd = process.cwd()): LoadedSettings {
  const root = path.dirname(configPath);
  const file = path.relative(cwd, configPath) || path.basename(configPath);
  const yaml = parseYaml({ file, text });
  if (yaml.root === null && yaml.diagnostics.length > 0) return { settings: undefined, rules: {}, diagnostics: yaml.diagnostics };
  const read = readMapping(yaml.root, SETTINGS_SCHEMA, { file, yaml, unknownKeyRule: 'unknown-setting', what: 'the settings file' });
  const diagnostics = [...yaml.diagnostics, ...read.diagnostics];
  const raw = read.value as RawSettings;
  const at = (key: string): Position => read.positions.get(key) ?? read.positions.get('') ?? { line: 1, column: 1 };
  const problem = (key: string, rule: RuleId, message: string, hint?: string) =>
    diagnostics.push(diagnostic(file, at(key), rule, message, hint));

  const url = overrides.baseUrl ?? raw.url ?? '';
  const siteUrl = normalizeSiteUrl(url);
  if (siteUrl === undefined && overrides.baseUrl !== undefined) {
    diagnostics.push(diagnostic('', { line: 0, column: 0 }, 'invalid-url', `--base-url must be an absolute http(s) URL (found \`${url}\`)`, 'e.g. --base-url https://preview.example.com/'));
  } else if (siteUrl === undefined && raw.url !== undefined) {
    problem('url', 'invalid-url', `\`url\` must be an absolute http(s) URL (found \`${url}\`)`, 'e.g. https://example.com/');
  }
  if (raw.language !== undefined && !isLanguageTag(raw.language)) {
    problem('language', 'invalid-language', `\`${raw.language}\` is not a language code`, 'use an ISO 639 code such as `en`, `fr` or `pt-BR`');
  }
  if (raw.artwork !== undefined && !isUrlOrSitePath(raw.artwork)) {
    problem('artwork', 'invalid-url', `\`artwork\` must be an absolute http(s) URL or a path on the site starting with \`/\` (found \`${raw.artwork}\`)`);
  }
  const timezone = raw.timezone ?? defaults.timezone;
  if (!isTimeZone(timezone)) {
    problem('timezone', 'invalid-timezone', `unknown time zone \`${timezone}\``, 'use an IANA name such as `Europe/Paris` or `UTC`');
  }
  const permalink = raw.build?.permalink ?? defaults.build.permalink;
  checkPermalink(permalink, (message, hint) => problem('build.permalink', 'invalid-permalink', message, hint));
  checkAliases(raw.frontMatter?.aliases ?? {}, read.positions, file, diagnostics);
  for (const [index, category] of (raw.categories ?? []).entries()) {
    const problemWithCategory = appleCategoryProblem(category);
    if (problemWithCategory) problem(`categories.${index}`, 'invalid-category', problemWithCategory.message, problemWithCategory.hint);
  }
  const rules = ruleSettings(raw.rules ?? {}, (at, message, hint) => problem(at, 'unknown-rule', message, hint));

  const folder = (value: string | undefined, fallback: string) => path.resolve(root, value ?? fallback);
  const output =
    overrides.output !== undefined ? path.resolve(cwd, overrides.output) : folder(raw.build?.output, defaults.build.output);
  const build = {
    root,
    configFile: file,
    episodes: folder(raw.build?.episodes, defaults.build.episodes),
    templates: folder(raw.build?.templates, defaults.build.templates),
    public: folder(raw.build?.public, defaults.build.public),
    media: raw.build?.media === undefined ? undefined : folder(raw.build.media, raw.build.media),
    output,
    perPage: raw.build?.perPage ?? defaults.build.perPage,
    permalink,
    audioUrl: raw.build?.audioUrl,
    html: raw.build?.html ?? defaults.build.html,
    drafts: overrides.drafts ?? raw.build?.drafts ?? defaults.build.drafts,
    excerptLength: raw.build?.excerptLength ?? defaults.build.excerptLength,
    ledger: overrides.ledger !== undefined ? path.resolve(cwd, overrides.ledger) : folder(raw.build?.ledger, defaults.build.ledger),
    people: folder(raw.build?.people, defaults.build.people),
    pages: folder(raw.build?.pages, defaults.build.pages),
  };
  for (const key of ['nav', 'footer'] as const) {
    (raw[key] ?? []).forEach((link, index) => {
      if (link.url !== undefined && !isUrlOrSitePath(link.url)) {
        problem(`${key}.${index}.url`, 'invalid-url', `a link's \`url\` must be a path on the site starting with \`/\` or an absolute http(s) URL (found \`${link.url}\`)`, 'e.g. `/about/` or `https://example.com/`');
      }
    });
  }
  const feed = feedSettings(raw.feed ?? {}, problem);
  checkFolderSettings(raw.build ?? {}, overrides, build, problem, diagnostics);
  for (const message of outputFolderProblems(build)) {
    if (overrides.output === undefined) problem('build.output', 'invalid-output-folder', message);
    else diagnostics.push(diagnostic('', { line: 0, column: 0 }, 'invalid-output-folder', `${message} (from --out)`));
  }

  if (diagnostics.some(blocksValue) || siteUrl === undefined) {
    return { settings: undefined, rules, diagnostics };
  }
  const author = raw.author ?? defaults.author;
  const settings: Settings = {
    // Shown in every page's header and tab beside other text: what it leaves open must not reach it.
    title: withBidiClosed(raw.title!, (message, hint) => problem('title', 'unbalanced-bidi', message, hint)),
    description: raw.description!,
    language: raw.language!,
    author,
    owner: { name: raw.owner?.name ?? author, email: raw.owner?.email },
    artwork: raw.artwork,
    categories: raw.categories ?? defaults.categories,
    explicit: raw.explicit ?? defaults.explicit,
    type: raw.type ?? defaults.type,
    copyright: raw.copyright,
    url: siteUrl,
    timezone,
    build,
    nav: raw.nav,
    footer: raw.footer ?? defaults.footer,
    frontMatter: { aliases: raw.frontMatter?.aliases ?? {}, ignore: raw.frontMatter?.ignore ?? [] },
    feed,
    rules,
    limits: { ...defaults.limits, ...definedOnly(raw.limits ?? {}) },
    strings: raw.strings ?? {},
    positions: read.positions,
  };
  return { settings, rules, diagnostics };
}

type RawSettings = Partial<Omit<Settings, 'build' | 'frontMatter' | 'owner' | 'rules' | 'limits' | 'positions' | 'feed' | 'nav' | 'footer'>> & {
  nav?: Link[];
  footer?: Link[];
  feed?: Partial<FeedSettings>;
  rules?: Record<string, string>;
  limits?: Partial<Settings['limits']>;
  owner?: { name?: string; email?: string };
  build?: Partial<Omit<Settings['build'], 'root' | 'configFile'>>;
  frontMatter?: Partial<Settings['frontMatter']>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function feedSettings(raw: Partial<FeedSettings>, problem: (key: string, rule: RuleId, message: string, hint?: string) => void): FeedSettings {
  const httpUrl = (key: string, value: string | undefined, httpsOnly = false) => {
    if (value === undefined) return;
    const protocol = /^(https?):\/\/[^/\s]+/i.exec(value)?.[1]?.toLowerCase();
    if (protocol === undefined || (httpsOnly && protocol !== 'https')) {
      problem(key, 'invalid-url', `\`${key}\` must be an absolute ${httpsOnly ? 'https' : 'http(s)'} URL (found \`${value}\`)`);
    }
  };
  httpUrl('feed.newUrl', raw.newUrl);
  // Apps fetch enclosures from the prefix host first: plain http there would break downloads in many apps.
  httpUrl('feed.analyticsPrefix', raw.analyticsPrefix, true);
  for (const url of Object.keys(raw.funding ?? {})) httpUrl(keyPositionPath(`feed.funding.${url}`), url);
  if (raw.guid !== undefined && !UUID.test(raw.guid)) {
    problem('feed.guid', 'invalid-feed-guid', `\`${raw.guid}\` is not a UUID`, 'copy the `podcast:guid` of the old feed exactly, e.g. `ead4c236-bf58-58c6-a2c6-a6b28d128cb6`');
  }
  return {
    locked: raw.locked ?? defaults.feed.locked,
    funding: raw.funding ?? defaults.feed.funding,
    txt: raw.txt ?? defaults.feed.txt,
    newUrl: raw.newUrl,
    block: raw.block ?? defaults.feed.block,
    complete: raw.complete ?? defaults.feed.complete,
    analyticsPrefix: raw.analyticsPrefix,
    limit: raw.limit,
    guid: raw.guid?.toLowerCase(),
  };
}

function normalizeSiteUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  parsed.search = '';
  parsed.hash = '';
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed.href;
}

/** `Technology` or `Society & Culture > Documentary`, from Apple's list. */
function appleCategoryProblem(category: string): { message: string; hint: string } | undefined {
  const [parent = '', child, ...extra] = category.split('>').map((part) => part.trim());
  if (!Object.hasOwn(APPLE_CATEGORIES, parent)) {
    return {
      message: `\`${parent}\` is not an Apple Podcasts category`,
      hint: didYouMean(parent, Object.keys(APPLE_CATEGORIES)) ?? `categories: ${Object.keys(APPLE_CATEGORIES).join(', ')}`,
    };
  }
  const children = APPLE_CATEGORIES[parent]!;
  if (child !== undefined && (!children.includes(child) || extra.length > 0)) {
    return {
      message: `\`${child}\` is not a subcategory of \`${parent}\` in Apple Podcasts`,
      hint: didYouMean(child, children) ?? (children.length > 0 ? `subcategories: ${children.join(', ')}` : `\`${parent}\` has no subcategories`),
    };
  }
  return undefined;
}

const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warn', 'info', 'off'];

function ruleSettings(raw: Record<string, string>, report: (at: string, message: string, hint?: string) => void): Settings['rules'] {
  const rules: Settings['rules'] = {};
  for (const [id, setting] of Object.entries(raw)) {
    const key = keyPositionPath(`rules.${id}`);
    if (!isRuleId(id)) {
      report(key, `unknown rule \`${id}\``, didYouMean(id, Object.keys(RULES)) ?? 'run `podsite rules` for the list');
    } else if (!RULES[id].configurable) {
      report(key, `the rule \`${id}\` cannot be changed: without a valid value the build cannot go on`);
    } else if (!(RULE_SETTINGS as readonly string[]).includes(setting)) {
      report(`rules.${id}`, `\`${setting}\` is not a severity for \`${id}\``, didYouMean(setting, RULE_SETTINGS) ?? 'use `error`, `warn`, `info` or `off`');
    } else {
      rules[id] = setting as RuleSetting;
    }
  }
  return rules;
}

function isLanguageTag(tag: string): boolean {
  try {
    return /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(tag) && Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkPermalink(pattern: string, report: (message: string, hint?: string) => void): void {
  if (!pattern.startsWith('/')) report(`the permalink \`${pattern}\` must start with \`/\``);
  for (const [, token] of pattern.matchAll(/:([a-z_]+)/gi)) {
    if (!(PERMALINK_TOKENS as readonly string[]).includes(token!)) {
      report(`unknown permalink token \`:${token}\``, `known tokens: ${PERMALINK_TOKENS.map((t) => `:${t}`).join(' ')}`);
    }
  }
  if (!/:(slug|episode)\b/.test(pattern)) {
    report(`the permalink \`${pattern}\` must contain \`:slug\` or \`:episode\`, or every page would have the same address`);
  }
  if (/[?#]/.test(pattern)) report(`the permalink \`${pattern}\` may not contain \`?\` or \`#\`: they end the path of a URL`);
  if (/(^|\/)\.\.?(\/|$)/.test(pattern) || pattern.includes('\\')) report(`the permalink \`${pattern}\` may not contain \`.\`, \`..\` or \`\\\``);
  checkPermalinkSegments(pattern, report);
}

/** Longest value of each token in a folder name: a slug is at most MAX_NAME_BYTES. */
const TOKEN_BYTES: Record<(typeof PERMALINK_TOKENS)[number], number> = { year: 6, month: 2, day: 2, slug: MAX_NAME_BYTES, episode: 10 };
const TOKEN = /:(year|month|day|slug|episode)\b/g;

/**
 * Each segment of the permalink becomes a folder or file name: none may be empty (`/blog//:slug/`
 * leaves nothing between two slashes), and each must be a name every file system takes once its
 * tokens are filled in (at most 255 bytes).
 */
function checkPermalinkSegments(pattern: string, report: (message: string, hint?: string) => void): void {
  if (!pattern.startsWith('/')) return;
  const segments = pattern.slice(1).split('/');
  if (segments.at(-1) === '') segments.pop();
  if (segments.some((segment) => segment === '')) {
    report(`the permalink \`${pattern}\` has an empty segment (\`//\`)`, 'write one `/` between segments, e.g. `/blog/:slug/`');
    return;
  }
  for (const segment of segments) {
    // Reported above, with their own message.
    if (/[?#\\]/.test(segment) || segment === '.' || segment === '..') continue;
    // Unknown tokens are reported above.
    const problem = nameProblem(segment.replace(/:[a-z_]+/gi, 'x'));
    const characters = [...segment];
    const shown = JSON.stringify(characters.length > 80 ? `${characters.slice(0, 80).join('')}…` : segment).slice(1, -1);
    // The first bad segment is enough: a pattern of many long segments would repeat the same message.
    if (problem !== undefined) {
      report(`the permalink segment \`${shown}\` cannot be a file name: ${problem}`, 'a segment may hold letters, digits, `-`, `_`, `.` and tokens');
      return;
    }
    let bytes = Buffer.byteLength(segment.replace(TOKEN, ''));
    for (const [, token] of segment.matchAll(TOKEN)) bytes += TOKEN_BYTES[token as keyof typeof TOKEN_BYTES];
    if (bytes > 255) {
      report(`the permalink segment \`${shown}\` can be ${bytes} bytes long once filled in, more than the 255 a file name may have`, 'shorten its fixed text');
      return;
    }
  }
}

const FOLDER_SETTINGS = ['episodes', 'templates', 'public', 'media', 'people', 'pages', 'output', 'ledger'] as const;
type FolderSetting = (typeof FOLDER_SETTINGS)[number];

/**
 * Folders and the ledger named in the settings: a path with a control character (NUL above all)
 * cannot be used; one outside the project folder is read or written only if the podcaster lowered
 * `path-outside-project` (an archive kept beside the site, say). What the command line names
 * (`--out`, `--ledger`) was typed for this build and may be anywhere.
 */
function checkFolderSettings(
  raw: Partial<Record<FolderSetting, unknown>>,
  overrides: Overrides,
  build: Pick<Settings['build'], 'root' | FolderSetting>,
  problem: (key: string, rule: RuleId, message: string, hint?: string) => void,
  diagnostics: Diagnostic[],
): void {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/;
  const shown = (value: string) => JSON.stringify(value).slice(1, -1);
  for (const [option, value] of [['--out', overrides.output], ['--ledger', overrides.ledger]] as const) {
    if (value !== undefined && control.test(value)) {
      diagnostics.push(diagnostic('', { line: 0, column: 0 }, 'invalid-path', `${option} contains a control character (\`${shown(value)}\`)`, 'give the path as it is on disk'));
    }
  }
  for (const key of FOLDER_SETTINGS) {
    const value = raw[key];
    if (typeof value !== 'string') continue;
    if ((key === 'output' && overrides.output !== undefined) || (key === 'ledger' && overrides.ledger !== undefined)) continue;
    if (control.test(value)) {
      problem(`build.${key}`, 'invalid-path', `\`build.${key}\` contains a control character (\`${shown(value)}\`)`, 'write the path as it is on disk');
      continue;
    }
    const absolute = build[key];
    if (absolute === undefined || isWithin(build.root, absolute)) continue;
    const option = key === 'output' ? '--out' : key === 'ledger' ? '--ledger' : undefined;
    problem(
      `build.${key}`,
      'path-outside-project',
      `\`build.${key}\` is outside the project folder: \`${absolute}\``,
      `keep it inside the project${option ? `, or give it on the command line (\`${option} ${value}\`)` : ''}, or set \`rules: { path-outside-project: off }\` if it is outside on purpose`,
    );
  }
}

function checkAliases(aliases: Record<string, string>, positions: Positions, file: string, diagnostics: Diagnostic[]): void {
  for (const [alias, target] of Object.entries(aliases)) {
    if (fieldAt(EPISODE_SCHEMA, target) === undefined && fieldAt(PERSON_SCHEMA, target) === undefined) {
      diagnostics.push(
        diagnostic(
          file,
          positions.get(`frontMatter.aliases.${alias}`) ?? { line: 1, column: 1 },
          'invalid-alias',
          `the alias \`${alias}\` points to \`${target}\`, which is neither an episode field nor a person field`,
          `episode fields: ${Object.keys(EPISODE_SCHEMA).join(', ')}; person fields: ${Object.keys(PERSON_SCHEMA).join(', ')}`,
        ),
      );
    }
  }
}

/** The build replaces the output folder wholesale, so it must never hold the project or its sources. */
function outputFolderProblems(build: Pick<Settings['build'], 'root' | 'episodes' | 'templates' | 'public' | 'people' | 'media' | 'pages' | 'output'>): string[] {
  const problems: string[] = [];
  const { output } = build;
  const contains = (outer: string, inner: string) => {
    const relative = path.relative(outer, inner);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  };
  if (contains(output, build.root)) {
    problems.push(`the output folder \`${output}\` is or contains the project folder; building would replace the project`);
  }
  for (const source of ['episodes', 'templates', 'public', 'people', 'media', 'pages'] as const) {
    const folder = build[source];
    if (folder === undefined) continue;
    if (contains(output, folder) || contains(folder, output)) {
      problems.push(`the output folder \`${output}\` overlaps the ${source} folder \`${folder}\``);
    }
  }
  if (path.parse(output).root === output) problems.push('the output folder may not be the root of the file system');
  return problems;
}

/** The limits written in the settings, without keys whose value is missing, so that defaults fill them. */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
