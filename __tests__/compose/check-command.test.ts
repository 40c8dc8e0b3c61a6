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

  test("GIVEN --json WHEN checked THEN {diagnostics, report, connectivity} for CI", async () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: nginx\n    privileged: true\n    ports: ['8080:80']\n" });
    const { code, stdout } = await run(["check", "-C", dir, "--json"]);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as {
      diagnostics: { severity: string; path: string }[];
      report: { service: string; key: string; status: string }[];
      connectivity: { endpoints: unknown[] };
    };
    expect(Object.keys(parsed)).toEqual(["diagnostics", "report", "connectivity"]);
    expect(parsed.connectivity.endpoints).toEqual([{ service: "web", kind: "http", address: "http://<load balancer>/", port: 80 }]);
    expect(parsed.report).toContainEqual(expect.objectContaining({ service: "web", key: "privileged", status: "not-applicable" }));
    expect(parsed.diagnostics).toContainEqual(expect.objectContaining({ severity: "warning", path: "services.web.privileged" }));
  });

  test("GIVEN --json WHEN checked THEN mapped rows name the ECS attribute, and keys ECS gives by default say so", async () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: nginx\n    init: true\n    restart: always\n" });
    const { code, stdout } = await run(["check", "-C", dir, "--json"]);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { report: { key: string; status: string; attribute?: string }[] };
    expect(parsed.report).toContainEqual(
      expect.objectContaining({ key: "init", status: "mapped", attribute: "containerDefinitions[].linuxParameters.initProcessEnabled" }),
    );
    expect(parsed.report).toContainEqual(expect.objectContaining({ key: "restart", status: "mapped-default" }));
  });

  test.each([
    [
      "a stateful service that autoscales above one task",
      "services:\n  db:\n    image: postgres\n    volumes: ['pg:/var/lib/postgresql/data']\n    x-ecs: {autoscaling: {min: 1, max: 3, cpu: 50}}\nvolumes: {pg: {}}\n",
      /services\.db\.x-ecs\.autoscaling\.max: service "db" is stateful/,
    ],
    [
      "an x-ecs port the service does not have",
      "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n    x-ecs: {port: 81}\n",
      /services\.web\.x-ecs\.port: port 81 is not one of the service's ports/,
    ],
    [
      "a task larger than Fargate's largest",
      "services:\n  web:\n    image: nginx\n    deploy: {resources: {limits: {cpus: '32'}}}\n",
      /the largest Fargate task is 16 vCPU/,
    ],
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
    for (const option of ["-f, --file", "-C, --project-dir", "--profile", "--env NAME", "--branch NAME", "--json", "Exit codes: 0"])
      expect(stdout).toContain(option);
  });
});

describe("compose2ecs check: connectivity", () => {
  test("GIVEN the bundled example for production WHEN checked THEN each service's URL or internal address is listed, and the network's access", async () => {
    const { code, stdout } = await run(["check", "-C", REPO, "--env", "production"]);
    expect(code).toBe(0);
    const section = stdout.slice(stdout.indexOf("Connectivity (environment production, "));
    expect(section.split("\n").slice(1, 8)).toEqual([
      "  boot      https://<load balancer>/boot/  HTTP, container port 8080; the app receives /boot/... unchanged",
      "  redis     redis:6379                     sibling services only",
      "  web       https://<load balancer>/       HTTP, container port 5000, served at /",
      "  The load balancer passes paths on unchanged: an app routed below / must serve under its prefix.",
      "  network default: boot, redis, web reach each other on every port",
      "  outbound: HTTPS (443) anywhere and the VPC",
      "",
    ]);
  });

  test("GIVEN a QA branch WHEN checked THEN URLs are on the branch's own listener port, shown as a formula (check allocates no slot)", async () => {
    const { code, stdout } = await run(["check", "-C", REPO, "--env", "qa", "--branch", "feature/login"]);
    expect(code).toBe(0);
    expect(stdout).toContain("  web       http://<load balancer>:<10000 + slot>/  ");
  });

  test("GIVEN a declared-ports web app, a database publishing 5432 and a cache WHEN checked THEN the warnings name the blocked reference, the outside host and the unpublished port, exit 0", async () => {
    const dir = project({
      "compose.yaml": [
        "services:",
        "  app:",
        "    image: example/app:1",
        "    ports: ['3000']",
        "    environment:",
        "      DATABASE_URL: postgres://u:p@db/app",
        "      REDIS_URL: redis://cache",
        "      SMTP_HOST: smtp.example.com",
        "      SMTP_PORT: '587'",
        "    x-ecs: {access: declared-ports}",
        "  db:",
        "    image: postgres:16",
        "    ports: ['5432:5432']",
        "  cache:",
        "    image: redis:7",
        "",
      ].join("\n"),
    });
    const { code, stdout } = await run(["check", "-C", dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /compose\.yaml:2:3 services\.app\.environment\.REDIS_URL: warning: cache:6379 is blocked: app has declared-ports access, so app reaches cache only on the ports cache declares, and cache declares no ports/,
    );
    expect(stdout).not.toContain("DATABASE_URL: warning");
    expect(stdout).toMatch(/compose\.yaml:2:3 services\.app\.environment\.SMTP_HOST: warning: smtp\.example\.com:587 is outside the VPC/);
    expect(stdout).toMatch(/compose\.yaml:11:3 services\.db\.ports: warning: port 5432 is not HTTP \(the PostgreSQL image speaks TCP on 5432\)/);
    expect(stdout).toContain("  app       http://<load balancer>/  HTTP, container port 3000, served at /");
    expect(stdout).toContain("  network default: cache, db reach each other on every port; app is reached on declared ports only");
  });

  test("GIVEN an environment that does not exist WHEN checked THEN exit 1 naming it", async () => {
    const { code, stderr } = await run(["check", "-C", REPO, "--env", "nope"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/nope/);
  });
});
