import { checkFeedFile, feedProblemDiagnostics } from './check-feed.js';
import type { Diagnostic } from './diagnostics.js';
import { FeedCheckInParts, type FeedProblem } from './feed-check.js';
import { feedPieces, feedSkeleton, planFeed, renderFeed, xmlText, type FeedIdentity, type FeedOptions } from './feed.js';
import type { Site } from './site.js';
import type { StagingFolder } from './write.js';
import type { FeedItems } from './feed-store.js';

export interface WrittenFeed {
  /** The feed's files, relative to the output folder. */
  paths: string[];
  /** The feed's own diagnostics, as `renderFeed` gives them. */
  diagnostics: Diagnostic[];
  /** The diagnostics of the feed check, as `checkFeedFile` gives them for each file; `reported` as there. */
  check: (reported: readonly Diagnostic[]) => Diagnostic[];
}

/**
 * The feed of a build that writes the site: each item is made, checked and written to the staging
 * folder in turn, and dropped, so that the build never holds the feed (200 MB for 20,000 episodes
 * with full notes). The bytes are those of `renderFeed`, and the check finds what `checkFeedFile`
 * finds on them.
 */
export async function writeFeed(staging: StagingFolder, site: Site, identity: FeedIdentity, options: FeedOptions, kept?: FeedItems): Promise<WrittenFeed> {
  const plan = planFeed(site, identity, options, kept);
  const checked: { problems: FeedProblem[] | undefined; index: number }[] = [];
  for (const [index, file] of plan.files.entries()) {
    const check = new FeedCheckInParts(feedSkeleton(file), { itemNames: file.episodes.map((e) => e.file) });
    const item = (at: number) => {
      const xml = plan.item(at);
      if (kept) kept.check(xml, check);
      else check.add(xmlText(xml));
      return xml;
    };
    await staging.writeChunks(file.path, kept ? kept.track(file.path, feedPieces(file, item)) : feedPieces(file, item));
    checked.push({ problems: check.result(), index });
  }
  return {
    paths: plan.files.map((file) => file.path),
    diagnostics: plan.diagnostics,
    check: (reported) => {
      // Parts that could not be checked on their own (markup that breaks the feed): the whole feed is made again and checked as it is.
      const whole = checked.some(({ problems }) => problems === undefined) ? renderFeed(site, identity, options).value : undefined;
      return checked.flatMap(({ problems, index }) =>
        problems === undefined ? checkFeedFile(whole![index]!, site, reported) : feedProblemDiagnostics(problems, plan.files[index]!.episodes, site, reported),
      );
    },
  };
}
