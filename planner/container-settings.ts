import { Diagnostic, ServiceModel, SourceLocation } from "../compose/model";
import { DEFAULT_EC2_CAPACITY } from "../config/defaults";
import { EnvironmentConfig } from "../config/environment-model";
import { ContainerPlan, TaskSize } from "./plan";
import { bytesToMiB, cpusToUnits } from "./task-size";

/**
 * Container-level settings compose keeps per service and ECS per container: terminal, stdin,
 * init process, capabilities, sysctls, CPU share and soft memory limit; and the CPU
 * architecture of the task (compose `platform`).
 */

/** Linux capabilities a Fargate container may add (ECS KernelCapabilities: only SYS_PTRACE on Fargate). */
export const FARGATE_CAP_ADD: ReadonlySet<string> = new Set(["SYS_PTRACE"]);

/** IPC-namespace sysctls ECS lets a task set (task definition parameters, "systemControls"). */
const IPC_SYSCTLS = new Set([
  "kernel.msgmax",
  "kernel.msgmnb",
  "kernel.msgmni",
  "kernel.sem",
  "kernel.shmall",
  "kernel.shmmax",
  "kernel.shmmni",
  "kernel.shm_rmid_forced",
]);

/** A sysctl ECS tasks accept: namespaced network (`net.*`) and IPC ones; the host's kernel is not theirs to change. */
export function isTaskSysctl(name: string): boolean {
  return name.startsWith("net.") || IPC_SYSCTLS.has(name) || name.startsWith("fs.mqueue.");
}

export type Capacity = EnvironmentConfig["capacity"]["kind"];

/** Capabilities the container may add on this capacity (EC2 takes any). */
export function addableCapabilities(service: ServiceModel, capacity: Capacity): string[] {
  return capacity === "ec2" ? [...service.capAdd] : service.capAdd.filter((c) => FARGATE_CAP_ADD.has(c));
}

/**
 * The container CPU units and soft memory limit the service asks for: `deploy.resources.reservations`
 * (compose's reservation), else `cpu_shares` / `mem_reservation`.
 */
export function requestedContainerResources(service: ServiceModel): { cpu?: number; memoryReservation?: number } {
  const cpus = service.deploy.reservations.cpus;
  const cpu = cpus !== undefined ? cpusToUnits(cpus) : service.cpuShares;
  const bytes = service.deploy.reservations.memoryBytes;
  return { ...(cpu !== undefined && cpu > 0 ? { cpu } : {}), ...(bytes !== undefined && bytes > 0 ? { memoryReservation: bytesToMiB(bytes) } : {}) };
}

/** The settings of `service` for its app container. */
export function containerSettings(service: ServiceModel, capacity: Capacity): Partial<ContainerPlan> {
  const add = addableCapabilities(service, capacity);
  const drop = service.capDrop;
  const sysctls = Object.keys(service.sysctls).filter(isTaskSysctl);
  const linuxParameters = {
    ...(add.length > 0 || drop.length > 0 ? { capabilities: { add, drop: [...drop] } } : {}),
    ...(service.init ? { initProcessEnabled: true } : {}),
  };
  return {
    ...(service.tty ? { pseudoTerminal: true } : {}),
    ...(service.stdinOpen ? { interactive: true } : {}),
    ...(Object.keys(linuxParameters).length > 0 ? { linuxParameters } : {}),
    ...(sysctls.length > 0 ? { systemControls: sysctls.map((namespace) => ({ namespace, value: service.sysctls[namespace] ?? "" })) } : {}),
    ...requestedContainerResources(service),
  };
}

/**
 * Containers' CPU and soft memory never exceed their task's: ECS refuses a task definition whose
 * containers reserve more than the task has. Over the task's size, each is scaled down in
 * proportion (the report says so).
 */
export function fitToTask(containers: readonly ContainerPlan[], size: TaskSize): ContainerPlan[] {
  const fit = (key: "cpu" | "memoryReservation", limit: number): ((c: ContainerPlan) => ContainerPlan) => {
    const total = containers.reduce((sum, c) => sum + (c[key] ?? 0), 0);
    if (total <= limit) return (c) => c;
    return (c) => (c[key] === undefined ? c : { ...c, [key]: Math.max(1, Math.floor(((c[key] as number) * limit) / total)) });
  };
  const cpu = fit("cpu", size.cpu);
  const memory = fit("memoryReservation", size.memory);
  return containers.map((c) => memory(cpu(c)));
}

/** Graviton instance families (m6g, c7gn, t4g, r8g, ...): a digit, then "g" in the family name. */
function isArmInstanceType(instanceType: string): boolean {
  const family = instanceType.split(".")[0] ?? "";
  return /^[a-z]+\d+[a-z]*g[a-z]*$/.test(family) && !/^(g\d|p\d|inf\d|trn\d|dl\d)/.test(family);
}

/** compose `platform` to an ECS CPU architecture; undefined for platforms ECS on Linux cannot run. */
export function architectureOf(platform: string | undefined): "X86_64" | "ARM64" | undefined {
  if (platform === undefined) return "X86_64";
  const [os, arch] = platform.toLowerCase().split("/");
  if (os !== "linux") return undefined;
  if (arch === "amd64" || arch === "x86_64") return "X86_64";
  if (arch === "arm64" || arch === "aarch64") return "ARM64";
  return undefined;
}

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: SourceLocation) => void;

/**
 * The task's CPU architecture from its services' `platform`. arm64 cannot run on Fargate
 * Spot or on x86 EC2 instances (nor amd64 on Graviton instances), and one task definition has
 * one architecture: each is an error naming both settings.
 */
export function taskArchitecture(
  services: readonly ServiceModel[],
  env: EnvironmentConfig,
  locate: (service: ServiceModel) => SourceLocation | undefined,
  diagnose: Diagnose,
): "X86_64" | "ARM64" {
  const chosen = services.map((s) => ({ service: s, arch: architectureOf(s.platform) ?? "X86_64" }));
  const arm = chosen.filter((c) => c.arch === "ARM64");
  const x86 = chosen.filter((c) => c.arch === "X86_64" && c.service.platform !== undefined);
  const capacity = env.capacity;
  const instanceType = capacity.ec2?.instanceType ?? DEFAULT_EC2_CAPACITY.instanceType;
  if (arm.length > 0 && x86.length > 0) {
    const first = arm[0]?.service as ServiceModel;
    diagnose(
      "error",
      `services.${first.name}.platform`,
      `single-task placement puts ${arm.map((c) => c.service.name).join(", ")} (linux/arm64) and ${x86.map((c) => c.service.name).join(", ")} (linux/amd64) in one task definition, which has one CPU architecture: give them the same platform, or use placement: per-service`,
      locate(first),
    );
  }
  for (const { service } of arm) {
    if (capacity.kind === "fargate-spot") {
      diagnose(
        "error",
        `services.${service.name}.platform`,
        `platform ${service.platform ?? ""} needs ARM64 tasks, and capacity.kind fargate-spot runs only X86_64 tasks: use capacity.kind fargate (or EC2 Graviton instances), or an amd64 image`,
        locate(service),
      );
    } else if (capacity.kind === "ec2" && !isArmInstanceType(instanceType)) {
      diagnose(
        "error",
        `services.${service.name}.platform`,
        `platform ${service.platform ?? ""} needs ARM64 instances, and capacity.ec2.instanceType ${instanceType} is x86: use a Graviton type (t4g, m7g, ...) with an arm64 AMI, or an amd64 image`,
        locate(service),
      );
    }
  }
  if (capacity.kind === "ec2" && isArmInstanceType(instanceType)) {
    for (const { service } of x86) {
      diagnose(
        "error",
        `services.${service.name}.platform`,
        `platform ${service.platform ?? ""} needs X86_64 instances, and capacity.ec2.instanceType ${instanceType} is a Graviton (ARM64) type`,
        locate(service),
      );
    }
  }
  return arm.length > 0 ? "ARM64" : "X86_64";
}
