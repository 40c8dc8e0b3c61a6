import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runBranches } from "../../cli/commands/branches";
import { loadEnvironment } from "../../config/load-environment";
import { ServicePlan } from "../../planner/plan";
import { destroyBranchWithTerraform } from "../../deploy/branch-destroy";
import { branchBookkeeping } from "../../state/branches";
import { DeployHarness, expectOk, managedAddresses, STATE_BUCKET, SynthOutput } from "../../testing/deploy-harness";
import { RunResult } from "../../terraform/run";
import {
  containers,
  discoveryServices,
  ecsServices,
  ingressRules,
  leftovers,
  listeners,
  loadBalancerArn,
  logRetention,
  namespace,
  referencedGroup,
  routing,
  rules,
  securityGroupId,
  targetGroup,
  targetGroupNames,
  trustedServices,
  vpcId,
} from "./readback";

/**
 * The bundled example's QA environment, deployed for real against moto_server: one base, two
 * branches applied in parallel with S3 state and use_lockfile, read back through the AWS SDK,
 * re-planned, applied twice at once, destroyed one by one. The steps share one emulator and
 * one base (ordered tests in one file) to keep the suite short; each step needs the previous.
 */

const AWKWARD_BRANCH = "feature/ÄÖ-Login_page--v2";
const LONG_BRANCH = "release/2026-q4/customer-portal-redesign-with-a-much-longer-branch-name-than-anyone-would-type";
/** A branch whose compose file is a real app (Paperless-ngx: web server, postgres, valkey, gotenberg, tika). */
const APP_BRANCH = "feature/paperless";
const STEP = 15 * 60_000;

let h: DeployHarness;
let a: SynthOutput;
let b: SynthOutput;
let c: SynthOutput;
const dir = (out: SynthOutput, stack: string) => h.stackDir(out, stack);

function service(out: SynthOutput, composeName: string): ServicePlan {
  const found = out.plan.app.services.find((s) => s.id === composeName);
  if (!found) throw new Error(`no planned service ${composeName}`);
  return found;
}

beforeAll(async () => {
  h = await DeployHarness.start({ log: (line) => process.stderr.write(`[e2e qa] ${line}\n`) });
  h.writeEnvironment("qa");
  // Sequential: each synth allocates the branch's slot in the S3 registry.
  a = await h.synth("qa", AWKWARD_BRANCH);
  b = await h.synth("qa", LONG_BRANCH);
  c = await h.synth("qa", APP_BRANCH, paperlessFiles());
}, STEP);

/**
 * The Paperless-ngx fixture as a branch of this project: its official compose file unchanged,
 * plus an override that names the project like the example (so the branch shares the QA base)
 * and drops the named volumes, because moto 5.2 cannot destroy EFS (no DeleteFileSystemPolicy).
 */
function paperlessFiles(): string[] {
  const folder = join(h.projectDir, "apps", "paperless");
  cpSync(join(__dirname, "..", "fixtures", "apps", "paperless"), folder, { recursive: true });
  const reset = ["db", "broker", "webserver"].map((s) => `  ${s}:\n    volumes: !reset []\n`).join("");
  writeFileSync(join(folder, "e2e.override.yml"), `name: multi-env\nservices:\n${reset}`);
  return ["apps/paperless/docker-compose.postgres-tika.yml", "apps/paperless/e2e.override.yml"];
}

afterAll(async () => {
  await h?.close();
}, 60_000);

describe("QA environment on the emulator", () => {
  test(
    "1a. GIVEN the qa environment WHEN the base stack is applied THEN it succeeds",
    async () => {
      await h.deploy(dir(a, a.baseStack));
      expect(await loadBalancerArn(h.clients, a.plan.base.loadBalancer.name)).toMatch(/^arn:aws:elasticloadbalancing:/);
    },
    STEP,
  );

  test(
    "1b. GIVEN the base WHEN an awkward branch, a long one and one running a real app are applied in parallel THEN all succeed with different slugs and slots",
    async () => {
      expect(a.slug).toMatch(/^[a-z][a-z0-9-]{0,19}$/);
      expect(b.slug).toMatch(/^[a-z][a-z0-9-]{0,19}$/);
      expect(a.slug).not.toBe(b.slug);
      expect(new Set([a.slot, b.slot, c.slot]).size).toBe(3);
      expect(new Set([a.baseStack, b.baseStack, c.baseStack]).size).toBe(1);
      await Promise.all([h.deploy(dir(a, a.appStack)), h.deploy(dir(b, b.appStack)), h.deploy(dir(c, c.appStack))]);
    },
    STEP,
  );

  describe.each([
    ["awkward", () => a],
    ["long", () => b],
  ])("2. read back through the AWS SDK: %s branch", (_label, out) => {
    test("GIVEN the branch WHEN its ECS services are described THEN each compose service runs with its desired count on awsvpc, private subnets, no public IP", async () => {
      const o = out();
      const names = ["web", "boot", "redis"].map((n) => service(o, n).names.ecsService);
      const found = await ecsServices(h.clients, o.plan.base.cluster.name, names);
      // qa.yml sets web and boot to 1 replica; redis has no replicas (1).
      expect(Object.fromEntries(["web", "boot", "redis"].map((n) => [n, found.get(service(o, n).names.ecsService)?.desiredCount]))).toEqual({
        web: 1,
        boot: 1,
        redis: 1,
      });
      for (const s of found.values()) {
        expect(s.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe("DISABLED");
        expect(s.networkConfiguration?.awsvpcConfiguration?.subnets?.length).toBe(2);
      }
      const redis = found.get(service(o, "redis").names.ecsService);
      expect(redis?.loadBalancers ?? []).toEqual([]);
      expect(redis?.serviceRegistries?.[0]?.registryArn).toMatch(/^arn:aws:servicediscovery:/);
    });

    test("GIVEN the branch WHEN its task definitions are described THEN containers carry the compose image, command, environment, ports, health check and awslogs", async () => {
      const o = out();
      const services = await ecsServices(
        h.clients,
        o.plan.base.cluster.name,
        ["web", "boot", "redis"].map((n) => service(o, n).names.ecsService),
      );
      const td = async (n: string) => containers(h.clients, services.get(service(o, n).names.ecsService)?.taskDefinition ?? "missing");

      const boot = await td("boot");
      expect(boot.networkMode).toBe("awsvpc");
      const bootC = boot.containers.get("boot");
      expect(bootC?.image).toBe("laszlocph/spring-boot-dummy:exposed");
      expect(bootC?.command ?? []).toEqual([]);
      expect(bootC?.environment).toEqual(expect.arrayContaining([{ name: "SPRING_PROFILES_ACTIVE", value: "docker" }]));
      expect(bootC?.portMappings).toEqual([expect.objectContaining({ containerPort: 8080, protocol: "tcp" })]);
      expect(bootC?.healthCheck).toEqual(
        expect.objectContaining({
          command: ["CMD-SHELL", "wget -qO- http://localhost:8080/actuator/health || exit 1"],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 60,
        }),
      );
      expect(bootC?.logConfiguration).toEqual({
        logDriver: "awslogs",
        options: expect.objectContaining({ "awslogs-group": service(o, "boot").names.logGroup, "awslogs-region": "eu-west-1" }),
      });
      expect(bootC?.logConfiguration?.options?.["awslogs-create-group"]).toBeUndefined();

      const web = (await td("web")).containers.get("web");
      // Built from source: the branch's ECR repository with the environment's image tag.
      expect(web?.image).toMatch(new RegExp(`/${o.plan.app.repositories[0]?.name ?? "no-repository"}:latest$`));
      expect(web?.environment).toEqual(
        expect.arrayContaining([
          { name: "BOOT_URL", value: "http://boot:8080" },
          { name: "REDIS_HOST", value: "redis" },
          { name: "REDIS_PORT", value: "6379" },
        ]),
      );
      expect(web?.portMappings).toEqual([expect.objectContaining({ containerPort: 5000 })]);
      expect(web?.healthCheck?.command).toEqual(["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:5000/health')"]);

      const redis = await td("redis");
      const redisC = redis.containers.get("redis");
      expect(redisC?.image).toBe("redis:7.2-alpine");
      expect(redisC?.user).toBe("999:999");
      expect(redisC?.healthCheck).toEqual(expect.objectContaining({ command: ["CMD", "redis-cli", "ping"], interval: 10, timeout: 3, retries: 5 }));
      // Bare compose names resolve through the search-domain init container: its command is the namespace.
      const sidecar = redis.containers.get("searchdomain-sidecar");
      expect(sidecar?.command).toEqual([o.plan.app.namespace]);
      expect(sidecar?.essential).toBe(false);
      expect(redisC?.dependsOn).toEqual([{ containerName: "searchdomain-sidecar", condition: "SUCCESS" }]);
      expect(redis.executionRoleArn).toBeDefined();
      expect(redis.executionRoleArn).not.toBe(redis.taskRoleArn);
    });

    test("GIVEN the branch WHEN its target groups and listener rules are described THEN they carry the derived health checks, the deregistration delay and route the branch's paths", async () => {
      const o = out();
      const lb = await loadBalancerArn(h.clients, o.plan.base.loadBalancer.name);
      const byPort = await listeners(h.clients, lb ?? "missing");
      const listener = byPort.get(10000 + o.slot);
      expect(listener?.Protocol).toBe("HTTP");
      expect(listener?.DefaultActions?.[0]?.FixedResponseConfig?.StatusCode).toBe("404");
      const routes = routing(await rules(h.clients, listener?.ListenerArn ?? "missing"));
      const expected: { priority: number; paths: string[]; targetGroupArn: string }[] = [];
      for (const name of ["boot", "web"]) {
        for (const route of service(o, name).routes) {
          const tg = await targetGroup(h.clients, route.targetGroupName);
          expect(tg.group.TargetType).toBe("ip");
          expect(tg.group.Port).toBe(route.containerPort);
          expect(tg.group.HealthCheckPath).toBe(route.healthCheck.path);
          expect(tg.group.HealthCheckIntervalSeconds).toBe(route.healthCheck.intervalSeconds);
          expect(tg.group.HealthCheckTimeoutSeconds).toBe(route.healthCheck.timeoutSeconds);
          expect(tg.group.HealthyThresholdCount).toBe(route.healthCheck.healthyThreshold);
          expect(tg.group.UnhealthyThresholdCount).toBe(route.healthCheck.unhealthyThreshold);
          expect(tg.group.Matcher?.HttpCode).toBe(route.healthCheck.matcher);
          // qa.yml leaves the default drain time.
          expect(tg.attributes["deregistration_delay.timeout_seconds"]).toBe("30");
          expected.push({ priority: route.priority, paths: [...route.paths], targetGroupArn: tg.group.TargetGroupArn ?? "" });
        }
      }
      expect(routes.map((r) => ({ priority: r.priority, paths: r.paths, targetGroupArn: r.targetGroupArn }))).toEqual(
        expected.sort((x, y) => x.priority - y.priority),
      );
      // boot at /boot, web catches the rest (x-ecs path "/"); priorities inside the slot's block.
      expect(routes.map((r) => r.paths)).toEqual([["/boot", "/boot/*"], ["/*"]]);
      for (const r of routes) expect(r.priority).toBeGreaterThanOrEqual(o.slot * 50 + 1);
      for (const r of routes) expect(r.priority).toBeLessThanOrEqual(o.slot * 50 + 50);
    });

    test("GIVEN the branch WHEN its security groups are described THEN tasks admit only the ALB on routed ports, the compose network's group admits its members on every port, never a CIDR", async () => {
      const o = out();
      const vpc = await vpcId(h.clients, o.plan.base.network.kind === "new" ? o.plan.base.network.vpcName : "none");
      const alb = await securityGroupId(h.clients, o.plan.base.loadBalancer.securityGroupName, vpc);
      const network = await securityGroupId(h.clients, o.plan.app.networks[0]?.securityGroupName ?? "none", vpc);
      expect(alb).toBeDefined();
      expect(network).toBeDefined();
      const label = (r: Parameters<typeof referencedGroup>[0]) =>
        `${referencedGroup(r) === alb ? "alb" : referencedGroup(r) === network ? "network" : referencedGroup(r)}:${r.IpProtocol}:${r.FromPort}-${r.ToPort}`;
      const admitted: Record<string, string[]> = {};
      for (const name of ["web", "boot", "redis"]) {
        const group = await securityGroupId(h.clients, service(o, name).names.securityGroup, vpc);
        const rs = await ingressRules(h.clients, group ?? "missing");
        for (const r of rs) {
          expect(r.CidrIpv4 ?? r.CidrIpv6).toBeUndefined();
        }
        admitted[name] = rs.map(label).sort();
      }
      admitted.network = (await ingressRules(h.clients, network ?? "missing")).map((r) => `${label(r)}${r.CidrIpv4 ?? r.CidrIpv6 ?? ""}`);
      expect(admitted).toEqual({
        web: ["alb:tcp:5000-5000"],
        boot: ["alb:tcp:8080-8080"],
        redis: [],
        network: ["network:-1:-1--1"],
      });
    });

    test("GIVEN the branch WHEN Cloud Map, IAM and CloudWatch Logs are read THEN redis is discoverable in the branch namespace, roles trust ECS tasks, logs are kept 7 days", async () => {
      const o = out();
      const ns = await namespace(h.clients, o.plan.app.namespace);
      expect(ns?.Type).toBe("DNS_PRIVATE");
      const names = (await discoveryServices(h.clients, ns?.Id ?? "missing")).map((s) => s.Name).sort();
      expect(names).toEqual(["boot", "redis", "web"]);
      for (const name of ["web", "boot", "redis"]) {
        const names = service(o, name).names;
        expect(await trustedServices(h.clients, names.executionRole)).toEqual(["ecs-tasks.amazonaws.com"]);
        expect(await trustedServices(h.clients, names.taskRole)).toEqual(["ecs-tasks.amazonaws.com"]);
        expect(await logRetention(h.clients, names.logGroup)).toBe(7);
      }
    });
  });

  test("2c. GIVEN the Paperless-ngx branch WHEN its ECS services and security group rules are described THEN a rule on a group of the database's tasks admits a group of the web server's tasks on 5432 (every port, by the network's self rule), with no CIDR", async () => {
    const cluster = c.plan.base.cluster.name;
    const names = ["webserver", "db", "broker", "gotenberg", "tika"].map((n) => service(c, n).names.ecsService);
    const found = await ecsServices(h.clients, cluster, names);
    expect(found.size).toBe(5);
    const groupsOf = (n: string) => found.get(service(c, n).names.ecsService)?.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? [];
    const web = groupsOf("webserver");
    const db = groupsOf("db");
    expect(web.length).toBeGreaterThan(0);
    expect(db.length).toBeGreaterThan(0);
    const admitting = [];
    for (const group of db) {
      for (const r of await ingressRules(h.clients, group)) {
        const coversPort = r.IpProtocol === "-1" || (r.IpProtocol === "tcp" && (r.FromPort ?? 0) <= 5432 && 5432 <= (r.ToPort ?? 0));
        if (coversPort && web.includes(referencedGroup(r) ?? "")) admitting.push(r);
      }
    }
    expect(admitting).toEqual([expect.objectContaining({ IpProtocol: "-1", IsEgress: false })]);
    expect(admitting[0]?.CidrIpv4 ?? admitting[0]?.CidrIpv6).toBeUndefined();
    // The web server is the only routed service: it is served at / of the branch's listener.
    const lb = await loadBalancerArn(h.clients, c.plan.base.loadBalancer.name);
    const listener = (await listeners(h.clients, lb ?? "missing")).get(10000 + c.slot);
    expect(routing(await rules(h.clients, listener?.ListenerArn ?? "missing")).map((r) => r.paths)).toEqual([["/*"]]);
  });

  test("2b. GIVEN both branches WHEN the state bucket is listed THEN base and each branch have their own state key", async () => {
    const keys = await h.stateKeys();
    const states = [h.stateKey("qa", "base"), h.stateKey("qa", a.appStateName), h.stateKey("qa", b.appStateName)];
    expect(keys).toEqual(expect.arrayContaining(states));
    expect(new Set(states).size).toBe(3);
    const [base, sa, sb] = await Promise.all(states.map((k) => h.readState(k)));
    expect(managedAddresses(base).length).toBeGreaterThan(10);
    // Same configuration, separate state: the branches' lineages and contents are their own.
    expect(sa.lineage).not.toBe(sb.lineage);
    expect(managedAddresses(sa)).toEqual(managedAddresses(sb));
    expect(keys.filter((k) => k.endsWith(".tflock"))).toEqual([]);
  });

  test(
    "3. GIVEN everything applied WHEN each stack is planned again THEN nothing changes except the documented emulator drift",
    async () => {
      const results = await Promise.all([a.baseStack, a.appStack, b.appStack].map((s) => h.replan(dir(s === b.appStack ? b : a, s))));
      const report = Object.fromEntries([a.baseStack, a.appStack, b.appStack].map((s, i) => [s, results[i]?.drift.unexpected]));
      expect(report).toEqual({ [a.baseStack]: [], [a.appStack]: [], [b.appStack]: [] });
      for (const r of results) {
        // -detailed-exitcode: 0 = no changes; 2 only when every change is known emulator drift.
        expect(r.code).toBe(r.drift.emulator.length === 0 ? 0 : 2);
      }
    },
    STEP,
  );

  test(
    "4. GIVEN a deployed branch WHEN it is applied twice at the same time THEN one run fails on the state lock with a clear message and the state stays intact",
    async () => {
      const key = h.stateKey("qa", b.appStateName);
      const before = await h.readState(key);
      const stack = dir(b, b.appStack);
      const first = h.apply(stack);
      // Start the second run while the first holds the lock, so they really overlap.
      await waitForObject(`${key}.tflock`, 120_000);
      const second = await h.apply(stack, ["-lock-timeout=0s"]);
      const firstResult = await first;
      const results: RunResult[] = [firstResult, second];
      expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Error acquiring the state lock/);
      expect(second.stderr).toContain(`${STATE_BUCKET}/${key}`);
      const after = await h.readState(key);
      expect(after.lineage).toBe(before.lineage);
      expect(after.serial).toBeGreaterThanOrEqual(before.serial);
      expect(managedAddresses(after)).toEqual(managedAddresses(before));
      expect(await h.stateKeys()).not.toContain(`${key}.tflock`);
    },
    STEP,
  );

  test(
    "5a. GIVEN two branches WHEN `branches gc --destroy` removes the awkward one THEN only its resources, state and slot go; the other branch and the base are untouched",
    async () => {
      const { env } = loadEnvironment("qa", h.projectDir);
      if (!env) throw new Error("qa environment did not load");
      const live = join(h.workDir, "live-branches.txt");
      writeFileSync(live, `${LONG_BRANCH}\n${APP_BRANCH}\n`);
      const baseBefore = managedAddresses(await h.readState(h.stateKey("qa", "base")));
      const { bookkeeping } = branchBookkeeping(env, h.projectDir, h.tfEnv);
      if (!bookkeeping) throw new Error("qa has no slot registry");
      const code = await runBranches(["gc", "--env", "qa", "--live", live, "--destroy", "-C", h.projectDir], (branch) =>
        destroyBranchWithTerraform({ env, projectDir: h.projectDir, branch, inventory: bookkeeping.inventory, envVars: h.tfEnv, tfEnv: h.tfEnv }),
      );
      expect(code).toBe(0);

      const keys = await h.stateKeys();
      expect(keys).not.toContain(h.stateKey("qa", a.appStateName));
      expect(keys).toEqual(expect.arrayContaining([h.stateKey("qa", "base"), h.stateKey("qa", b.appStateName)]));
      expect(managedAddresses(await h.readState(h.stateKey("qa", "base")))).toEqual(baseBefore);

      const cluster = a.plan.base.cluster.name;
      expect([
        ...(
          await ecsServices(
            h.clients,
            cluster,
            ["web", "boot", "redis"].map((n) => service(a, n).names.ecsService),
          )
        ).keys(),
      ]).toEqual([]);
      expect(
        (
          await ecsServices(
            h.clients,
            cluster,
            ["web", "boot", "redis"].map((n) => service(b, n).names.ecsService),
          )
        ).size,
      ).toBe(3);
      const groups = await targetGroupNames(h.clients);
      for (const route of a.plan.app.services.flatMap((s) => s.routes)) expect(groups).not.toContain(route.targetGroupName);
      for (const route of b.plan.app.services.flatMap((s) => s.routes)) expect(groups).toContain(route.targetGroupName);
      const ports = [...(await listeners(h.clients, (await loadBalancerArn(h.clients, a.plan.base.loadBalancer.name)) ?? "missing")).keys()].sort(
        (x, y) => x - y,
      );
      expect(ports).toEqual([80, 10000 + Math.min(b.slot, c.slot), 10000 + Math.max(b.slot, c.slot)]);
      expect(await namespace(h.clients, a.plan.app.namespace)).toBeUndefined();
      expect(await namespace(h.clients, b.plan.app.namespace)).toBeDefined();
    },
    STEP,
  );

  test(
    "5b. GIVEN the remaining branches and the base WHEN all are destroyed THEN nothing of compose2ecs is left in the emulator",
    async () => {
      const [long, app] = await Promise.all([h.destroy(dir(b, b.appStack)), h.destroy(dir(c, c.appStack))]);
      expectOk(long, "destroy the long branch");
      expectOk(app, "destroy the Paperless-ngx branch");
      expectOk(await h.destroy(dir(a, a.baseStack)), "destroy the base");
      const services = [...a.plan.app.services, ...b.plan.app.services, ...c.plan.app.services];
      const left = await leftovers(
        h.clients,
        services.flatMap((s) => [s.names.executionRole, s.names.taskRole]),
        services.map((s) => s.names.logGroup),
      );
      expect(left).toEqual({
        vpcs: [],
        subnets: [],
        securityGroups: [],
        internetGateways: [],
        natGateways: [],
        clusters: [],
        loadBalancers: [],
        targetGroups: [],
        namespaces: [],
        roles: [],
        logGroups: [],
      });
    },
    STEP,
  );
});

async function waitForObject(key: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await h.clients.s3.send(new HeadObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${key} did not appear within ${timeoutMs} ms`);
}
