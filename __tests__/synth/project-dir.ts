import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

export const REPO = resolve(__dirname, "../..");

/** A throw-away copy of the bundled example's project dir (environments + examples/seed), so state and slots stay out of the repo. */
export function exampleProjectDir(): { root: string; projectDir: string } {
  const root = mkdtempSync(join(tmpdir(), "compose2ecs-synth-"));
  const projectDir = join(root, "project");
  mkdirSync(projectDir);
  cpSync(join(REPO, "environments"), join(projectDir, "environments"), { recursive: true });
  cpSync(join(REPO, "examples", "seed"), join(projectDir, "examples", "seed"), { recursive: true });
  return { root, projectDir };
}

/**
 * The example with what real apps add: a database on a named volume reading its password from
 * /run/secrets, with task permissions, in a private ECR repository, on arm64; a worker whose
 * env file holds secrets the production environment serves from Secrets Manager and SSM, with
 * the Docker ECS integration's keys and container settings.
 */
export function exampleWithDataProjectDir(): { root: string; projectDir: string } {
  const dir = exampleProjectDir();
  const seed = join(dir.projectDir, "examples", "seed");
  appendFileSync(
    join(seed, "docker-compose.yml"),
    [
      "",
      "  db:",
      "    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/postgres:16",
      "    platform: linux/arm64",
      '    user: "999:999"',
      "    environment: {POSTGRES_PASSWORD_FILE: /run/secrets/db_password}",
      "    secrets: [db_password, {source: tls_key, target: certs/tls.key, uid: '999', gid: '999', mode: 0400}]",
      "    volumes: ['pgdata:/var/lib/postgresql/data']",
      "    deploy: {resources: {limits: {cpus: '1', memory: 2G}, reservations: {cpus: '0.5', memory: 1G}}}",
      "    x-ecs:",
      "      taskRole: {statements: [{Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::shop-backups/*']}]}",
      "  worker:",
      "    image: app:1",
      "    init: true",
      "    tty: true",
      "    cap_add: [SYS_PTRACE]",
      "    cap_drop: [NET_RAW]",
      "    sysctls: {net.core.somaxconn: '1024'}",
      "    env_file: [worker.env]",
      "    x-aws-pull_credentials: arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf",
      "    x-aws-policies: ['arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess']",
      "    x-aws-role: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: 'arn:aws:sqs:eu-west-1:123456789012:jobs'}]}",
      "    deploy: {x-aws-autoscaling: {min: 1, max: 3, cpu: 70}, update_config: {x-aws-min_percent: 50, x-aws-max_percent: 150}}",
      "volumes: {pgdata: {}}",
      "secrets: {db_password: {file: ./db_password.txt}, tls_key: {file: ./tls.key}}",
      "x-aws-logs_retention: 30",
      "",
    ].join("\n"),
  );
  writeFileSync(join(seed, "worker.env"), "DB_PASSWORD=hunter2\nAPI_TOKEN=tok\n");
  writeFileSync(join(seed, "db_password.txt"), "pw");
  writeFileSync(join(seed, "tls.key"), "key");
  for (const name of ["production", "qa"]) {
    const envFile = join(dir.projectDir, "environments", `${name}.yml`);
    writeFileSync(
      envFile,
      readFileSync(envFile, "utf8").replace(
        "services:\n",
        "services:\n  worker:\n    secretEnvironment: {DB_PASSWORD: secretsmanager, API_TOKEN: {from: ssm, name: /shop/api-token}}\n",
      ),
    );
  }
  return dir;
}

/** Every file under `dir`, relative, sorted, with its bytes. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return out;
}

export { runCli } from "../helpers/run-cli";
