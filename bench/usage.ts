/**
 * Preloaded into each measured process (`node --require dist/bench/usage.js ...`): reports its
 * peak memory (maxRSS) and CPU time (user + system) on stderr as it exits, so the bench measures
 * the program exactly as users run it. CPU time moves less than wall time on a loaded machine.
 */
process.on("exit", () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nbench-max-rss-kb=${usage.maxRSS} bench-cpu-us=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
