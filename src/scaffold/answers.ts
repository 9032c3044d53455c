import path from 'node:path';
import { parseSettings } from '../config.js';
import type { ShowAnswers } from './project.js';

/** The answers given on the command line; what is missing is asked in a terminal, or defaulted. */
export type GivenAnswers = { [Key in keyof ShowAnswers]?: string };

/** The questions in the order asked, each with what a blank answer means. */
export const QUESTIONS: readonly { key: keyof ShowAnswers; label: string }[] = [
  { key: 'title', label: 'Title of the show' },
  { key: 'author', label: 'Author (you, or the team)' },
  { key: 'language', label: 'Language code (en, fr, pt-BR…)' },
  { key: 'url', label: 'Address of the site' },
  { key: 'email', label: 'Owner e-mail, shown to podcast directories (optional)' },
  { key: 'timezone', label: 'Time zone of episode dates' },
];

/** What a question left blank, or a flag not given, stands for. */
export function defaultAnswers(folder: string): Record<keyof ShowAnswers, string> {
  return {
    title: titleOfFolder(path.basename(path.resolve(folder))),
    author: 'Your Name',
    language: 'en',
    url: 'https://example.com/',
    email: '',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  };
}

/** `my-great_show` → `My Great Show`: the folder's name is often the show's. */
function titleOfFolder(name: string): string {
  const words = name.split(/[-_\s.]+/).filter((word) => word !== '');
  if (words.length === 0) return 'My Podcast';
  return words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ');
}

/**
 * Why `value` cannot be the answer to `key`, with a hint, or undefined. Language, address and time
 * zone are checked by the settings parser itself, so that `init` accepts exactly what a build does.
 */
export function answerProblem(key: keyof ShowAnswers, value: string): string | undefined {
  if (key === 'email') return value === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : `\`${value}\` is not an e-mail address`;
  if (value.trim() === '') return 'it may not be empty';
  if (key === 'title' || key === 'author') return undefined;
  const { diagnostics } = parseSettings(`${key}: ${JSON.stringify(value)}\n`, path.resolve('podsite.yaml'));
  const problem = diagnostics.find((d) => d.severity === 'error' && d.rule !== 'missing-field');
  return problem === undefined ? undefined : `${problem.message}${problem.hint === undefined ? '' : ` (${problem.hint})`}`;
}

/** Settings files keep the site's address with a final slash, as the build reads it. */
export function completeAnswers(answers: Record<keyof ShowAnswers, string>): ShowAnswers {
  const url = answers.url.trim();
  return {
    title: answers.title.trim(),
    author: answers.author.trim(),
    language: answers.language.trim(),
    url: url.endsWith('/') ? url : `${url}/`,
    email: answers.email.trim() === '' ? undefined : answers.email.trim(),
    timezone: answers.timezone.trim(),
  };
}

/** Asks one question; the answer is the line typed, or undefined when input ended or was interrupted. */
export type Ask = (question: string) => Promise<string | undefined>;

/**
 * The answers: each given one as it is, the others asked with `ask` (a blank answer takes the
 * default, a wrong one is asked again) or, without `ask`, the defaults. Problems with given answers
 * come back as messages naming their flag; an interrupted question stops it all.
 */
export async function resolveAnswers(
  given: GivenAnswers,
  defaults: Record<keyof ShowAnswers, string>,
  ask: Ask | undefined,
  say: (text: string) => void,
): Promise<{ answers: ShowAnswers } | { problems: string[] } | { stopped: true }> {
  const problems: string[] = [];
  for (const { key } of QUESTIONS) {
    const value = given[key];
    const problem = value === undefined ? undefined : answerProblem(key, value);
    if (problem !== undefined) problems.push(`--${key}: ${problem}`);
  }
  if (problems.length > 0) return { problems };
  const answers = { ...defaults };
  for (const { key, label } of QUESTIONS) {
    const value = given[key];
    if (value !== undefined) {
      answers[key] = value;
      continue;
    }
    if (ask === undefined) continue;
    for (;;) {
      const shownDefault = defaults[key] === '' ? '' : ` [${defaults[key]}]`;
      const typed = await ask(`${label}${shownDefault}: `);
      // Ctrl-C or Ctrl-D at a question: the person changed their mind, not a wish for the defaults.
      if (typed === undefined) return { stopped: true };
      const answer = typed.trim() === '' ? defaults[key] : typed.trim();
      const problem = answerProblem(key, answer);
      if (problem === undefined) {
        answers[key] = answer;
        break;
      }
      say(`  ${problem}`);
    }
  }
  return { answers: completeAnswers(answers) };
}
