import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  color: boolean;
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
  format: 'text' | 'json';
  port: number | undefined;
  host: string | undefined;
  open: boolean;
  /** Worker threads for the Markdown of the notes; undefined: one per core. */
  jobs: number | undefined;
  /** import: the feed named after the command, and --force. */
  target?: string | undefined;
  force?: boolean;
}

const USAGE = `Usage: podsite <command> [options]

Commands:
  build            Check everything and build the site into the output folder (dist/ by default)
  dev              Serve the site on localhost, rebuild on every save, reload the browser
  check            Check the settings and every episode; write nothing
  rules            List every rule with its id, default severity and what it checks
  import FEED      Make episode files and podsite.yaml from an existing feed (file or URL)

Options:
  --config FILE    Settings file (default: podsite.yaml)
  --out DIR        Output folder, overriding build.output
  --base-url URL   Site URL, overriding url (e.g. for a preview deployment)
  --ledger FILE    GUID ledger, overriding build.ledger (podsite.lock)
  --drafts         Include episodes marked draft: true
  --future         Include episodes dated in the future
  --probe-audio    build, check: ask the hosts of remote audio for its size, type and duration
                   (answers are kept in .podsite-cache/probe.json; delete it to ask again)
  --format FORMAT  Diagnostics as \`text\` (default) or \`json\`
  --jobs N         build, check, dev: render Markdown in up to N worker threads (default: one per
                   core; 1 renders in the main thread; sites under 100 episodes always do)
  --port N         dev: port to serve on (default 4000; the next free one if taken)
  --host H         dev: address to listen on (default 127.0.0.1)
  --open           dev: open the site in the browser
  --no-cache       build, check: render every episode again, without reading or writing the
                   build cache in .podsite-cache/ (deleting that folder is always safe)
  --force          import: overwrite existing episode files and settings
  --verbose        Print the time each stage took
  -h, --help       Show this help
  -v, --version    Show the version

Exit codes: 0 success (warnings allowed), 1 errors in your files, 2 an internal error.

Examples:
  podsite build
  podsite build --config shows/other.yaml --out public_html
  podsite build --drafts --base-url https://preview.example.com/
  podsite check --format json > diagnostics.json
  podsite dev --port 8080 --open`;

const COMMANDS = {
  build: async (options: CommandOptions, io: CliIo) => (await import('./commands/build.js')).runBuild(options, io),
  check: async (options: CommandOptions, io: CliIo) => (await import('./commands/check.js')).runCheck(options, io),
  rules: async (options: CommandOptions, io: CliIo) => (await import('./commands/rules.js')).runRules(options, io),
  dev: async (options: CommandOptions, io: CliIo) => (await import('./commands/dev.js')).runDev(options, io),
  import: async (options: CommandOptions, io: CliIo) => (await import('./commands/import.js')).runImport(options, io),
} as const;

function defaultIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
    color: process.stderr.isTTY === true && !('NO_COLOR' in process.env),
  };
}

/** Turns argv into options, runs the command, and returns the exit code: 0, 1 for user errors, 2 for bugs. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        'base-url': { type: 'string' },
        ledger: { type: 'string' },
        drafts: { type: 'boolean' },
        future: { type: 'boolean' },
        'probe-audio': { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        format: { type: 'string' },
        port: { type: 'string' },
        jobs: { type: 'string' },
        host: { type: 'string' },
        open: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        force: { type: 'boolean' },
      },
    });
  } catch (error) {
    io.stderr(`podsite: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(packageVersion());
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const takesTarget = command === 'import' && rest.length === 1;
  if (!Object.hasOwn(COMMANDS, command) || (rest.length > 0 && !takesTarget)) {
    io.stderr(`podsite: unknown command \`${[command, ...rest].join(' ')}\`\n\n${USAGE}`);
    return 1;
  }
  if (values.format !== undefined && values.format !== 'text' && values.format !== 'json') {
    io.stderr(`podsite: --format is \`text\` or \`json\`, not \`${values.format}\``);
    return 1;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    io.stderr(`podsite: --port is a number from 0 to 65535, not \`${values.port}\``);
    return 1;
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!/^\d+$/.test(values.jobs!) || !Number.isSafeInteger(jobs) || jobs < 1)) {
    io.stderr(`podsite: --jobs is a whole number of threads, 1 or more, not \`${values.jobs}\``);
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
    format: values.format ?? 'text',
    target: takesTarget ? rest[0] : undefined,
    force: values.force ?? false,
  };
  try {
    return await COMMANDS[command as keyof typeof COMMANDS](options, io);
  } catch (error) {
    io.stderr(`podsite: internal error, please report it with the steps that led to it\n${(error as Error).stack ?? String(error)}`);
    return 2;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
