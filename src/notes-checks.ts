import type { Settings } from './config.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { RemoteMedia, RenderedNotes } from './markdown.js';

/**
 * The checks of rendered Markdown (episode notes, a person's bio, a page of `pages/`): tags that
 * are no HTML element, and pictures or embeds that make listeners' browsers ask another host.
 * `bodyLine` is the file's line where the Markdown starts.
 */
export function markupDiagnostics(file: string, bodyLine: number, rendered: RenderedNotes, settings: Pick<Settings, 'url'>): Diagnostic[] {
  const found: Diagnostic[] = rendered.unknownTags.map((tag) =>
    diagnostic(
      file,
      { line: bodyLine + tag.line - 1, column: tag.column },
      'unknown-html-tag',
      `\`<${tag.name}>\` is not an HTML element: Markdown reads it as a tag, so the page shows it as text`,
      `put code in backticks; if you meant an element, check its name`,
    ),
  );
  if (rendered.tooDeep !== undefined) {
    const { line, column, what, limit } = rendered.tooDeep;
    found.push(
      diagnostic(
        file,
        { line: bodyLine + line - 1, column },
        'markdown-too-deep',
        what === 'markup'
          ? 'the notes nest too deep for the Markdown reader, so they are shown as plain text'
          : `the notes nest ${what} more than ${limit} levels deep, so they are shown as plain text`,
        'no notes need this much nesting (often a broken export or paste); flatten them, or raise `limits.markdownDepth` in the settings',
      ),
    );
  }
  for (const [host, media] of remoteHosts(rendered.remoteMedia, settings)) {
    const first = media[0]!;
    const what = media.length === 1 ? 'a picture or embed' : `${media.length} pictures or embeds`;
    found.push(
      diagnostic(
        file,
        { line: bodyLine + first.line - 1, column: first.column },
        'remote-media',
        `the page loads ${what} from ${host}: every listener's browser asks that host as the page opens`,
        'copy the file into public/ and link it from the site (`/images/…`); set `rules: { remote-media: off }` to accept other hosts',
      ),
    );
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** YouTube embeds are not counted: the notes show them as a preview that loads nothing until clicked. */
const CLICK_TO_LOAD = /^(?:https?:)?\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/embed\//i;

function remoteHosts(media: readonly RemoteMedia[], settings: Pick<Settings, 'url'>): Map<string, RemoteMedia[]> {
  const ownHost = bareHost(new URL(settings.url).hostname);
  const byHost = new Map<string, RemoteMedia[]>();
  for (const item of media) {
    if (CLICK_TO_LOAD.test(item.url)) continue;
    let host: string;
    try {
      host = new URL(item.url, 'https://relative.invalid').hostname;
    } catch {
      continue;
    }
    if (bareHost(host) === ownHost) continue;
    const list = byHost.get(host);
    if (list) list.push(item);
    else byHost.set(host, [item]);
  }
  return byHost;
}

/** `www.example.com` and `example.com` are one site. */
const bareHost = (host: string) => host.toLowerCase().replace(/^www\./, '');
