import { Testing } from "cdktf";
import { formatDiagnostic } from "../../compose/diagnostics";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { planProject } from "../../planner/plan-project";
import { ecrRepositoryArn } from "../../planner/task-permissions";
import { AppStack } from "../../stacks/app-stack";
import { loadProject, messages } from "./helpers";

/**
 * The retired Docker ECS integration's keys (compose-cli's x-aws-*): read and checked by the
 * loader, given a Terraform meaning by the planner, and never ignored silently (the report's
 * tests cover what check says of each).
 */

const env = (overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig => {
  const base = defaultEnvironment("production");
  return { ...base, loadBalancer: { ...base.loadBalancer, allowedCidrs: ["203.0.113.0/24"] }, ...overrides };
};

const service = (yaml: string) => `services:\n  web:\n    image: app\n${yaml}`;

function plan(compose: string, environment: EnvironmentConfig = env()) {
  const loaded = loadProject({ "compose.yaml": compose });
  if (loaded.project === undefined) throw new Error(messages(loaded).join("\n"));
  const result = planProject({ project: loaded.project, env: environment });
  if (result.plan === undefined) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  return result.plan;
}

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };
const synth = (compose: string): Json => JSON.parse(Testing.synth(new AppStack(Testing.app(), plan(compose), { projectDir: "/p", outDir: "/p/out" }))) as Json;
const of = (json: Json, type: string, prefix: string) =>
  Object.entries(json.resource[type] ?? {})
    .filter(([a]) => a.startsWith(prefix))
    .map(([, r]) => r);

describe("x-aws-* keys read by the loader", () => {
  test.each([
    [
      "x-aws-role writing everywhere",
      "    x-aws-role: {Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}\n",
      /services\.web\.x-aws-role\.Statement\[0\]\.Resource: allows s3:\* on every resource/,
    ],
    [
      "x-aws-role with NotAction",
      "    x-aws-role: {Statement: [{Effect: Allow, NotAction: 's3:*', Action: s3:GetObject, Resource: '*'}]}\n",
      /x-aws-role\.Statement\[0\]\.NotAction: unknown statement key/,
    ],
    ["x-aws-policies that are not ARNs", "    x-aws-policies: [AmazonS3FullAccess]\n", /services\.web\.x-aws-policies\[0\]: not a managed policy ARN/],
    [
      "x-aws-pull_credentials as a name",
      "    x-aws-pull_credentials: dockerhub\n",
      /services\.web\.x-aws-pull_credentials: must be the ARN of a Secrets Manager secret/,
    ],
    ["x-aws-autoscaling without max", "    deploy: {x-aws-autoscaling: {min: 1, cpu: 50}}\n", /services\.web\.deploy\.x-aws-autoscaling\.max: max is required/],
    [
      "x-aws-autoscaling with cpu and memory",
      "    deploy: {x-aws-autoscaling: {max: 3, cpu: 50, memory: 50}}\n",
      /deploy\.x-aws-autoscaling: cpu and memory targets exclude each other/,
    ],
    ["x-aws-autoscaling without a target", "    deploy: {x-aws-autoscaling: {max: 3}}\n", /deploy\.x-aws-autoscaling: needs a target: cpu or memory/],
    [
      "x-aws-min_percent above 100",
      "    deploy: {update_config: {x-aws-min_percent: 150}}\n",
      /deploy\.update_config\.x-aws-min_percent: must be a whole number from 0 to 100/,
    ],
    [
      "x-aws-max_percent not above min",
      "    deploy: {update_config: {x-aws-min_percent: 100, x-aws-max_percent: 100}}\n",
      /x-aws-max_percent: must be above x-aws-min_percent \(100\)/,
    ],
  ])("GIVEN %s WHEN loaded THEN an error names the key", (_what, yaml, message) => {
    const result = loadProject({ "compose.yaml": service(yaml) });
    expect(result.project).toBeUndefined();
    expect(messages(result)).toContainEqual(expect.stringMatching(message));
  });

  test("GIVEN x-aws-logs_retention that is not a number of days WHEN loaded THEN it is an error at the key", () => {
    expect(messages(loadProject({ "compose.yaml": `${service("")}x-aws-logs_retention: forever\n` }))).toContainEqual(
      expect.stringMatching(/compose\.yaml:4:\d+ x-aws-logs_retention: must be a number of days/),
    );
  });

  test("GIVEN x-aws-protocol and x-aws-securitygroup WHEN loaded THEN the model carries them for the planner", () => {
    const result = loadProject({
      "compose.yaml": `${service("    ports: [{target: 5432, published: 5432, x-aws-protocol: TCP}]\n    networks: [back]\n")}networks:\n  back: {x-aws-securitygroup: sg-0123abcd}\n`,
    });
    expect(result.project?.services[0]?.ports[0]?.awsProtocol).toBe("tcp");
    expect(result.project?.networks.find((n) => n.name === "back")?.awsSecurityGroup).toBe("sg-0123abcd");
  });
});

describe("x-aws-* keys in the plan and the Terraform", () => {
  test("GIVEN x-aws-autoscaling as a number WHEN planned THEN CPU target tracking from 0 to 10 tasks, as compose-cli made it", () => {
    expect(plan(service("    deploy: {x-aws-autoscaling: 75}\n")).app.services[0]?.autoscaling).toEqual({
      minCapacity: 0,
      maxCapacity: 10,
      targetCpuPercent: 75,
    });
  });

  test("GIVEN x-aws-autoscaling as a map WHEN planned THEN its bounds and target, and the desired count inside them", () => {
    const s = plan(service("    deploy: {replicas: 5, x-aws-autoscaling: {min: 1, max: 3, memory: 60}}\n")).app.services[0];
    expect(s).toMatchObject({ autoscaling: { minCapacity: 1, maxCapacity: 3, targetMemoryPercent: 60 }, desiredCount: 3 });
  });

  test("GIVEN x-aws-autoscaling and the environment's autoscaling WHEN planned THEN the environment wins", () => {
    const s = plan(
      service("    deploy: {x-aws-autoscaling: {max: 3, cpu: 50}}\n"),
      env({ services: { web: { autoscaling: { minCapacity: 2, maxCapacity: 8, targetCpuPercent: 70 } } } }),
    ).app.services[0];
    expect(s?.autoscaling).toEqual({ minCapacity: 2, maxCapacity: 8, targetCpuPercent: 70 });
  });

  test("GIVEN x-aws-min_percent and x-aws-max_percent WHEN planned THEN they are the deployment's percentages", () => {
    expect(plan(service("    deploy: {update_config: {x-aws-min_percent: 25, x-aws-max_percent: 125}}\n")).app.services[0]?.deployment).toEqual({
      maximumPercent: 125,
      minimumHealthyPercent: 25,
    });
  });

  test("GIVEN x-aws-logs_retention WHEN planned THEN log groups keep logs that long (the next retention CloudWatch offers), unless the environment sets it", () => {
    expect(plan(`${service("")}x-aws-logs_retention: 30\n`).app.logRetentionDays).toBe(30);
    expect(plan(`${service("")}x-aws-logs_retention: 10\n`).app.logRetentionDays).toBe(14);
    const pinned = env({ logRetentionDays: 90, locations: { logRetentionDays: { file: "environments/production.yml", line: 3, col: 1 } } });
    expect(plan(`${service("")}x-aws-logs_retention: 30\n`, pinned).app.logRetentionDays).toBe(90);
  });

  test("GIVEN x-aws-role and x-aws-policies WHEN synthesized THEN the task role holds the statements and the managed policies", () => {
    const json = synth(
      service(
        "    x-aws-policies: ['arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess']\n    x-aws-role:\n      Version: '2012-10-17'\n      Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: 'arn:aws:sqs:eu-west-1:123456789012:jobs'}]\n",
      ),
    );
    const inline = of(json, "aws_iam_role_policy", "services_web_roles_task-permissions");
    expect(inline).toHaveLength(1);
    expect(JSON.parse(String(inline[0]?.policy))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:eu-west-1:123456789012:jobs"] }],
    });
    expect(String(inline[0]?.role)).toMatch(/aws_iam_role\.services_web_roles_task-role_\w+\.id/);
    expect(of(json, "aws_iam_role_policy_attachment", "services_web_")).toEqual([
      expect.objectContaining({ policy_arn: "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", role: expect.stringMatching(/task-role/) }),
    ]);
  });

  test("GIVEN x-aws-pull_credentials WHEN synthesized THEN the container names the secret and the execution role may read exactly it", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf";
    const json = synth(service(`    x-aws-pull_credentials: ${arn}\n`));
    const td = of(json, "aws_ecs_task_definition", "services_web_")[0];
    expect(
      (JSON.parse(String(td?.container_definitions)) as { name: string; repositoryCredentials?: unknown }[]).find((c) => c.name === "web")
        ?.repositoryCredentials,
    ).toEqual({ credentialsParameter: arn });
    const policy = JSON.parse(String(of(json, "aws_iam_role_policy", "services_web_roles_execution-policy")[0]?.policy)) as {
      Statement: { Sid: string; Resource: unknown }[];
    };
    expect(policy.Statement.find((s) => s.Sid === "Secrets")?.Resource).toEqual([arn]);
  });
});

describe("images in a private ECR repository", () => {
  test.each([
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.2", "arn:aws:ecr:eu-west-1:123456789012:repository/shop/api"],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api@sha256:" + "a".repeat(64), "arn:aws-cn:ecr:cn-north-1:123456789012:repository/api"],
    ["123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/api", "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/api"],
    ["public.ecr.aws/nginx/nginx:1", undefined],
    ["postgres:16", undefined],
  ])("GIVEN %s THEN the repository ARN is %s", (image, arn) => {
    expect(ecrRepositoryArn(image)).toBe(arn);
  });

  test("GIVEN a private ECR image WHEN synthesized THEN the execution role pulls from that repository only, and GetAuthorizationToken on * (it has no resource-level permissions)", () => {
    const json = synth("services:\n  api:\n    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.2\n");
    const policy = JSON.parse(String(of(json, "aws_iam_role_policy", "services_api_roles_execution-policy")[0]?.policy)) as {
      Statement: { Sid: string; Action: string[]; Resource: unknown }[];
    };
    expect(policy.Statement.find((s) => s.Sid === "EcrAuth")).toMatchObject({ Action: ["ecr:GetAuthorizationToken"], Resource: "*" });
    expect(policy.Statement.find((s) => s.Sid === "EcrPull")).toMatchObject({
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      Resource: ["arn:aws:ecr:eu-west-1:123456789012:repository/shop/api"],
    });
  });
});
