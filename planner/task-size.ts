import { TaskSize } from "./plan";

/**
 * Valid Fargate task sizes (AWS ECS developer guide, "Task CPU and memory"): for each CPU
 * value, the memory values it accepts in MiB.
 */
const FARGATE_SIZES: readonly { readonly cpu: number; readonly memory: readonly number[] }[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];

export const LARGEST_FARGATE_SIZE: TaskSize = { cpu: 16384, memory: 122880 };
export const SMALLEST_FARGATE_SIZE: TaskSize = { cpu: 256, memory: 512 };

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Every valid size, smallest first (by CPU, then memory). */
export function fargateSizes(): TaskSize[] {
  return FARGATE_SIZES.flatMap((row) => row.memory.map((memory) => ({ cpu: row.cpu, memory })));
}

/**
 * The smallest valid Fargate size with at least the requested CPU units and MiB, or undefined
 * beyond the largest. "Smallest" is by cost: CPU first, then memory, as Fargate prices vCPU
 * about 9x a GiB.
 */
export function nearestFargateSize(cpu: number, memory: number): TaskSize | undefined {
  for (const row of FARGATE_SIZES) {
    if (row.cpu < cpu) continue;
    const fit = row.memory.find((m) => m >= memory);
    if (fit !== undefined) return { cpu: row.cpu, memory: fit };
  }
  return undefined;
}

/** Compose `cpus` (fraction of a vCPU) to ECS CPU units. */
export function cpusToUnits(cpus: number): number {
  return Math.ceil(cpus * 1024);
}

/** Bytes to MiB, rounded up. */
export function bytesToMiB(bytes: number): number {
  return Math.ceil(bytes / (1024 * 1024));
}
