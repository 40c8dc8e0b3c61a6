/**
 * Arguments whose change makes Terraform replace (destroy and re-create) a resource, for the
 * resource types compose2ecs emits. Taken from the hashicorp/aws 5.x provider schemas (`ForceNew`,
 * "Forces new resource" in the registry docs); the plan-summary tests check several of them against
 * the real provider's `replace_paths`. A `terraform plan` stays the authority: this table lets
 * `compose2ecs diff` warn without credentials or state.
 *
 * Paths are argument names with nested blocks joined by `.` (list indices dropped); a rule matches a
 * changed path equal to it or below it.
 */

export interface ReplacementRule {
  /** Arguments that force replacement, or "every-argument" for immutable resources. */
  readonly forceNew: readonly string[] | "every-argument";
  /** Arguments that never force replacement even when forceNew is "every-argument". */
  readonly inPlace?: readonly string[];
  /** What the replacement means for the running system, for reviewers. */
  readonly consequence: string;
}

/** Meta-arguments and tags: changing them never replaces the remote object. */
const NEVER_FORCE_NEW = ["tags", "tags_all", "depends_on", "lifecycle", "provider", "count", "for_each", "timeouts"];

export const REPLACEMENT_RULES: Readonly<Record<string, ReplacementRule>> = {
  aws_ecs_task_definition: {
    forceNew: "every-argument",
    inPlace: ["skip_destroy", "track_latest"],
    consequence: "new task definition revision; the ECS service rolls its tasks to it",
  },
  aws_ecs_service: {
    forceNew: ["name", "cluster", "launch_type", "iam_role", "scheduling_strategy", "deployment_controller"],
    consequence: "the ECS service is deleted and re-created: its tasks stop (downtime)",
  },
  aws_ecs_cluster: { forceNew: ["name"], consequence: "the cluster is re-created: every service in it is re-created" },
  aws_ecs_cluster_capacity_providers: { forceNew: ["cluster_name"], consequence: "capacity provider association re-created" },
  aws_ecs_capacity_provider: {
    forceNew: ["name", "auto_scaling_group_provider.auto_scaling_group_arn"],
    consequence: "capacity provider re-created",
  },
  aws_lb: {
    forceNew: ["name", "name_prefix", "internal", "load_balancer_type", "customer_owned_ipv4_pool"],
    consequence: "the load balancer is re-created: its DNS name changes",
  },
  aws_lb_listener: { forceNew: ["load_balancer_arn"], consequence: "listener re-created: brief outage on that port" },
  aws_lb_listener_rule: { forceNew: ["listener_arn"], consequence: "listener rule re-created: brief routing gap" },
  aws_lb_listener_certificate: { forceNew: ["listener_arn", "certificate_arn"], consequence: "certificate attachment re-created" },
  aws_lb_target_group: {
    forceNew: ["name", "name_prefix", "port", "protocol", "protocol_version", "vpc_id", "target_type", "ip_address_type"],
    consequence: "target group re-created: tasks are re-registered, the listener rule is updated (brief 5xx)",
  },
  aws_security_group: {
    forceNew: ["name", "name_prefix", "vpc_id", "description"],
    consequence: "security group re-created: network interfaces using it are updated or re-created",
  },
  aws_security_group_rule: {
    forceNew: [
      "type",
      "from_port",
      "to_port",
      "protocol",
      "cidr_blocks",
      "ipv6_cidr_blocks",
      "prefix_list_ids",
      "security_group_id",
      "source_security_group_id",
      "self",
    ],
    consequence: "rule deleted and re-added: brief gap in connectivity",
  },
  aws_vpc_security_group_ingress_rule: { forceNew: ["security_group_id"], consequence: "rule deleted and re-added" },
  aws_vpc_security_group_egress_rule: { forceNew: ["security_group_id"], consequence: "rule deleted and re-added" },
  aws_vpc: {
    forceNew: ["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
    consequence: "the VPC is re-created: EVERYTHING in it is re-created",
  },
  aws_subnet: {
    forceNew: ["vpc_id", "cidr_block", "availability_zone", "availability_zone_id", "outpost_arn"],
    consequence: "subnet re-created: tasks, NAT gateways and load balancer nodes in it move",
  },
  aws_eip: {
    forceNew: ["domain", "vpc", "network_border_group", "public_ipv4_pool", "address", "customer_owned_ipv4_pool"],
    consequence: "elastic IP released: the public address changes",
  },
  aws_nat_gateway: {
    forceNew: ["allocation_id", "subnet_id", "connectivity_type", "private_ip"],
    consequence: "NAT gateway re-created: outbound traffic from private subnets pauses",
  },
  aws_route_table: { forceNew: ["vpc_id"], consequence: "route table re-created" },
  aws_route: {
    forceNew: ["route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"],
    consequence: "route re-created: brief routing gap",
  },
  aws_route_table_association: { forceNew: ["subnet_id", "gateway_id"], consequence: "association re-created" },
  aws_flow_log: {
    forceNew: [
      "vpc_id",
      "subnet_id",
      "eni_id",
      "log_destination",
      "log_destination_type",
      "log_group_name",
      "iam_role_arn",
      "traffic_type",
      "max_aggregation_interval",
      "log_format",
      "destination_options",
    ],
    consequence: "flow log re-created",
  },
  aws_cloudwatch_log_group: {
    forceNew: ["name", "name_prefix", "log_group_class"],
    consequence: "log group re-created: EXISTING LOGS ARE DELETED",
  },
  aws_iam_role: { forceNew: ["name", "name_prefix", "path"], consequence: "IAM role re-created: tasks using it are restarted" },
  aws_iam_role_policy: { forceNew: ["name", "name_prefix", "role"], consequence: "inline policy re-created" },
  aws_iam_role_policy_attachment: { forceNew: ["role", "policy_arn"], consequence: "policy attachment re-created" },
  aws_iam_policy: { forceNew: ["name", "name_prefix", "path", "description"], consequence: "managed policy re-created" },
  aws_iam_instance_profile: { forceNew: ["name", "name_prefix", "path"], consequence: "instance profile re-created" },
  aws_service_discovery_private_dns_namespace: {
    forceNew: ["name", "vpc"],
    consequence: "discovery namespace re-created: services in it are re-registered",
  },
  aws_service_discovery_service: {
    forceNew: ["name", "namespace_id", "type", "health_check_custom_config", "dns_config.namespace_id", "dns_config.dns_records.type"],
    consequence: "discovery service re-created: the ECS service is updated and its DNS name re-registered",
  },
  aws_appautoscaling_target: {
    forceNew: ["resource_id", "scalable_dimension", "service_namespace"],
    consequence: "scaling target re-created",
  },
  aws_appautoscaling_policy: {
    forceNew: ["name", "resource_id", "scalable_dimension", "service_namespace"],
    consequence: "scaling policy re-created",
  },
  aws_appautoscaling_scheduled_action: {
    forceNew: ["name", "resource_id", "scalable_dimension", "service_namespace"],
    consequence: "sleep-schedule action re-created (schedule, time zone and capacities change in place)",
  },
  aws_efs_file_system: {
    forceNew: ["creation_token", "encrypted", "kms_key_id", "performance_mode", "availability_zone_name"],
    consequence: "file system re-created: ITS DATA IS LOST",
  },
  aws_efs_mount_target: { forceNew: ["file_system_id", "subnet_id", "ip_address"], consequence: "mount target re-created" },
  aws_efs_access_point: { forceNew: ["file_system_id", "posix_user", "root_directory"], consequence: "access point re-created" },
  aws_ecr_repository: {
    forceNew: ["name", "encryption_configuration"],
    consequence: "repository re-created: ITS IMAGES ARE DELETED",
  },
  aws_ecr_lifecycle_policy: { forceNew: ["repository"], consequence: "lifecycle policy re-created" },
  aws_secretsmanager_secret: {
    forceNew: ["name", "name_prefix"],
    consequence: "secret re-created: ITS VALUE MUST BE SET AGAIN",
  },
  aws_kms_key: {
    forceNew: ["customer_master_key_spec", "key_usage", "multi_region", "custom_key_store_id", "xks_key_id"],
    consequence: "KMS key scheduled for deletion: data encrypted with it becomes unreadable",
  },
  aws_kms_alias: { forceNew: ["name", "name_prefix"], consequence: "alias re-created" },
  aws_autoscaling_group: { forceNew: ["name", "name_prefix"], consequence: "auto scaling group re-created: instances replaced" },
  aws_launch_template: { forceNew: ["name", "name_prefix"], consequence: "launch template re-created" },
  aws_wafv2_web_acl_association: { forceNew: ["resource_arn", "web_acl_arn"], consequence: "WAF association re-created" },
  aws_vpc_endpoint: { forceNew: ["vpc_id", "service_name", "vpc_endpoint_type"], consequence: "VPC endpoint re-created" },
  aws_ssm_parameter: { forceNew: ["name"], consequence: "parameter re-created" },
};

/** `container_definitions[0].x` and `dns_config[0].dns_records[1].type` -> `dns_config.dns_records.type`. */
export function schemaPath(attributePath: string): string {
  return attributePath
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\.+/g, ".")
    .replace(/^\.|\.$/g, "");
}

function matchesRule(path: string, rulePath: string): boolean {
  return path === rulePath || path.startsWith(`${rulePath}.`);
}

/** Whether changing `attributePath` on a resource of `type` forces replacement (per the table). */
export function forcesReplacement(type: string, attributePath: string): boolean {
  const rule = REPLACEMENT_RULES[type];
  if (rule === undefined) return false;
  const path = schemaPath(attributePath);
  const top = path.split(".")[0] ?? path;
  if (NEVER_FORCE_NEW.includes(top) || (rule.inPlace ?? []).includes(top)) return false;
  if (rule.forceNew === "every-argument") return true;
  return rule.forceNew.some((rulePath) => matchesRule(path, rulePath));
}

export function replacementConsequence(type: string): string | undefined {
  return REPLACEMENT_RULES[type]?.consequence;
}
