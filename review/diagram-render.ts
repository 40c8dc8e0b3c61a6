import { spawn } from "node:child_process";
import { Graph, GraphNode, NodeKind } from "./diagram-graph";

/** DOT, Mermaid and SVG text of a topology graph. */

const DOT_SHAPES: Readonly<Record<NodeKind, string>> = {
  internet: 'shape=ellipse, style=filled, fillcolor="#eeeeee"',
  alb: 'shape=box, style="filled,rounded", fillcolor="#ffe0b2"',
  listener: 'shape=box, style="filled,rounded", fillcolor="#fff3e0"',
  rule: 'shape=note, style=filled, fillcolor="#fffde7"',
  "target-group": 'shape=box, style=filled, fillcolor="#e3f2fd"',
  service: 'shape=box3d, style=filled, fillcolor="#c8e6c9"',
  volume: 'shape=cylinder, style=filled, fillcolor="#d1c4e9"',
  secret: 'shape=hexagon, style=filled, fillcolor="#ffcdd2"',
  namespace: 'shape=tab, style=filled, fillcolor="#e0f7fa"',
};

/** A DOT double-quoted string: backslash and quote escaped, lines joined with \n. */
export function dotString(lines: readonly string[]): string {
  return `"${lines.map((l) => l.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, " ")).join("\\n")}"`;
}

export function renderDot(graph: Graph): string {
  const out = [
    "digraph topology {",
    // Left to right keeps 20+ services readable: they stack vertically in one rank.
    "  rankdir=LR;",
    "  ranksep=0.6; nodesep=0.25;",
    `  label=${dotString([graph.title])}; labelloc=t; fontname="Helvetica";`,
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const node of graph.nodes) out.push(`  ${node.id} [label=${dotString(node.lines)}, ${DOT_SHAPES[node.kind]}];`);
  for (const edge of graph.edges) {
    const attrs = [...(edge.label ? [`label=${dotString([edge.label])}`] : []), ...(edge.style !== "solid" ? [`style=${edge.style}`] : [])];
    out.push(`  ${edge.from} -> ${edge.to}${attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""};`);
  }
  out.push("}", "");
  return out.join("\n");
}

/**
 * Mermaid label text inside `["..."]`: quotes and markup characters as entity codes (Mermaid's
 * `#quot;` form), so names like `a"b` or `<x>` cannot break the flowchart.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/&/g, "#amp;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\|/g, "#124;")
    .replace(/\r?\n/g, " ");
}

const MERMAID_SHAPES: Readonly<Record<NodeKind, readonly [string, string]>> = {
  internet: ["((", "))"],
  alb: ["([", "])"],
  listener: ["([", "])"],
  rule: [">", "]"],
  "target-group": ["[", "]"],
  service: ["[[", "]]"],
  volume: ["[(", ")]"],
  secret: ["{{", "}}"],
  namespace: ["[/", "/]"],
};

function mermaidNode(node: GraphNode): string {
  const [open, close] = MERMAID_SHAPES[node.kind];
  return `  ${node.id}${open}"${node.lines.map(mermaidText).join("<br/>")}"${close}`;
}

export function renderMermaid(graph: Graph): string {
  const arrows = { solid: "-->", dashed: "-.->", dotted: "-.->" } as const;
  const out = ["---", `title: ${JSON.stringify(graph.title)}`, "---", "flowchart LR"];
  for (const node of graph.nodes) out.push(mermaidNode(node));
  for (const edge of graph.edges) {
    const arrow = arrows[edge.style];
    out.push(`  ${edge.from} ${arrow}${edge.label ? `|"${mermaidText(edge.label)}"|` : ""} ${edge.to}`);
  }
  out.push("");
  return out.join("\n");
}

/**
 * SVG through Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): offline, no `dot` binary.
 * The package is ESM-only; it runs in a child node process so the CommonJS CLI (and jest) can use it.
 */
export function renderSvg(dot: string): Promise<string> {
  const modulePath = require.resolve("@hpcc-js/wasm-graphviz");
  const script =
    "const chunks=[];process.stdin.on('data',c=>chunks.push(c));process.stdin.on('end',async()=>{" +
    "const {Graphviz}=await import(require('node:url').pathToFileURL(process.argv[1]).href);" +
    "const gv=await Graphviz.load();process.stdout.write(gv.dot(Buffer.concat(chunks).toString('utf8'),'svg'));});";
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script, modulePath], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`Graphviz (wasm) failed: ${stderr.trim() || `exit ${code}`}`))));
    child.stdin.end(dot);
  });
}
