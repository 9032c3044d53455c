// Preloaded into a child node process when GNU time is missing: writes its peak RSS (KB) at exit.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.PODSITE_BENCH_RSS_FILE) writeFileSync(process.env.PODSITE_BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
