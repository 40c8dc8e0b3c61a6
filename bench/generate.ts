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
