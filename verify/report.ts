import { Finding, PROMISE_KINDS, PromiseKind } from "./promises";

/** One app-environment's outcome: its findings, or why it could not be checked. */
export interface AppEnvResult {
  readonly app: string;
  readonly env: string;
  readonly findings: readonly Finding[];
  readonly notes: readonly string[];
  /** Synth (or reading) failed: nothing could be checked, and the app-environment does not keep its promises. */
  readonly error?: string;
}

export interface Totals {
  readonly appEnvironments: number;
  readonly keeping: number;
  readonly promises: number;
  readonly holding: number;
  readonly byKind: ReadonlyMap<PromiseKind, { readonly hold: number; readonly broken: number; readonly unknown: number }>;
}

export function keepsPromises(r: AppEnvResult): boolean {
  return r.error === undefined && r.findings.every((f) => f.status === "hold");
}

export function totals(results: readonly AppEnvResult[]): Totals {
  const byKind = new Map<PromiseKind, { hold: number; broken: number; unknown: number }>(PROMISE_KINDS.map((k) => [k, { hold: 0, broken: 0, unknown: 0 }]));
  let promises = 0;
  let holding = 0;
  for (const r of results) {
    for (const f of r.findings) {
      promises++;
      if (f.status === "hold") holding++;
      const k = byKind.get(f.kind);
      if (k !== undefined) k[f.status]++;
    }
  }
  return { appEnvironments: results.length, keeping: results.filter(keepsPromises).length, promises, holding, byKind };
}

export function headline(t: Totals): string {
  return `${t.keeping} of ${t.appEnvironments} app-environments keep their promises; ${t.holding} of ${t.promises} promises hold`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** The promise table of one app-environment, for people. */
export function formatAppEnvironment(r: AppEnvResult, options: { readonly verbose?: boolean } = {}): string {
  const lines = [`${r.app} / ${r.env}`];
  if (r.error !== undefined) {
    lines.push(`  could not be checked: ${r.error}`);
    return lines.join("\n");
  }
  const rows = r.findings.filter((f) => options.verbose === true || f.status !== "hold");
  const width = {
    status: 7,
    kind: 18,
    service: Math.max(8, ...r.findings.map((f) => f.service.length)),
    subject: Math.max(8, ...r.findings.map((f) => Math.min(f.subject.length, 40))),
  };
  for (const f of rows) {
    lines.push(
      `  ${pad(f.status, width.status)} ${pad(f.kind, width.kind)} ${pad(f.service, width.service)} ${pad(f.subject, width.subject)} ${f.detail}${f.sources.length > 0 ? ` [${f.sources.join("; ")}]` : ""}`,
    );
  }
  const held = r.findings.filter((f) => f.status === "hold").length;
  lines.push(`  ${held} of ${r.findings.length} promises hold${options.verbose === true ? "" : " (held promises not listed; --verbose lists them)"}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join("\n");
}

/** Failures across app-environments, grouped by promise kind. */
export function formatFailuresByKind(results: readonly AppEnvResult[]): string {
  const lines: string[] = [];
  const errors = results.filter((r) => r.error !== undefined);
  if (errors.length > 0) {
    lines.push(`could not be checked (${errors.length}):`);
    for (const r of errors) lines.push(`  ${r.app} / ${r.env}: ${r.error ?? ""}`);
  }
  for (const kind of PROMISE_KINDS) {
    const failing = results.flatMap((r) => r.findings.filter((f) => f.kind === kind && f.status !== "hold"));
    if (failing.length === 0) continue;
    lines.push(`${kind} (${failing.length} failing):`);
    for (const f of failing) lines.push(`  ${f.status === "unknown" ? "cannot tell" : "broken"}: ${f.app} / ${f.env} ${f.service} ${f.subject}: ${f.detail}`);
  }
  return lines.join("\n");
}

export function formatTotals(results: readonly AppEnvResult[]): string {
  const t = totals(results);
  const kinds = [...t.byKind.entries()].map(([k, v]) => `  ${pad(k, 18)} ${v.hold} hold, ${v.broken} broken, ${v.unknown} cannot tell`);
  return [headline(t), "by kind:", ...kinds].join("\n");
}
