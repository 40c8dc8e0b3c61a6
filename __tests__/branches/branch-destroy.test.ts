import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { destroyDecision, planBranchDestroy } from "../../deploy/branch-destroy";
import { loadEnvironment } from "../../config/load-environment";
import { branchSlug } from "../../naming/branch-slug";
import { branchBookkeeping, BranchEnvironment, StateInventory } from "../../state/branches";
import { slotInState } from "../../state/state-slot";

/**
 * `branches gc --destroy` builds the destroy configuration with the slot the branch's state was
 * deployed with (read from the state), so the configuration matches the state even when the
 * slot record is gone or disagrees: it never guesses.
 */

/** A Terraform state (format 4) with the given managed resources. */
function state(resources: ReadonlyArray<{ type: string; attributes: Record<string, unknown>; mode?: string }>): string {
  return JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    resources: resources.map((r, i) => ({
      mode: r.mode ?? "managed",
      type: r.type,
      name: `r${i}`,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ attributes: r.attributes }],
    })),
  });
}

const LISTENER_7 = { type: "aws_lb_listener", attributes: { port: 10007, protocol: "HTTP" } };
const RULES_7 = [
  { type: "aws_lb_listener_rule", attributes: { priority: 351 } },
  { type: "aws_lb_listener_rule", attributes: { priority: 352 } },
];
const GROUP = { type: "aws_security_group", attributes: { name: "qa-x-web" } };

describe("the slot in a branch's state", () => {
  test.each([
    ["its own listener", [LISTENER_7, GROUP], { kind: "slot", slot: 7 }],
    ["its rule priorities (a branch with a domain)", [...RULES_7, GROUP], { kind: "slot", slot: 7 }],
    ["listener and rules that agree", [LISTENER_7, ...RULES_7], { kind: "slot", slot: 7 }],
    [
      "the shared listener read as data, and rules",
      [{ type: "aws_lb_listener", mode: "data", attributes: { port: 443 } }, ...RULES_7],
      { kind: "slot", slot: 7 },
    ],
    ["resources none of which depends on the slot", [GROUP], { kind: "unshaped" }],
    ["no resources", [], { kind: "empty" }],
  ])("GIVEN a state with %s WHEN read THEN the slot is found as it was deployed", (_what, resources, expected) => {
    expect(slotInState(state(resources))).toEqual(expected);
  });

  test.each([
    [
      "resources of two slots",
      state([LISTENER_7, { type: "aws_lb_listener_rule", attributes: { priority: 101 } }]),
      /different slots \(2: rule priority 101; 7: listener port 10007\)/,
    ],
    ["a rule of the app stack's slot 0", state([{ type: "aws_lb_listener_rule", attributes: { priority: 3 } }]), /rule priority 3 is not a branch slot's/],
    ["text that is not JSON", "not json", /not JSON/],
  ])("GIVEN %s WHEN read THEN it is unreadable, with the reason", (_what, text, reason) => {
    const found = slotInState(text);
    expect(found.kind).toBe("unreadable");
    expect(found.kind === "unreadable" && found.reason).toMatch(reason);
  });
});

describe("the destroy decision", () => {
  test.each([
    ["no record", state([LISTENER_7]), undefined, { kind: "destroy", slot: 7 }],
    ["a record that agrees", state([LISTENER_7]), 7, { kind: "destroy", slot: 7 }],
    [
      "a record that disagrees",
      state([LISTENER_7]),
      2,
      { kind: "destroy", slot: 7, note: expect.stringMatching(/deployed with slot 7, its record says 2; destroyed with the state's/) },
    ],
    ["a record and nothing slot-shaped in the state", state([GROUP]), 4, { kind: "destroy", slot: 4 }],
    ["no record and nothing slot-shaped in the state", state([GROUP]), undefined, { kind: "destroy", slot: 1 }],
    ["an empty state", state([]), 3, { kind: "nothing", detail: expect.stringMatching(/no resources; nothing to destroy/) }],
    ["an unreadable state", "{", 3, { kind: "refuse", detail: expect.stringMatching(/cannot tell from its state which slot .* destroy it by hand/) }],
  ])("GIVEN %s WHEN deciding THEN the configuration is built to match the state", (_what, text, recordSlot, expected) => {
    expect(destroyDecision(text, recordSlot)).toEqual(expected);
  });
});

describe("planning a stale branch's destroy", () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), "c2e-destroy-plan-"));
    mkdirSync(join(project, "environments"));
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    writeFileSync(join(project, "compose.yaml"), 'name: shop\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  function request(branch: BranchEnvironment, stateText: string | undefined) {
    const env = loadEnvironment("qa", project).env;
    if (env === undefined) throw new Error("qa did not load");
    const { bookkeeping } = branchBookkeeping(env, project, {});
    if (bookkeeping === undefined) throw new Error("no registry");
    const inventory: StateInventory = { ...bookkeeping.inventory, read: async () => stateText };
    return { env, projectDir: project, branch, inventory, envVars: {} };
  }

  test("GIVEN a deployed branch whose slot record is gone WHEN its destroy is planned THEN the stack has the state's slot, slug, stack name and state name", async () => {
    const slug = branchSlug("feature/orphan");
    const planned = await planBranchDestroy(request({ slug, state: "/somewhere" }, state([LISTENER_7, GROUP])));
    if (!("plan" in planned)) throw new Error(planned.result.detail);
    expect(planned.plan.branch).toEqual({ branch: slug, slug, slot: 7, alb: 1 });
    expect(planned.plan.app).toMatchObject({ stackName: `qa-${slug}`, stateName: slug, slot: 7, listener: { kind: "own", port: 10007 } });
    expect(planned.plan.app.services.flatMap((s) => s.routes.map((r) => r.priority))).toEqual([351]);
  });

  test("GIVEN a state that cannot be read WHEN its destroy is planned THEN nothing is planned and the branch fails with the reason", async () => {
    const planned = await planBranchDestroy(request({ slug: branchSlug("x"), slot: 1, state: "/somewhere" }, "garbage"));
    expect(planned).toEqual({ result: { ok: false, detail: expect.stringMatching(/cannot tell from its state which slot/) } });
  });

  test("GIVEN a state deleted since the listing WHEN its destroy is planned THEN there is nothing to destroy", async () => {
    expect(await planBranchDestroy(request({ slug: branchSlug("x"), slot: 1, state: "/somewhere" }, undefined))).toEqual({
      result: { ok: true, detail: expect.stringMatching(/state is gone/) },
    });
  });
});
