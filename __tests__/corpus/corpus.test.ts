import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatDiagnostic } from "../../compose/diagnostics";
import { load } from "../../compose/load";
import { ComposeProject, Diagnostic } from "../../compose/model";
import { defaultEnvironment } from "../../config/defaults";
import { planProject } from "../../planner/plan-project";
import { ConversionEntry, conversionReport, reportDiagnostics } from "../../planner/report";

/** What `check` gives: the project, every diagnostic of loading, planning and the report, and the report. */
interface LoadResult {
  readonly project?: ComposeProject;
  readonly diagnostics: readonly Diagnostic[];
  readonly report: readonly ConversionEntry[];
}

/** Loads and plans as `check` does (the built-in environment, its load balancer internal). */
function check(options: Parameters<typeof load>[0]): LoadResult {
  const loaded = load(options);
  if (loaded.project === undefined) return { diagnostics: loaded.diagnostics, report: [] };
  const base = defaultEnvironment("default");
  const planned = planProject({ project: loaded.project, env: { ...base, loadBalancer: { ...base.loadBalancer, internal: true } } });
  const report = planned.plan !== undefined ? conversionReport(loaded.project, planned.plan) : [];
  return {
    ...(planned.plan !== undefined ? { project: loaded.project } : {}),
    diagnostics: [...loaded.diagnostics, ...planned.diagnostics, ...reportDiagnostics(report)],
    report,
  };
}

/**
 * Every compose file of the visible corpus, loaded as its authors wrote it (companions put
 * back under their original names), planned, and checked against its MANIFEST expectation:
 * converts / converts with the named warnings (service + key) / fails with a clear message
 * naming the file (and the line where there is one).
 */
const REPO = path.resolve(__dirname, "../..");
const SHARED = process.env.COMPOSE2ECS_SHARED_DIR ?? path.resolve(REPO, "../shared");
const CORPUS = path.join(SHARED, "corpus");

/** [service (undefined for top-level keys), key or key prefix] */
type Named = readonly [string | undefined, string];

type Expectation =
  | { readonly kind: "convert"; readonly allowed?: readonly Named[]; readonly note?: string; readonly check?: (r: LoadResult) => void }
  | {
      readonly kind: "warnings";
      readonly warnings: readonly Named[];
      /** Variables set for the run, as the MANIFEST's expectation assumes (with a note saying why). */
      readonly environment?: Readonly<Record<string, string>>;
      readonly note?: string;
      readonly check?: (r: LoadResult) => void;
    }
  | { readonly kind: "error"; readonly messages: readonly RegExp[]; readonly lines?: readonly number[] };

const service = (r: LoadResult, name: string) => {
  const found = r.project?.services.find((s) => s.name === name);
  if (found === undefined) throw new Error(`service ${name} is missing`);
  return found;
};

/** Where the project's judgement differs from the MANIFEST's, the note says why (spec or ECS first). */
const PLAIN_TEXT_SECRETS =
  "The MANIFEST says convert. It does convert; the warning is the project's security rule (docs/architecture.md, 'Secret-looking environment values warn') because the value lands in plain text in the task definition and the Terraform state.";

const EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  "awesome-compose__sparkjava__compose.yml": { kind: "convert", check: (r) => expect(service(r, "sparkjava").build?.context).toBe("sparkjava") },
  "compose-v2__pkg__e2e__fixtures__build-test__secrets__compose.yml": {
    kind: "convert",
    allowed: [["ssh", "build.secrets"]],
    note: "The MANIFEST says convert. It converts; build-time secrets are reported as not applicable (they only exist while the image is built, the ECS task never sees them), as the issue's report rules ask.",
  },
  "airflow__docs__apache-airflow__howto__docker-compose__docker-compose.yml": {
    kind: "warnings",
    environment: { AIRFLOW_IMAGE_NAME: "apache/airflow:2.10.4" },
    note: 'The MANIFEST says the default image is the docs placeholder "|version|", invalid unless AIRFLOW_IMAGE_NAME is set. ECS can never register that image, so it is an error in check (a separate test below); with AIRFLOW_IMAGE_NAME set, as the docs tell users to, it converts with these warnings.',
    warnings: [
      ["airflow-webserver", "volumes[0]"],
      ["airflow-webserver", "depends_on.airflow-init"],
      ["redis", "healthcheck.retries"],
    ],
    check: (r) => {
      // Profiles: flower and airflow-cli are only enabled with --profile.
      expect(r.project?.services.map((s) => s.name)).toEqual([
        "airflow-init",
        "airflow-scheduler",
        "airflow-triggerer",
        "airflow-webserver",
        "airflow-worker",
        "postgres",
        "redis",
      ]);
      expect(service(r, "airflow-worker").environment).toMatchObject({ DUMB_INIT_SETSID: "0", AIRFLOW__CORE__EXECUTOR: "CeleryExecutor" });
      expect(service(r, "airflow-scheduler").healthcheck?.test).toEqual(["CMD-SHELL", 'airflow jobs check --job-type SchedulerJob --hostname "${HOSTNAME}"']);
      expect(service(r, "airflow-init").user).toBe("0:0");
      expect(service(r, "airflow-webserver").user).toBe("50000:0");
    },
  },
  "compose-cli__ecs__testdata__invalid_network_mode.yml": { kind: "warnings", warnings: [["simple", "network_mode"]] },
  "compose-go__loader__testdata__compose-include.yml": {
    kind: "warnings",
    warnings: [
      ["imported", "volumes[0]"],
      ["imported", "container_name"],
    ],
    check: (r) => {
      expect(r.project?.services.map((s) => s.name)).toEqual(["bar", "imported"]);
      expect(service(r, "imported").environment).toEqual({ SOURCE: "extends" });
      // extra.env feeds the container, not interpolation: container_name takes the default.
      expect(service(r, "imported").containerName).toBe("imported");
    },
  },
  "compose-go__loader__testdata__extends__reset.yml": {
    kind: "convert",
    check: (r) => {
      expect(service(r, "base").command).toBeUndefined();
      expect(service(r, "base").image).toBe("alpine:latest");
      expect(service(r, "init").command).toEqual(["sleep", "infinity"]);
    },
  },
  "ecs-cli__project_parseV3_test.go__TestParseV3WithOneFile.yml": {
    kind: "warnings",
    warnings: [
      ["wordpress", "privileged"],
      ["wordpress", "devices"],
      ["wordpress", "tmpfs"],
      ["wordpress", "hostname"],
      ["wordpress", "dns"],
      ["wordpress", "security_opt"],
      ["wordpress", "cap_add"],
      ["wordpress", "logging"],
      ["mysql", "extra_hosts"],
    ],
    check: (r) => {
      const wp = service(r, "wordpress");
      expect(wp.command).toEqual(['echo "hello world"']);
      expect(wp.entrypoint).toEqual(["/wordpress/entry"]);
      expect(wp.healthcheck).toMatchObject({ test: ["CMD-SHELL", "curl -f http://localhost || exit 1"], intervalSeconds: 90, timeoutSeconds: 10, retries: 3 });
      expect(wp.stopGracePeriodSeconds).toBe(60);
      expect(wp.volumes).toContainEqual({ type: "tmpfs", target: "/run", readOnly: false, tmpfsSize: 1024 ** 3 });
      expect(wp.ulimits).toEqual([
        { name: "nice", soft: 300, hard: 500 },
        { name: "nofile", soft: 2000, hard: 4000 },
        { name: "rss", soft: 65535, hard: 65535 },
      ]);
      expect(service(r, "mysql").healthcheck).toMatchObject({ test: ["CMD-SHELL", "curl -f http://example.com || exit 1"], intervalSeconds: 105 });
      expect(service(r, "mysql").labels).toEqual({ "com.example.mysql": "mysqllabel", "com.example.mysql2": "anothermysql label" });
    },
  },
  "kompose__script__test__fixtures__env-dotenv__compose.yml": {
    kind: "convert",
    allowed: [
      ["minio", "environment.MINIO_ROOT_PASSWORD"],
      ["minio", "env_file.MINIO_PASSWORD"],
      ["minio", "ports"],
    ],
    note: `${PLAIN_TEXT_SECRETS} Two published ports (9000, 9001): one ALB route per service, so the second is reported as reachable from siblings only.`,
    check: (r) => {
      expect(service(r, "minio").ports.map((p) => [p.published, p.target])).toEqual([
        [9000, 9000],
        [9001, 9001],
      ]);
      expect(service(r, "minio").environment).toMatchObject({ MINIO_ROOT_USER: "rag_flow", TZ: "Asia/Shanghai", MINIO_PORT: "9000" });
    },
  },
  "kompose__script__test__fixtures__envvars-separators__compose.yml": { kind: "error", messages: [/legacy Compose file format \(version 1\)/], lines: [1] },
  "kompose__script__test__fixtures__gitlab__docker-compose.yml": {
    kind: "error",
    messages: [/services\.postgresql\.ports\[0\]: port is empty \(written as "\$DB_PORT"\)/],
    lines: [6],
  },
  "kompose__script__test__fixtures__network-mode-service__compose.yml": {
    kind: "warnings",
    warnings: [
      ["server", "network_mode"],
      ["client", "container_name"],
    ],
  },
  "kompose__script__test__fixtures__v2__compose.yml": {
    kind: "warnings",
    warnings: [
      ["foo", "ports[7]"],
      ["foo", "ports[8]"],
      ["foo", "group_add"],
      ["foo", "restart"],
      ["redis", "ports[1]"],
    ],
    check: (r) => {
      expect(service(r, "foo").deploy.limits.memoryBytes).toBe(10000);
      expect(service(r, "redis").deploy.limits.memoryBytes).toBe(10000 * 1024 ** 2);
      // Ranges stay ranges in the model: "3000" and "3000-3005" are two entries, not seven ports.
      expect(service(r, "foo").ports.filter((p) => p.published === undefined && p.target >= 3000 && p.target <= 3005)).toEqual([
        { target: 3000, protocol: "tcp", entry: 2 },
        { target: 3000, targetEnd: 3005, protocol: "tcp", entry: 3 },
      ]);
      expect(service(r, "foo").ports).toContainEqual({
        target: 5000,
        targetEnd: 5010,
        published: 5000,
        publishedEnd: 5010,
        protocol: "tcp",
        hostIp: "127.0.0.1",
        entry: 8,
      });
    },
  },
  "compose-go__loader__testdata__compose-depends-on-cycle.yml": {
    kind: "error",
    messages: [/dependency cycle: service1 -> service2 -> service3 -> service1/],
    lines: [5],
  },
  "ecs-cli__project_parseV3_test.go__TestThrowErrorOnBadYaml.yml": { kind: "error", messages: [/invalid YAML/, /tabs/i], lines: [6, 8] },
  "kompose__script__test__fixtures__etherpad__docker-compose-no-image.yml": {
    kind: "error",
    messages: [/"mariadb" has neither an image nor a build/, /"etherpad" has neither an image nor a build/],
    lines: [3, 7],
  },
  "awesome-compose__nginx-flask-mysql__compose.yml": {
    kind: "warnings",
    warnings: [["db", "healthcheck.interval"]],
    check: (r) => {
      expect(r.project?.secrets).toEqual([{ name: "db-password", file: "db/password.txt", external: false }]);
      expect(service(r, "db").healthcheck?.test?.[1]).toContain('--password="$(cat /run/secrets/db-password)"');
      expect(service(r, "backend").build).toEqual({ context: "backend" });
    },
  },
  "compose-cli__ecs__cloudformation_test.go__TestMapNetworksToSecurityGroups.yml": {
    kind: "convert",
    allowed: [[undefined, "networks.back-tier.internal"]],
    note: "The MANIFEST says convert. It converts; internal: true is reported as kept with loss because the tasks' security groups still allow HTTPS egress (the peer did not assert on it either).",
    check: (r) =>
      expect(r.project?.networks.map((n) => [n.name, n.internal])).toEqual([
        ["back-tier", true],
        ["front-tier", false],
      ]),
  },
  "compose-v2__pkg__e2e__fixtures__bridge__compose.yml": {
    kind: "warnings",
    warnings: [
      ["serviceA", "configs"],
      ["serviceA", "security_opt"],
      [undefined, "networks.private-network.internal"],
    ],
  },
  "kompose__script__test__fixtures__v3.0__compose.yml": {
    kind: "warnings",
    warnings: [
      [undefined, "networks.app"],
      [undefined, "networks.web"],
      ["redis", "healthcheck.timeout"],
    ],
    check: (r) => {
      expect(service(r, "foo").command).toEqual(["sh", "-c", "echo Hello Foo"]);
      expect(service(r, "foo").networks).toEqual(["app", "normalized_network", "web"]);
      expect(service(r, "redis").healthcheck?.test).toEqual(["CMD-SHELL", 'echo "hello world"']);
    },
  },
  "awesome-compose__plex__compose.yml": {
    kind: "warnings",
    warnings: [
      ["plex", "network_mode"],
      ["plex", "volumes[0]"],
    ],
    check: (r) => expect(service(r, "plex").volumes[0]).toMatchObject({ type: "bind", source: "/media/your/plex/path", target: "/media/" }),
  },
  "awesome-compose__portainer__compose.yml": {
    kind: "warnings",
    warnings: [
      ["portainer", "volumes[0]"],
      ["portainer", "container_name"],
    ],
  },
  "compose-cli__ecs__cloudformation_test.go__TestTaskSizeConvert_1.yml": {
    kind: "convert",
    check: (r) => expect(service(r, "test").deploy.limits).toEqual({ cpus: 0.5, memoryBytes: 2048 * 1024 ** 2 }),
  },
  "compose-cli__ecs__testdata__input__simple-single-service.yml": { kind: "convert" },
  "kompose__script__test__fixtures__host-port-protocol__compose.yml": {
    kind: "convert",
    check: (r) => expect(service(r, "nginx").ports).toEqual([{ target: 80, published: 80, protocol: "tcp", entry: 0 }]),
  },
  "kompose__script__test__fixtures__volume-mounts__tmpfs__docker-compose.yml": { kind: "warnings", warnings: [["redis-master", "tmpfs"]] },
  "kompose__script__test__fixtures__controller__compose-global.yml": {
    kind: "warnings",
    warnings: [["worker", "deploy.mode"]],
    check: (r) => expect(service(r, "worker").deploy.mode).toBe("global"),
  },
  "voting-app__docker-stack.yml": {
    kind: "warnings",
    warnings: [
      ["db", "deploy.placement"],
      ["visualizer", "volumes[0]"],
      ["redis", "deploy.update_config"],
      ["worker", "deploy.labels"],
      ["worker", "deploy.restart_policy"],
    ],
    check: (r) => expect(service(r, "visualizer").stopGracePeriodSeconds).toBe(90),
  },
  "awesome-compose__gitea-postgres__compose.yml": {
    kind: "convert",
    allowed: [
      ["gitea", "environment.DB_PASSWD"],
      ["db", "environment.POSTGRES_PASSWORD"],
    ],
    note: PLAIN_TEXT_SECRETS,
    check: (r) => expect(r.project?.volumes.map((v) => v.name)).toEqual(["db_data", "git_data"]),
  },
  "kompose__script__test__fixtures__volume-mounts__volumes-from__docker-compose.yml": {
    kind: "warnings",
    warnings: [
      ["nginx", "volumes_from"],
      ["web", "volumes[0]"],
    ],
  },
  "awesome-compose__nginx-golang-postgres__compose.yml": { kind: "warnings", warnings: [["proxy", "volumes[0]"]] },
  "awesome-compose__traefik-golang__compose.yml": { kind: "warnings", warnings: [["frontend", "volumes[0]"]] },
  "awesome-compose__wordpress-mysql__compose.yml": {
    kind: "convert",
    allowed: [
      ["db", "environment.MYSQL_PASSWORD"],
      ["db", "environment.MYSQL_ROOT_PASSWORD"],
      ["wordpress", "environment.WORDPRESS_DB_PASSWORD"],
    ],
    note: PLAIN_TEXT_SECRETS,
  },
  "compose-cli__ecs__e2e__ecs__multi_port_secrets.yml": {
    kind: "convert",
    check: (r) =>
      expect(r.report.find((e) => e.service === "websecrets" && e.key === "secrets")).toMatchObject({
        status: "mapped",
        detail: expect.stringContaining("/run/secrets/"),
      }),
  },
  "voting-app__compose.yml": {
    kind: "warnings",
    warnings: [
      ["vote", "volumes[0]"],
      ["result", "volumes[0]"],
      ["redis", "volumes[0]"],
      ["result", "ports"],
    ],
  },
};

interface ManifestRow {
  readonly file: string;
  readonly originalPath: string;
  readonly expectation: string;
  readonly companions: readonly { readonly stored: string; readonly original: string }[];
}

function readManifest(): ManifestRow[] {
  const lines = fs.readFileSync(path.join(CORPUS, "MANIFEST.tsv"), "utf8").trim().split("\n");
  const header = (lines[0] ?? "").split("\t");
  const col = (name: string): number => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const cells = line.split("\t");
    const companions = (cells[col("companions")] ?? "-")
      .split(";")
      .map((c) => /^\s*(\S+) <= (\S+?)@\S+\s*$/.exec(c))
      .filter((m): m is RegExpExecArray => m !== null && !(m[1] ?? "").includes(".expected."))
      .map((m) => ({ stored: m[1] as string, original: m[2] as string }));
    return { file: cells[col("file")] ?? "", originalPath: cells[col("path")] ?? "", expectation: cells[col("expectation")] ?? "", companions };
  });
}

/** The file under its original name (ecs-cli's are Go test snippets: docker-compose.yml), companions beside it. */
function restore(row: ManifestRow): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compose2ecs-corpus-"));
  const originalDir = path.posix.dirname(row.originalPath);
  const name = row.originalPath.includes("#") ? "docker-compose.yml" : path.posix.basename(row.originalPath);
  const target = path.join(dir, name);
  fs.copyFileSync(path.join(CORPUS, "visible", row.file), target);
  for (const c of row.companions) {
    const dest = path.join(dir, path.posix.relative(originalDir, c.original));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(path.join(CORPUS, "visible", c.stored), dest);
  }
  return target;
}

const warningMatches = (result: LoadResult, [svc, key]: Named): boolean => {
  const prefix = svc === undefined ? key : `services.${svc}.${key}`;
  return result.diagnostics.some((d) => d.severity === "warning" && (d.path === prefix || d.path.startsWith(`${prefix}.`) || d.path.startsWith(`${prefix}[`)));
};

describe("visible corpus", () => {
  test("GIVEN the shared folder WHEN the corpus tests start THEN it is there (CI clones shared/ beside the repo or sets COMPOSE2ECS_SHARED_DIR)", () => {
    if (!fs.existsSync(path.join(CORPUS, "MANIFEST.tsv"))) {
      throw new Error(`corpus not found at ${CORPUS}: put the shared folder beside the repository or set COMPOSE2ECS_SHARED_DIR`);
    }
  });

  const rows = fs.existsSync(path.join(CORPUS, "MANIFEST.tsv")) ? readManifest() : [];

  test("GIVEN the MANIFEST WHEN compared with this test's table THEN every visible file has an expectation of the same kind", () => {
    expect(rows.length).toBeGreaterThan(0);
    const kinds = rows.map((r) => [r.file, /^convert-with-warnings/.test(r.expectation) ? "warnings" : /^convert/.test(r.expectation) ? "convert" : "error"]);
    const ours = rows.map((r) => [r.file, EXPECTATIONS[r.file]?.kind ?? "missing"]);
    expect(ours).toEqual(kinds);
  });

  // With no corpus the table still has one row, so the run fails with the reason instead of an empty-table error.
  const table: (readonly [string, ManifestRow | undefined])[] = rows.length > 0 ? rows.map((r) => [r.file, r] as const) : [["(corpus missing)", undefined]];
  test.each(table)("%s", (_file, row) => {
    if (row === undefined) throw new Error(`corpus not found at ${CORPUS}`);
    const expectation = EXPECTATIONS[row.file];
    if (expectation === undefined) throw new Error(`no expectation for ${row.file}`);
    const composeFile = restore(row);
    const result = check({
      files: [composeFile],
      workingDir: path.dirname(composeFile),
      environment: expectation.kind === "warnings" ? (expectation.environment ?? {}) : {},
    });
    const errors = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    if (expectation.kind === "error") {
      expect(result.project).toBeUndefined();
      expect(errors.length).toBeGreaterThan(0);
      for (const message of expectation.messages) expect(errors.join("\n")).toMatch(message);
      // Every message names the file; where there is a line, it is the right one.
      const name = path.basename(composeFile);
      for (const e of errors) expect(e).toContain(name);
      for (const line of expectation.lines ?? []) expect(errors.some((e) => e.includes(`${name}:${line}:`))).toBe(true);
      expect(errors.join("\n")).not.toMatch(/\n\s+at /);
      return;
    }
    expect(errors).toEqual([]);
    expect(result.project).toBeDefined();
    if (expectation.kind === "warnings") {
      for (const named of expectation.warnings) expect([named, warningMatches(result, named)]).toEqual([named, true]);
    } else {
      const unexplained = result.diagnostics.filter(
        (d) => d.severity === "warning" && !(expectation.allowed ?? []).some(([svc, key]) => d.path === (svc === undefined ? key : `services.${svc}.${key}`)),
      );
      expect(unexplained.map(formatDiagnostic)).toEqual([]);
    }
    expectation.check?.(result);
  });

  test("GIVEN the airflow file without AIRFLOW_IMAGE_NAME WHEN checked THEN the docs placeholder image is an error at its line (ECS could never register it)", () => {
    const row = rows.find((r) => r.file === "airflow__docs__apache-airflow__howto__docker-compose__docker-compose.yml");
    if (row === undefined) throw new Error("airflow file missing from the MANIFEST");
    const composeFile = restore(row);
    const result = check({ files: [composeFile], workingDir: path.dirname(composeFile), environment: {} });
    expect(result.project).toBeUndefined();
    expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(
        /docker-compose\.yaml:\d+:\d+ services\.airflow-init\.image: "apache\/airflow:\|version\|" is not an image reference ECS can register/,
      ),
    );
  });

  test("GIVEN the gitlab fixture WHEN its companion variables are exported THEN it converts (the MANIFEST's second half)", () => {
    const row = rows.find((r) => r.file === "kompose__script__test__fixtures__gitlab__docker-compose.yml");
    if (row === undefined) throw new Error("gitlab fixture missing from the MANIFEST");
    const composeFile = restore(row);
    const envs = fs.readFileSync(path.join(path.dirname(composeFile), "envs"), "utf8");
    const environment = Object.fromEntries(
      envs
        .trim()
        .split("\n")
        .map((l) => l.split("=") as [string, string]),
    );
    const result = check({ files: [composeFile], workingDir: path.dirname(composeFile), environment });
    expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(service(result, "redis").ports).toEqual([{ target: 6379, protocol: "tcp", entry: 0 }]);
  });
});
