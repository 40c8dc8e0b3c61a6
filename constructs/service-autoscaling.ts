import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingConfig } from "../compose/model";

export interface ServiceAutoscalingProps {
  /** Bounds and targets (x-ecs / environment `autoscaling`). */
  readonly config: AutoscalingConfig;
  /** ECS cluster name. */
  readonly clusterName: string;
  /** ECS service name. */
  readonly serviceName: string;
  /** `<alb arn suffix>/<target group arn suffix>`, for request-count scaling. @default undefined */
  readonly requestCountResourceLabel?: string;
  /** Tags for the scalable target. @default {} */
  readonly tags?: Record<string, string>;
  /** Resources the scalable target waits for (the ECS service). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Target-tracking autoscaling of an ECS service's desired count: CPU, memory and/or ALB requests per target. */
export class ServiceAutoscaling extends Construct {
  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    const { config } = props;
    const target = new AppautoscalingTarget(this, "target", {
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      scalableDimension: "ecs:service:DesiredCount",
      serviceNamespace: "ecs",
      tags: props.tags ?? {},
      dependsOn: props.dependsOn ?? [],
    });
    const policies: { id: string; metric: string; value: number; label?: string }[] = [];
    if (config.targetCpuPercent !== undefined) policies.push({ id: "cpu", metric: "ECSServiceAverageCPUUtilization", value: config.targetCpuPercent });
    if (config.targetMemoryPercent !== undefined) policies.push({ id: "memory", metric: "ECSServiceAverageMemoryUtilization", value: config.targetMemoryPercent });
    if (config.targetRequestsPerTarget !== undefined && props.requestCountResourceLabel !== undefined) {
      policies.push({ id: "requests", metric: "ALBRequestCountPerTarget", value: config.targetRequestsPerTarget, label: props.requestCountResourceLabel });
    }
    for (const p of policies) {
      new AppautoscalingPolicy(this, p.id, {
        name: `${props.serviceName}-${p.id}`,
        policyType: "TargetTrackingScaling",
        resourceId: target.resourceId,
        scalableDimension: target.scalableDimension,
        serviceNamespace: target.serviceNamespace,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: p.value,
          predefinedMetricSpecification: { predefinedMetricType: p.metric, ...(p.label !== undefined ? { resourceLabel: p.label } : {}) },
          scaleInCooldown: 120,
          scaleOutCooldown: 60,
        },
      });
    }
  }
}
