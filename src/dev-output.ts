import path from 'node:path';

/** podsite's own folder beside the settings file at `configPath`: what podsite dev writes, never read by a build. */
export function workFolderOf(configPath: string): string {
  return path.join(path.dirname(configPath), '.podsite');
}

/** Where `podsite dev` writes the site it serves, for the settings file at `configPath`: beside it, never the build's output. */
export function devOutputOf(configPath: string): string {
  return path.join(workFolderOf(configPath), 'dev');
}
