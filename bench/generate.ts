/** A generated compose project with N services for the bench (deterministic). */

/** Routed services in a generated project: a stack owns 50 listener rule priorities (docs/architecture.md, "Listener rule priority blocks"). */
const ROUTED = 40;

export function generatedCompose(services: number): string {
  const lines = ["name: bench", "services:"];
  for (let i = 0; i < services; i++) {
    const name = `svc${String(i).padStart(3, "0")}`;
    const routed = i < ROUTED;
    lines.push(
      `  ${name}:`,
      `    image: registry.example.com/bench/${name}:1.0`,
      ...(routed ? ["    ports:", `      - "${20000 + i}:8080"`, "    x-ecs:", `      path: /${name}`] : ["    expose:", '      - "8080"']),
      "    environment:",
      `      SERVICE_NAME: ${name}`,
      `      UPSTREAM: http://svc${String((i + 1) % services).padStart(3, "0")}:8080`,
      "      LOG_LEVEL: info",
      "    healthcheck:",
      '      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]',
      "      interval: 15s",
      "      timeout: 5s",
      "      retries: 3",
      "    deploy:",
      "      replicas: 2",
      "      resources:",
      "        limits:",
      '          cpus: "0.5"',
      "          memory: 1G",
    );
  }
  return lines.join("\n") + "\n";
}

export const BENCH_ENVIRONMENT = [
  "region: eu-west-1",
  "compose: [docker-compose.yml]",
  "branches: false",
  "loadBalancer:",
  "  allowedCidrs: [0.0.0.0/0]",
  "  certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
  "",
].join("\n");

/**
 * The QA environment of the branch cases: branches of a five-service app (every service routed,
 * so 5 target groups and 5 rules per branch), routed by host name, with a local slot registry.
 * 200 such branches need 1000 target groups, 10 ALBs of 100: `pool` (0 leaves the key out,
 * for a build without the ALB pool, where only 20 branches fit).
 */
export function branchEnvironment(pool: number): string {
  return [
    "region: eu-west-1",
    "compose: [compose.yaml]",
    "branches: true",
    "loadBalancer:",
    "  allowedCidrs: [203.0.113.0/24]",
    "  domain: qa.example.com",
    ...(pool >= 1 ? [`  pool: ${pool}`] : []),
    // One wildcard record cannot point at several ALBs: each branch gets its own record in this zone.
    ...(pool > 1 ? ["  hostedZoneId: Z0000000000000BENCH"] : []),
    "state:",
    "  backend: local",
    "",
  ].join("\n");
}
