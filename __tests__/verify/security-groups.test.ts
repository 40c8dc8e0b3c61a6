import { admission, cidrCovers, Endpoint } from "../../verify/security-groups";
import { JsonObject, Terraform } from "../../verify/terraform";

/**
 * Security-group admission as AWS evaluates it, on hand-written Terraform JSON: rule kinds
 * (vpc rules, aws_security_group_rule, inline blocks), self references, port ranges, protocol -1,
 * CIDR peers, data-source lookups into another stack, and egress.
 */

const ref = (address: string) => `\${${address}.id}`;

function world(app: Record<string, unknown>, base: Record<string, unknown> = {}): Terraform {
  return new Terraform({ base: { resource: base } as JsonObject, app: app as JsonObject });
}

const EGRESS_ALL = { all: { security_group_id: ref("aws_security_group.caller"), ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" } };

function endpoints(tf: Terraform, callerGroups: string[], calleeGroups: string[], cidrs: string[] = ["10.0.128.0/20"]): [Endpoint, Endpoint] {
  const groups = (addrs: string[]) => addrs.flatMap((a) => tf.resolveAll("app", ref(a)));
  return [
    { stack: "app", groups: groups(callerGroups), cidrs },
    { stack: "app", groups: groups(calleeGroups), cidrs },
  ];
}

const GROUPS = { caller: { name: "caller" }, callee: { name: "callee" }, net: { name: "net" } };

describe("security-group admission", () => {
  test("GIVEN an ingress rule from the caller's group on a port range WHEN a port inside and one outside are asked THEN only the inside one passes", () => {
    const tf = world({
      resource: {
        aws_security_group: GROUPS,
        aws_vpc_security_group_ingress_rule: {
          r: {
            security_group_id: ref("aws_security_group.callee"),
            referenced_security_group_id: ref("aws_security_group.caller"),
            ip_protocol: "tcp",
            from_port: 5000,
            to_port: 5999,
          },
        },
        aws_vpc_security_group_egress_rule: EGRESS_ALL,
      },
    });
    const [a, b] = endpoints(tf, ["aws_security_group.caller"], ["aws_security_group.callee"]);
    expect(admission(tf, a, b, "tcp", 5432).status).toBe("hold");
    const outside = admission(tf, a, b, "tcp", 6379);
    expect(outside.status).toBe("broken");
    expect(outside.detail).toBe("no ingress rule on sg callee admits sg caller on tcp/6379");
    expect(admission(tf, a, b, "udp", 5432).status).toBe("broken");
  });

  test("GIVEN a self-referencing all-ports rule on a shared network group WHEN any port is asked THEN it passes, also when the port is unknown", () => {
    const tf = world({
      resource: {
        aws_security_group: GROUPS,
        aws_security_group_rule: {
          self: { type: "ingress", security_group_id: ref("aws_security_group.net"), self: true, protocol: "-1", from_port: 0, to_port: 0 },
        },
        aws_vpc_security_group_egress_rule: EGRESS_ALL,
      },
    });
    const [a, b] = endpoints(tf, ["aws_security_group.caller", "aws_security_group.net"], ["aws_security_group.callee", "aws_security_group.net"]);
    expect(admission(tf, a, b, "tcp", 7000).status).toBe("hold");
    expect(admission(tf, a, b, "tcp", "every").status).toBe("hold");
    const [outsider, target] = endpoints(tf, ["aws_security_group.caller"], ["aws_security_group.callee", "aws_security_group.net"]);
    expect(admission(tf, outsider, target, "tcp", 7000).status).toBe("broken");
  });

  test("GIVEN only a declared-port rule WHEN the port used is unknown THEN it cannot be told; with no rule at all it is broken", () => {
    const tf = world({
      resource: {
        aws_security_group: GROUPS,
        aws_vpc_security_group_ingress_rule: {
          r: {
            security_group_id: ref("aws_security_group.callee"),
            referenced_security_group_id: ref("aws_security_group.caller"),
            ip_protocol: "tcp",
            from_port: 8080,
            to_port: 8080,
          },
        },
        aws_vpc_security_group_egress_rule: EGRESS_ALL,
      },
    });
    const [a, b] = endpoints(tf, ["aws_security_group.caller"], ["aws_security_group.callee"]);
    expect(admission(tf, a, b, "tcp", "every").status).toBe("unknown");
    const none = world({ resource: { aws_security_group: GROUPS, aws_vpc_security_group_egress_rule: EGRESS_ALL } });
    const [c, d] = endpoints(none, ["aws_security_group.caller"], ["aws_security_group.callee"]);
    expect(admission(none, c, d, "tcp", "every")).toMatchObject({
      status: "broken",
      detail: "the port used is not written and not known, and sg callee admits sg caller on no port at all",
    });
  });

  test("GIVEN inline ingress by CIDR WHEN the caller's subnets lie inside, or outside, the CIDR THEN admission follows", () => {
    const tf = world({
      resource: {
        aws_security_group: {
          ...GROUPS,
          callee: { name: "callee", ingress: [{ protocol: "tcp", from_port: 6379, to_port: 6379, cidr_blocks: ["10.0.0.0/16"] }] },
        },
        aws_vpc_security_group_egress_rule: EGRESS_ALL,
      },
    });
    const [a, b] = endpoints(tf, ["aws_security_group.caller"], ["aws_security_group.callee"]);
    expect(admission(tf, a, b, "tcp", 6379).status).toBe("hold");
    const [c, d] = endpoints(tf, ["aws_security_group.caller"], ["aws_security_group.callee"], ["10.1.0.0/24"]);
    expect(admission(tf, c, d, "tcp", 6379).status).toBe("broken");
  });

  test("GIVEN the caller's groups allow no egress to the callee WHEN asked THEN it is broken for egress, naming the caller's group", () => {
    const tf = world({
      resource: {
        aws_security_group: GROUPS,
        aws_vpc_security_group_ingress_rule: {
          r: { security_group_id: ref("aws_security_group.callee"), referenced_security_group_id: ref("aws_security_group.caller"), ip_protocol: "-1" },
        },
        aws_vpc_security_group_egress_rule: {
          https: { security_group_id: ref("aws_security_group.caller"), ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
        },
      },
    });
    const [a, b] = endpoints(tf, ["aws_security_group.caller"], ["aws_security_group.callee"]);
    expect(admission(tf, a, b, "tcp", 5432)).toMatchObject({
      status: "broken",
      ingress: "hold",
      egress: "broken",
      detail: "no egress rule on sg caller allows tcp/5432 to sg callee",
    });
  });

  test("GIVEN a rule whose peer is a data source finding the base stack's group WHEN asked THEN the lookup resolves to that group", () => {
    const tf = world(
      {
        data: {
          aws_vpc: { vpc: { filter: [{ name: "tag:Name", values: ["shop"] }] } },
          aws_security_group: { alb: { name: "shop-alb", vpc_id: "${data.aws_vpc.vpc.id}" } },
        },
        resource: {
          aws_security_group: { callee: { name: "callee" } },
          aws_vpc_security_group_ingress_rule: {
            r: {
              security_group_id: ref("aws_security_group.callee"),
              referenced_security_group_id: ref("data.aws_security_group.alb"),
              ip_protocol: "tcp",
              from_port: 80,
              to_port: 80,
            },
          },
          aws_vpc_security_group_egress_rule: {
            out: { security_group_id: ref("aws_security_group.callee"), ip_protocol: "-1", cidr_ipv4: "${data.aws_vpc.vpc.cidr_block}" },
          },
        },
      },
      {
        aws_vpc: { vpc: { cidr_block: "10.0.0.0/16", tags: { Name: "shop" } } },
        aws_security_group: { alb: { name: "shop-alb", vpc_id: "${aws_vpc.vpc.id}" } },
        aws_vpc_security_group_egress_rule: {
          alb_out: { security_group_id: "${aws_security_group.alb.id}", ip_protocol: "-1", cidr_ipv4: "${aws_vpc.vpc.cidr_block}" },
        },
      },
    );
    const alb: Endpoint = { stack: "base", groups: tf.resolveAll("base", "${aws_security_group.alb.id}"), cidrs: ["10.0.0.0/20"] };
    const callee: Endpoint = { stack: "app", groups: tf.resolveAll("app", ref("aws_security_group.callee")), cidrs: ["10.0.128.0/20"] };
    expect(tf.resolveAll("app", ref("data.aws_security_group.alb")).map((b) => `${b.stack}:${b.address}`)).toEqual(["base:aws_security_group.alb"]);
    expect(admission(tf, alb, callee, "tcp", 80).status).toBe("hold");
    expect(admission(tf, alb, callee, "tcp", 81).status).toBe("broken");
  });

  test("GIVEN CIDRs WHEN compared THEN containment is by prefix", () => {
    expect(cidrCovers("10.0.0.0/16", "10.0.128.0/20")).toBe(true);
    expect(cidrCovers("10.0.128.0/20", "10.0.0.0/16")).toBe(false);
    expect(cidrCovers("0.0.0.0/0", "192.168.1.0/24")).toBe(true);
    expect(cidrCovers("10.1.0.0/16", "10.0.0.0/24")).toBe(false);
  });
});
