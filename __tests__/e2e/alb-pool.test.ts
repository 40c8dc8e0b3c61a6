import { DeployHarness, SynthOutput } from "../../testing/deploy-harness";
import { listeners, loadBalancerArn, routing, rules } from "./readback";

/**
 * A QA base with a pool of two ALBs, deployed against moto_server, and three branches spread
 * over them: the environment allows 3 listeners per ALB, so with the base's port 80 each ALB
 * takes two listener-port branches and the third branch lands on ALB 2. Read back through the
 * AWS SDK: every branch's listener and rules are on the ALB its slot record names, and nowhere
 * else. Its own base (each emulated ALB takes 60-90 s): no other test deploys a pool.
 */

const STEP = 15 * 60_000;
const BRANCHES = ["pool/one", "pool/two", "pool/three"];

let h: DeployHarness;
const out: SynthOutput[] = [];

beforeAll(async () => {
  h = await DeployHarness.start({ log: (line) => process.stderr.write(`[e2e pool] ${line}\n`) });
  h.writeEnvironment("qapool", {
    from: "qa",
    edit: (doc) => ({ ...doc, loadBalancer: { ...(doc.loadBalancer as Record<string, unknown>), pool: 2, quotas: { listenersPerAlb: 3 } } }),
  });
  // Sequential: each synth places its branch using the records of those before it.
  for (const branch of BRANCHES) out.push(await h.synth("qapool", branch));
}, STEP);

afterAll(async () => {
  await h?.close();
}, 60_000);

describe("a QA base with a pool of two ALBs on the emulator", () => {
  test(
    "GIVEN pool: 2 WHEN the base is applied THEN both ALBs exist with their own HTTP listener",
    async () => {
      const [first] = out;
      if (first === undefined) throw new Error("nothing synthesized");
      const names = first.plan.base.loadBalancer.pool.map((m) => m.name);
      expect(names[0]).toBe(first.plan.base.loadBalancer.name);
      expect(names).toEqual([expect.any(String), expect.stringMatching(/-alb2(-[a-z0-9]{6})?$/)]);
      await h.deploy(h.stackDir(first, first.baseStack));
      for (const member of first.plan.base.loadBalancer.pool) {
        const arn = await loadBalancerArn(h.clients, member.name);
        expect([member.name, arn]).toEqual([member.name, expect.stringMatching(/^arn:aws:elasticloadbalancing:/)]);
        expect([...(await listeners(h.clients, arn ?? "missing")).keys()]).toEqual([80]);
      }
    },
    STEP,
  );

  test(
    "GIVEN three branches placed on the pool WHEN applied in parallel THEN each ALB holds exactly the listeners and rules of the branches placed on it",
    async () => {
      expect(out.map((o) => [o.slot, o.plan.app.alb.index])).toEqual([
        [1, 1],
        [2, 1],
        [3, 2],
      ]);
      await Promise.all(out.map((o) => h.deploy(h.stackDir(o, o.appStack))));
      const pool = out[0]?.plan.base.loadBalancer.pool ?? [];
      for (const member of pool) {
        const arn = await loadBalancerArn(h.clients, member.name);
        const byPort = await listeners(h.clients, arn ?? "missing");
        const placed = out.filter((o) => o.plan.app.alb.index === member.index);
        expect([member.name, [...byPort.keys()].sort((x, y) => x - y)]).toEqual([member.name, [80, ...placed.map((o) => 10000 + o.slot)]]);
        for (const o of placed) {
          const listener = byPort.get(10000 + o.slot);
          const routes = routing(await rules(h.clients, listener?.ListenerArn ?? "missing"));
          const planned = o.plan.app.services.flatMap((s) => s.routes.map((r) => r.priority)).sort((x, y) => x - y);
          expect([o.slug, routes.map((r) => r.priority)]).toEqual([o.slug, planned]);
          for (const r of routes) expect(r.priority).toBeGreaterThanOrEqual(o.slot * 50 + 1);
          for (const r of routes) expect(r.priority).toBeLessThanOrEqual(o.slot * 50 + 50);
        }
        // The base's port 80 listener has no branch rules.
        expect(routing(await rules(h.clients, byPort.get(80)?.ListenerArn ?? "missing"))).toEqual([]);
      }
    },
    STEP,
  );
});
