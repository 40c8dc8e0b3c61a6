import { Healthcheck } from "../compose/model";
import { HealthCheckPlan } from "./plan";

/**
 * A compose healthcheck is an HTTP probe when its command fetches an http URL on the task
 * itself (curl, wget, or a script such as python's urlopen) on the routed port. Only then does
 * the target group reuse its path; a probe of another port or host says nothing about the
 * port the load balancer checks.
 */
const LOCAL_URL = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"`;|&)]*)?/;

export function httpProbePath(healthcheck: Healthcheck | undefined, containerPort: number): string | undefined {
  if (healthcheck === undefined || healthcheck.disabled || healthcheck.test === undefined) return undefined;
  const text = healthcheck.test.slice(1).join(" ");
  const match = LOCAL_URL.exec(text);
  if (match === null) return undefined;
  const scheme = match[0].startsWith("https") ? 443 : 80;
  const port = match[1] === undefined ? scheme : Number(match[1]);
  if (port !== containerPort) return undefined;
  const path = match[2] ?? "/";
  // A shell variable in the path is known only inside the running container.
  return path.includes("$") ? undefined : path;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * Target group health check. ALB limits: interval 5-300 s, timeout 2-120 s and below the
 * interval, thresholds 2-10. Compose timings carry over where given.
 */
export function targetHealthCheck(healthcheck: Healthcheck | undefined, containerPort: number, healthCheckPath: string | undefined): HealthCheckPlan {
  const probe = httpProbePath(healthcheck, containerPort);
  const usable = healthcheck !== undefined && !healthcheck.disabled;
  const interval = clamp(usable ? (healthcheck.intervalSeconds ?? 30) : 30, 5, 300);
  const timeout = Math.min(clamp(usable ? (healthcheck.timeoutSeconds ?? 5) : 5, 2, 120), interval - 1);
  return {
    path: probe ?? healthCheckPath ?? "/",
    intervalSeconds: interval,
    timeoutSeconds: timeout,
    healthyThreshold: 2,
    unhealthyThreshold: clamp(usable ? (healthcheck.retries ?? 3) : 3, 2, 10),
    matcher: "200-399",
  };
}

/**
 * Container health check. ECS limits: interval 5-300 s, timeout 2-60 s, retries 1-10,
 * start period 0-300 s. Compose's defaults are 30 s / 30 s / 3 / 0.
 */
export function containerHealthCheck(
  healthcheck: Healthcheck | undefined,
): { command: readonly string[]; interval: number; timeout: number; retries: number; startPeriod: number } | undefined {
  if (healthcheck === undefined || healthcheck.disabled || healthcheck.test === undefined) return undefined;
  const test = healthcheck.test;
  // ECS accepts only CMD and CMD-SHELL; compose's NONE is `disabled` already.
  if (test[0] !== "CMD" && test[0] !== "CMD-SHELL") return undefined;
  return {
    command: [...test],
    interval: clamp(healthcheck.intervalSeconds ?? 30, 5, 300),
    timeout: clamp(healthcheck.timeoutSeconds ?? 30, 2, 60),
    retries: clamp(healthcheck.retries ?? 3, 1, 10),
    startPeriod: clamp(healthcheck.startPeriodSeconds ?? 0, 0, 300),
  };
}
