import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "../../compose/load";
import { JsonValue } from "../../compose/model";
import { terraform } from "../../terraform/run";
import { runCli } from "../helpers/run-cli";
import { terraformEnv } from "./terraform-harness";

/**
 * User text reaches Terraform literally. Every free-text field of the compose model carries a
 * payload that Terraform would evaluate if it were not escaped (`${path.cwd}`, a `%{if}`
 * directive, and an already-escaped `$${y}`); the synthesized JSON is then evaluated by
 * Terraform itself and each value must equal the text compose produced.
 */

/** What compose produces from the source text below: `$$` has become `$`. */
const PAYLOAD = "P${path.cwd}%{if true}x%{endif}$${y}Q";
/** The same text as written in a compose file (compose's own `$$` escape). */
const IN_COMPOSE = "P$${path.cwd}%{if true}x%{endif}$$$${y}Q";

const COMPOSE = `
name: literal
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    command: ["sh", "-c", "echo ${IN_COMPOSE}"]
    entrypoint: ["/docker-entrypoint.sh", "${IN_COMPOSE}"]
    environment:
      MESSAGE: "${IN_COMPOSE}"
    env_file: [web.env]
    labels:
      com.example.note: "${IN_COMPOSE}"
    healthcheck:
      test: ["CMD-SHELL", "curl -f http://localhost:80/${IN_COMPOSE} || exit 1"]
    user: "${IN_COMPOSE}"
    working_dir: "/srv/${IN_COMPOSE}"
    hostname: "${IN_COMPOSE}"
    container_name: "${IN_COMPOSE}"
    logging:
      driver: json-file
      options:
        tag: "${IN_COMPOSE}"
    deploy:
      labels:
        com.example.deploy: "${IN_COMPOSE}"
`;

/** env_file values in single quotes are literal (no compose interpolation). */
const ENV_FILE = `FROM_FILE='${PAYLOAD}'\n`;

/**
 * Every model path that holds the payload, and where it goes. A new free-text field in the
 * model fails the classification test until it is listed here.
 */
const RENDERED = [
  "command[]",
  "entrypoint[]",
  "environment.MESSAGE",
  "environment.FROM_FILE",
  "labels.com.example.note",
  "healthcheck.test[]",
  "user",
  "workingDir",
];
// hostname carries the payload in the compose file too, but the model does not keep it (nothing
// on ECS renders it; the report says so), so it cannot leak.
const NOT_RENDERED: Readonly<Record<string, string>> = {
  containerName: "ECS names containers after the compose service",
  "logging.options.tag": "logs go to CloudWatch through awslogs; compose logging options are reported, not rendered",
  "unmodelled.deploy.labels.com.example.deploy":
    "deploy labels belong to the swarm service, which ECS has no place for: kept for the report's reason, never rendered",
};

function payloadPaths(value: JsonValue | undefined, path: string, out: string[]): void {
  if (typeof value === "string") {
    if (value.includes(PAYLOAD)) out.push(path.replace(/\[\d+\]/g, "[]"));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => payloadPaths(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) payloadPaths(v, path === "" ? k : `${path}.${k}`, out);
  }
}

/** Every string of the synthesized JSON that carries the payload, with where it is. */
function payloadStrings(value: unknown, where: string, out: { where: string; text: string }[]): void {
  if (typeof value === "string") {
    if (value.includes("P$${path.cwd}")) out.push({ where, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => payloadStrings(v, `${where}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) payloadStrings(v, `${where}.${k}`, out);
  }
}

/** References the constructs add between resources stay live; outside a stack they cannot resolve, so they become a marker. */
function withoutReferences(text: string): string {
  return text.replace(/(?<!\$)\$\{(?:aws_|data\.)[^}]*\}/g, "REF");
}

describe("Terraform sees user text literally", () => {
  const root = mkdtempSync(join(tmpdir(), "compose2ecs-literal-"));
  const project = join(root, "project");
  mkdirSync(project);
  writeFileSync(join(project, "compose.yaml"), COMPOSE);
  writeFileSync(join(project, "web.env"), ENV_FILE);
  mkdirSync(join(project, "environments"));
  writeFileSync(join(project, "environments", "literal.yml"), "region: eu-west-1\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\n");

  test("GIVEN a compose file with the payload in every free-text field WHEN loaded THEN each field holding it is classified (rendered or not, with the reason)", () => {
    const loaded = load({ files: [join(project, "compose.yaml")], workingDir: project, environment: {} });
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const web = loaded.project?.services.find((s) => s.name === "web");
    const found: string[] = [];
    payloadPaths(web as unknown as JsonValue, "", found);
    expect([...new Set(found)].sort()).toEqual([...RENDERED, ...Object.keys(NOT_RENDERED)].sort());
  });

  test("GIVEN the synthesized stacks WHEN Terraform evaluates every string that carries the payload THEN each is exactly the compose text", async () => {
    const out = join(root, "out");
    const synth = await runCli(["synth", "-C", project, "--env", "literal", "--out", out]);
    expect([synth.code, synth.code === 0 ? "" : synth.stderr]).toEqual([0, ""]);
    const json = JSON.parse(readFileSync(join(out, "stacks", "literal-app", "cdk.tf.json"), "utf8")) as unknown;
    const strings: { where: string; text: string }[] = [];
    payloadStrings(json, "", strings);
    // command, entrypoint, 2 environment values, label, health check, user, working directory: all in the container definitions.
    expect(strings.length).toBeGreaterThan(0);
    expect(JSON.stringify(json)).not.toMatch(/(?<!\$)\$\{path\.cwd\}/);

    // Terraform evaluates JSON strings as templates the same way everywhere; outputs need no provider.
    const work = join(root, "evaluate");
    mkdirSync(work);
    const outputs: Record<string, { value: string }> = {};
    strings.forEach((s, i) => (outputs[`s${i}`] = { value: withoutReferences(s.text) }));
    writeFileSync(join(work, "main.tf.json"), JSON.stringify({ output: outputs }));
    const env = terraformEnv();
    const apply = await terraform(["apply", "-auto-approve", "-input=false"], { cwd: work, env });
    expect([apply.code, apply.stderr]).toEqual([0, ""]);
    const shown = await terraform(["output", "-json"], { cwd: work, env });
    const values = JSON.parse(shown.stdout) as Record<string, { value: string }>;

    const containers = JSON.parse(values[`s${strings.findIndex((s) => s.where.includes("container_definitions"))}`]?.value ?? "[]") as {
      name: string;
      command?: string[];
      entryPoint?: string[];
      environment: { name: string; value: string }[];
      dockerLabels?: Record<string, string>;
      healthCheck?: { command: string[] };
      user?: string;
      workingDirectory?: string;
    }[];
    const web = containers.find((c) => c.name === "web");
    expect(web?.command).toEqual(["sh", "-c", `echo ${PAYLOAD}`]);
    expect(web?.entryPoint).toEqual(["/docker-entrypoint.sh", PAYLOAD]);
    expect(web?.environment).toEqual(
      expect.arrayContaining([
        { name: "MESSAGE", value: PAYLOAD },
        { name: "FROM_FILE", value: PAYLOAD },
      ]),
    );
    expect(web?.dockerLabels?.["com.example.note"]).toBe(PAYLOAD);
    expect(web?.healthCheck?.command).toEqual(["CMD-SHELL", `curl -f http://localhost:80/${PAYLOAD} || exit 1`]);
    expect(web?.user).toBe(PAYLOAD);
    expect(web?.workingDirectory).toBe(`/srv/${PAYLOAD}`);
    // Every other string that carried the payload keeps it literally too.
    for (const [i, s] of strings.entries()) expect([s.where, values[`s${i}`]?.value.includes(PAYLOAD)]).toEqual([s.where, true]);
  });

  test.each([
    ["x-ecs path", "    x-ecs:\n      path: /a${x}\n", "services.web.x-ecs.path"],
    ["x-ecs host", "    x-ecs:\n      host: a${x}.example.com\n", "services.web.x-ecs.host"],
    ["x-ecs healthCheckPath", "    x-ecs:\n      healthCheckPath: /a${x}\n", "services.web.x-ecs.healthCheckPath"],
  ])("GIVEN %s with a template WHEN checked THEN it is refused at its key (hosts and paths are validated, never evaluated)", async (_label, extra, path) => {
    const dir = mkdtempSync(join(tmpdir(), "compose2ecs-literal-key-"));
    writeFileSync(join(dir, "compose.yaml"), `services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n${extra.replace("${x}", () => "$${x}")}`);
    const result = await runCli(["check", "-f", join(dir, "compose.yaml")]);
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toContain(path);
  });
});
