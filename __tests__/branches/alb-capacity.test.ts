import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planRequest } from "../../pipeline/plan-request";
import { albShare, AlbUser } from "../../state/alb-capacity";

function app(services: number, routesPerService: number, listener: "shared" | "own"): AlbUser {
  return {
    stackName: "qa-x-abc123",
    listener: { kind: listener },
    services: Array.from({ length: services }, (_, s) => ({
      routes: Array.from({ length: routesPerService }, (_, r) => ({ targetGroupName: `tg-${s}-${r}` })),
    })),
  };
}

describe("albShare", () => {
  test.each([
    // services, routes each, listener, target groups, branches per base
    [2, 1, "own", 2, 48],
    [2, 1, "shared", 2, 50],
    [3, 1, "shared", 3, 33],
    [10, 1, "shared", 10, 10],
    [0, 0, "own", 0, 48],
    [0, 0, "shared", 0, 999],
  ] as const)(
    "GIVEN %i routed services with %i route(s) on a %s listener THEN %i target groups and %i branches per base",
    (services, routes, listener, tgs, perBase) => {
      const usage = albShare(app(services, routes, listener));
      expect(usage.targetGroups).toBe(tgs);
      expect(usage.branchesPerBase).toBe(perBase);
      expect(usage.diagnostics).toEqual([]);
    },
  );

  test("GIVEN a stack with 25 routed services WHEN measured THEN synth gets a warning naming the share and the remedy", () => {
    const usage = albShare(app(25, 1, "shared"));
    expect(usage.share).toBe(0.25);
    expect(usage.branchesPerBase).toBe(4);
    expect(usage.diagnostics).toHaveLength(1);
    expect(usage.diagnostics[0]).toMatchObject({ severity: "warning" });
    expect(usage.diagnostics[0].message).toMatch(
      /uses 25 of the shared ALB's 100 target groups and 25 of its 100 rules, so one base holds only 4 such branch\(es\); .*public: false/,
    );
  });
});

describe("synth's ALB share warning", () => {
  test("GIVEN a branch environment whose compose file routes 25 services WHEN planned THEN synth warns that one base holds only 4 such branches", async () => {
    const project = mkdtempSync(join(tmpdir(), "c2e-share-"));
    try {
      mkdirSync(join(project, "environments"));
      writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n  domain: qa.example.com\n");
      const services = Array.from({ length: 25 }, (_, i) => `  s${String(i).padStart(2, "0")}:\n    image: nginx:1.27\n    ports: ["${8000 + i}:80"]\n`).join(
        "",
      );
      writeFileSync(join(project, "compose.yaml"), `name: wide\nservices:\n${services}`);
      const result = await planRequest({ projectDir: project, envName: "qa", branch: "wide", envVars: {} });
      const warnings = result.diagnostics.filter((d) => d.severity === "warning" && /shared ALB/.test(d.message));
      expect(warnings.map((w) => w.message)).toEqual([
        expect.stringMatching(/uses 25 of the shared ALB's 100 target groups .* one base holds only 4 such branch/),
      ]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
