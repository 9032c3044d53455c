/** Writes `count` episodes and a podsite.yaml into `folder` (emptied first); returns the file names, oldest first. */
export function generateArchive(folder: string, count: number, seed?: number): Promise<string[]>;
