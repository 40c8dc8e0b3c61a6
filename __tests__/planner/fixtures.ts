/** Hand-built ComposeProject fixtures (the loader's output shape) for planner and construct tests. */
import { ComposeProject, ServiceModel } from "../../compose/model";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";

type ServiceInput = Partial<ServiceModel> & { name: string };

export function service(input: ServiceInput): ServiceModel {
  return {
    environment: {},
    ports: [],
    expose: [],
    volumes: [],
    dependsOn: [],
    links: [],
    deploy: { mode: "replicated", limits: {}, reservations: {} },
    secrets: [],
    configs: [],
    ulimits: [],
    labels: {},
    networks: ["default"],
    readOnly: false,
    capAdd: [],
    capDrop: [],
    init: false,
    tty: false,
    stdinOpen: false,
    sysctls: {},
    ecs: {},
    aws: { unknown: [] },
    keys: [],
    unmodelled: {},
    envFileVariables: {},
    extensions: {},
    image: `${input.name}:1`,
    ...input,
  };
}

export function project(services: readonly ServiceModel[], extra: Partial<ComposeProject> = {}): ComposeProject {
  return {
    name: "shop",
    files: ["docker-compose.yml"],
    services: [...services].sort((a, b) => (a.name < b.name ? -1 : 1)),
    volumes: [],
    networks: [{ name: "default", external: false, internal: false, unmodelled: {} }],
    secrets: [],
    configs: [],
    extensions: {},
    aws: { cloudFormation: false, unknown: [] },
    locations: {},
    ...extra,
  };
}

/** The seed example (examples/seed/docker-compose.yml) as the loader should produce it. */
export function seedProject(): ComposeProject {
  return {
    ...project([
      service({
        name: "web",
        image: undefined,
        build: { context: "./web" },
        ports: [{ target: 5000, published: 5000, protocol: "tcp" }],
        environment: { BOOT_URL: "http://boot:8080", REDIS_HOST: "redis", REDIS_PORT: "6379" },
        dependsOn: [
          { service: "boot", condition: "service_started" },
          { service: "redis", condition: "service_started" },
        ],
        healthcheck: {
          test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:5000/health')"],
          disabled: false,
          intervalSeconds: 30,
          timeoutSeconds: 5,
          retries: 3,
          startPeriodSeconds: 10,
        },
        deploy: { mode: "replicated", replicas: 2, limits: { cpus: 0.25, memoryBytes: 512 * 1024 * 1024 }, reservations: {} },
        ecs: { path: "/" },
      }),
      service({
        name: "boot",
        image: "laszlocph/spring-boot-dummy:exposed",
        ports: [{ target: 8080, published: 8080, protocol: "tcp" }],
        environment: { SPRING_PROFILES_ACTIVE: "docker" },
        healthcheck: {
          test: ["CMD-SHELL", "wget -qO- http://localhost:8080/actuator/health || exit 1"],
          disabled: false,
          intervalSeconds: 30,
          timeoutSeconds: 5,
          retries: 3,
          startPeriodSeconds: 60,
        },
        deploy: {
          mode: "replicated",
          replicas: 2,
          limits: { cpus: 0.5, memoryBytes: 1024 * 1024 * 1024 },
          reservations: {},
          updateConfig: { order: "start-first" },
        },
        ecs: { path: "/boot" },
      }),
      service({
        name: "redis",
        image: "redis:7.2-alpine",
        expose: [{ target: 6379, protocol: "tcp" }],
        user: "999:999",
        healthcheck: { test: ["CMD", "redis-cli", "ping"], disabled: false, intervalSeconds: 10, timeoutSeconds: 3, retries: 5 },
      }),
    ]),
    name: "multi-env",
  };
}

/** A production-like environment with the security settings the policy gate needs. */
export function productionEnv(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  const env = defaultEnvironment("production");
  return {
    ...env,
    loadBalancer: {
      ...env.loadBalancer,
      allowedCidrs: ["0.0.0.0/0"],
      certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    },
    ...overrides,
  };
}

export function qaEnv(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  const env = defaultEnvironment("qa", true);
  return { ...env, loadBalancer: { ...env.loadBalancer, allowedCidrs: ["203.0.113.0/24"] }, ...overrides };
}
