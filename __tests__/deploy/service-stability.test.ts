import { readFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import { judgeService, lastEvents, waitForServices } from "../../deploy/service-stability";

/**
 * Waiting for ECS services, judged on DescribeServices answers: a hand-written recording in the
 * AWS API reference's shape (moto returns no events), served over HTTP on loopback to the real
 * AWS SDK client, so the wire format, its timestamps and the report are all exercised.
 */

const RECORDING = join(__dirname, "..", "fixtures", "ecs", "describe-services-unstable.json");

/** A loopback ECS endpoint answering every DescribeServices with `body`; counts the calls. */
async function fakeEcs(body: () => string): Promise<{ endpoint: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      calls += 1;
      const target = req.headers["x-amz-target"];
      res.writeHead(target === "AmazonEC2ContainerServiceV20141113.DescribeServices" ? 200 : 400, { "Content-Type": "application/x-amz-json-1.1" });
      res.end(target === "AmazonEC2ContainerServiceV20141113.DescribeServices" ? body() : JSON.stringify({ __type: "InvalidAction" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, calls: () => calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_EC2_METADATA_DISABLED: "true" });
});
afterAll(() => {
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("judging one service", () => {
  test("GIVEN running = desired, one PRIMARY deployment COMPLETED THEN it is stable", () => {
    expect(judgeService({ status: "ACTIVE", desiredCount: 2, runningCount: 2, deployments: [{ status: "PRIMARY", rolloutState: "COMPLETED" }] })).toEqual({
      state: "stable",
    });
  });

  test("GIVEN running = desired but the previous deployment still draining THEN it waits", () => {
    const verdict = judgeService({
      status: "ACTIVE",
      desiredCount: 1,
      runningCount: 1,
      deployments: [{ status: "PRIMARY", rolloutState: "COMPLETED" }, { status: "ACTIVE" }],
    });
    expect(verdict).toEqual({ state: "waiting", why: "2 deployments (the previous one is still draining)" });
  });

  test("GIVEN the circuit breaker rolled the deployment back THEN it failed for good, with ECS's reason", () => {
    const verdict = judgeService({
      desiredCount: 1,
      runningCount: 0,
      deployments: [{ status: "PRIMARY", rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." }],
    });
    expect(verdict).toEqual({ state: "failed", why: "deployment FAILED: ECS deployment circuit breaker: tasks failed to start." });
  });

  test("GIVEN a service DescribeServices did not return THEN it failed: not found", () => {
    expect(judgeService(undefined)).toEqual({ state: "failed", why: "not found in its cluster" });
  });

  test("GIVEN no events (as moto answers) THEN the report says ECS recorded none", () => {
    expect(lastEvents({ events: [] })).toEqual(["(ECS recorded no events for this service)"]);
  });
});

describe("waiting for services through the AWS SDK", () => {
  test("GIVEN the recorded response of a service whose tasks fail their health check WHEN up waits past its timeout THEN the report names the service, its counts, its rollout and its five latest events, newest first", async () => {
    const recording = readFileSync(RECORDING, "utf8");
    const ecs = await fakeEcs(() => recording);
    try {
      const result = await waitForServices([{ cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop-production", name: "shop-production-web" }], {
        region: "eu-west-1",
        endpoint: ecs.endpoint,
        timeoutMs: 1_000,
        pollMs: 200,
      });
      expect(ecs.calls()).toBeGreaterThanOrEqual(1);
      if (result.ok) throw new Error("expected the wait to fail");
      expect(result.report).toEqual([
        expect.stringMatching(/^1 of 1 ECS service is not stable after \d+ s:$/),
        "  shop-production-web (cluster shop-production): 0 of 2 tasks running, 1 pending; deployment IN_PROGRESS (ECS deployment ecs-svc/9223370265315862231 in progress.); 3 tasks failed to start",
        "    last events:",
        "      2026-01-01T10:07:00Z (service shop-production-web) has started 1 tasks: (task 5f4e3d2c1b0a49888776655443322110).",
        "      2026-01-01T10:06:00Z (service shop-production-web) deregistered 1 targets in (target-group arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-production-web-80/0123456789abcdef)",
        "      2026-01-01T10:05:00Z (service shop-production-web) (task 0a1b2c3d4e5f46789aabbccddeeff001) failed container health checks.",
        "      2026-01-01T10:03:00Z (service shop-production-web) (port 80) is unhealthy in (target-group arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-production-web-80/0123456789abcdef) due to (reason Health checks failed with these codes: [502]).",
        "      2026-01-01T10:01:00Z (service shop-production-web) has started 2 tasks: (task 0a1b2c3d4e5f46789aabbccddeeff001) (task 1b2c3d4e5f6a47890bbccddeeff00112).",
      ]);
    } finally {
      await ecs.close();
    }
  });

  test("GIVEN the same service answering steady on the second poll WHEN up waits THEN it succeeds without waiting for the timeout", async () => {
    const unstable = readFileSync(RECORDING, "utf8");
    const parsed = JSON.parse(unstable) as { services: Record<string, unknown>[] };
    const steady = JSON.stringify({
      services: parsed.services.map((s) => ({
        ...s,
        runningCount: 2,
        pendingCount: 0,
        deployments: [{ status: "PRIMARY", desiredCount: 2, runningCount: 2, rolloutState: "COMPLETED" }],
      })),
      failures: [],
    });
    let answered = 0;
    const ecs = await fakeEcs(() => (++answered === 1 ? unstable : steady));
    try {
      const started = Date.now();
      const result = await waitForServices([{ cluster: "shop-production", name: "shop-production-web" }], {
        region: "eu-west-1",
        endpoint: ecs.endpoint,
        timeoutMs: 60_000,
        pollMs: 50,
      });
      expect(result).toEqual({ ok: true });
      expect(ecs.calls()).toBe(2);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await ecs.close();
    }
  });
});
