import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApplyProgress, describeDiagnostics, readableAddress } from "../../deploy/terraform-json";

/**
 * Progress from terraform's machine-readable UI. The fixture holds lines captured from
 * `terraform destroy -auto-approve -json` (terraform 1.11.4) of a branch stack against moto:
 * version, a data source read, the plan summary, two resources started and finished.
 */

const CAPTURED = readFileSync(join(__dirname, "..", "fixtures", "terraform", "destroy-json-ui.terraform-1.11.4.jsonl"), "utf8")
  .trim()
  .split("\n");

describe("ApplyProgress", () => {
  test("GIVEN captured destroy output WHEN fed line by line THEN the plan's total is known, data source reads do not count, and each destroyed resource is one event", () => {
    const progress = new ApplyProgress();
    const events = CAPTURED.map((line) => progress.feed(line)).filter((e) => e !== undefined);
    expect(events).toEqual([
      { kind: "planned", resource: "", action: "0 to add, 0 to change, 43 to destroy" },
      { kind: "complete", resource: "aws_iam_role_policy.services_boot_roles_execution-policy", action: "destroyed" },
      { kind: "complete", resource: "aws_vpc_security_group_egress_rule.services_redis_security-group_out-https", action: "destroyed" },
    ]);
    expect(progress.count()).toBe("2/43");
    // One resource was started and has not finished.
    expect(progress.inFlight()).toEqual(["aws_vpc_security_group_ingress_rule.services_web_security-group_in-net-default-5000-tcp (0 s)"]);
  });

  test("GIVEN a resource still being created WHEN terraform reports its progress THEN in-flight work lists the longest first", () => {
    const progress = new ApplyProgress();
    const hook = (addr: string, type: string, elapsed?: number) =>
      JSON.stringify({ type, hook: { resource: { addr }, action: "create", ...(elapsed !== undefined ? { elapsed_seconds: elapsed } : {}) } });
    progress.feed(hook("aws_lb.load-balancer_alb_15AADC07", "apply_start"));
    progress.feed(hook("aws_ecs_cluster.cluster_A4C38409", "apply_start"));
    progress.feed(hook("aws_lb.load-balancer_alb_15AADC07", "apply_progress", 40));
    expect(progress.inFlight()).toEqual(["aws_lb.load-balancer_alb (40 s)", "aws_ecs_cluster.cluster (0 s)"]);
    expect(progress.count()).toBe("0");
  });

  test("GIVEN error diagnostics with an address, or only a snippet context THEN both carry the resource they are about", () => {
    const progress = new ApplyProgress();
    progress.feed(
      JSON.stringify({
        type: "diagnostic",
        diagnostic: { severity: "error", summary: "no matching EC2 VPC found", detail: "", address: "data.aws_vpc.base_vpc_B13915F8" },
      }),
    );
    progress.feed(
      JSON.stringify({
        type: "diagnostic",
        diagnostic: {
          severity: "error",
          summary: "creating ECS Service",
          detail: "InvalidParameterException: bad\nsecond line",
          snippet: { context: 'resource "aws_ecs_service" "services_web_service_0A1B2C3D"' },
        },
      }),
    );
    progress.feed(JSON.stringify({ type: "diagnostic", diagnostic: { severity: "warning", summary: "deprecated" } }));
    expect(progress.errors()).toEqual([
      { severity: "error", summary: "no matching EC2 VPC found", address: "data.aws_vpc.base_vpc_B13915F8" },
      {
        severity: "error",
        summary: "creating ECS Service",
        detail: "InvalidParameterException: bad\nsecond line",
        address: "aws_ecs_service.services_web_service_0A1B2C3D",
      },
    ]);
    expect(describeDiagnostics(progress.errors())).toEqual([
      "  Error: no matching EC2 VPC found (data.aws_vpc.base_vpc)",
      "  Error: creating ECS Service (aws_ecs_service.services_web_service)",
      "    InvalidParameterException: bad",
      "    second line",
    ]);
  });

  test("GIVEN lines that are not JSON (a plain terraform message) THEN they are ignored", () => {
    const progress = new ApplyProgress();
    expect(progress.feed("Terraform used the selected providers to generate the following execution plan.")).toBeUndefined();
    expect(progress.count()).toBe("0");
  });

  test("GIVEN cdktf addresses THEN the hash suffix is dropped, keys kept", () => {
    expect(readableAddress("aws_subnet.network_public-eu-west-1a_9F3B2A1C")).toBe("aws_subnet.network_public-eu-west-1a");
    expect(readableAddress("aws_route.r_0A1B2C3D[0]")).toBe("aws_route.r[0]");
    expect(readableAddress("aws_vpc.plain")).toBe("aws_vpc.plain");
  });
});
