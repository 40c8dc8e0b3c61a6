import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureOutput, runCli } from "../helpers/run-cli";
import { main as verifyMain } from "../../verify/cli";
import { readCompose } from "../../verify/compose-reader";
import { deploymentsOf } from "../../verify/deployments";
import { Finding, verifyAppEnvironment } from "../../verify/promises";
import { blockList, JsonObject, Terraform, TfBlock } from "../../verify/terraform";

/**
 * Negative controls: the real synth output of a small project on which the generator already keeps
 * every promise, then one thing taken away at a time. Each time the verifier must name exactly the
 * promise that broke, and nothing else.
 */

const COMPOSE = `name: shop
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    environment:
      DATABASE_URL: postgres://shop:secret@db:5432/shop
    depends_on: [db]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:80/healthz"]
    x-ecs:
      path: /
  db:
    image: postgres:16
    expose: ["5432"]
    volumes:
      - dbdata:/var/lib/postgresql/data
    deploy:
      update_config:
        order: stop-first
volumes:
  dbdata:
`;

type Stacks = Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>;

let root = "";
let projectDir = "";
let outDir = "";
const pristine: Stacks = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "verify-negative-"));
  projectDir = join(root, "shop");
  mkdirSync(join(projectDir, "environments"), { recursive: true });
  writeFileSync(join(projectDir, "docker-compose.yml"), COMPOSE);
  writeFileSync(join(projectDir, "environments", "production.yml"), "region: eu-west-1\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\n");
  const out = join(root, "out");
  outDir = out;
  const synth = await runCli(["synth", "-C", projectDir, "-f", "docker-compose.yml", "--env", "production", "--out", out]);
  if (synth.code !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  for (const stack of readdirSync(join(out, "stacks")))
    pristine[stack] = JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as Stacks[string];
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function copy(): Stacks {
  return JSON.parse(JSON.stringify(pristine)) as Stacks;
}

function verify(stacks: Stacks): Finding[] {
  const project = readCompose({ files: [join(projectDir, "docker-compose.yml")] });
  const tf = new Terraform(stacks as unknown as Record<string, JsonObject>);
  return [...verifyAppEnvironment({ app: "shop", env: "production", project, tf }).findings];
}

const failing = (findings: readonly Finding[]) => findings.filter((f) => f.status !== "hold").map((f) => [f.kind, f.service, f.subject]);

/** The app stack's blocks, through the verifier's own reader (the same way the checks see them). */
function view(stacks: Stacks): { tf: Terraform; app: string; deployment: (name: string) => TfBlock } {
  const tf = new Terraform(stacks as unknown as Record<string, JsonObject>);
  const app = Object.keys(stacks).find((s) => stacks[s]?.resource?.aws_ecs_service !== undefined) ?? "";
  const deployments = deploymentsOf(tf, app, new Set(["web", "db"]));
  return {
    tf,
    app,
    deployment: (name) => {
      const d = deployments.get(name);
      if (d === undefined) throw new Error(`${name} is not deployed`);
      return d.service;
    },
  };
}

function remove(stacks: Stacks, block: TfBlock): void {
  const group = stacks[block.stack]?.[block.mode]?.[block.type];
  if (group === undefined || group[block.name] === undefined) throw new Error(`cannot remove ${block.address}`);
  delete group[block.name];
}

describe("negative controls: the verifier names exactly what was taken away", () => {
  test("GIVEN the untouched synth output WHEN verified THEN every promise holds, and each kind under test is there", () => {
    const findings = verify(copy());
    expect(failing(findings)).toEqual([]);
    expect(findings.map((f) => [f.kind, f.service, f.subject])).toEqual(
      expect.arrayContaining([
        ["name-resolves", "web", "db"],
        ["sg-admits", "web", "db:5432"],
        ["served-at-root", "web", "/"],
        ["health-check-path", "web", "80 /healthz"],
        ["stateful-one-task", "db", "dbdata"],
        ["stateful-on-efs", "db", "dbdata -> /var/lib/postgresql/data"],
      ]),
    );
  });

  test("GIVEN the ingress rule that admits web on db's port is deleted WHEN verified THEN only web -> db:5432 breaks, naming the groups and the port", () => {
    const stacks = copy();
    const { tf, deployment } = view(stacks);
    const dbGroups = new Set(
      tf.resolveAll(deployment("db").stack, blockList(deployment("db").body.network_configuration)[0]?.security_groups).map((g) => g.address),
    );
    // The network's own all-ports rule (aws_security_group_rule, self) and any per-port rule on db's groups.
    const admitting = [
      ...tf.allResources("aws_vpc_security_group_ingress_rule"),
      ...tf.allResources("aws_security_group_rule").filter((r) => r.body.type === "ingress"),
    ]
      .filter((r) => tf.resolveAll(r.stack, r.body.security_group_id).some((g) => dbGroups.has(g.address)))
      .filter((r) => (r.body.ip_protocol ?? r.body.protocol) === "-1" || (Number(r.body.from_port) <= 5432 && 5432 <= Number(r.body.to_port)));
    expect(admitting.length).toBeGreaterThan(0);
    for (const r of admitting) remove(stacks, r);
    const findings = verify(stacks);
    expect(failing(findings)).toEqual([["sg-admits", "web", "db:5432"]]);
    expect(findings.find((f) => f.kind === "sg-admits")?.detail).toMatch(/^no ingress rule on sg .*db.* admits sg .*web.* on tcp\/5432$/);
  });

  test("GIVEN the Cloud Map service named db is deleted WHEN verified THEN only the name db stops resolving for web", () => {
    const stacks = copy();
    const { tf, app, deployment } = view(stacks);
    const named = tf.allResources("aws_service_discovery_service").filter((d) => d.body.name === "db");
    expect(named).toHaveLength(1);
    for (const d of named) remove(stacks, d);
    delete (stacks[app]?.resource?.aws_ecs_service?.[deployment("db").name] ?? {}).service_connect_configuration;
    const findings = verify(stacks);
    expect(failing(findings)).toEqual([["name-resolves", "web", "db"]]);
    expect(findings.find((f) => f.kind === "name-resolves")?.detail).toMatch(/no Cloud Map service is named "db"/);
  });

  test("GIVEN the listener rule routing to web is deleted WHEN verified THEN only 'served at /' breaks", () => {
    const stacks = copy();
    const { tf, deployment } = view(stacks);
    const groups = new Set(
      blockList(deployment("web").body.load_balancer).flatMap((lb) => tf.resolveAll(deployment("web").stack, lb.target_group_arn).map((g) => g.address)),
    );
    const rules = tf
      .allResources("aws_lb_listener_rule")
      .filter((r) => blockList(r.body.action).some((a) => tf.resolveAll(r.stack, a.target_group_arn).some((g) => groups.has(g.address))));
    expect(rules).toHaveLength(1);
    for (const r of rules) remove(stacks, r);
    const findings = verify(stacks);
    expect(failing(findings)).toEqual([["served-at-root", "web", "/"]]);
    expect(findings.find((f) => f.kind === "served-at-root")?.detail).toMatch(/only web service but is routed only under no listener rule/);
  });

  test("GIVEN db's deployment maximum is bumped to 200 % WHEN verified THEN only 'never two tasks on the volume' breaks", () => {
    const stacks = copy();
    const { app, deployment } = view(stacks);
    const body = stacks[app]?.resource?.aws_ecs_service?.[deployment("db").name];
    if (body === undefined) throw new Error("db service missing");
    expect(body.deployment_maximum_percent).toBeLessThanOrEqual(100);
    body.deployment_maximum_percent = 200;
    const findings = verify(stacks);
    expect(failing(findings)).toEqual([["stateful-one-task", "db", "dbdata"]]);
    expect(findings.find((f) => f.kind === "stateful-one-task")?.detail).toMatch(/deployment_maximum_percent 200/);
  });

  test("GIVEN db's port is added as an ALB HTTP target WHEN verified THEN only 'no TCP server behind HTTP' breaks", () => {
    const stacks = copy();
    const { app, deployment } = view(stacks);
    const resources = stacks[app]?.resource;
    const body = resources?.aws_ecs_service?.[deployment("db").name];
    if (resources === undefined || body === undefined) throw new Error("db service missing");
    resources.aws_lb_target_group = { ...resources.aws_lb_target_group, db_http: { port: 5432, protocol: "HTTP", target_type: "ip", vpc_id: "vpc-1" } };
    body.load_balancer = [{ container_name: "db", container_port: 5432, target_group_arn: "${aws_lb_target_group.db_http.arn}" }];
    const findings = verify(stacks);
    expect(failing(findings)).toEqual([["tcp-not-http", "db", "5432/tcp"]]);
    expect(findings.find((f) => f.kind === "tcp-not-http")?.detail).toMatch(
      /db:5432 is tcp \(PostgreSQL speaks tcp on 5432\) but aws_lb_target_group\.db_http is an ALB HTTP target group/,
    );
  });

  test("GIVEN the CLI WHEN run on the untouched output and on one with db's ingress rules removed THEN it exits 0, then 1 naming the broken promise", async () => {
    const ok = await captureOutput(async () => verifyMain([outDir, "-f", join(projectDir, "docker-compose.yml")]));
    expect([ok.result, ok.stdout]).toEqual([0, expect.stringContaining("1 of 1 app-environments keep their promises")]);
    const stacks = copy();
    const { tf, deployment } = view(stacks);
    const dbGroups = new Set(
      tf.resolveAll(deployment("db").stack, blockList(deployment("db").body.network_configuration)[0]?.security_groups).map((g) => g.address),
    );
    const ingress = [
      ...tf.allResources("aws_vpc_security_group_ingress_rule"),
      ...tf.allResources("aws_security_group_rule").filter((x) => x.body.type === "ingress"),
    ];
    for (const r of ingress.filter((x) => tf.resolveAll(x.stack, x.body.security_group_id).some((g) => dbGroups.has(g.address)))) remove(stacks, r);
    const broken = join(outDir, "..", "broken");
    for (const [stack, json] of Object.entries(stacks)) {
      mkdirSync(join(broken, "stacks", stack), { recursive: true });
      writeFileSync(join(broken, "stacks", stack, "cdk.tf.json"), JSON.stringify(json));
    }
    const bad = await captureOutput(async () => verifyMain([broken, "-f", join(projectDir, "docker-compose.yml")]));
    expect(bad.result).toBe(1);
    expect(bad.stdout).toMatch(
      /broken +sg-admits +web +db:5432 +no ingress rule on sg .* on tcp\/5432 \[docker-compose\.yml:8 DATABASE_URL; docker-compose\.yml:9 depends_on\]/,
    );
    expect(bad.stdout).toContain("0 of 1 app-environments keep their promises");
  });
});
