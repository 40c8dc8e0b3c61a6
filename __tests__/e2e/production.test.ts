import { DescribeCapacityProvidersCommand, DescribeClustersCommand } from "@aws-sdk/client-ecs";
import { requestCertificate } from "../../testing/aws-clients";
import { DeployHarness, EnvironmentEdit, expectOk, SynthOutput } from "../../testing/deploy-harness";
import { ecsServices, leftovers, listeners, loadBalancerArn, routing, rules } from "./readback";

/**
 * The bundled example's production environment (Fargate, separate services behind HTTPS) and
 * an EC2-capacity variant of it, applied and destroyed against moto_server. Both run at the
 * same time on one emulator: each has its own ALB, and the emulator's ALB wait (about 60 s)
 * dominates, so running them side by side halves the time.
 *
 * Three edits to the bundled production file, all environment settings (docs/e2e.md):
 * - loadBalancer.certificateArn: a certificate requested from the emulator's ACM (the bundled
 *   ARN is a placeholder; moto, like AWS, refuses an HTTPS listener with an unknown certificate);
 * - loadBalancer.deletionProtection: false, or `terraform destroy` could not remove the ALB
 *   (as on AWS: a user turns it off before tearing production down);
 * - no services.*.autoscaling: moto 5.2 has no Application Auto Scaling ListTagsForResource,
 *   so the provider retries aws_appautoscaling_target for many minutes. Autoscaling is covered
 *   by `terraform validate` only (__tests__/validate).
 */

const STEP = 15 * 60_000;

/** Production as bundled, destroyable, without autoscaling, with a certificate the emulator knows. */
const forEmulator =
  (certificateArn: string): EnvironmentEdit =>
  (doc) => {
    const services = (doc.services ?? {}) as Record<string, Record<string, unknown>>;
    const withoutAutoscaling = Object.fromEntries(
      Object.entries(services).map(([name, o]) => [name, Object.fromEntries(Object.entries(o).filter(([k]) => k !== "autoscaling"))]),
    );
    return {
      ...doc,
      services: withoutAutoscaling,
      loadBalancer: { ...(doc.loadBalancer as Record<string, unknown>), deletionProtection: false, certificateArn },
    };
  };

const ec2Capacity =
  (certificateArn: string): EnvironmentEdit =>
  (doc) => {
    const edited = forEmulator(certificateArn)(doc);
    return {
      ...edited,
      network: { ...(edited.network as Record<string, unknown>), cidr: "10.40.0.0/16", nat: "single" },
      capacity: { kind: "ec2", containerInsights: false, ec2: { instanceType: "t3.small", desiredSize: 2, minSize: 1, maxSize: 4 } },
    };
  };

let h: DeployHarness;
const synthesized = new Map<string, SynthOutput>();

beforeAll(async () => {
  h = await DeployHarness.start({ log: (line) => process.stderr.write(`[e2e production] ${line}\n`) });
  // The bundled file's certificate ARN is a placeholder to replace; the emulator needs a real one.
  const certificateArn = await requestCertificate(h.moto.endpoint, h.region, "shop.example.com");
  h.writeEnvironment("production", { edit: forEmulator(certificateArn) });
  h.writeEnvironment("ec2", { from: "production", edit: ec2Capacity(certificateArn) });
  for (const env of ["production", "ec2"]) synthesized.set(env, await h.synth(env));
}, STEP);

afterAll(async () => {
  await h?.close();
}, 60_000);

function out(env: string): SynthOutput {
  const o = synthesized.get(env);
  if (!o) throw new Error(`${env} was not synthesized`);
  return o;
}

describe("production and EC2 capacity on the emulator", () => {
  test(
    "6a. GIVEN production (Fargate) and an EC2-capacity variant WHEN base and app stacks are applied THEN every service runs with its replicas",
    async () => {
      await allOrEveryError(
        ["production", "ec2"].map(async (env) => {
          const o = out(env);
          await h.deploy(h.stackDir(o, o.baseStack));
          await h.deploy(h.stackDir(o, o.appStack));
        }),
      );
      for (const env of ["production", "ec2"]) {
        const o = out(env);
        const found = await ecsServices(
          h.clients,
          o.plan.base.cluster.name,
          o.plan.app.services.map((s) => s.names.ecsService),
        );
        // Compose replicas (web 2, boot 2) and redis 1: production does not override them.
        expect(Object.fromEntries(o.plan.app.services.map((s) => [s.id, found.get(s.names.ecsService)?.desiredCount]))).toEqual({ web: 2, boot: 2, redis: 1 });
      }
    },
    STEP,
  );

  test("6b. GIVEN production WHEN its load balancer is read THEN HTTP only redirects and the HTTPS listener (TLS 1.3 policy) routes /boot and the rest", async () => {
    const o = out("production");
    const byPort = await listeners(h.clients, (await loadBalancerArn(h.clients, o.plan.base.loadBalancer.name)) ?? "missing");
    expect([...byPort.keys()].sort((x, y) => x - y)).toEqual([80, 443]);
    expect(byPort.get(80)?.DefaultActions?.[0]?.Type).toBe("redirect");
    const https = byPort.get(443);
    expect(https?.SslPolicy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    const routes = routing(await rules(h.clients, https?.ListenerArn ?? "missing"));
    expect(routes.map((r) => r.paths)).toEqual([["/boot", "/boot/*"], ["/*"]]);
  });

  test("6c. GIVEN the EC2 variant WHEN its cluster is read THEN its capacity provider is backed by an Auto Scaling group with managed scaling", async () => {
    const o = out("ec2");
    const cluster = await h.clients.ecs.send(new DescribeClustersCommand({ clusters: [o.plan.base.cluster.name] }));
    // FARGATE and FARGATE_SPOT may be attached too; the EC2 one is the cluster's own.
    const providers = (cluster.clusters?.[0]?.capacityProviders ?? []).filter((p) => !p.startsWith("FARGATE"));
    expect(providers).toHaveLength(1);
    const described = await h.clients.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: providers }));
    const asg = described.capacityProviders?.[0]?.autoScalingGroupProvider;
    expect(asg?.autoScalingGroupArn).toMatch(/^arn:aws:autoscaling:/);
    expect(asg?.managedScaling?.status).toBe("ENABLED");
  });

  test(
    "6d. GIVEN both environments WHEN app and base stacks are destroyed THEN nothing of compose2ecs is left in the emulator",
    async () => {
      await allOrEveryError(
        ["production", "ec2"].map(async (env) => {
          const o = out(env);
          expectOk(await h.destroy(h.stackDir(o, o.appStack)), `destroy ${o.appStack}`);
          expectOk(await h.destroy(h.stackDir(o, o.baseStack)), `destroy ${o.baseStack}`);
        }),
      );
      const services = [...synthesized.values()].flatMap((o) => o.plan.app.services);
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

/** Waits for every run and fails with all their errors, not just the first. */
async function allOrEveryError(runs: readonly Promise<void>[]): Promise<void> {
  const settled = await Promise.allSettled(runs);
  const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : []));
  if (errors.length > 0) throw new Error(errors.join("\n\n"));
}
