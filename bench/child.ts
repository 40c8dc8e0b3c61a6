/**
 * One measured process for the bench: runs `compose2ecs <args>` or the hand-written app, then
 * reports its peak memory (maxRSS) on stderr. Usage:
 *   node dist/bench/child.js cli synth ...
 *   node dist/bench/child.js handwritten OUTDIR
 */
const [mode, ...args] = process.argv.slice(2);

process.on("exit", () => {
  process.stderr.write(`\nbench-max-rss-kb=${process.resourceUsage().maxRSS}\n`);
});

if (mode === "handwritten") {
  process.argv = [process.argv[0] ?? "node", "app", ...args];
  require("./handwritten/app");
} else {
  const { main } = require("../cli/main") as typeof import("../cli/main");
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
