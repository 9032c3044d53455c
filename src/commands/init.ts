import { podsiteManifest } from '../manifest.js';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { CliIo, CommandOptions } from '../cli.js';
import { completeAnswers, defaultAnswers, QUESTIONS, resolveAnswers, type Ask, type GivenAnswers } from '../scaffold/answers.js';
import { projectFiles } from '../scaffold/project.js';
import { existingFiles, writeNewFiles } from '../scaffold/write-files.js';

/** The terminal to ask in, when podsite runs in one. */
export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const processTerminal = (): Terminal | undefined =>
  process.stdin.isTTY === true && process.stdout.isTTY === true ? { input: process.stdin, output: process.stdout } : undefined;

/** `podsite init [folder]`: a new show that builds at once. */
export async function runInit(options: CommandOptions, io: CliIo, terminal: Terminal | undefined = processTerminal()): Promise<number> {
  const [folderOperand = '.', ...extra] = options.operands ?? [];
  if (extra.length > 0) {
    io.stderr(`podsite init: one folder at most, not ${[folderOperand, ...extra].map((operand) => `\`${operand}\``).join(' ')} (\`podsite init --help\` shows its options)`);
    return 1;
  }
  const folder = path.resolve(io.cwd, folderOperand);
  const given: GivenAnswers = {
    title: options.title,
    author: options.author,
    language: options.language,
    url: options.url,
    email: options.email,
    timezone: options.timezone,
  };
  const defaults = defaultAnswers(folder);
  const made = { now: new Date(), podsiteVersion: podsiteManifest().version };
  // Before any question: answers that could not be used would be a waste of the person's time.
  const inTheWay = options.force === true ? [] : await existingFiles(folder, Object.keys(projectFiles(completeAnswers(defaults), made)));
  if (inTheWay.length > 0) return refuse(io, folder, inTheWay);
  const asked = options.yes === true ? undefined : terminal;
  const readline = asked && createInterface({ input: asked.input, output: asked.output, terminal: true });
  let resolved;
  try {
    // Without a listener, Ctrl-C would only pause the input and leave the question hanging; and
    // closing (Ctrl-D, end of input) does not settle a pending question in Node 20 without a signal.
    const closed = new AbortController();
    readline?.on('SIGINT', () => readline.close()).on('close', () => closed.abort());
    const ask: Ask | undefined = readline && ((question) => readline.question(question, { signal: closed.signal }).catch(() => undefined));
    if (readline) io.stdout(`A new show in ${shown(io, folder)}. Press Enter to take the answer in brackets.`);
    resolved = await resolveAnswers(given, defaults, ask, io.stdout);
  } finally {
    readline?.close();
  }
  if ('stopped' in resolved) {
    io.stderr('\npodsite init: stopped; nothing was written.');
    return 1;
  }
  if ('problems' in resolved) {
    io.stderr(resolved.problems.map((problem) => `podsite init: ${problem}`).join('\n'));
    return 1;
  }
  const outcome = await writeNewFiles(folder, projectFiles(resolved.answers, made), options.force === true);
  if ('existing' in outcome) return refuse(io, folder, outcome.existing);
  if ('failed' in outcome) {
    io.stderr(`podsite init: could not write ${path.join(shown(io, folder), outcome.failed)}: ${outcome.reason}`);
    return 1;
  }
  const enter = path.relative(io.cwd, folder);
  // Nobody was asked: say which values are stand-ins, since they end up in the feed.
  const defaulted = readline ? [] : QUESTIONS.filter(({ key }) => given[key] === undefined && key !== 'email').map(({ key }) => `${key} (${resolved.answers[key]})`);
  io.stdout(
    [
      `Made a new show in ${shown(io, folder)}:`,
      ...outcome.written.map((file) => `  ${file}`),
      '',
      'Next:',
      ...(enter === '' ? [] : [`  cd ${enter.includes(' ') ? JSON.stringify(enter) : enter}`]),
      '  npx podsite dev        # see it on http://127.0.0.1:4000/',
      '  npx podsite new "The title of the next episode"',
      ...(defaulted.length === 0 ? [] : [`Defaults taken for ${defaulted.join(', ')}: change them in podsite.yaml.`]),
      'README.md lists the placeholders to replace and how to publish the site.',
    ].join('\n'),
  );
  return 0;
}

function refuse(io: CliIo, folder: string, existing: readonly string[]): number {
  const list = existing.map((file) => `  ${file}`).join('\n');
  io.stderr(`podsite init: ${shown(io, folder)} already has ${existing.length === 1 ? 'this file' : 'these files'}, which init would replace:\n${list}\nNothing was written. Choose an empty folder (podsite init my-show), or replace them with --force.`);
  return 1;
}

const shown = (io: CliIo, folder: string) => path.relative(io.cwd, folder) || 'this folder';
