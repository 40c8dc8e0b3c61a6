import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingConfig } from "../compose/model";
import { ScheduledActionPlan, ServiceSchedulePlan } from "../planner/plan";

export interface ServiceAutoscalingProps {
  /** The scalable target's bounds: the autoscaling bounds, or a sleep schedule's awake ones. */
  readonly bounds: { readonly minCapacity: number; readonly maxCapacity: number };
  /** Target tracking (x-ecs / environment `autoscaling`). @default undefined (none) */
  readonly config?: AutoscalingConfig;
  /** Sleep and wake scheduled actions (a branch's sleep schedule). @default undefined (none) */
  readonly schedule?: ServiceSchedulePlan;
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

/**
 * Application Auto Scaling of an ECS service's desired count on the service's one scalable
 * target (AWS allows one per service and dimension, so target tracking and a sleep schedule
 * share it): target-tracking policies on CPU, memory and/or ALB requests per target, and the
 * scheduled actions that put a branch to sleep and wake it.
 */
export class ServiceAutoscaling extends Construct {
  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    const { config, schedule } = props;
    const target = new AppautoscalingTarget(this, "target", {
      minCapacity: props.bounds.minCapacity,
      maxCapacity: props.bounds.maxCapacity,
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      scalableDimension: "ecs:service:DesiredCount",
      serviceNamespace: "ecs",
      tags: props.tags ?? {},
      dependsOn: props.dependsOn ?? [],
    });
    const policies: { id: string; metric: string; value: number; label?: string }[] = [];
    if (config?.targetCpuPercent !== undefined) policies.push({ id: "cpu", metric: "ECSServiceAverageCPUUtilization", value: config.targetCpuPercent });
    if (config?.targetMemoryPercent !== undefined)
      policies.push({ id: "memory", metric: "ECSServiceAverageMemoryUtilization", value: config.targetMemoryPercent });
    if (config?.targetRequestsPerTarget !== undefined && props.requestCountResourceLabel !== undefined) {
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
    if (schedule !== undefined) {
      const action = (id: string, plan: ScheduledActionPlan, after: ITerraformDependable[]) =>
        new AppautoscalingScheduledAction(this, id, {
          name: plan.name,
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          serviceNamespace: target.serviceNamespace,
          schedule: plan.schedule,
          timezone: schedule.timezone,
          scalableTargetAction: { minCapacity: String(plan.minCapacity), maxCapacity: String(plan.maxCapacity) },
          dependsOn: after,
        });
      // One change to a scalable target's actions at a time: Application Auto Scaling may refuse concurrent ones.
      const sleep = action("sleep", schedule.sleep, []);
      action("wake", schedule.wake, [sleep]);
    }
  }
}
