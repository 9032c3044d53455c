import path from 'node:path';
import { transcriptTypeOf } from '../transcripts.js';

/** An attachment is a file an episode takes in: a transcript beside it, or one its front matter names. */
export type ChangeKind = 'settings' | 'people' | 'page' | 'template' | 'public' | 'episode' | 'attachment' | 'ignored';

export interface WatchedFolders {
  settingsFile: string;
  episodes: string;
  templates: string;
  public: string;
  people: string;
  /** The pages folder (`build.pages`): Markdown pages and the menu. */
  pages?: string | undefined;
  /** `build.media`, whose files are served like public ones, when set. */
  media?: string | undefined;
  /** Transcript files that front matter names, by absolute path, wherever they are in the project. */
  namedFiles?: ReadonlySet<string>;
}

const inside = (folder: string, file: string) => {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};

/** What a changed path is, so that the rebuild does only what it needs. */
export function classifyChange(file: string, folders: WatchedFolders): ChangeKind {
  const name = path.basename(file);
  if (path.resolve(file) === path.resolve(folders.settingsFile)) return 'settings';
  // Editors write backups, swap and lock files beside the real ones.
  if (name.startsWith('.#') || name.endsWith('~') || /\.(swp|swx|tmp)$/.test(name)) return 'ignored';
  // Only the folder's own Markdown files are person files (see loadPeopleFiles).
  if (path.resolve(path.dirname(file)) === path.resolve(folders.people) && /\.(md|markdown)$/i.test(name) && !name.startsWith('.')) return 'people';
  if (folders.namedFiles?.has(path.resolve(file))) return 'attachment';
  if (inside(folders.episodes, file)) {
    if (name.startsWith('.')) return 'ignored';
    if (/\.(md|markdown)$/i.test(name)) return 'episode';
    return transcriptTypeOf(name) === undefined ? 'ignored' : 'attachment';
  }
  if (folders.pages !== undefined && inside(folders.pages, file)) {
    // As loadPageFiles lists them: Markdown files, none in a hidden folder.
    const hidden = path.relative(folders.pages, file).split(path.sep).some((part) => part.startsWith('.'));
    return /\.(md|markdown)$/i.test(name) && !hidden ? 'page' : 'ignored';
  }
  if (inside(folders.templates, file)) return 'template';
  if (inside(folders.public, file)) return 'public';
  if (folders.media !== undefined && inside(folders.media, file)) return 'public';
  return 'ignored';
}

/**
 * The cheapest rebuild that is correct for a set of changes. `episodes` holds the changed episode
 * files and attachments: the files the build must not take from its cache.
 */
export type Rebuild = { kind: 'full' } | { kind: 'incremental'; episodes: Set<string>; theme: boolean; public: boolean };

export function planRebuild(files: Iterable<string>, folders: WatchedFolders): Rebuild | undefined {
  const episodes = new Set<string>();
  let theme = false;
  let publicFiles = false;
  for (const file of files) {
    switch (classifyChange(file, folders)) {
      case 'settings':
      // Any entry may name the person, and the feed's channel lists the hosts: everything is made again.
      case 'people':
        return { kind: 'full' };
      // A page may be in the menu of every page: like a template, it makes every page again, but no episode.
      case 'page':
      case 'template':
        theme = true;
        break;
      case 'public':
        publicFiles = true;
        break;
      case 'episode':
      case 'attachment':
        episodes.add(path.resolve(file));
        break;
      case 'ignored':
        break;
    }
  }
  if (episodes.size === 0 && !theme && !publicFiles) return undefined;
  return { kind: 'incremental', episodes, theme, public: publicFiles };
}

/**
 * Runs one job at a time. Changes that arrive while a job runs are gathered and start exactly one
 * more job when it ends.
 */
export class ChangeQueue {
  private pending = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(private readonly run: (files: Set<string>) => Promise<void>) {}

  add(...files: string[]): Promise<void> {
    for (const file of files) this.pending.add(file);
    this.running ??= this.drain();
    return this.running;
  }

  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const batch = this.pending;
        this.pending = new Set();
        await this.run(batch);
      }
    } finally {
      this.running = undefined;
    }
  }
}
