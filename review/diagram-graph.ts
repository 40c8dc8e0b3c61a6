import { Topology, replicasLabel, ruleLabel, taskSizeLabel } from "./topology";

/**
 * The topology as a neutral graph of nodes and edges with stable ids; the DOT and Mermaid
 * renderers only format it, so both draw the same picture.
 */

export type NodeKind = "internet" | "alb" | "listener" | "rule" | "target-group" | "service" | "volume" | "secret" | "namespace";

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of the label, first line is the title. */
  readonly lines: readonly string[];
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly style: "solid" | "dashed" | "dotted";
}

export interface Graph {
  readonly title: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/**
 * Ids only from [A-Za-z0-9_] (valid in DOT and Mermaid), every other character hex-encoded so
 * `a-b` and `a_b` stay distinct, with a kind prefix so a service called "alb" cannot collide.
 */
export function nodeId(kind: NodeKind, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
  return `${kind.replace(/-/g, "_")}__${safe}`;
}

export function topologyGraph(topology: Topology): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const internet = nodeId("internet", "internet");
  const alb = nodeId("alb", topology.loadBalancer.name);
  const cidrs = topology.loadBalancer.allowedCidrs;
  nodes.push({ id: internet, kind: "internet", lines: [topology.loadBalancer.internal ? "VPC clients" : "Internet"] });
  nodes.push({
    id: alb,
    kind: "alb",
    lines: [`ALB ${topology.loadBalancer.name}`, topology.loadBalancer.internal ? "internal" : "internet-facing"],
  });
  edges.push({ from: internet, to: alb, style: "solid", ...(cidrs.length > 0 ? { label: cidrs.join(", ") } : {}) });

  for (const listener of topology.listeners) {
    const listenerId = nodeId("listener", `${listener.protocol}${listener.port}`);
    nodes.push({
      id: listenerId,
      kind: "listener",
      lines: [`${listener.protocol} :${listener.port}`, `${listener.shared ? "shared listener" : "branch listener"}; default: ${listener.defaultAction}`],
    });
    edges.push({ from: alb, to: listenerId, style: "solid" });
    for (const rule of listener.rules) {
      const ruleId = nodeId("rule", `${listener.port}_${rule.priority}`);
      const tgId = nodeId("target-group", rule.targetGroup);
      nodes.push({ id: ruleId, kind: "rule", lines: [ruleLabel(rule)] });
      if (!nodes.some((n) => n.id === tgId)) nodes.push({ id: tgId, kind: "target-group", lines: [`TG ${rule.targetGroup}`, `port ${rule.containerPort}`] });
      edges.push({ from: listenerId, to: ruleId, style: "solid" });
      edges.push({ from: ruleId, to: tgId, style: "solid" });
      edges.push({ from: tgId, to: nodeId("service", rule.service), style: "solid" });
    }
  }

  for (const service of topology.services) {
    const label =
      service.composeServices.length > 1 || service.composeServices[0] !== service.id ? `${service.id} (${service.composeServices.join(", ")})` : service.id;
    nodes.push({
      id: nodeId("service", service.id),
      kind: "service",
      lines: [label, `${taskSizeLabel(service.cpu, service.memory)} × ${replicasLabel(service)}`, ...service.images.map((i) => `image ${i}`)],
    });
  }
  const byId = new Map(topology.services.map((s) => [s.id, s]));
  for (const service of topology.services) {
    for (const dependency of service.dependsOn) {
      const target = byId.get(dependency);
      if (target === undefined) continue;
      edges.push({
        from: nodeId("service", service.id),
        to: nodeId("service", dependency),
        style: "dashed",
        label: target.discoveryName ? `discovery ${target.discoveryName}` : "depends on",
      });
    }
    for (const volume of service.volumes) edges.push({ from: nodeId("service", service.id), to: nodeId("volume", volume), style: "dotted", label: "mounts" });
    for (const secret of service.secrets) edges.push({ from: nodeId("service", service.id), to: nodeId("secret", secret), style: "dotted", label: "reads" });
  }
  for (const volume of topology.volumes) nodes.push({ id: nodeId("volume", volume), kind: "volume", lines: [`EFS ${volume}`] });
  for (const secret of topology.secrets) nodes.push({ id: nodeId("secret", secret), kind: "secret", lines: [`secret ${secret}`] });
  if (topology.discoveryNamespace !== undefined) {
    nodes.push({ id: nodeId("namespace", topology.discoveryNamespace), kind: "namespace", lines: [`Cloud Map ${topology.discoveryNamespace}`] });
  }
  return { title: topology.title, nodes, edges };
}
