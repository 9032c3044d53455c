import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  color: boolean;
}

const USAGE = `Usage: podsite <command> [options]

Commands:
  build            Build the site into the output folder (dist/ by default)

Options:
  --config FILE    Settings file (default: podsite.yaml)
  --out DIR        Output folder, overriding build.output
  --base-url URL   Site URL, overriding url (e.g. for a preview deployment)
  --drafts         Include episodes marked draft: true
  --verbose        Print the time each stage took
  -h, --help       Show this help
  -v, --version    Show the version

Examples:
  podsite build
  podsite build --config shows/other.yaml --out public_html
  podsite build --drafts --base-url https://preview.example.com/`;

function defaultIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
    color: process.stderr.isTTY === true && !('NO_COLOR' in process.env),
  };
}

/** Turns argv into options, runs the command, prints, and returns the exit code: 0, 1 for user errors, 2 for bugs. */
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
        drafts: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
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
  if (command !== 'build' || rest.length > 0) {
    io.stderr(`podsite: unknown command \`${[command, ...rest].join(' ')}\`\n\n${USAGE}`);
    return 1;
  }
  try {
    const { runBuild } = await import('./commands/build.js');
    return await runBuild(
      {
        config: values.config,
        output: values.out,
        baseUrl: values['base-url'],
        drafts: values.drafts,
        verbose: values.verbose ?? false,
      },
      io,
    );
  } catch (error) {
    io.stderr(`podsite: internal error, please report it with the steps that led to it\n${(error as Error).stack ?? String(error)}`);
    return 2;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
