import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { AppSecret as AppSecretType } from "../constructs/app-secret";
import { BaseLookup } from "../constructs/base-lookup";
import type { BranchDnsRecord as BranchDnsRecordType } from "../constructs/branch-dns-record";
import { BranchListener } from "../constructs/branch-listener";
import { ComposeService } from "../constructs/compose-service";
import { DiscoveryNamespace } from "../constructs/discovery-namespace";
import { EcrRepository } from "../constructs/ecr-repository";
import { NetworkSelfRule } from "../constructs/network-self-rule";
import type { EfsVolume } from "../constructs/efs-volume";
import type { SecretVariable as SecretVariableType } from "../constructs/secret-variable";
import { Plan } from "../planner/plan";
import { configureBackend } from "./backend";
import { literalPlan } from "./terraform-literal";
import { StackOptions } from "./base-stack";
import { configureProvider } from "./provider";

/**
 * `<env>-app` or `<env>-<slug>`: the compose services of one environment or branch, on the
 * base stack's network, cluster and load balancer, found by name.
 */
export class AppStack extends TerraformStack {
  constructor(scope: Construct, composePlan: Plan, options: StackOptions) {
    // Every string of the plan is user text to Terraform: made literal once, here.
    const plan = literalPlan(composePlan);
    const app = plan.app;
    super(scope, app.stackName);
    configureProvider(this, { env: plan.env, project: plan.project, stackName: app.stackName, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    configureBackend(this, { env: plan.env, stateName: app.stateName, projectDir: options.projectDir, stackDir: `${options.outDir}/stacks/${app.stackName}` });
    const ephemeral = plan.branch !== undefined;

    const networkListeners = app.services.some((s) => s.networkTargets.length > 0);
    const base = new BaseLookup(this, "base", {
      base: plan.base,
      loadBalancerName: app.alb.name,
      ...(app.listener.kind === "shared" ? { listenerPort: app.listener.port } : {}),
      ...(networkListeners ? { networkLoadBalancer: true } : {}),
    });
    const listenerArn =
      app.listener.kind === "own"
        ? new BranchListener(this, "branch-listener", { loadBalancerArn: base.loadBalancer.arn, port: app.listener.port }).listener.arn
        : (base.listenerArn ?? "");

    if (app.dnsRecord !== undefined) {
      const { BranchDnsRecord } = require("../constructs/branch-dns-record") as { BranchDnsRecord: typeof BranchDnsRecordType };
      new BranchDnsRecord(this, "dns", { zoneId: app.dnsRecord.zoneId, name: app.dnsRecord.name, loadBalancer: base.loadBalancer });
    }

    const namespace = app.discovery ? new DiscoveryNamespace(this, "discovery", { name: app.namespace, vpcId: base.vpcId }) : undefined;

    // Compose names are user input: each kind gets its own scope so no name can clash with
    // another kind or with the stack's own constructs (cdktf's "backend", the provider, ...).
    const networks = new Construct(this, "networks");
    const secretScope = new Construct(this, "secrets");
    const images = new Construct(this, "images");
    const volumeScope = new Construct(this, "volumes");
    const services = new Construct(this, "services");

    const networkSecurityGroupIds = { members: new Map<string, string>(), declaredPorts: new Map<string, string>() };
    const networkRules = new Construct(this, "network-rules");
    const declaredNetworks = new Construct(this, "declared-ports-networks");
    for (const n of app.networks) {
      // The description is part of the group's identity (changing it replaces the group): keep it.
      const sg = new SecurityGroup(networks, n.name, {
        name: n.securityGroupName,
        description: `Members of compose network ${n.name}: services admit each other on their ports`,
        vpcId: base.vpcId,
      });
      networkSecurityGroupIds.members.set(n.name, sg.id);
      if (n.selfRule) new NetworkSelfRule(networkRules, n.name, { securityGroupId: sg.id, network: n.name });
      if (n.declaredPorts !== undefined) {
        const declared = new SecurityGroup(declaredNetworks, n.name, {
          name: n.declaredPorts.securityGroupName,
          description: `Declared-ports members of compose network ${n.name}: admitted on declared ports only`,
          vpcId: base.vpcId,
        });
        networkSecurityGroupIds.declaredPorts.set(n.name, declared.id);
      }
    }

    // Secrets and EFS classes are loaded only for projects that use them (synth start-up time).
    const { AppSecret } = app.secrets.length > 0 ? (require("../constructs/app-secret") as { AppSecret: typeof AppSecretType }) : { AppSecret: undefined };
    const { EfsVolume: EfsVolumeClass } =
      app.volumes.length > 0 ? (require("../constructs/efs-volume") as { EfsVolume: typeof EfsVolume }) : { EfsVolume: undefined };
    const secretArns = new Map<string, string>();
    for (const s of app.secrets) {
      if (AppSecret === undefined) break;
      secretArns.set(s.name, new AppSecret(secretScope, s.name, { plan: s, recoveryWindowDays: ephemeral ? 0 : 7 }).arn);
    }
    const secretVariables = new Map<string, { arn: string; store: "secretsmanager" | "ssm" }>();
    if (app.secretVariables.length > 0) {
      const { SecretVariable } = require("../constructs/secret-variable") as { SecretVariable: typeof SecretVariableType };
      const identity = app.secretVariables.some((v) => v.store === "ssm" && v.kind === "lookup") ? stackIdentity(this) : undefined;
      const variableScope = new Construct(this, "secret-variables");
      for (const v of app.secretVariables) {
        // One scope per service: "<service>/<VARIABLE>" ids cannot clash with each other or other kinds.
        const serviceScope = (variableScope.node.tryFindChild(v.service) as Construct | undefined) ?? new Construct(variableScope, v.service);
        const made = new SecretVariable(serviceScope, v.variable, {
          plan: v,
          region: plan.env.aws.region,
          ...(identity ? { identity } : {}),
          recoveryWindowDays: ephemeral ? 0 : 7,
        });
        secretVariables.set(v.id, { arn: made.arn, store: v.store });
      }
    }
    const repositories = new Map<string, { url: string; arn: string }>();
    for (const r of app.repositories) {
      const repo = new EcrRepository(images, r.service, { name: r.name, forceDelete: ephemeral, tags: { "compose2ecs:service": r.service } }).repository;
      repositories.set(r.service, { url: repo.repositoryUrl, arn: repo.arn });
    }
    const efsVolumes = new Map<string, EfsVolume>();
    for (const v of app.volumes) {
      if (EfsVolumeClass === undefined) break;
      efsVolumes.set(v.name, new EfsVolumeClass(volumeScope, v.name, { plan: v, vpcId: base.vpcId, subnetIds: base.privateSubnetIds }));
    }

    const ec2 = plan.base.cluster.ec2;
    const capacityProvider = ec2 ? ec2.capacityProviderName : plan.base.cluster.kind === "fargate-spot" ? "FARGATE_SPOT" : "FARGATE";
    for (const service of app.services) {
      new ComposeService(services, service.id, {
        plan: service,
        cluster: { arn: base.clusterArn, name: plan.base.cluster.name },
        capacityProvider,
        compatibility: ec2 ? "EC2" : "FARGATE",
        vpcId: base.vpcId,
        vpcCidr: base.vpcCidr,
        subnetIds: base.privateSubnetIds,
        loadBalancer: { securityGroupId: base.loadBalancerSecurityGroupId, arnSuffix: base.loadBalancer.arnSuffix, listenerArn },
        networkSecurityGroupIds,
        ...(base.networkLoadBalancer && plan.base.networkLoadBalancer
          ? { networkLoadBalancer: { ...base.networkLoadBalancer, allowedCidrs: plan.base.networkLoadBalancer.allowedCidrs } }
          : {}),
        ...(namespace ? { namespaceId: namespace.namespace.id } : {}),
        repositories,
        secretArns,
        secretVariables,
        efsVolumes,
        region: plan.env.aws.region,
        logRetentionDays: app.logRetentionDays,
      });
    }

    const scheme = app.listener.kind === "shared" && app.listener.protocol === "HTTPS" ? "https" : "http";
    const url =
      app.listener.kind === "own"
        ? `http://${base.loadBalancer.dnsName}:${app.listener.port}`
        : app.host !== undefined
          ? `${scheme}://${app.host}`
          : `${scheme}://${base.loadBalancer.dnsName}`;
    new TerraformOutput(this, "url", { value: url, description: "Where the stack's services are reached" });
  }
}

/** The stack's account and partition, for ARNs of resources given by name (SSM parameters). */
function stackIdentity(stack: Construct): { accountId: string; partition: string } {
  const { DataAwsCallerIdentity } =
    require("@cdktf/provider-aws/lib/data-aws-caller-identity") as typeof import("@cdktf/provider-aws/lib/data-aws-caller-identity");
  const { DataAwsPartition } = require("@cdktf/provider-aws/lib/data-aws-partition") as typeof import("@cdktf/provider-aws/lib/data-aws-partition");
  return { accountId: new DataAwsCallerIdentity(stack, "caller-identity").accountId, partition: new DataAwsPartition(stack, "partition").partition };
}
