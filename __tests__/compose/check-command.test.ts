import * as path from "path";
import { runCli } from "../helpers/run-cli";
import { project } from "./helpers";

const REPO = path.resolve(__dirname, "../..");

const run = runCli;

describe("compose2ecs check", () => {
  test("GIVEN the bundled example WHEN checked THEN a clean report grouped by service, exit 0, no colour off a terminal", async () => {
    const { code, stdout } = await run(["check", "-C", REPO, "-f", "examples/seed/docker-compose.yml"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Project multi-env \(examples\/seed\/docker-compose\.yml\): 3 services/);
    expect(stdout.indexOf("\nboot\n")).toBeLessThan(stdout.indexOf("\nredis\n"));
    expect(stdout.indexOf("\nredis\n")).toBeLessThan(stdout.indexOf("\nweb\n"));
    expect(stdout).toMatch(/0 mapped with loss, 0 not applicable, 0 rejected; 0 warnings\. Converts cleanly\./);
    expect(stdout).not.toContain("\u001b[");
  });

  test("GIVEN --json WHEN checked THEN {diagnostics, report} for CI", async () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: nginx\n    privileged: true\n" });
    const { code, stdout } = await run(["check", "-C", dir, "--json"]);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { diagnostics: { severity: string; path: string }[]; report: { service: string; key: string; status: string }[] };
    expect(Object.keys(parsed)).toEqual(["diagnostics", "report"]);
    expect(parsed.report).toContainEqual(expect.objectContaining({ service: "web", key: "privileged", status: "not-applicable" }));
    expect(parsed.diagnostics).toContainEqual(expect.objectContaining({ severity: "warning", path: "services.web.privileged" }));
  });

  test("GIVEN --json WHEN checked THEN mapped rows name the ECS attribute, and keys ECS gives by default say so", async () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: nginx\n    init: true\n    restart: always\n" });
    const { code, stdout } = await run(["check", "-C", dir, "--json"]);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { report: { key: string; status: string; attribute?: string }[] };
    expect(parsed.report).toContainEqual(expect.objectContaining({ key: "init", status: "mapped", attribute: "containerDefinitions[].linuxParameters.initProcessEnabled" }));
    expect(parsed.report).toContainEqual(expect.objectContaining({ key: "restart", status: "mapped-default" }));
  });

  test.each([
    ["a stateful service that autoscales above one task", "services:\n  db:\n    image: postgres\n    volumes: ['pg:/var/lib/postgresql/data']\n    x-ecs: {autoscaling: {min: 1, max: 3, cpu: 50}}\nvolumes: {pg: {}}\n", /services\.db\.x-ecs\.autoscaling\.max: service "db" is stateful/],
    ["an x-ecs port the service does not have", "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n    x-ecs: {port: 81}\n", /services\.web\.x-ecs\.port: port 81 is not one of the service's ports/],
    ["a task larger than Fargate's largest", "services:\n  web:\n    image: nginx\n    deploy: {resources: {limits: {cpus: '32'}}}\n", /the largest Fargate task is 16 vCPU/],
  ])("GIVEN %s (synth would fail) WHEN checked THEN check fails too, exit 1", async (_what, text, message) => {
    const dir = project({ "compose.yaml": text });
    const { code, stdout, stderr } = await run(["check", "-C", dir]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/check failed: \d+ errors?/);
  });

  test("GIVEN a warning WHEN checked for people THEN it shows under its service and the run still exits 0", async () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: nginx\n    network_mode: host\n" });
    const { code, stdout } = await run(["check", "-C", dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/web\n(.*\n)*\s+not applicable\s+network_mode\s+network_mode: host is not available/);
    expect(stdout).toMatch(/1 warning\. Converts, with the warnings above\./);
  });

  test("GIVEN invalid input WHEN checked THEN every problem on its own line with file:line:col and path, exit 1, no stack trace", async () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['80:80', 'x']\n  db:\n    depends_on: [nope]\n" });
    const { code, stdout, stderr } = await run(["check", "-C", dir, "--profile", "a,b"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/compose\.yaml:5:3 services\.db: service "db" has neither an image nor a build section/);
    expect(stderr).toMatch(/compose\.yaml:6:18 services\.db\.depends_on\[0\]: service "db" depends on undefined service "nope"/);
    expect(stderr).toMatch(/compose\.yaml:4:22 services\.web\.ports\[1\]: "x": container port "x" is not a port number or range/);
    expect(stderr).toMatch(/check failed: 3 errors; nothing converted\./);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test.each([
    [["check", "--bogus"], /Unknown option '--bogus'/],
    [["check", "compose.yaml"], /unexpected argument "compose\.yaml" \(compose files are given with -f\)/],
    [["check", "-C", "/nonexistent/folder"], /no such directory/],
  ])("GIVEN wrong usage %j THEN exit 2 with a hint", async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/compose2ecs check --help/);
  });

  test("GIVEN --help THEN the usage names every option and the exit codes", async () => {
    const { code, stdout } = await run(["check", "--help"]);
    expect(code).toBe(0);
    for (const option of ["-f, --file", "-C, --project-dir", "--profile", "--json", "Exit codes: 0"]) expect(stdout).toContain(option);
  });
});
