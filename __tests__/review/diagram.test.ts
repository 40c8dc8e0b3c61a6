import { DOMParser } from "@xmldom/xmldom";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./cli-harness";
import { nodeId, topologyGraph } from "../../review/diagram-graph";
import { mermaidText, renderDot, renderMermaid, renderSvg } from "../../review/diagram-render";
import { Topology, TopologyService } from "../../review/topology";

function service(id: string, extra: Partial<TopologyService> = {}): TopologyService {
  return {
    id,
    composeServices: [id],
    cpu: 256,
    memory: 512,
    replicas: 1,
    images: [`${id}:1`],
    discoveryName: id,
    dependsOn: [],
    volumes: [],
    secrets: [],
    ...extra,
  };
}

/** A generated project: `count` routed services, a redis every service depends on, one EFS volume and a secret. */
function generated(count: number): Topology {
  const names = Array.from({ length: count }, (_, i) => `svc-${String(i + 1).padStart(2, "0")}`);
  return {
    title: "big · qa · feature-x",
    loadBalancer: { name: "big-qa", internal: false, allowedCidrs: ["203.0.113.0/24"] },
    listeners: [
      {
        protocol: "HTTP",
        port: 10007,
        shared: false,
        defaultAction: "fixed 404",
        rules: names.map((n, i) => ({
          priority: 351 + i,
          hosts: [],
          paths: [`/${n}`, `/${n}/*`],
          targetGroup: `big-qa-fx-${n}`,
          service: n,
          containerPort: 8080,
        })),
      },
    ],
    services: [
      ...names.map((n, i) => service(n, { dependsOn: ["redis"], replicas: 1 + (i % 3), ...(i === 0 ? { volumes: ["data"], secrets: ["db-password"] } : {}) })),
      service("redis", { images: ["redis:7.2-alpine"] }),
    ],
    discoveryNamespace: "feature-x.qa.big.internal",
    volumes: ["data"],
    secrets: ["db-password"],
  };
}

const SEED: Topology = {
  title: "multi-env · production · production-app",
  loadBalancer: { name: "multi-env-production", internal: false, allowedCidrs: ["0.0.0.0/0"] },
  listeners: [
    {
      protocol: "HTTPS",
      port: 443,
      shared: true,
      defaultAction: "fixed 404",
      rules: [
        { priority: 1, hosts: [], paths: ["/boot", "/boot/*"], targetGroup: "mep-boot", service: "boot", containerPort: 8080 },
        { priority: 2, hosts: [], paths: ["/*"], targetGroup: "mep-web", service: "web", containerPort: 5000 },
      ],
    },
  ],
  services: [service("boot", { cpu: 512, memory: 1024, replicas: 2 }), service("redis"), service("web", { replicas: 2, dependsOn: ["boot", "redis"] })],
  discoveryNamespace: "app.production.multi-env.internal",
  volumes: [],
  secrets: [],
};

/** A line-level check of the flowchart subset we emit: header, node definitions, edges between defined ids. */
function checkMermaid(text: string): string[] {
  const problems: string[] = [];
  const lines = text.trimEnd().split("\n");
  const header = lines.indexOf("flowchart LR");
  if (header < 0) return ["no `flowchart LR` header"];
  const ids = new Set<string>();
  const nodeLine = /^ {2}([A-Za-z0-9_]+)(\(\(|\(\[|>|\[\[|\[\(|\{\{|\[\/|\[)"([^"]*)"(\)\)|\]\)|\]|\]\]|\)\]|\}\}|\/\])$/;
  const edgeLine = /^ {2}([A-Za-z0-9_]+) (-->|-\.->)(?:\|"([^"]*)"\|)? ([A-Za-z0-9_]+)$/;
  for (const line of lines.slice(header + 1)) {
    const node = nodeLine.exec(line);
    if (node) {
      ids.add(node[1]!);
      continue;
    }
    const edge = edgeLine.exec(line);
    if (!edge) problems.push(`not a node or edge: ${line}`);
    else if (!ids.has(edge[1]!) || !ids.has(edge[4]!)) problems.push(`edge to an undefined node: ${line}`);
  }
  return problems;
}

describe("diagram graph", () => {
  test("GIVEN the seed topology WHEN drawn THEN internet -> ALB -> listener -> rules -> target groups -> services -> discovery dependencies", () => {
    const graph = topologyGraph(SEED);
    const edge = (from: string, to: string) => graph.edges.find((e) => e.from === from && e.to === to);
    expect(edge(nodeId("internet", "internet"), nodeId("alb", "multi-env-production"))?.label).toBe("0.0.0.0/0");
    expect(edge(nodeId("alb", "multi-env-production"), nodeId("listener", "HTTPS443"))).toBeDefined();
    expect(edge(nodeId("listener", "HTTPS443"), nodeId("rule", "443_1"))).toBeDefined();
    expect(edge(nodeId("rule", "443_1"), nodeId("target-group", "mep-boot"))).toBeDefined();
    expect(edge(nodeId("target-group", "mep-boot"), nodeId("service", "boot"))).toBeDefined();
    expect(edge(nodeId("service", "web"), nodeId("service", "redis"))).toEqual(expect.objectContaining({ style: "dashed", label: "discovery redis" }));
    expect(graph.nodes.find((n) => n.id === nodeId("service", "boot"))?.lines).toEqual(["boot", "0.5 vCPU / 1 GiB × 2 tasks", "image boot:1"]);
    expect(graph.nodes.find((n) => n.id === nodeId("rule", "443_1"))?.lines).toEqual(["priority 1: path /boot, /boot/*"]);
  });

  test.each([
    ["a-b.c", "service__a_2d_b_2e_c"],
    ["a_b", "service__a_5f_b"],
    ['we"ird<name>', "service__we_22_ird_3c_name_3e_"],
  ])("GIVEN the name %s WHEN made an id THEN only [A-Za-z0-9_] remain: %s", (name, id) => {
    expect(nodeId("service", name)).toBe(id);
    expect(id).toMatch(/^[A-Za-z0-9_]+$/);
  });
});

describe("Mermaid", () => {
  test("GIVEN the seed WHEN rendered THEN every line is a valid node or edge of a flowchart", () => {
    const text = renderMermaid(topologyGraph(SEED));
    expect(checkMermaid(text)).toEqual([]);
    expect(text).toContain('service__web[["web<br/>0.25 vCPU / 512 MiB × 2 tasks<br/>image web:1"]]');
  });

  test("GIVEN labels with quotes, angle brackets and pipes WHEN rendered THEN they are escaped and the flowchart stays valid", () => {
    const weird: Topology = { ...SEED, title: 'q"t', services: [service('we"ird<x>|y', { images: ['img:"1"'] })], listeners: [] };
    const text = renderMermaid(topologyGraph(weird));
    expect(checkMermaid(text)).toEqual([]);
    expect(text).toContain("we#quot;ird#lt;x#gt;#124;y");
    expect(mermaidText('a"b')).toBe("a#quot;b");
    expect(mermaidText("#1 & <b>")).toBe("#35;1 #amp; #lt;b#gt;");
  });

  test("GIVEN 25 services WHEN rendered THEN all of them are nodes and the flowchart is valid", () => {
    const text = renderMermaid(topologyGraph(generated(25)));
    expect(checkMermaid(text)).toEqual([]);
    for (let i = 1; i <= 25; i++) expect(text).toContain(`${nodeId("service", `svc-${String(i).padStart(2, "0")}`)}[[`);
  });
});

describe("SVG (Graphviz wasm)", () => {
  test("GIVEN a generated 25-service project WHEN rendered THEN the SVG is well-formed XML with every service, rule and target group", async () => {
    const svg = await renderSvg(renderDot(topologyGraph(generated(25))));
    const errors: string[] = [];
    const doc = new DOMParser({ onError: (level: string, message: string) => void (level !== "warning" && errors.push(message)) }).parseFromString(
      svg,
      "image/svg+xml",
    );
    expect(errors).toEqual([]);
    const titles = Array.from(doc.getElementsByTagName("title")).map((t) => t.textContent ?? "");
    for (let i = 1; i <= 25; i++) {
      const n = String(i).padStart(2, "0");
      expect(titles).toContain(nodeId("service", `svc-${n}`));
      expect(titles).toContain(nodeId("target-group", `big-qa-fx-svc-${n}`));
    }
    expect(titles).toContain(nodeId("service", "redis"));
    expect(titles).toContain(nodeId("volume", "data"));
    // Readable: left-to-right layout keeps the drawing taller than wide enough to scroll, not a 25-column strip.
    const root = doc.documentElement;
    const width = parseFloat(root?.getAttribute("width") ?? "0");
    const height = parseFloat(root?.getAttribute("height") ?? "0");
    expect(height).toBeGreaterThan(width);
  });

  test("GIVEN DOT with an escaped quote in a label WHEN rendered THEN Graphviz accepts it", async () => {
    const svg = await renderSvg(renderDot(topologyGraph({ ...SEED, services: [service('a"b')], listeners: [] })));
    expect(svg).toContain("a&quot;b");
  });
});

describe("compose2ecs diagram on the bundled example", () => {
  const repo = join(__dirname, "..", "..");

  test("GIVEN the production environment WHEN drawn as Mermaid THEN routes, sizes and discovery dependencies of the plan appear", async () => {
    const result = await runCli(["diagram", "-C", repo, "--env", "production"]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect(checkMermaid(result.stdout)).toEqual([]);
    expect(result.stdout).toContain("HTTPS :443");
    expect(result.stdout).toMatch(/service__web\[\["web<br\/>0\.25 vCPU \/ 512 MiB × 2 tasks \(2-6\)/);
    expect(result.stdout).toContain('service__web -.->|"discovery redis"| service__redis');
  });

  test("GIVEN a QA branch WHEN drawn as SVG into a file THEN it is valid SVG with the branch listener", async () => {
    const dir = mkdtempSync(join(tmpdir(), "c2e-diagram-"));
    try {
      cpSync(join(repo, "environments"), join(dir, "environments"), { recursive: true });
      cpSync(join(repo, "examples"), join(dir, "examples"), { recursive: true });
      const out = join(dir, "qa.svg");
      const result = await runCli(["diagram", "-C", dir, "--env", "qa", "--branch", "feature-x", "--format", "svg", "--out", out]);
      // A branch before its first synth holds no slot: diagram draws the one it would get and says so (it never allocates).
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 0,
        stderr: expect.stringMatching(/^--branch: info: branch "feature-x" holds no slot yet: drawn with slot 1,[^\n]*\n$/),
      });
      const svg = readFileSync(out, "utf8");
      const errors: string[] = [];
      new DOMParser({ onError: (level: string, message: string) => void (level !== "warning" && errors.push(message)) }).parseFromString(svg, "image/svg+xml");
      expect(errors).toEqual([]);
      expect(svg).toMatch(/HTTP :100\d\d/);
      expect(svg).toContain("branch listener");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN an unknown format WHEN run THEN exit 2", async () => {
    expect((await runCli(["diagram", "--format", "png"])).code).toBe(2);
  });
});
