/**
 * The price table `compose2ecs cost` estimates with: on-demand list prices in USD, Linux,
 * transcribed by hand from the AWS pricing pages named in `source`, as of `date`. Prices change
 * and vary by agreement (savings plans, credits): the estimate is for comparing choices (a
 * sleep schedule, Fargate Spot, one more NAT gateway), not a budget. Update the table, its
 * date and the tests together.
 */

export interface RegionPrices {
  /** Fargate, Linux/x86, per vCPU-hour. */
  readonly fargateVcpuHour: number;
  /** Fargate, Linux/x86, per GB of memory per hour. */
  readonly fargateGbHour: number;
  /** Fargate, Linux/ARM (Graviton), per vCPU-hour. */
  readonly fargateArmVcpuHour: number;
  /** Fargate, Linux/ARM, per GB-hour. */
  readonly fargateArmGbHour: number;
  /** Application Load Balancer, per hour. */
  readonly albHour: number;
  /** Application Load Balancer, per LCU-hour. */
  readonly albLcuHour: number;
  /** Network Load Balancer, per hour. */
  readonly nlbHour: number;
  /** Network Load Balancer, per NLCU-hour. */
  readonly nlbLcuHour: number;
  /** NAT gateway, per hour. */
  readonly natHour: number;
  /** NAT gateway, per GB processed. */
  readonly natGb: number;
  /** EFS Standard storage, per GB-month. */
  readonly efsGbMonth: number;
  /** CloudWatch Logs ingestion (standard class), per GB. */
  readonly logsIngestGb: number;
  /** A public IPv4 address (in use or idle), per hour. */
  readonly publicIpv4Hour: number;
  /** Secrets Manager, per secret per month. */
  readonly secretMonth: number;
  /** Route 53 hosted zone (a Cloud Map private DNS namespace makes one), per month. */
  readonly hostedZoneMonth: number;
  /** EC2 on-demand Linux, per instance-hour, by instance type. */
  readonly ec2Hour: Readonly<Record<string, number>>;
}

export interface PriceTable {
  /** When the prices were read. */
  readonly date: string;
  readonly source: string;
  readonly currency: "USD";
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

const COMMON = { publicIpv4Hour: 0.005, secretMonth: 0.4, hostedZoneMonth: 0.5 } as const;

export const PRICES: PriceTable = {
  date: "2025-06-01",
  source:
    "aws.amazon.com/fargate/pricing, /elasticloadbalancing/pricing, /vpc/pricing (NAT gateway, public IPv4), /efs/pricing, " +
    "/cloudwatch/pricing, /secrets-manager/pricing, /route53/pricing, /ec2/pricing/on-demand",
  currency: "USD",
  regions: {
    "us-east-1": {
      fargateVcpuHour: 0.04048,
      fargateGbHour: 0.004445,
      fargateArmVcpuHour: 0.03238,
      fargateArmGbHour: 0.00356,
      albHour: 0.0225,
      albLcuHour: 0.008,
      nlbHour: 0.0225,
      nlbLcuHour: 0.006,
      natHour: 0.045,
      natGb: 0.045,
      efsGbMonth: 0.3,
      logsIngestGb: 0.5,
      ...COMMON,
      ec2Hour: { "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "m5.large": 0.096, "c5.large": 0.085 },
    },
    "us-west-2": {
      fargateVcpuHour: 0.04048,
      fargateGbHour: 0.004445,
      fargateArmVcpuHour: 0.03238,
      fargateArmGbHour: 0.00356,
      albHour: 0.0225,
      albLcuHour: 0.008,
      nlbHour: 0.0225,
      nlbLcuHour: 0.006,
      natHour: 0.045,
      natGb: 0.045,
      efsGbMonth: 0.3,
      logsIngestGb: 0.5,
      ...COMMON,
      ec2Hour: { "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "m5.large": 0.096, "c5.large": 0.085 },
    },
    "eu-west-1": {
      fargateVcpuHour: 0.04048,
      fargateGbHour: 0.004445,
      fargateArmVcpuHour: 0.03238,
      fargateArmGbHour: 0.00356,
      albHour: 0.0252,
      albLcuHour: 0.008,
      nlbHour: 0.0252,
      nlbLcuHour: 0.006,
      natHour: 0.048,
      natGb: 0.048,
      efsGbMonth: 0.33,
      logsIngestGb: 0.57,
      ...COMMON,
      ec2Hour: { "t3.micro": 0.0114, "t3.small": 0.0228, "t3.medium": 0.0456, "t3.large": 0.0912, "m5.large": 0.107, "c5.large": 0.096 },
    },
    "eu-central-1": {
      fargateVcpuHour: 0.04656,
      fargateGbHour: 0.00511,
      fargateArmVcpuHour: 0.03725,
      fargateArmGbHour: 0.00409,
      albHour: 0.027,
      albLcuHour: 0.008,
      nlbHour: 0.027,
      nlbLcuHour: 0.006,
      natHour: 0.052,
      natGb: 0.052,
      efsGbMonth: 0.36,
      logsIngestGb: 0.63,
      ...COMMON,
      ec2Hour: { "t3.micro": 0.012, "t3.small": 0.024, "t3.medium": 0.048, "t3.large": 0.096, "m5.large": 0.115, "c5.large": 0.097 },
    },
  },
};

/** Hours in an average month (365 × 24 / 12), the unit AWS bills monthly resources in. */
export const HOURS_PER_MONTH = 730;

/** Weeks in an average month (365 / 7 / 12). */
export const WEEKS_PER_MONTH = 365 / 7 / 12;
