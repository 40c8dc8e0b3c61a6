/**
 * Terraform's machine-readable UI (`apply -json`, `destroy -json`: one JSON object per line) turned
 * into progress a person can follow: resources done of the planned total, what is still being
 * worked on, and the error diagnostics. Pure: the caller feeds lines and prints what comes back.
 */

/** The parts of one `-json` UI message compose2ecs reads (terraform 1.x "machine-readable UI"). */
interface UiMessage {
  readonly type?: string;
  readonly "@message"?: string;
  readonly hook?: {
    readonly resource?: { readonly addr?: string; readonly resource_type?: string };
    readonly action?: string;
    readonly elapsed_seconds?: number;
  };
  readonly changes?: { readonly add?: number; readonly change?: number; readonly remove?: number; readonly operation?: string };
  readonly diagnostic?: TerraformDiagnostic;
}

/** An error or warning terraform reported, with the resource it is about when it says. */
export interface TerraformDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  /** `data.aws_vpc.base_vpc_1234ABCD`, `aws_ecs_service.x`, when the diagnostic is about one. */
  readonly address?: string;
}

/** What happened to one resource, for the line printed about it. */
export interface ResourceEvent {
  /** "planned": the plan is known (`resource` is empty, `action` says the counts). */
  readonly kind: "complete" | "errored" | "planned";
  /** `aws_lb.base_alb` (cdktf's hash suffix dropped). */
  readonly resource: string;
  readonly action: string;
}

const PAST: Readonly<Record<string, string>> = {
  create: "created",
  update: "updated",
  delete: "destroyed",
  replace: "replaced",
  read: "read",
  noop: "checked",
};

/** A cdktf address without the hash suffix cdktf adds to every logical id. */
export function readableAddress(address: string): string {
  return address.replace(/_[0-9A-F]{8}(?=$|\[)/, "");
}

/** The address a diagnostic is about: its `address`, else the `with ...` / `in ...` of its snippet context. */
function diagnosticAddress(diagnostic: Record<string, unknown>): string | undefined {
  if (typeof diagnostic.address === "string") return diagnostic.address;
  const snippet = diagnostic.snippet as { context?: unknown } | undefined;
  const context = typeof snippet?.context === "string" ? snippet.context : undefined;
  if (context === undefined) return undefined;
  const block = /^(resource|data)\s+"([^"]+)"\s+"([^"]+)"/.exec(context);
  if (block !== null) return `${block[1] === "data" ? "data." : ""}${block[2]}.${block[3]}`;
  return /((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)/.exec(context)?.[1];
}

export class ApplyProgress {
  private total: number | undefined;
  private done = 0;
  private readonly working = new Map<string, number>();
  readonly diagnostics: TerraformDiagnostic[] = [];

  /** Feeds one line of terraform's stdout; returns the event worth a line of output, if any. */
  feed(line: string): ResourceEvent | undefined {
    let message: UiMessage;
    try {
      message = JSON.parse(line) as UiMessage;
    } catch {
      return undefined;
    }
    const address = message.hook?.resource?.addr;
    // Reading a data source (the base lookups) is not one of the planned changes.
    if (address?.startsWith("data.") === true && message.type !== "apply_errored" && message.type !== "diagnostic") return undefined;
    switch (message.type) {
      case "change_summary":
        if (message.changes?.operation !== "plan") return undefined;
        this.total = (message.changes.add ?? 0) + (message.changes.change ?? 0) + (message.changes.remove ?? 0);
        return {
          kind: "planned",
          resource: "",
          action: `${message.changes.add ?? 0} to add, ${message.changes.change ?? 0} to change, ${message.changes.remove ?? 0} to destroy`,
        };
      case "apply_start":
        if (address !== undefined) this.working.set(address, 0);
        return undefined;
      case "apply_progress":
        if (address !== undefined) this.working.set(address, message.hook?.elapsed_seconds ?? 0);
        return undefined;
      case "apply_complete":
      case "apply_errored": {
        if (address === undefined) return undefined;
        this.working.delete(address);
        const action = message.hook?.action ?? "apply";
        if (message.type === "apply_complete") this.done += 1;
        return { kind: message.type === "apply_complete" ? "complete" : "errored", resource: readableAddress(address), action: PAST[action] ?? action };
      }
      case "diagnostic": {
        const d = message.diagnostic as (TerraformDiagnostic & Record<string, unknown>) | undefined;
        if (d === undefined) return undefined;
        const where = diagnosticAddress(d);
        this.diagnostics.push({
          severity: d.severity,
          summary: d.summary,
          ...(d.detail ? { detail: d.detail } : {}),
          ...(where !== undefined ? { address: where } : {}),
        });
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** "12/35" (or "12" before the plan is known). */
  count(): string {
    return this.total === undefined ? String(this.done) : `${this.done}/${this.total}`;
  }

  /** Resources being worked on, longest first, with how long so far: "aws_lb.base_alb (60 s)". */
  inFlight(): string[] {
    return [...this.working.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([address, seconds]) => `${readableAddress(address)} (${seconds} s)`);
  }

  errors(): TerraformDiagnostic[] {
    return this.diagnostics.filter((d) => d.severity === "error");
  }
}

/** Terraform's error diagnostics as lines for the user: summary, resource, then the detail's first lines. */
export function describeDiagnostics(diagnostics: readonly TerraformDiagnostic[]): string[] {
  return diagnostics.flatMap((d) => {
    const detail = (d.detail ?? "")
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(0, 6);
    return [`  Error: ${d.summary}${d.address !== undefined ? ` (${readableAddress(d.address)})` : ""}`, ...detail.map((l) => `    ${l}`)];
  });
}
