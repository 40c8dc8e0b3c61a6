import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_INPUT_FILE_BYTES, readText } from "../../compose/files";
import { load } from "../../compose/load";
import { messages, project } from "./helpers";

/**
 * Issue 11 "inputs that hang or exhaust memory": every file the loader reads goes through one
 * function that reads only regular files, at most 10 MiB. Before, `env_file: /dev/zero` grew to
 * 16 GB and `env_file: ./fifo` blocked for ever; each case here would hang or run out of memory
 * rather than fail, so each has a short timeout.
 */
const QUICK = 15_000;

function mkfifo(file: string): void {
  const made = spawnSync("mkfifo", [file], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`mkfifo ${file} failed (is coreutils installed?): ${made.stderr}`);
}

/** A project folder holding `files` plus a FIFO named `fifo`. */
function projectWithFifo(files: Readonly<Record<string, string>>): string {
  const dir = project(files);
  mkfifo(path.join(dir, "fifo"));
  return dir;
}

describe("readText: the one way the loader reads a file", () => {
  test("GIVEN a regular file WHEN read THEN its text comes back", () => {
    const dir = project({ "a.env": "A=1\n" });
    expect(readText(path.join(dir, "a.env"))).toEqual({ text: "A=1\n" });
  });

  test.each([
    ["/dev/zero (a device that never ends)", () => "/dev/zero", /is a character device, not a regular file/],
    ["a FIFO (blocks until someone writes)", () => path.join(projectWithFifo({}), "fifo"), /is a named pipe \(FIFO\), not a regular file/],
    ["a folder", () => project({}), /is a directory/],
  ])(
    "GIVEN %s WHEN read THEN it is refused without reading",
    (_name, file, expected) => {
      const read = readText(file());
      expect("problem" in read ? read.problem : "read").toMatch(expected);
    },
    QUICK,
  );

  test("GIVEN a file just over the limit WHEN read THEN it is refused; at the limit it is read", () => {
    const dir = project({});
    const over = path.join(dir, "over.env");
    fs.writeFileSync(over, Buffer.alloc(MAX_INPUT_FILE_BYTES + 1, "#"));
    const atLimit = path.join(dir, "limit.env");
    fs.writeFileSync(atLimit, Buffer.alloc(MAX_INPUT_FILE_BYTES, "#"));
    expect(readText(over)).toEqual({ problem: "is larger than 10 MiB, the limit for input files" });
    expect("text" in readText(atLimit)).toBe(true);
  });

  test("GIVEN a missing file WHEN read THEN the problem says so and is marked missing", () => {
    expect(readText(path.join(project({}), "nope.env"))).toEqual({ problem: "file not found", missing: true });
  });
});

describe("load: files named by the compose project that are not regular files", () => {
  test.each([
    [
      "env_file: /dev/zero",
      "services:\n  web:\n    image: a\n    env_file: /dev/zero\n",
      /compose\.yaml:4:15 services\.web\.env_file: env file \/dev\/zero: is a character device, not a regular file/,
    ],
    [
      "env_file: ./fifo",
      "services:\n  web:\n    image: a\n    env_file: [./fifo]\n",
      /compose\.yaml:4:16 services\.web\.env_file\[0\]: env file \S*fifo: is a named pipe \(FIFO\)/,
    ],
    [
      "env_file: {path: ./fifo, required: false}",
      "services:\n  web:\n    image: a\n    env_file: [{path: ./fifo, required: false}]\n",
      /compose\.yaml:4:16 services\.web\.env_file\[0\]: env file \S*fifo: is a named pipe/,
    ],
    [
      "extends.file: /dev/zero",
      "services:\n  web:\n    image: a\n    extends: {file: /dev/zero, service: base}\n",
      /compose\.yaml:4:14 services\.web\.extends: cannot extend service "base": file \/dev\/zero: is a character device/,
    ],
    [
      "extends.file: ./fifo",
      "services:\n  web:\n    image: a\n    extends: {file: ./fifo, service: base}\n",
      /compose\.yaml:4:14 services\.web\.extends: cannot extend service "base": file \S*fifo: is a named pipe/,
    ],
    [
      "include: [/dev/zero]",
      "include:\n  - /dev/zero\nservices:\n  web: {image: a}\n",
      /compose\.yaml:2:5 include\[0\]: included file \/dev\/zero: is a character device/,
    ],
    ["include: [./fifo]", "include:\n  - ./fifo\nservices:\n  web: {image: a}\n", /compose\.yaml:2:5 include\[0\]: included file \S*fifo: is a named pipe/],
    [
      "include env_file: ./fifo",
      "include:\n  - path: ./sub.yaml\n    env_file: ./fifo\nservices:\n  web: {image: a}\n",
      /compose\.yaml:2:5 include\[0\]: env_file \S*fifo: is a named pipe/,
    ],
  ])(
    "GIVEN %s WHEN loaded THEN one error at the key that named it, at once",
    (_name, text, expected) => {
      const dir = projectWithFifo({ "compose.yaml": text, "sub.yaml": "services:\n  lib: {image: l}\n" });
      const result = load({ files: ["compose.yaml"], workingDir: dir, environment: {} });
      expect(result.project).toBeUndefined();
      expect(messages(result)).toEqual([expect.stringMatching(expected)]);
    },
    QUICK,
  );

  test.each([
    ["-f /dev/zero", () => ({ dir: project({}), file: "/dev/zero" }), /^\/dev\/zero: is a character device, not a regular file/],
    ["-f ./fifo", () => ({ dir: projectWithFifo({}), file: "fifo" }), /fifo: is a named pipe \(FIFO\), not a regular file/],
  ])(
    "GIVEN %s WHEN loaded THEN it is refused naming the file",
    (_name, given, expected) => {
      const { dir, file } = given();
      const result = load({ files: [file], workingDir: dir, environment: {} });
      expect(result.project).toBeUndefined();
      expect(messages(result)).toEqual([expect.stringMatching(expected)]);
    },
    QUICK,
  );

  test.each([
    ["a FIFO", (env: string) => mkfifo(env), /\.env:1:1: \S*\.env: is a named pipe \(FIFO\)/],
    ["a link to /dev/zero", (env: string) => fs.symlinkSync("/dev/zero", env), /\.env:1:1: \S*\.env: is a character device/],
  ])(
    "GIVEN a project .env that is %s WHEN loaded THEN it is an error at the .env, not a hang",
    (_name, make, expected) => {
      const dir = project({ "compose.yaml": "services:\n  web: {image: a}\n" });
      make(path.join(dir, ".env"));
      const result = load({ files: ["compose.yaml"], workingDir: dir, environment: {} });
      expect(messages(result)).toEqual([expect.stringMatching(expected)]);
    },
    QUICK,
  );

  test("GIVEN an env_file over 10 MiB WHEN loaded THEN the error at env_file names the limit", () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: a\n    env_file: big.env\n" });
    fs.writeFileSync(path.join(dir, "big.env"), Buffer.alloc(MAX_INPUT_FILE_BYTES + 1, "#"));
    const result = load({ files: ["compose.yaml"], workingDir: dir, environment: {} });
    expect(messages(result)).toEqual([
      expect.stringMatching(/compose\.yaml:4:15 services\.web\.env_file: env file big\.env: is larger than 10 MiB, the limit for input files/),
    ]);
  });
});
