import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";

export interface SynthJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, unknown>;
}

/** Synthesizes one stack made by `build` and returns both the raw string and the parsed JSON. */
export function synthStack(build: (stack: TerraformStack) => void): { text: string; json: SynthJson } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) as SynthJson };
}

export function resourcesOf(json: SynthJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

export function only(json: SynthJson, type: string): Record<string, unknown> {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0] as Record<string, unknown>;
}
