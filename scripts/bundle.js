#!/usr/bin/env node
/**
 * Build step (after tsc): the two files `compose2ecs` runs from, made with esbuild.
 * - dist/compose2ecs.js (package.json's bin): the CLI, the loader, planner and the other
 *   commands, with yaml, in one file. cdktf is not in it, so `check`, `branches` and `--help`
 *   never load it.
 * - dist/compose2ecs-synth.js: what stacks/synthesize.ts loads once a plan has no errors
 *   (stacks/build-app.ts: the stacks and constructs, with cdktf, constructs and the provider
 *   classes it imports), in one file: one copy of cdktf, read in one go instead of ~410 modules.
 * Left outside both: the AWS SDK and graphviz (lazily loaded, large), ajv (only used when the
 * pre-built validators are missing; those stay files in dist/, found from the bundle too).
 * dist/ keeps tsc's per-file output as well: tests, main.ts (cdktf.json's app) and
 * `node dist/cli/main.js` use it.
 */
const { build } = require("esbuild");
const { chmodSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  absWorkingDir: root,
  logLevel: "warning",
  legalComments: "none",
  external: ["@aws-sdk/*", "@hpcc-js/wasm-graphviz", "ajv", "ajv/*"],
  // `import()` of an outside file as `require()`: Node's import() of a CommonJS file first scans
  // all of it for its exports (cjs-module-lexer), ~300 ms for the synth bundle.
  supported: { "dynamic-import": false },
};

/** The CLI's one way into cdktf, stacks/synthesize.ts's `import("./build-app")`, becomes the synth bundle. */
const synthBundleOutside = {
  name: "synth-bundle-outside",
  setup(build) {
    build.onResolve({ filter: /^\.\/build-app$/ }, (args) =>
      args.importer.endsWith(join("stacks", "synthesize.ts")) ? { path: "./compose2ecs-synth.js", external: true } : undefined,
    );
    build.onResolve({ filter: /^(cdktf|constructs|@cdktf\/provider-aws)(\/.*)?$/ }, (args) => {
      throw new Error(`${args.importer} imports ${args.path}: only stacks/build-app.ts (the synth bundle) may load cdktf`);
    });
  },
};

Promise.all([
  build({ ...common, entryPoints: ["cli/main.ts"], outfile: "dist/compose2ecs.js", plugins: [synthBundleOutside] }),
  build({ ...common, entryPoints: ["stacks/build-app.ts"], outfile: "dist/compose2ecs-synth.js" }),
]).then(
  () => chmodSync(join(root, "dist", "compose2ecs.js"), 0o755),
  (error) => {
    process.stderr.write(`bundle: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
