import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository root, for child processes that load its TypeScript sources. */
export const REPO_ROOT = resolve(__dirname, "..", "..");

/**
 * Writes `register.js` into `dir`: required first (`node -r`), it lets a child node process load
 * the repository's .ts sources as they are, compiled by swc on the fly, like jest does. Children
 * then run the real code, with node's own module cache (which jest replaces in-process).
 */
export function writeTsRegister(dir: string): string {
  const file = join(dir, "register.js");
  writeFileSync(
    file,
    [
      `const { transformSync } = require(${JSON.stringify(require.resolve("@swc/core"))});`,
      'const { readFileSync } = require("node:fs");',
      'require.extensions[".ts"] = (module, filename) => {',
      '  const { code } = transformSync(readFileSync(filename, "utf8"), { filename, jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } });',
      "  module._compile(code, filename);",
      "};",
    ].join("\n") + "\n",
  );
  return file;
}
