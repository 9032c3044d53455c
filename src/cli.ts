import { podsiteManifest } from './manifest.js';
import { parseArgs } from 'node:util';
import { closest } from './suggest.js';
import { colorWanted } from './terminal.js';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  color: boolean;
  /** Set when stderr is an interactive terminal: raw writes (no newline added) for the progress bar. */
  terminal?: { write: (text: string) => void; columns: number };
}

/** What the command line says, for every command. */
export interface CommandOptions {
  config: string | undefined;
  output: string | undefined;
  baseUrl: string | undefined;
  ledger: string | undefined;
  drafts: boolean | undefined;
  future: boolean;
  probeAudio: boolean;
  /** False with `--no-cache`: rendered notes are neither read from nor kept in .podsite-cache/. */
  cache: boolean;
  verbose: boolean;
  /** `--quiet`: errors only, no warnings and no summary. */
  quiet: boolean;
  format: 'text' | 'json';
  port: number | undefined;
  host: string | undefined;
  open: boolean;
  /** Threads for the Markdown of the notes, the main one included; undefined: one per core. */
  jobs: number | undefined;
  /** What follows the command: the folder of `init`, the title of `new`, the feed of `import`. */
  operands: string[];
  // init, new and import (src/commands/init.ts, new.ts, import.ts check these values).
  title?: string;
  author?: string;
  language?: string;
  url?: string;
  email?: string;
  timezone?: string;
  yes?: boolean;
  force?: boolean;
  season?: string;
  type?: string;
  draft?: boolean;
}

/** A flag of the command line: how parseArgs reads it, and its line in the help of each command that takes it. */
interface Flag {
  type: 'string' | 'boolean';
  short?: string;
  /** The placeholder of its value in the help, e.g. FILE. */
  value?: string;
  /** Its help text; more lines are indented under the first. */
  help: string;
}

const FLAGS = {
  config: { type: 'string', value: 'FILE', help: 'Settings file (default: podsite.yaml)' },
  out: { type: 'string', value: 'DIR', help: 'Output folder, overriding build.output' },
  'base-url': { type: 'string', value: 'URL', help: 'Site URL, overriding url (e.g. for a preview deployment)' },
  ledger: { type: 'string', value: 'FILE', help: 'GUID ledger, overriding build.ledger (podsite.lock)' },
  drafts: { type: 'boolean', help: 'Include episodes marked draft: true' },
  future: { type: 'boolean', help: 'Include episodes dated in the future' },
  'probe-audio': { type: 'boolean', help: 'Ask the hosts of remote audio for its size, type and duration\n(answers are kept in .podsite-cache/probe.json; delete it to ask again)' },
  'no-cache': { type: 'boolean', help: 'Render every episode again, without reading or writing the build cache\nin .podsite-cache/ (deleting that folder is always safe)' },
  format: { type: 'string', value: 'FORMAT', help: 'Diagnostics as `text` (default, on stderr) or `json` (on stdout)' },
  jobs: { type: 'string', value: 'N', help: 'Render Markdown in up to N threads, the main one and N-1 workers (default: one per core;\n1 renders in the main thread alone; a first build of under 100 episodes always does;\nafter an edit of a few episodes, one worker renders their notes while the rest is read)' },
  port: { type: 'string', value: 'N', help: 'Port to serve on (default 4000; the next free one if taken)' },
  host: { type: 'string', value: 'H', help: 'Address to listen on (default 127.0.0.1)' },
  open: { type: 'boolean', help: 'Open the site in the browser' },
  verbose: { type: 'boolean', help: 'Print the time each stage took' },
  quiet: { type: 'boolean', short: 'q', help: 'Print errors only: no warnings, no summary (the exit code tells the rest)' },
  title: { type: 'string', value: 'TEXT', help: "Title of the show (default: from the folder's name)" },
  author: { type: 'string', value: 'TEXT', help: 'Author of the show' },
  language: { type: 'string', value: 'CODE', help: 'Language code such as en, fr or pt-BR (default: en)' },
  url: { type: 'string', value: 'URL', help: 'Address the site will have (default: https://example.com/)' },
  email: { type: 'string', value: 'ADDRESS', help: "Owner's e-mail, shown to podcast directories (default: none)" },
  timezone: { type: 'string', value: 'ZONE', help: "IANA time zone of episode dates (default: the computer's)" },
  yes: { type: 'boolean', short: 'y', help: 'Ask nothing: take the defaults for what the flags do not give' },
  force: { type: 'boolean', help: 'Replace files that are already there (otherwise none is replaced)' },
  season: { type: 'string', value: 'N', help: "The episode's season: numbered after the highest episode of that season" },
  type: { type: 'string', value: 'TYPE', help: 'trailer or bonus (default: a full episode)' },
  draft: { type: 'boolean', help: 'Mark it draft: true, left out of the site until removed (or with --drafts)' },
  help: { type: 'boolean', short: 'h', help: 'Show this help' },
  version: { type: 'boolean', short: 'v', help: 'Show the version' },
} as const satisfies Record<string, Flag>;

type FlagName = keyof typeof FLAGS;

/** A command: what it does, which flags it takes, and its help. Adding a command is one entry of COMMANDS. */
export interface Command {
  /** One line, for the list of commands. */
  summary: string;
  /**
   * Its help: either the flags it takes, with what it does and examples, from which the help is made;
   * or the whole text, for a command that writes its own (its flags must still be in FLAGS).
   */
  help: { usage: string; description: string; flags: readonly FlagName[]; examples: readonly string[] } | { text: string; flags: readonly FlagName[] };
  /** The words it takes after its name, as its usage shows them (e.g. `[folder]`); none when absent. */
  operands?: { usage: string; most: number };
  /** Loaded only when run: `podsite --help` stays quick. */
  run: (options: CommandOptions, io: CliIo) => Promise<number>;
}

const BUILD_FLAGS = ['config', 'out', 'base-url', 'ledger', 'drafts', 'future', 'probe-audio', 'no-cache', 'jobs', 'format', 'verbose', 'quiet'] as const;

export const COMMANDS: Record<string, Command> = {
  build: {
    summary: 'Check everything and build the site into the output folder (dist/ by default)',
    help: {
      usage: 'podsite build [options]',
      description: 'Checks the settings and every episode, then writes the site and its feed into the output\nfolder. A build with errors writes nothing: the previous site stays as it was.',
      flags: BUILD_FLAGS,
      examples: ['podsite build', 'podsite build --config shows/other.yaml --out public_html', 'podsite build --drafts --base-url https://preview.example.com/', 'podsite build --no-cache --jobs 2 --verbose'],
    },
    run: async (options, io) => (await import('./commands/build.js')).runBuild(options, io),
  },
  dev: {
    summary: 'Serve the site on localhost, rebuild on every save, reload the browser',
    help: {
      usage: 'podsite dev [options]',
      description: 'Builds the site with drafts and future episodes, serves it, and rebuilds what each save changes;\nthe open pages reload by themselves. Ctrl-C stops it.',
      flags: ['config', 'base-url', 'jobs', 'port', 'host', 'open', 'quiet'],
      examples: ['podsite dev', 'podsite dev --port 8080 --open', 'podsite dev --host 0.0.0.0   # reachable from a phone on the same network'],
    },
    run: async (options, io) => (await import('./commands/dev.js')).runDev(options, io),
  },
  check: {
    summary: 'Check the settings and every episode; write nothing',
    help: {
      usage: 'podsite check [options]',
      description: 'Runs every check of a build and writes nothing: for editors, CI and a quick look before publishing.',
      flags: ['config', 'out', 'base-url', 'ledger', 'drafts', 'future', 'probe-audio', 'no-cache', 'jobs', 'format', 'verbose', 'quiet'],
      examples: ['podsite check', 'podsite check --format json > diagnostics.json', 'podsite check --probe-audio'],
    },
    run: async (options, io) => (await import('./commands/check.js')).runCheck(options, io),
  },
  rules: {
    summary: 'List every rule with its id, default severity and what it checks',
    help: {
      usage: 'podsite rules [options]',
      description: 'Lists every rule, grouped, with its default severity; `rules:` in podsite.yaml changes them.',
      flags: ['format'],
      examples: ['podsite rules', 'podsite rules --format json'],
    },
    run: async (options, io) => (await import('./commands/rules.js')).runRules(options, io),
  },
  init: {
    summary: 'Make a new show that builds at once',
    operands: { usage: '[folder]', most: 1 },
    help: {
      usage: 'podsite init [folder] [options]',
      description:
        "Makes a new show in the folder (the current one by default): podsite.yaml, a first episode with\nfive seconds of silent audio, placeholder artwork, .gitignore and a README on deploying the site.\nIt builds as it is; replace the placeholders before you publish. In a terminal it asks for what\nthe flags do not give; otherwise, or with --yes, it takes the defaults.",
      flags: ['title', 'author', 'language', 'url', 'email', 'timezone', 'yes', 'force'],
      examples: ['podsite init my-show', 'podsite init my-show --title "My Show" --author "Jane Doe" --url https://myshow.example.com/ --yes', 'podsite init . --language fr --timezone Europe/Paris'],
    },
    run: async (options, io) => (await import('./commands/init.js')).runInit(options, io),
  },
  new: {
    summary: "Add the next episode's file to the episodes folder",
    operands: { usage: '"Title"', most: Number.POSITIVE_INFINITY },
    help: {
      usage: 'podsite new "Title" [options]',
      description:
        "Adds the next episode's file to the episodes folder and prints its path: numbered after the\nhighest episode of the season, dated today in the show's time zone, named like the newest file of\nthe folder (2024-03-05-the-title.md by default), with the front matter to fill in. Without\n--season, the season of the newest numbered episode goes on. Trailers and bonus episodes get no\nnumber. An existing file is never replaced.",
      flags: ['season', 'type', 'draft', 'config'],
      examples: ['podsite new "The humble brick"', 'podsite new "Season two starts" --season 2', 'podsite new "Coming soon" --type trailer --draft'],
    },
    run: async (options, io) => (await import('./commands/new.js')).runNew(options, io),
  },
  import: {
    summary: 'Make episode files and podsite.yaml from an existing feed (file or URL)',
    operands: { usage: 'FEED', most: 1 },
    help: {
      usage: 'podsite import FEED [options]',
      description:
        "Turns an existing podcast feed (a file, or its http(s) address) into a podsite project: the\nshow's settings in podsite.yaml and one Markdown file per episode in episodes/, keeping each\nepisode's GUID so that podcast apps see no new episodes. With --config, the settings file to write;\nwhen it exists already (and --force does not replace it), its build.episodes folder receives the\nepisodes. See docs/moving.md.",
      flags: ['config', 'force'],
      examples: ['podsite import https://feeds.example.com/myshow.xml', 'podsite import old-feed.xml --config shows/myshow.yaml', 'podsite import old-feed.xml --force'],
    },
    run: async (options, io) => (await import('./commands/import.js')).runImport(options, io),
  },
};

/** The flags of init, new and import, passed on as they are: those commands check their values. */
const SCAFFOLD_FLAGS = ['title', 'author', 'language', 'url', 'email', 'timezone', 'yes', 'force', 'season', 'type', 'draft'] as const satisfies readonly FlagName[];

/** Flags every command takes, and which are not listed with each. */
const GLOBAL_FLAGS: readonly FlagName[] = ['help', 'version'];

export function usage(): string {
  const called = (name: string) => (COMMANDS[name]!.operands ? `${name} ${COMMANDS[name]!.operands!.usage}` : name);
  const width = Math.max(...Object.keys(COMMANDS).map((name) => called(name).length)) + 2;
  const commands = Object.keys(COMMANDS).map((name) => `  ${called(name).padEnd(width)} ${COMMANDS[name]!.summary}`);
  return [
    'Usage: podsite <command> [options]',
    '',
    'Commands:',
    ...commands,
    '',
    'Options:',
    flagLines(GLOBAL_FLAGS),
    '',
    'Run `podsite help <command>` or `podsite <command> --help` for the options of a command.',
    '',
    'Exit codes: 0 success (warnings allowed), 1 errors in your files or on the command line, 2 an internal error.',
  ].join('\n');
}

export function commandHelp(name: string): string {
  const { help } = COMMANDS[name]!;
  if ('text' in help) return help.text;
  return [
    `Usage: ${help.usage}`,
    '',
    help.description,
    '',
    'Options:',
    flagLines([...help.flags, ...GLOBAL_FLAGS]),
    '',
    'Examples:',
    ...help.examples.map((example) => `  ${example}`),
  ].join('\n');
}

function flagLines(names: readonly FlagName[]): string {
  const label = (name: FlagName) => {
    const flag: Flag = FLAGS[name];
    const long = `--${name}${flag.value ? ` ${flag.value}` : ''}`;
    return flag.short ? `-${flag.short}, ${long}` : `    ${long}`;
  };
  const width = Math.max(...names.map((name) => label(name).length)) + 2;
  return names
    .map((name) => {
      const [first, ...more] = FLAGS[name].help.split('\n');
      return [`  ${label(name).padEnd(width)} ${first}`, ...more.map((line) => `  ${' '.repeat(width)} ${line}`)].join('\n');
    })
    .join('\n');
}

function defaultIo(): CliIo {
  const stderrIsTTY = process.stderr.isTTY === true;
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
    color: colorWanted(process.env, stderrIsTTY),
    ...(stderrIsTTY && {
      terminal: {
        write: (text: string) => process.stderr.write(text),
        get columns() {
          return process.stderr.columns || 80;
        },
      },
    }),
  };
}

/** Turns argv into options, runs the command, and returns the exit code: 0, 1 for user errors, 2 for bugs. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, tokens: true, options: FLAGS });
  } catch (error) {
    io.stderr(`podsite: ${unknownFlagMessage(argv, error as Error & { code?: string })}`);
    return 1;
  }
  const { values, positionals, tokens } = parsed;
  if (values.version) {
    io.stdout(podsiteManifest().version);
    return 0;
  }
  const [first, ...rest] = positionals;
  const helpFor = first === 'help' ? rest[0] : values.help ? first : undefined;
  const command = first === 'help' ? rest[0] : first;
  if (command === undefined) {
    io.stdout(usage());
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    const suggestion = closest(command, Object.keys(COMMANDS));
    io.stderr(`podsite: unknown command \`${command}\`${suggestion ? `; did you mean \`podsite ${suggestion}\`?` : ''}\nCommands: ${Object.keys(COMMANDS).join(', ')}. Run \`podsite --help\` for what each does.`);
    return 1;
  }
  if (helpFor !== undefined) {
    io.stdout(commandHelp(command));
    return 0;
  }
  const operands = COMMANDS[command]!.operands;
  if (rest.length > (operands?.most ?? 0)) {
    const takes = operands ? `takes one argument, ${operands.usage}` : 'takes no argument';
    io.stderr(`podsite: \`podsite ${command}\` ${takes} (found \`${rest.join(' ')}\`). Run \`podsite ${command} --help\` for its options.`);
    return 1;
  }
  const taken = new Set<string>([...COMMANDS[command]!.help.flags, ...GLOBAL_FLAGS]);
  for (const token of tokens) {
    if (token.kind !== 'option' || taken.has(token.name)) continue;
    const takers = Object.keys(COMMANDS).filter((name) => COMMANDS[name]!.help.flags.includes(token.name as FlagName));
    io.stderr(`podsite: \`podsite ${command}\` does not take ${token.rawName}; it is an option of ${takers.map((name) => `\`podsite ${name}\``).join(', ')}. Run \`podsite ${command} --help\` for its options.`);
    return 1;
  }
  if (values.format !== undefined && values.format !== 'text' && values.format !== 'json') {
    io.stderr(`podsite: --format is \`text\` or \`json\`, not \`${values.format}\``);
    return 1;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!/^\d+$/.test(values.port!) || port > 65535)) {
    io.stderr(`podsite: --port is a number from 0 to 65535, not \`${values.port}\``);
    return 1;
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!/^\d+$/.test(values.jobs!) || !Number.isSafeInteger(jobs) || jobs < 1)) {
    io.stderr(`podsite: --jobs is a whole number of threads, 1 or more, not \`${values.jobs}\``);
    return 1;
  }
  if (values.quiet && values.verbose) {
    io.stderr('podsite: --quiet and --verbose ask for opposite things; choose one');
    return 1;
  }
  const options: CommandOptions = {
    port,
    jobs,
    host: values.host,
    open: values.open ?? false,
    config: values.config,
    output: values.out,
    baseUrl: values['base-url'],
    ledger: values.ledger,
    drafts: values.drafts,
    future: values.future ?? false,
    probeAudio: values['probe-audio'] ?? false,
    cache: values['no-cache'] !== true,
    verbose: values.verbose ?? false,
    quiet: values.quiet ?? false,
    format: values.format ?? 'text',
    operands: rest,
    ...Object.fromEntries(SCAFFOLD_FLAGS.flatMap((flag) => (values[flag] === undefined ? [] : [[flag, values[flag]]]))),
  };
  try {
    return await COMMANDS[command]!.run(options, io);
  } catch (error) {
    io.stderr(`podsite: internal error, please report it with the steps that led to it\n${(error as Error).stack ?? String(error)}`);
    return 2;
  }
}

/** parseArgs' own message names the flag but not what to do: say which flag was meant, or that the value is missing. */
function unknownFlagMessage(argv: string[], error: Error & { code?: string }): string {
  const command = argv.find((arg) => !arg.startsWith('-') && Object.hasOwn(COMMANDS, arg));
  const helpHint = command ? `Run \`podsite ${command} --help\` for its options.` : 'Run `podsite --help` for the commands, and `podsite <command> --help` for their options.';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'(-{1,2}[^'\s]+)'/.exec(error.message)?.[1] ?? '';
    const candidates = command ? [...COMMANDS[command]!.help.flags, ...GLOBAL_FLAGS] : (Object.keys(FLAGS) as FlagName[]);
    const suggestion = flag.startsWith('--') ? closest(flag.slice(2).split('=')[0]!, candidates) : undefined;
    return `unknown option \`${flag}\`${suggestion ? `; did you mean \`--${suggestion}\`?` : '.'} ${helpHint}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(error.message)?.[1];
    const flag: Flag | undefined = name !== undefined && Object.hasOwn(FLAGS, name) ? FLAGS[name as FlagName] : undefined;
    if (flag?.type === 'string') return `--${name} needs a value, e.g. --${name} ${flag.value}. ${helpHint}`;
    if (flag) return `--${name} takes no value. ${helpHint}`;
  }
  return `${error.message}. ${helpHint}`;
}

