import type * as Markdown from './markdown.js';

export type MarkdownEngine = typeof Markdown;

let loaded: MarkdownEngine | undefined;
let loading: Promise<MarkdownEngine> | undefined;

/**
 * Loads remark, its plugins and the HTML tools (about a fifth of a second): a build that renders
 * no Markdown in this thread, such as one whose only edited note a worker renders, never does.
 */
export function loadMarkdownEngine(): Promise<MarkdownEngine> {
  loading ??= import('./markdown.js').then((engine) => (loaded = engine));
  return loading;
}

/** The engine, once `loadMarkdownEngine` has loaded it: the stages that render Markdown load it first. */
export function markdownEngine(): MarkdownEngine {
  if (loaded === undefined) throw new Error('the Markdown engine is used before loadMarkdownEngine() loaded it');
  return loaded;
}
