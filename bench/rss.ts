/**
 * Preloaded into each measured process (`node --require dist/bench/rss.js ...`): reports its peak
 * memory (maxRSS) on stderr as it exits, so the bench measures the program exactly as users run it.
 */
process.on("exit", () => {
  process.stderr.write(`\nbench-max-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
