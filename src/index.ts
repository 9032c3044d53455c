/**
 * podsite for scripts: what `import { build } from 'podsite'` gives. The CLI is a thin layer over
 * the same calls; what is not exported here may change in any release.
 */
import { build, type BuildOptions, type BuildResult } from './build.js';

export { build };
export type { BuildOptions, BuildResult, BuildStats, StageTiming } from './build.js';
export type { Diagnostic, Position, Severity } from './diagnostics.js';
export type { Settings, FeedSettings, Link, Overrides } from './config.js';
export type { Site, Episode } from './site.js';
export type { RuleId, RuleSetting, RuleSpec, RuleGroup } from './rules.js';
export { RULES } from './rules.js';
export { formatDiagnostics, type ReportOptions } from './report.js';

/** Every check of a build, with nothing written: what `podsite check` runs. */
export function check(options: Omit<BuildOptions, 'write'> = {}): Promise<BuildResult> {
  return build({ ...options, write: false });
}
