import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatDiagnostic } from "../../compose/diagnostics";
import { defaultEnvironment } from "../../config/defaults";
import { environmentNameFrom, loadEnvironment, parseEnvironment } from "../../config/load-environment";
import { SSL_POLICY_MIN_TLS } from "../../config/ssl-policies";
import { schemaPattern } from "../../schema/schema-options";

const REPO = join(__dirname, "..", "..");
const FILE = "environments/bad.yml";

function problems(text: string): string[] {
  const result = parseEnvironment("bad", text, FILE);
  expect(result.env).toBeUndefined();
  return result.diagnostics.map(formatDiagnostic);
}

describe("the bundled environments", () => {
  test("GIVEN environments/qa.yml WHEN loaded THEN it is a branch environment for the office CIDR without a domain", () => {
    const { env, diagnostics } = loadEnvironment("qa", REPO);
    expect(diagnostics).toEqual([]);
    expect(env?.branches).toBe(true);
    expect(env?.aws.region).toBe("eu-west-1");
    expect(env?.composeFiles).toEqual(["examples/seed/docker-compose.yml"]);
    expect(env?.loadBalancer.allowedCidrs).toEqual(["203.0.113.0/24"]);
    expect(env?.loadBalancer.domain).toBeUndefined();
    expect(env?.network).toMatchObject({ kind: "new", nat: "single" });
    expect(env?.state).toEqual({ kind: "local", dir: ".compose2ecs/state" });
  });

  test("GIVEN environments/production.yml WHEN loaded THEN it has HTTPS, a public ALB, flow logs and container insights", () => {
    const { env, diagnostics } = loadEnvironment("production", REPO);
    expect(diagnostics).toEqual([]);
    expect(env?.branches).toBe(false);
    expect(env?.loadBalancer.certificateArn).toMatch(/^arn:aws:acm:eu-west-1:\d{12}:certificate\//);
    expect(env?.loadBalancer.allowedCidrs).toEqual(["0.0.0.0/0"]);
    expect(env?.network).toMatchObject({ kind: "new", flowLogs: true });
    expect(env?.capacity.containerInsights).toBe(true);
    expect(env?.services.web.autoscaling).toEqual({ minCapacity: 2, maxCapacity: 6, targetCpuPercent: 60 });
  });
});

describe("the schema for editors", () => {
  test.each(["qa.yml", "production.yml"])("GIVEN environments/%s THEN its first line points editors at the shipped schema", (file) => {
    const [first] = readFileSync(join(REPO, "environments", file), "utf8").split("\n");
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first ?? "");
    expect(match).not.toBeNull();
    expect(resolve(REPO, "environments", match?.[1] ?? "")).toBe(join(REPO, "schema", "environment.schema.json"));
    expect(existsSync(join(REPO, "schema", "environment.schema.json"))).toBe(true);
  });
});

describe("defaults", () => {
  test.each([
    ["an empty file", "", false],
    ["only branches", "branches: true\n", true],
  ])("GIVEN %s WHEN parsed THEN every other value comes from defaultEnvironment", (_what, text, branches) => {
    const { env, diagnostics } = parseEnvironment("staging", text, "environments/staging.yml");
    expect(diagnostics).toEqual([]);
    // Where the file's keys are is not a setting: the defaults are compared without it.
    const { locations: _locations, ...settings } = env ?? { locations: undefined };
    expect(settings).toEqual({ ...defaultEnvironment("staging", branches, "eu-west-1"), file: "environments/staging.yml" });
  });

  test("GIVEN a region WHEN parsed THEN the default availability zones follow it", () => {
    const { env } = parseEnvironment("x1", "region: us-east-2\n", "environments/x1.yml");
    expect(env?.network).toMatchObject({ azs: ["us-east-2a", "us-east-2b"] });
  });

  test("GIVEN an s3 state with only a bucket WHEN parsed THEN region and prefix are defaulted", () => {
    const { env, diagnostics } = parseEnvironment("qa", "region: us-west-2\nstate:\n  backend: s3\n  bucket: my-state\n", "environments/qa.yml");
    expect(diagnostics).toEqual([]);
    expect(env?.state).toEqual({ kind: "s3", bucket: "my-state", region: "us-west-2", prefix: "compose2ecs" });
  });

  test("GIVEN network access and egress WHEN parsed THEN every service gets them unless its override says otherwise", () => {
    const { env, diagnostics } = parseEnvironment(
      "qa",
      "network:\n  access: declared-ports\n  egress:\n    - {ports: [587], cidrs: [0.0.0.0/0]}\n    - {ports: [514], cidrs: [10.9.0.0/16], protocol: udp}\nservices:\n  db: {access: compose}\n",
      "environments/qa.yml",
    );
    expect(diagnostics).toEqual([]);
    expect(env?.access).toBe("declared-ports");
    expect(env?.egress).toEqual([
      { ports: [587], cidrs: ["0.0.0.0/0"], protocol: "tcp" },
      { ports: [514], cidrs: ["10.9.0.0/16"], protocol: "udp" },
    ]);
    expect(env?.services.db?.access).toBe("compose");
    expect(env?.network).toMatchObject({ kind: "new", cidr: "10.0.0.0/16" });
  });

  test.each([
    ["nothing: the load balancer's exposure and CIDRs", "{}", { internal: false, allowedCidrs: ["203.0.113.0/24"] }],
    ["its own CIDRs and exposure", "{internal: true, allowedCidrs: [10.0.0.0/8]}", { internal: true, allowedCidrs: ["10.0.0.0/8"] }],
  ])("GIVEN a network load balancer that says %s WHEN parsed THEN it gets them", (_what, body, expected) => {
    const { env, diagnostics } = parseEnvironment(
      "prod",
      `loadBalancer:\n  allowedCidrs: [203.0.113.0/24]\nnetworkLoadBalancer: ${body}\n`,
      "environments/prod.yml",
    );
    expect(diagnostics).toEqual([]);
    expect(env?.networkLoadBalancer).toEqual(expected);
  });

  test("GIVEN no networkLoadBalancer key THEN there is none", () => {
    expect(parseEnvironment("prod", "region: eu-west-1\n", "environments/prod.yml").env?.networkLoadBalancer).toBeUndefined();
  });

  test("GIVEN capacity kind ec2 WHEN parsed THEN the ec2 defaults apply", () => {
    const { env } = parseEnvironment("qa", "capacity:\n  kind: ec2\n  ec2: { maxSize: 8 }\n", "environments/qa.yml");
    expect(env?.capacity.ec2).toMatchObject({ instanceType: "t3.small", desiredSize: 2, minSize: 1, maxSize: 8 });
  });
});

describe("validation errors carry file, line, column and key path", () => {
  test.each([
    [
      "a bad CIDR",
      "loadBalancer:\n  allowedCidrs:\n    - 203.0.113.0/24\n    - office\n",
      'environments/bad.yml:4:7 loadBalancer.allowedCidrs[1]: not a CIDR: "office"',
    ],
    [
      "a CIDR with host bits",
      "network:\n  cidr: 10.0.0.1/16\n",
      'environments/bad.yml:2:9 network.cidr: host bits are set in "10.0.0.1/16"; the network is 10.0.0.0/16',
    ],
    ["an IPv6 CIDR", "loadBalancer:\n  allowedCidrs: ['::/0']\n", 'loadBalancer.allowedCidrs[0]: not a CIDR: "::/0" (IPv6 is not supported'],
    ["a too small VPC", "network:\n  cidr: 10.0.0.0/26\n", "environments/bad.yml:2:9 network.cidr: prefix length must be /16 to /24"],
    ["an unknown top-level key", "regoin: eu-west-1\n", "environments/bad.yml:1:1 regoin: unknown key (did you mean region?)"],
    [
      "an unknown nested key",
      "loadBalancer:\n  allowedCIDRs: []\n",
      "environments/bad.yml:2:3 loadBalancer.allowedCIDRs: unknown key (did you mean allowedCidrs?)",
    ],
    ["one availability zone", "network:\n  azs: [eu-west-1a]\n", "environments/bad.yml:2:8 network.azs: needs at least 2 items, got 1"],
    ["four availability zones", "network:\n  azs: [eu-west-1a, eu-west-1b, eu-west-1c, eu-west-1d]\n", "network.azs: allows at most 3 items, got 4"],
    [
      "a zone of another region",
      "network:\n  azs: [eu-west-1a, us-east-1b]\n",
      'environments/bad.yml:2:21 network.azs[1]: not an availability zone of eu-west-1 (eu-west-1a, eu-west-1b, ...): "us-east-1b"',
    ],
    ["a repeated zone", "network:\n  azs: [eu-west-1a, eu-west-1a]\n", "network.azs[1]: duplicates item 0"],
    ["a bad NAT mode", "network:\n  nat: two\n", 'environments/bad.yml:2:8 network.nat: must be one of none, single, per-az, got "two"'],
    [
      "new and existing network mixed",
      "network:\n  cidr: 10.0.0.0/16\n  vpcId: vpc-0123abcd\n  publicSubnetIds: [subnet-0123abcd, subnet-1123abcd]\n  privateSubnetIds: [subnet-2123abcd, subnet-3123abcd]\n",
      "environments/bad.yml:2:3 network.cidr: cannot be combined with vpcId",
    ],
    ["an incomplete existing network", "network:\n  vpcId: vpc-0123abcd\n", "network: privateSubnetIds is required when using an existing network"],
    [
      "a bad subnet id",
      "network:\n  vpcId: vpc-0123abcd\n  publicSubnetIds: [subnet-0123abcd, sn-1]\n  privateSubnetIds: [subnet-2123abcd, subnet-3123abcd]\n",
      'network.publicSubnetIds[1]: not a subnet id (subnet-0123abcd): "sn-1"',
    ],
    ["a bad region", "region: europe\n", 'environments/bad.yml:1:9 region: not an AWS region such as eu-west-1: "europe"'],
    ["conflicting regions", "region: eu-west-1\naws:\n  region: eu-central-1\n", "environments/bad.yml:3:11 aws.region: conflicts with region: eu-west-1"],
    ["a bad endpoint", "aws:\n  endpoint: localhost:5000\n", 'aws.endpoint: not an http(s) URL such as http://127.0.0.1:5000: "localhost:5000"'],
    ["a non-boolean branches", "branches: yes please\n", 'environments/bad.yml:1:11 branches: must be true or false, got "yes please"'],
    [
      "a certificate of another region",
      "loadBalancer:\n  certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000\n",
      "loadBalancer.certificateArn: is in region us-east-1 but the environment is in eu-west-1",
    ],
    [
      "a non-ACM certificate ARN",
      "loadBalancer:\n  certificateArn: arn:aws:iam::123456789012:server-certificate/x\n",
      "loadBalancer.certificateArn: not an acm ARN",
    ],
    [
      "a bad WAF ARN",
      "loadBalancer:\n  wafAclArn: arn:aws:wafv2:eu-west-1:123456789012:global/webacl/x/00000000-0000-0000-0000-000000000000\n",
      "loadBalancer.wafAclArn: not an wafv2 ARN",
    ],
    [
      "an idle timeout out of range",
      "loadBalancer:\n  idleTimeoutSeconds: 5000\n",
      "environments/bad.yml:2:23 loadBalancer.idleTimeoutSeconds: must be between 1 and 4000, got 5000",
    ],
    [
      "an upper-case domain",
      "loadBalancer:\n  domain: QA.Example.com\n",
      'loadBalancer.domain: not a lower-case DNS domain such as qa.example.com: "QA.Example.com"',
    ],
    ["a bad access-log bucket", "loadBalancer:\n  accessLogsBucket: My_Bucket\n", 'loadBalancer.accessLogsBucket: not an S3 bucket name: "My_Bucket"'],
    ["an unsupported retention", "logRetentionDays: 10\n", "environments/bad.yml:1:19 logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90"],
    ["a deregistration delay out of range", "deregistrationDelaySeconds: -1\n", "deregistrationDelaySeconds: must be between 0 and 3600, got -1"],
    ["a bad image tag", "imageTag: 'v1 final'\n", "imageTag: not a Docker image tag"],
    ["a bad placement", "placement: shared\n", 'placement: must be one of per-service, single-task, got "shared"'],
    ["a bad capacity kind", "capacity:\n  kind: lambda\n", 'capacity.kind: must be one of fargate, fargate-spot, ec2, got "lambda"'],
    [
      "ec2 settings on fargate",
      "capacity:\n  kind: fargate\n  ec2: { maxSize: 3 }\n",
      "environments/bad.yml:3:3 capacity.ec2: only applies when capacity.kind is ec2 (it is fargate)",
    ],
    [
      "ec2 sizes out of order",
      "capacity:\n  kind: ec2\n  ec2: { minSize: 3, desiredSize: 2, maxSize: 4 }\n",
      "capacity.ec2.desiredSize: must be between minSize (3) and maxSize (4), got 2",
    ],
    [
      "a negative replica count",
      "services:\n  web:\n    replicas: -1\n",
      "environments/bad.yml:3:15 services.web.replicas: must be between 0 and 1000, got -1",
    ],
    ["an unknown service override key", "services:\n  web:\n    replica: 2\n", "environments/bad.yml:3:5 services.web.replica: unknown key"],
    ["autoscaling without a target", "services:\n  web:\n    autoscaling: { min: 1, max: 2 }\n", "services.web.autoscaling: needs at least one target"],
    ["a reserved tag key", "tags:\n  managed-by: me\n", "environments/bad.yml:2:3 tags.managed-by: is set by compose2ecs itself"],
    ["an aws: tag key", "tags:\n  'aws:cost': x\n", 'tags.aws:cost: the "aws:" prefix is reserved for AWS'],
    ["a numeric tag value", "tags:\n  cost-center: 1234\n", 'environments/bad.yml:2:16 tags.cost-center: a tag value must be a string; quote it ("1234")'],
    ["a tag key that looks like a number", "tags:\n  '2024': 1\n", 'environments/bad.yml:2:11 tags.2024: a tag value must be a string; quote it ("1")'],
    ["a too long tag value", `tags:\n  note: ${"x".repeat(257)}\n`, "tags.note: a tag value is at most 256"],
    [
      "too many tags",
      `tags:\n${Array.from({ length: 45 }, (_, i) => `  t${i}: v\n`).join("")}`,
      "tags: has 45 tags; AWS allows 50 per resource and compose2ecs adds up to 6, so at most 44",
    ],
    ["an s3 state without a bucket", "state:\n  backend: s3\n", "environments/bad.yml:1:1 state: bucket is required for the s3 backend"],
    ["an s3 state with a bad bucket", "state:\n  backend: s3\n  bucket: Bad_Bucket\n", "state.bucket: not an S3 bucket name"],
    ["a local state with s3 fields", "state:\n  backend: local\n  bucket: b\n", "environments/bad.yml:3:3 state.bucket: unknown key"],
    ["a cloud state without organization", "state:\n  backend: cloud\n", "state: organization is required for the cloud backend"],
    [
      "a cloud state with tags",
      "state:\n  backend: cloud\n  organization: acme\n  tags: [qa]\n",
      "state.tags: Terraform's cloud block selects a workspace by name or by tags, not both",
    ],
    ["an unknown backend", "state:\n  backend: consul\n", 'state.backend: must be one of local, s3, cloud, got "consul"'],
    ["a list at the top", "- region\n", "environments/bad.yml:1:1: an environment file must be a mapping"],
    ["invalid YAML", "network:\n  cidr: [10.0.0.0/16\n", "environments/bad.yml:3:1: invalid YAML: Flow sequence"],
    ["a duplicate key", "region: eu-west-1\nregion: eu-west-2\n", "environments/bad.yml:2:1: invalid YAML: Map keys must be unique"],
    ["a bad profile", "profiles: ['-x']\n", "profiles[0]: not a profile name"],
    ["an unknown network access", "network:\n  access: open\n", 'environments/bad.yml:2:11 network.access: must be one of compose, declared-ports, got "open"'],
    ["an egress rule without ports", "network:\n  egress:\n    - cidrs: [0.0.0.0/0]\n", "environments/bad.yml:3:7 network.egress[0]: ports is required"],
    [
      "an egress CIDR with host bits",
      "network:\n  egress:\n    - {ports: [587], cidrs: [10.0.0.1/8]}\n",
      'environments/bad.yml:3:30 network.egress[0].cidrs[0]: host bits are set in "10.0.0.1/8"; the network is 10.0.0.0/8',
    ],
    [
      "a network load balancer CIDR with host bits",
      "networkLoadBalancer:\n  allowedCidrs: [203.0.113.9/24]\n",
      'networkLoadBalancer.allowedCidrs[0]: host bits are set in "203.0.113.9/24"',
    ],
    ["an unknown network load balancer key", "networkLoadBalancer:\n  listeners: []\n", "networkLoadBalancer.listeners: unknown key"],
  ])("GIVEN %s WHEN parsed THEN the error names the place", (_what, text, expected) => {
    expect(problems(text).join("\n")).toContain(expected);
  });

  test("GIVEN several mistakes WHEN parsed THEN all are reported in one run, in file order", () => {
    const found = problems("region: nowhere\nnetwork:\n  nat: two\nlogRetentionDays: 2\n");
    expect(found.map((line) => line.split(" ")[0])).toEqual(["environments/bad.yml:1:9", "environments/bad.yml:3:8", "environments/bad.yml:4:19"]);
  });

  test("GIVEN x- keys WHEN parsed THEN they are allowed for YAML anchors", () => {
    const { diagnostics, env } = parseEnvironment("qa", "x-office: &office [203.0.113.0/24]\nloadBalancer:\n  allowedCidrs: *office\n", FILE);
    expect(diagnostics).toEqual([]);
    expect(env?.loadBalancer.allowedCidrs).toEqual(["203.0.113.0/24"]);
  });
});

describe("the TLS policy of the HTTPS listener", () => {
  const lb = (lines: string) => `loadBalancer:\n  allowedCidrs: [0.0.0.0/0]\n${lines}`;
  const all = (text: string) => parseEnvironment("x1", text, FILE);

  test("GIVEN a policy that accepts TLS 1.0 in an environment without branches THEN it is an error at the policy", () => {
    const { env, diagnostics } = all(lb("  sslPolicy: ELBSecurityPolicy-2016-08\n"));
    expect(env).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      "environments/bad.yml:3:14 loadBalancer.sslPolicy: ELBSecurityPolicy-2016-08 accepts TLS 1.0; TLS below 1.2 is broken and fails PCI DSS: use ELBSecurityPolicy-TLS13-1-2-2021-06, or set loadBalancer.allowLegacyTls: true if old clients must connect",
    ]);
  });

  test.each([
    ["a branch environment", "branches: true\n", ""],
    ["allowLegacyTls: true", "", "  allowLegacyTls: true\n"],
  ])("GIVEN a policy that accepts TLS 1.1 in %s THEN it is a warning and the environment loads", (_what, top, extra) => {
    const { env, diagnostics } = all(top + lb(`  sslPolicy: ELBSecurityPolicy-TLS13-1-1-2021-06\n${extra}`));
    expect(env?.loadBalancer.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-1-2021-06");
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/loadBalancer\.sslPolicy: warning: ELBSecurityPolicy-TLS13-1-1-2021-06 accepts TLS 1\.1;/),
    ]);
  });

  test.each(Object.entries(SSL_POLICY_MIN_TLS).filter(([, v]) => v === "1.2" || v === "1.3"))("GIVEN %s (TLS %s and later) THEN nothing is said", (policy) => {
    const { env, diagnostics } = all(lb(`  sslPolicy: ${policy}\n`));
    expect(diagnostics).toEqual([]);
    expect(env?.loadBalancer.sslPolicy).toBe(policy);
  });

  test("GIVEN a policy name the table does not know THEN it is a warning asking to check it", () => {
    const { env, diagnostics } = all(lb("  sslPolicy: ELBSecurityPolicy-TLS13-1-2-2030-01\n"));
    expect(env).toBeDefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringContaining("loadBalancer.sslPolicy: warning: compose2ecs does not know which TLS versions ELBSecurityPolicy-TLS13-1-2-2030-01 accepts"),
    ]);
  });

  test("GIVEN the table THEN every name is one the schema accepts, and the default policy is TLS 1.2+", () => {
    const pattern = schemaPattern("/properties/loadBalancer/properties/sslPolicy");
    expect(Object.keys(SSL_POLICY_MIN_TLS).filter((p) => !pattern.test(p))).toEqual([]);
    expect(SSL_POLICY_MIN_TLS[defaultEnvironment("x").loadBalancer.sslPolicy]).toBe("1.2");
  });
});

describe("branch environments and the state backend", () => {
  test("GIVEN branches: true with state.backend: cloud THEN it is an error at the backend saying why", () => {
    const { env, diagnostics } = parseEnvironment("qa", "branches: true\nstate:\n  backend: cloud\n  organization: acme\n", "environments/qa.yml");
    expect(env).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      "environments/qa.yml:3:12 state.backend: branch environments (branches: true) need state.backend: s3 (or local on a single machine): HCP Terraform cannot list or hold the registry of branch slots",
    ]);
  });

  test.each(["backend: s3\n  bucket: acme-state", "backend: local"])("GIVEN branches: true with state %p THEN it loads", (state) => {
    expect(parseEnvironment("qa", `branches: true\nstate:\n  ${state}\n`, "environments/qa.yml").diagnostics).toEqual([]);
  });

  test("GIVEN state.backend: cloud without branches THEN it loads", () => {
    const { env, diagnostics } = parseEnvironment("production", "state:\n  backend: cloud\n  organization: acme\n", "environments/production.yml");
    expect(diagnostics).toEqual([]);
    expect(env?.state).toMatchObject({ kind: "cloud", organization: "acme" });
  });
});

describe("the branch TTL (branchTtl)", () => {
  test.each([
    ["72h", 72],
    ["3d", 72],
    ["1h", 1],
    ["30d", 720],
  ])("GIVEN branches: true and branchTtl: %s WHEN parsed THEN the TTL is %p hours", (ttl, hours) => {
    const { env, diagnostics } = parseEnvironment("qa", `branches: true\nbranchTtl: ${ttl}\n`, "environments/qa.yml");
    expect(diagnostics).toEqual([]);
    expect(env?.branchTtlHours).toBe(hours);
  });

  test("GIVEN a branch environment without branchTtl WHEN parsed THEN it has no TTL (branches never expire)", () => {
    const { env } = parseEnvironment("qa", "branches: true\n", "environments/qa.yml");
    expect(env).toBeDefined();
    expect(env?.branchTtlHours).toBeUndefined();
  });

  test.each([
    ["without a unit", "72", "environments/bad.yml:2:12 branchTtl: must be a duration with its unit, hours or days, such as 72h or 3d, got 72"],
    [
      "in words",
      "3 days",
      'environments/bad.yml:2:12 branchTtl: not a duration in hours or days such as 72h or 3d (1 to 9999 of one unit, no spaces): "3 days"',
    ],
    ["zero", "0h", "environments/bad.yml:2:12 branchTtl: not a duration in hours or days such as 72h or 3d"],
    ["in minutes", "90m", "environments/bad.yml:2:12 branchTtl: not a duration in hours or days such as 72h or 3d"],
    ["with two units", "1d12h", "environments/bad.yml:2:12 branchTtl: not a duration in hours or days such as 72h or 3d"],
  ])("GIVEN branchTtl %s WHEN parsed THEN the error names file, line and key", (_what, ttl, expected) => {
    expect(problems(`branches: true\nbranchTtl: ${ttl}\n`).join("\n")).toContain(expected);
  });

  test.each([
    ["branches: false", "branches: false\nbranchTtl: 72h\n", "environments/bad.yml:2:1"],
    ["no branches key", "region: eu-west-1\nbranchTtl: 3d\n", "environments/bad.yml:2:1"],
  ])("GIVEN branchTtl with %s WHEN parsed THEN it is an error at the key: a TTL would silently do nothing", (_what, text, at) => {
    expect(problems(text)).toEqual([
      `${at} branchTtl: only applies with branches: true (it is how long a branch environment lives before \`branches gc --expired\` destroys it)`,
    ]);
  });
});

describe("finding the file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-env-"));
    mkdirSync(join(dir, "environments"));
    writeFileSync(join(dir, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [10.1.0.0/16]\n");
    writeFileSync(join(dir, "environments", "staging.yaml"), "region: eu-central-1\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a missing environment WHEN loaded THEN the error lists the environments that exist", () => {
    const { env, diagnostics } = loadEnvironment("prod", dir);
    expect(env).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      `environment "prod" not found: there is no environments/prod.yml in ${dir} (environments: qa, staging)`,
    ]);
  });

  test("GIVEN a .yaml file WHEN loaded THEN it is found too", () => {
    expect(loadEnvironment("staging", dir).env?.aws.region).toBe("eu-central-1");
  });

  test("GIVEN both qa.yml and qa.yaml WHEN loaded THEN that is an error", () => {
    writeFileSync(join(dir, "environments", "qa.yaml"), "");
    expect(loadEnvironment("qa", dir).diagnostics.map(formatDiagnostic).join("\n")).toMatch(/environment "qa" is defined twice/);
  });

  test.each(["QA", "a", "qa_env", "way-too-long-environment", "-qa", "q--a"])(
    "GIVEN the environment name %p WHEN loaded THEN it is refused before any file is read",
    (name) => {
      expect(loadEnvironment(name, dir).diagnostics.map(formatDiagnostic).join("\n")).toMatch(/is not valid: it becomes part of AWS names/);
    },
  );

  test("GIVEN a file with errors WHEN loaded THEN its path is shown as found", () => {
    writeFileSync(join(dir, "environments", "qa.yml"), "nat: none\n");
    const [first] = loadEnvironment("qa", dir).diagnostics.map(formatDiagnostic);
    expect(first).toMatch(/environments\/qa\.yml:1:1 nat: unknown key/);
  });
});

describe("environmentNameFrom", () => {
  test.each([
    ["qa", {}, "qa"],
    [undefined, { COMPOSE2ECS_ENV: "production" }, "production"],
    ["qa", { COMPOSE2ECS_ENV: "production" }, "qa"],
    [undefined, {}, undefined],
    [undefined, { COMPOSE2ECS_ENV: "  " }, undefined],
  ])("GIVEN --env %p and %p THEN the name is %p", (flag, vars, expected) => {
    expect(environmentNameFrom(flag, vars)).toBe(expected);
  });
});

describe("environment files are read like every input file", () => {
  test("GIVEN environments/qa.yml is a FIFO WHEN loaded THEN an error names the file at once (no hang)", () => {
    const dir = mkdtempSync(join(tmpdir(), "compose2ecs-env-fifo-"));
    mkdirSync(join(dir, "environments"));
    execFileSync("mkfifo", [join(dir, "environments", "qa.yml")]);
    const loaded = loadEnvironment("qa", dir);
    expect(loaded.env).toBeUndefined();
    expect(loaded.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/environment file .*qa\.yml: is a named pipe \(FIFO\), not a regular file/),
    ]);
  });

  test("GIVEN an environment file over 10 MiB WHEN loaded THEN an error says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "compose2ecs-env-big-"));
    mkdirSync(join(dir, "environments"));
    writeFileSync(join(dir, "environments", "qa.yml"), `# ${"x".repeat(10 * 1024 * 1024)}\n`);
    expect(loadEnvironment("qa", dir).diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/qa\.yml: .*10 MiB/)]);
  });
});

describe("the load-balancer pool (loadBalancer.pool, quotas, hostedZoneId)", () => {
  const QA = "branches: true\nloadBalancer:\n  allowedCidrs: [10.0.0.0/8]\n";

  test("GIVEN no pool keys THEN one ALB with the ELBv2 default quotas", () => {
    const { env, diagnostics } = parseEnvironment("qa", QA, "environments/qa.yml");
    expect(diagnostics).toEqual([]);
    expect(env?.loadBalancer).toMatchObject({ pool: 1, quotas: { rulesPerAlb: 100, listenersPerAlb: 50 } });
    expect(env?.loadBalancer.hostedZoneId).toBeUndefined();
  });

  test("GIVEN a pool, one raised quota and a zone THEN they are read and the other quota keeps its default", () => {
    const text = `${QA}  domain: qa.acme.dev\n  pool: 3\n  quotas:\n    rulesPerAlb: 200\n  hostedZoneId: Z0123456789ABCDEFGHIJ\n`;
    const { env, diagnostics } = parseEnvironment("qa", text, "environments/qa.yml");
    expect(diagnostics).toEqual([]);
    expect(env?.loadBalancer).toMatchObject({ pool: 3, quotas: { rulesPerAlb: 200, listenersPerAlb: 50 }, hostedZoneId: "Z0123456789ABCDEFGHIJ" });
  });

  test("GIVEN pool: 2 in an environment without branches THEN an error at the pool key names the fix", () => {
    const found = problems("loadBalancer:\n  allowedCidrs: [10.0.0.0/8]\n  pool: 2\n");
    expect(found).toEqual([
      expect.stringMatching(/^environments\/bad\.yml:3:3 loadBalancer\.pool: a pool of 2 load balancers only serves branch stacks.*set branches: true/),
    ]);
  });

  test("GIVEN a domain and pool: 2 without hostedZoneId THEN an error at the pool key asks for the zone and says why", () => {
    const found = problems(`${QA}  domain: qa.acme.dev\n  pool: 2\n`);
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/bad\.yml:5:3 loadBalancer\.pool: .*one wildcard record cannot point at several load balancers.*set loadBalancer\.hostedZoneId/,
      ),
    ]);
  });

  test.each([
    ["pool: 0", "loadBalancer.pool"],
    ["pool: 21", "loadBalancer.pool"],
    ["pool: 1.5", "loadBalancer.pool"],
    ["quotas: {rulesPerAlb: 0}", "loadBalancer.quotas.rulesPerAlb"],
    ["quotas: {listenersPerAlb: 2}", "loadBalancer.quotas.listenersPerAlb"],
    ["quotas: {targetGroupsPerAlb: 200}", "loadBalancer.quotas"],
    ["hostedZoneId: example.com", "loadBalancer.hostedZoneId"],
  ])("GIVEN %s THEN the schema refuses it at %s", (line, path) => {
    const found = problems(`${QA}  ${line}\n`);
    expect(found).toEqual([expect.stringContaining(` ${path}`)]);
    expect(found[0]).toMatch(/^environments\/bad\.yml:4:\d+ /);
  });

  test("GIVEN quotas or a zone where nothing reads them THEN warnings say they are ignored", () => {
    const noBranches = parseEnvironment(
      "prod",
      "loadBalancer:\n  allowedCidrs: [10.0.0.0/8]\n  quotas: {rulesPerAlb: 200}\n  hostedZoneId: Z123\n",
      "environments/prod.yml",
    );
    expect(noBranches.env?.loadBalancer.hostedZoneId).toBeUndefined();
    expect(noBranches.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^environments\/prod\.yml:3:3 loadBalancer\.quotas: warning: only branch environments/),
      expect.stringMatching(/^environments\/prod\.yml:4:3 loadBalancer\.hostedZoneId: warning: only branch stacks/),
    ]);
    const noDomain = parseEnvironment("qa", `${QA}  hostedZoneId: Z123\n`, "environments/qa.yml");
    expect(noDomain.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/loadBalancer\.hostedZoneId: warning: is only used with loadBalancer\.domain/),
    ]);
  });
});
