import { Testing } from "cdktf";
import { formatDiagnostic } from "../../compose/diagnostics";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { planProject } from "../../planner/plan-project";
import { SECRETS_INIT } from "../../planner/secrets";
import { AppStack } from "../../stacks/app-stack";
import { loadProject } from "../compose/helpers";

const env = (overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig => {
  const base = defaultEnvironment("production");
  return { ...base, loadBalancer: { ...base.loadBalancer, allowedCidrs: ["203.0.113.0/24"] }, ...overrides };
};

function plan(files: Readonly<Record<string, string>>, environment: EnvironmentConfig = env()) {
  const loaded = loadProject(files);
  if (loaded.project === undefined) throw new Error(loaded.diagnostics.map(formatDiagnostic).join("\n"));
  const result = planProject({ project: loaded.project, env: environment });
  return { ...result, messages: result.diagnostics.map(formatDiagnostic) };
}

function synth(files: Readonly<Record<string, string>>, environment: EnvironmentConfig = env()) {
  const planned = plan(files, environment);
  if (planned.plan === undefined) throw new Error(planned.messages.join("\n"));
  const text = Testing.synth(new AppStack(Testing.app(), planned.plan, { projectDir: "/p", outDir: "/p/out" }));
  return {
    text,
    json: JSON.parse(text) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
      data?: Record<string, Record<string, Record<string, unknown>>>;
    },
    plan: planned.plan,
  };
}

const containersOf = (json: ReturnType<typeof synth>["json"], service: string) => {
  const td = Object.entries(json.resource.aws_ecs_task_definition ?? {}).find(([address]) => address.startsWith(`services_${service}_`))?.[1];
  return JSON.parse(String(td?.container_definitions)) as Record<string, unknown>[];
};

const executionPolicy = (json: ReturnType<typeof synth>["json"], service: string) => {
  const policy = Object.entries(json.resource.aws_iam_role_policy ?? {}).find(([address]) =>
    address.startsWith(`services_${service}_roles_execution-policy`),
  )?.[1];
  return JSON.parse(String(policy?.policy)) as { Statement: { Sid: string; Action: string[]; Resource: string[] | string }[] };
};

const DB = {
  "compose.yaml": [
    "name: shop",
    "services:",
    "  db:",
    "    image: postgres:16",
    "    environment: {POSTGRES_PASSWORD_FILE: /run/secrets/db_password}",
    "    secrets:",
    "      - db_password",
    "      - {source: tls_key, target: certs/tls.key, uid: '999', gid: '999', mode: 0400}",
    "secrets:",
    "  db_password: {file: ./db_password.txt}",
    "  tls_key: {file: ./tls.key}",
    "",
  ].join("\n"),
  "db_password.txt": "hunter2",
  "tls.key": "-----",
};

describe("compose secrets as files under /run/secrets", () => {
  test("GIVEN a service with secrets WHEN planned THEN an init container writes each file with compose's mode and owner, and the app waits for it", () => {
    const p = plan(DB);
    const task = p.plan?.app.services[0];
    const init = task?.containers.find((c) => c.name === SECRETS_INIT.name);
    expect(init).toMatchObject({
      essential: false,
      image: { kind: "image", image: SECRETS_INIT.image },
      entryPoint: ["sh", "-c"],
      secrets: [
        { name: "COMPOSE2ECS_SECRET_1", source: { kind: "compose", secret: "db_password" } },
        { name: "COMPOSE2ECS_SECRET_2", source: { kind: "compose", secret: "tls_key" } },
      ],
      mountPoints: [{ volume: "run-secrets-db", containerPath: "/secrets/run-secrets-db", readOnly: false }],
    });
    expect(init?.command?.[0]?.split("\n")).toEqual([
      "set -e",
      `printf '%s' "$COMPOSE2ECS_SECRET_1" > /secrets/run-secrets-db/db_password`,
      "chmod 0444 /secrets/run-secrets-db/db_password",
      "mkdir -p /secrets/run-secrets-db/certs",
      `printf '%s' "$COMPOSE2ECS_SECRET_2" > /secrets/run-secrets-db/certs/tls.key`,
      "chmod 0400 /secrets/run-secrets-db/certs/tls.key",
      "chown 999:999 /secrets/run-secrets-db/certs/tls.key",
    ]);
    const db = task?.containers.find((c) => c.name === "db");
    expect(db?.secrets).toEqual([]);
    expect(db?.mountPoints).toEqual([{ volume: "run-secrets-db", containerPath: "/run/secrets", readOnly: true }]);
    expect(db?.dependsOn).toContainEqual({ containerName: SECRETS_INIT.name, condition: "SUCCESS" });
    expect(task?.volumes).toContainEqual({ kind: "scratch", name: "run-secrets-db" });
    // The *_FILE variable the image reads stays; the value never is a variable of the app.
    expect(db?.environment).toEqual([{ name: "POSTGRES_PASSWORD_FILE", value: "/run/secrets/db_password" }]);
  });

  test("GIVEN a target outside /run/secrets WHEN planned THEN the file is not written and a warning says why", () => {
    const p = plan({
      "compose.yaml": "services:\n  web:\n    image: app\n    secrets: [{source: s, target: /etc/app/key}]\nsecrets:\n  s: {file: ./s}\n",
      s: "x",
    });
    expect(p.plan?.app.services[0]?.containers.some((c) => c.name === SECRETS_INIT.name)).toBe(false);
    expect(p.messages).toContainEqual(
      expect.stringMatching(/compose\.yaml:4:\d+ services\.web\.secrets\[0\]: warning: target \/etc\/app\/key is outside \/run\/secrets/),
    );
  });

  test.each([
    ["a name", "prod/db-password", { kind: "lookup", ref: "prod/db-password" }],
    [
      "an ARN",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
      { kind: "arn", ref: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf" },
    ],
  ])("GIVEN an external secret whose name: is %s WHEN planned THEN that secret is used", (_what, name, expected) => {
    const p = plan({ "compose.yaml": `services:\n  web: {image: app, secrets: [s]}\nsecrets:\n  s: {external: true, name: '${name}'}\n` });
    expect(p.plan?.app.secrets).toEqual([{ name: "s", ...expected }]);
  });

  test("GIVEN single-task placement WHEN planned THEN each container sees only its own secrets", () => {
    const p = plan(
      {
        "compose.yaml":
          "services:\n  a: {image: a, secrets: [x]}\n  b: {image: b, secrets: [y]}\n  c: {image: c}\nsecrets:\n  x: {file: ./x}\n  y: {file: ./y}\n",
        x: "1",
        y: "2",
      },
      env({ placement: "single-task" }),
    );
    const task = p.plan?.app.services[0];
    const mounts = (name: string) => task?.containers.find((c) => c.name === name)?.mountPoints;
    expect(mounts("a")).toEqual([{ volume: "run-secrets-a", containerPath: "/run/secrets", readOnly: true }]);
    expect(mounts("b")).toEqual([{ volume: "run-secrets-b", containerPath: "/run/secrets", readOnly: true }]);
    expect(mounts("c")).toEqual([]);
    expect(task?.containers.find((c) => c.name === SECRETS_INIT.name)?.mountPoints.map((m) => m.volume)).toEqual(["run-secrets-a", "run-secrets-b"]);
  });

  test("GIVEN secrets WHEN synthesized THEN no value is in the Terraform, and the execution role may read exactly those secrets", () => {
    const { text, json } = synth(DB);
    expect(text).not.toContain("hunter2");
    expect(Object.values(json.resource.aws_secretsmanager_secret ?? {})).toHaveLength(2);
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    const statement = executionPolicy(json, "db").Statement.find((s) => s.Sid === "Secrets");
    expect(statement?.Action).toEqual(["secretsmanager:GetSecretValue"]);
    expect(statement?.Resource).toEqual([
      expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_db_password_secret_\w+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_tls_key_secret_\w+\.arn\}$/),
    ]);
    const init = containersOf(json, "db").find((c) => c.name === SECRETS_INIT.name);
    expect(init).toMatchObject({
      image: SECRETS_INIT.image,
      readonlyRootFilesystem: true,
      logConfiguration: { options: { "awslogs-stream-prefix": SECRETS_INIT.name } },
    });
  });
});

describe("secretEnvironment: variables served from Secrets Manager or SSM Parameter Store", () => {
  const APP = {
    "compose.yaml": "name: shop\nservices:\n  web:\n    image: app\n    env_file: [app.env]\n    environment: {LOG_LEVEL: info}\n",
    "app.env": "DB_PASSWORD=hunter2\nAPI_TOKEN=tok-123\nSMTP_PASSWORD=pw\nSIGNING_KEY=k\n",
  };
  const withVariables = env({
    services: {
      web: {
        secretEnvironment: {
          DB_PASSWORD: { from: "secretsmanager" },
          SMTP_PASSWORD: { from: "secretsmanager", name: "shared/smtp" },
          SIGNING_KEY: { from: "secretsmanager", name: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:signing-AbCdEf" },
          API_TOKEN: { from: "ssm", name: "/shop/api-token" },
        },
      },
    },
  });

  test("GIVEN an environment naming variables WHEN planned THEN each comes from its store, and none stays a plain variable", () => {
    const p = plan(APP, withVariables);
    expect(p.plan?.app.secretVariables).toEqual([
      { id: "web/API_TOKEN", service: "web", variable: "API_TOKEN", store: "ssm", kind: "lookup", ref: "/shop/api-token" },
      { id: "web/DB_PASSWORD", service: "web", variable: "DB_PASSWORD", store: "secretsmanager", kind: "managed", ref: "shop/production/web/DB_PASSWORD" },
      {
        id: "web/SIGNING_KEY",
        service: "web",
        variable: "SIGNING_KEY",
        store: "secretsmanager",
        kind: "arn",
        ref: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:signing-AbCdEf",
      },
      { id: "web/SMTP_PASSWORD", service: "web", variable: "SMTP_PASSWORD", store: "secretsmanager", kind: "lookup", ref: "shared/smtp" },
    ]);
    const web = p.plan?.app.services[0]?.containers.find((c) => c.name === "web");
    expect(web?.environment).toEqual([{ name: "LOG_LEVEL", value: "info" }]);
    expect(web?.secrets.map((s) => s.name)).toEqual(["API_TOKEN", "DB_PASSWORD", "SIGNING_KEY", "SMTP_PASSWORD"]);
  });

  test("GIVEN those variables WHEN synthesized THEN values are nowhere, the managed secret is empty, and the execution role reads exactly those secrets and parameters", () => {
    const { text, json } = synth(APP, withVariables);
    for (const value of ["hunter2", "tok-123"]) expect(text).not.toContain(value);
    const web = containersOf(json, "web").find((c) => c.name === "web") as { secrets: { name: string; valueFrom: string }[] };
    const valueFrom = Object.fromEntries(web.secrets.map((s) => [s.name, s.valueFrom]));
    expect(valueFrom).toEqual({
      API_TOKEN: expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.partition\.partition\}:ssm:eu-west-1:\$\{data\.aws_caller_identity\.caller-identity\.account_id\}:parameter\/shop\/api-token$/,
      ),
      DB_PASSWORD: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secret-variables_web_DB_PASSWORD_secret_\w+\.arn\}$/),
      SIGNING_KEY: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:signing-AbCdEf",
      SMTP_PASSWORD: expect.stringMatching(/^\$\{data\.aws_secretsmanager_secret\.secret-variables_web_SMTP_PASSWORD_secret_\w+\.arn\}$/),
    });
    expect(Object.values(json.resource.aws_secretsmanager_secret ?? {})).toEqual([expect.objectContaining({ name: "shop/production/web/DB_PASSWORD" })]);
    const statements = executionPolicy(json, "web").Statement;
    expect(statements.find((s) => s.Sid === "Secrets")?.Resource).toEqual([valueFrom.DB_PASSWORD, valueFrom.SIGNING_KEY, valueFrom.SMTP_PASSWORD]);
    expect(statements.find((s) => s.Sid === "Parameters")).toEqual({
      Sid: "Parameters",
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: [valueFrom.API_TOKEN],
    });
  });
});
