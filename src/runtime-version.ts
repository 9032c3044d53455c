/**
 * The Node and the data its Intl comes with (ICU, time zone rules): dates in the feed, on pages and
 * in addresses are made through them, so what a build keeps from another runtime may differ from
 * what this one makes of the same files.
 */
export function runtimeVersion(): string {
  const { node, icu, tz } = process.versions;
  return `node ${node}, icu ${icu ?? '-'}, tz ${tz ?? '-'}`;
}
