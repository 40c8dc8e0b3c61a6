import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  Filter,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import {
  ContainerDefinition,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  Service,
} from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  Listener,
  Rule,
  TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetRoleCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import {
  GetServiceCommand,
  ListNamespacesCommand,
  ListServicesCommand as ListDiscoveryServicesCommand,
  NamespaceSummary,
  ServiceSummary,
} from "@aws-sdk/client-servicediscovery";
import { AwsClients } from "../../testing/aws-clients";

/** Reads deployed resources back through the AWS SDK v3 (never through Terraform). */

const MANAGED: Filter = { Name: "tag:managed-by", Values: ["compose2ecs"] };

export async function ecsServices(c: AwsClients, cluster: string, names: readonly string[]): Promise<Map<string, Service>> {
  const out = await c.ecs.send(new DescribeServicesCommand({ cluster, services: [...names] }));
  return new Map((out.services ?? []).filter((s) => s.status === "ACTIVE").map((s) => [s.serviceName ?? "", s]));
}

export async function containers(
  c: AwsClients,
  taskDefinitionArn: string,
): Promise<{ family: string; networkMode: string; containers: Map<string, ContainerDefinition>; executionRoleArn?: string; taskRoleArn?: string }> {
  const out = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }));
  const td = out.taskDefinition ?? {};
  return {
    family: td.family ?? "",
    networkMode: td.networkMode ?? "",
    containers: new Map((td.containerDefinitions ?? []).map((d) => [d.name ?? "", d])),
    ...(td.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {}),
    ...(td.taskRoleArn ? { taskRoleArn: td.taskRoleArn } : {}),
  };
}

export async function targetGroup(c: AwsClients, name: string): Promise<{ group: TargetGroup; attributes: Record<string, string> }> {
  const out = await c.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
  const group = out.TargetGroups?.[0];
  if (group?.TargetGroupArn === undefined) throw new Error(`target group ${name} not found`);
  const attrs = await c.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn }));
  return { group, attributes: Object.fromEntries((attrs.Attributes ?? []).map((a) => [a.Key ?? "", a.Value ?? ""])) };
}

export async function targetGroupNames(c: AwsClients): Promise<string[]> {
  const out = await c.elbv2.send(new DescribeTargetGroupsCommand({}));
  return (out.TargetGroups ?? []).map((g) => g.TargetGroupName ?? "").sort();
}

export async function loadBalancerArn(c: AwsClients, name: string): Promise<string | undefined> {
  try {
    const out = await c.elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }));
    return out.LoadBalancers?.[0]?.LoadBalancerArn;
  } catch (error) {
    if (error instanceof Error && error.name === "LoadBalancerNotFoundException") return undefined;
    throw error;
  }
}

export async function listeners(c: AwsClients, lbArn: string): Promise<Map<number, Listener>> {
  const out = await c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
  return new Map((out.Listeners ?? []).map((l) => [l.Port ?? 0, l]));
}

export async function rules(c: AwsClients, listenerArn: string): Promise<Rule[]> {
  const out = await c.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
  return out.Rules ?? [];
}

/** The path patterns and forward target of each non-default rule. */
export function routing(rs: readonly Rule[]): { priority: number; paths: string[]; hosts: string[]; targetGroupArn: string }[] {
  return rs
    .filter((r) => !r.IsDefault)
    .map((r) => ({
      priority: Number(r.Priority),
      paths: (r.Conditions ?? []).flatMap((cond) => cond.PathPatternConfig?.Values ?? (cond.Field === "path-pattern" ? (cond.Values ?? []) : [])),
      hosts: (r.Conditions ?? []).flatMap((cond) => cond.HostHeaderConfig?.Values ?? (cond.Field === "host-header" ? (cond.Values ?? []) : [])),
      targetGroupArn: (r.Actions ?? []).find((a) => a.Type === "forward")?.TargetGroupArn ?? "",
    }))
    .sort((a, b) => a.priority - b.priority);
}

export async function securityGroupId(c: AwsClients, name: string, vpcId?: string): Promise<string | undefined> {
  const filters: Filter[] = [{ Name: "group-name", Values: [name] }, ...(vpcId ? [{ Name: "vpc-id", Values: [vpcId] }] : [])];
  const out = await c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }));
  return out.SecurityGroups?.[0]?.GroupId;
}

export async function ingressRules(c: AwsClients, groupId: string): Promise<SecurityGroupRule[]> {
  const out = await c.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? []).filter((r) => r.IsEgress === false);
}

/** A referenced group id without moto's `<account>/` prefix. */
export function referencedGroup(rule: SecurityGroupRule): string | undefined {
  const id = rule.ReferencedGroupInfo?.GroupId;
  return id?.includes("/") ? id.split("/").pop() : id;
}

export async function vpcId(c: AwsClients, name: string): Promise<string | undefined> {
  const out = await c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: [name] }] }));
  return out.Vpcs?.[0]?.VpcId;
}

export async function namespace(c: AwsClients, name: string): Promise<NamespaceSummary | undefined> {
  const out = await c.discovery.send(new ListNamespacesCommand({}));
  return (out.Namespaces ?? []).find((n) => n.Name === name);
}

/** Cloud Map services of one namespace. moto 5.2 ignores ListServices' NAMESPACE_ID filter, so each is checked with GetService. */
export async function discoveryServices(c: AwsClients, namespaceId: string): Promise<ServiceSummary[]> {
  const out = await c.discovery.send(new ListDiscoveryServicesCommand({ Filters: [{ Name: "NAMESPACE_ID", Values: [namespaceId], Condition: "EQ" }] }));
  const inNamespace: ServiceSummary[] = [];
  for (const summary of out.Services ?? []) {
    const full = await c.discovery.send(new GetServiceCommand({ Id: summary.Id }));
    // The provider names the namespace inside DnsConfig; moto keeps it only there.
    if ((full.Service?.NamespaceId || full.Service?.DnsConfig?.NamespaceId) === namespaceId) inNamespace.push(summary);
  }
  return inNamespace;
}

export async function trustedServices(c: AwsClients, roleName: string): Promise<string[]> {
  const out = await c.iam.send(new GetRoleCommand({ RoleName: roleName }));
  const doc = JSON.parse(decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? "{}")) as { Statement?: { Principal?: { Service?: string | string[] } }[] };
  return (doc.Statement ?? []).flatMap((s) => [s.Principal?.Service ?? []].flat()).sort();
}

export async function logRetention(c: AwsClients, name: string): Promise<number | undefined> {
  const out = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return out.logGroups?.find((g) => g.logGroupName === name)?.retentionInDays;
}

/** What is left of compose2ecs in the emulator, by kind (empty lists when everything is gone). */
export async function leftovers(c: AwsClients, roleNames: readonly string[], logGroupNames: readonly string[]): Promise<Record<string, string[]>> {
  const [vpcs, subnets, groups, igws, nats, clusters, lbs, tgs, nss, roles] = await Promise.all([
    c.ec2.send(new DescribeVpcsCommand({ Filters: [MANAGED] })),
    c.ec2.send(new DescribeSubnetsCommand({ Filters: [MANAGED] })),
    c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [MANAGED] })),
    c.ec2.send(new DescribeInternetGatewaysCommand({ Filters: [MANAGED] })),
    c.ec2.send(new DescribeNatGatewaysCommand({ Filter: [MANAGED] })),
    c.ecs.send(new ListClustersCommand({})),
    c.elbv2.send(new DescribeLoadBalancersCommand({})),
    c.elbv2.send(new DescribeTargetGroupsCommand({})),
    c.discovery.send(new ListNamespacesCommand({})),
    c.iam.send(new ListRolesCommand({})),
  ]);
  const logGroups: string[] = [];
  for (const name of logGroupNames) if (await logGroupExists(c, name)) logGroups.push(name);
  return {
    vpcs: (vpcs.Vpcs ?? []).map((v) => v.VpcId ?? ""),
    subnets: (subnets.Subnets ?? []).map((s) => s.SubnetId ?? ""),
    securityGroups: (groups.SecurityGroups ?? []).map((g) => g.GroupName ?? ""),
    internetGateways: (igws.InternetGateways ?? []).map((g) => g.InternetGatewayId ?? ""),
    natGateways: (nats.NatGateways ?? []).filter((n) => n.State !== "deleted").map((n) => n.NatGatewayId ?? ""),
    clusters: await activeClusters(c, clusters.clusterArns ?? []),
    loadBalancers: (lbs.LoadBalancers ?? []).map((l) => l.LoadBalancerName ?? ""),
    targetGroups: (tgs.TargetGroups ?? []).map((g) => g.TargetGroupName ?? ""),
    namespaces: (nss.Namespaces ?? []).map((n) => n.Name ?? ""),
    roles: (roles.Roles ?? []).map((r) => r.RoleName ?? "").filter((n) => roleNames.includes(n)),
    logGroups,
  };
}

/** moto keeps a deleted cluster as INACTIVE (as AWS does for a while): only ACTIVE ones are left over. */
async function activeClusters(c: AwsClients, arns: readonly string[]): Promise<string[]> {
  if (arns.length === 0) return [];
  const out = await c.ecs.send(new DescribeClustersCommand({ clusters: [...arns] }));
  return (out.clusters ?? []).filter((k) => k.status === "ACTIVE").map((k) => k.clusterName ?? "");
}

async function logGroupExists(c: AwsClients, name: string): Promise<boolean> {
  const out = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return (out.logGroups ?? []).some((g) => g.logGroupName === name);
}
