/**
 * Whether to colour what goes to the terminal: never with NO_COLOR (https://no-color.org: any
 * value but the empty string), as FORCE_COLOR says when it is set (`0` no, anything else yes: CI
 * logs that show colours), and otherwise only on a terminal, never into a file or a pipe.
 */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}
