import { formatDiagnostic } from "../../compose/diagnostics";
import { ServiceOverride } from "../../compose/model";
import { mergeOverrides, parseServiceOverride } from "../../compose/x-ecs";
import { parseEnvironment } from "../../config/load-environment";
import { environmentSchema } from "../../schema/schema-options";
import { loadProject, messages } from "./helpers";

/**
 * `x-ecs` on a compose service and `services.<name>` in an environment file are one
 * definition (schema/environment.schema.json `$defs/serviceOverride`) with two users.
 */

/** A valid value for every key of the definition, as YAML flow text, and what it reads as. */
const SAMPLES: Readonly<Record<string, readonly [string, ServiceOverride]>> = {
  replicas: ["3", { replicas: 3 }],
  cpu: ["512", { cpu: 512 }],
  memory: ["1024", { memory: 1024 }],
  path: ["/api", { path: "/api" }],
  host: ["api.example.com", { host: "api.example.com" }],
  healthCheckPath: ["/healthz", { healthCheckPath: "/healthz" }],
  port: ["8080", { port: 8080 }],
  public: ["false", { public: false }],
  autoscaling: [
    "{min: 1, max: 4, cpu: 60, requests: 100}",
    { autoscaling: { minCapacity: 1, maxCapacity: 4, targetCpuPercent: 60, targetRequestsPerTarget: 100 } },
  ],
  stateful: ["true", { stateful: true }],
  secretEnvironment: [
    "{DB_PASSWORD: secretsmanager, API_TOKEN: {from: ssm, name: /shop/api-token}, SMTP_PASSWORD: {from: secretsmanager, name: prod/smtp}}",
    {
      secretEnvironment: {
        API_TOKEN: { from: "ssm", name: "/shop/api-token" },
        DB_PASSWORD: { from: "secretsmanager" },
        SMTP_PASSWORD: { from: "secretsmanager", name: "prod/smtp" },
      },
    },
  ],
  taskRole: [
    "{policies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess], statements: [{Effect: Allow, Action: [sqs:SendMessage], Resource: [arn:aws:sqs:eu-west-1:123456789012:jobs]}]}",
    {
      taskRole: {
        policies: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        statements: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:eu-west-1:123456789012:jobs"] }],
      },
    },
  ],
  access: ["declared-ports", { access: "declared-ports" }],
  protocol: ["{5432: tcp, 8080: http}", { protocol: { 5432: "tcp", 8080: "http" } }],
  loadBalancer: ["network", { loadBalancer: "network" }],
  egress: [
    "[{ports: [587, 2525], cidrs: [0.0.0.0/0]}, {ports: [514], cidrs: [10.1.0.0/16], protocol: udp}]",
    {
      egress: [
        { ports: [587, 2525], cidrs: ["0.0.0.0/0"], protocol: "tcp" },
        { ports: [514], cidrs: ["10.1.0.0/16"], protocol: "udp" },
      ],
    },
  ],
};

function definitionKeys(): string[] {
  const defs = environmentSchema().$defs as Record<string, { properties: Record<string, unknown> }>;
  return Object.keys(defs.serviceOverride?.properties ?? {});
}

function fromCompose(body: string) {
  const result = loadProject({ "compose.yaml": `services:\n  web:\n    image: x\n    x-ecs: ${body}\n` });
  return { errors: messages(result).map((m) => m.replace(/^.*compose\.yaml:\d+:\d+ services\.web\.x-ecs\.?/, "")), ecs: result.project?.services[0]?.ecs };
}

function fromEnvironment(body: string) {
  const result = parseEnvironment("qa", `services:\n  web: ${body}\n`, "environments/qa.yml");
  return {
    errors: result.diagnostics.map(formatDiagnostic).map((m) => m.replace(/^environments\/qa\.yml:\d+:\d+ services\.web\.?/, "")),
    ecs: result.env?.services.web,
  };
}

describe("one definition for x-ecs and environment overrides", () => {
  test("GIVEN the schema definition THEN every key has a sample here (add one with a new key)", () => {
    expect(definitionKeys().sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  test.each(Object.entries(SAMPLES))("GIVEN %s WHEN set in x-ecs and in an environment THEN both read it the same way", (key, [yaml, expected]) => {
    const compose = fromCompose(`{${key}: ${yaml}}`);
    const env = fromEnvironment(`{${key}: ${yaml}}`);
    expect(compose).toEqual({ errors: [], ecs: expected });
    expect(env).toEqual({ errors: [], ecs: expected });
  });

  test.each([
    [
      "a near miss",
      "{replica: 2}",
      "replica: unknown key (did you mean replicas?); allowed: replicas, cpu, memory, path, host, healthCheckPath, port, public, autoscaling, stateful, secretEnvironment, taskRole",
    ],
    [
      "a secret variable from a store that does not exist",
      "{secretEnvironment: {DB_PASSWORD: vault}}",
      'secretEnvironment.DB_PASSWORD: must be one of secretsmanager, ssm, got "vault"',
    ],
    [
      "an SSM parameter without a name",
      "{secretEnvironment: {DB_PASSWORD: {from: ssm}}}",
      "secretEnvironment.DB_PASSWORD: an SSM parameter is not created here",
    ],
    ["a variable name with a dash", "{secretEnvironment: {DB-PASSWORD: secretsmanager}}", "secretEnvironment.DB-PASSWORD: is not an environment variable name"],
    ["a managed policy that is not an ARN", "{taskRole: {policies: [AmazonS3FullAccess]}}", "taskRole.policies[0]: not a managed policy ARN"],
    [
      "a statement with a bad action",
      "{taskRole: {statements: [{Effect: Allow, Action: [s3-GetObject], Resource: ['*']}]}}",
      "taskRole.statements[0].Action[0]: not an IAM action",
    ],
    [
      "a statement with a bad resource",
      "{taskRole: {statements: [{Effect: Allow, Action: [s3:GetObject], Resource: [my-bucket]}]}}",
      "taskRole.statements[0].Resource[0]: not an ARN",
    ],
    [
      "writes on every resource",
      "{taskRole: {statements: [{Effect: Allow, Action: [s3:PutObject, s3:GetObject], Resource: '*'}]}}",
      'taskRole.statements[0].Resource: allows s3:PutObject on every resource ("*")',
    ],
    ["a number out of range", "{cpu: 64}", "cpu: must be between 128 and 16384, got 64"],
    ["a path without a slash", "{path: api}", 'path: not a URL path starting with "/"'],
    ["an upper-case host", "{host: API.example.com}", 'host: not a lower-case DNS host name (optionally starting with "*."): "API.example.com"'],
    ["a text where true or false goes", "{public: 'no'}", 'public: must be true or false, got "no"'],
    ["autoscaling bounds the wrong way round", "{autoscaling: {min: 4, max: 2, cpu: 50}}", "autoscaling.min: min (4) must not exceed max (2)"],
    [
      "autoscaling without a target",
      "{autoscaling: {min: 1, max: 2}}",
      "autoscaling: needs at least one target: cpu, memory (percent) or requests (per target)",
    ],
    ["autoscaling without max", "{autoscaling: {min: 1, cpu: 50}}", "autoscaling: max is required"],
    ["a list", "[1]", "must be a mapping with keys replicas, cpu, memory"],
    ["an unknown access mode", "{access: strict}", "access: must be one of compose, declared-ports"],
    ["an unknown protocol", "{protocol: smtp}", "protocol: not http, https or tcp (or a mapping of container ports to them)"],
    ["a protocol map keyed by a name", "{protocol: {web: http}}", "protocol.web: is not a container port"],
    ["a load balancer map with an unknown kind", "{loadBalancer: {5432: application}}", "loadBalancer.5432: must be one of network, internal"],
    ["an egress rule without CIDRs", "{egress: [{ports: [587]}]}", "egress[0]: cidrs is required"],
    ["an egress rule without ports", "{egress: [{ports: [], cidrs: [0.0.0.0/0]}]}", "egress[0].ports: needs at least 1 item, got 0"],
    [
      "an egress CIDR with host bits",
      "{egress: [{ports: [587], cidrs: [10.1.2.3/16]}]}",
      'egress[0].cidrs[0]: host bits are set in "10.1.2.3/16"; the network is 10.1.0.0/16',
    ],
    ["an egress CIDR that is no CIDR", "{egress: [{ports: [587], cidrs: [anywhere]}]}", 'egress[0].cidrs[0]: not a CIDR: "anywhere"'],
  ])("GIVEN %s WHEN set in x-ecs and in an environment THEN both say the same", (_what, body, expected) => {
    const compose = fromCompose(body);
    const env = fromEnvironment(body);
    expect(compose.errors.join("\n")).toContain(expected);
    expect(env.errors).toEqual(compose.errors);
  });

  test("GIVEN writes on every resource with allowUnscopedWrites WHEN read THEN they are accepted, and reads on every resource need nothing", () => {
    const explicit = fromCompose("{taskRole: {allowUnscopedWrites: true, statements: [{Action: ['s3:*'], Resource: '*'}]}}");
    expect(explicit.errors).toEqual([]);
    expect(explicit.ecs?.taskRole?.statements).toEqual([{ Effect: "Allow", Action: ["s3:*"], Resource: ["*"] }]);
    expect(fromCompose("{taskRole: {statements: [{Action: [s3:ListAllMyBuckets, 'ec2:Describe*'], Resource: '*'}]}}").errors).toEqual([]);
  });

  test("GIVEN secretEnvironment in x-ecs and in the environment WHEN merged THEN the variables add up, the environment winning per variable", () => {
    expect(
      mergeOverrides(
        { secretEnvironment: { A: { from: "secretsmanager" }, B: { from: "secretsmanager" } }, replicas: 2 },
        { secretEnvironment: { B: { from: "ssm", name: "/b" }, C: { from: "secretsmanager" } } },
      ),
    ).toEqual({ replicas: 2, secretEnvironment: { A: { from: "secretsmanager" }, B: { from: "ssm", name: "/b" }, C: { from: "secretsmanager" } } });
  });

  test("GIVEN some keys broken WHEN read THEN the sound keys are kept and the broken ones left out", () => {
    expect(parseServiceOverride({ replicas: 2, cpu: "lots", autoscaling: { min: 1, max: 2, cpu: 500 } }).override).toEqual({ replicas: 2 });
  });
});
