import { readFileSync } from "node:fs";
import { readableAddress } from "./terraform-json";

/**
 * What a synthesized stack protects from `down`, read from its Terraform JSON (not from how the
 * stacks name their resources): resources with `lifecycle.prevent_destroy` (data: EFS file
 * systems, secrets) and load balancers with deletion protection.
 */

type Resources = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;

function resourcesOf(stackFile: string): Resources {
  const json = JSON.parse(readFileSync(stackFile, "utf8")) as { resource?: Resources };
  return json.resource ?? {};
}

/** Addresses (`aws_efs_file_system.volumes_data`) of resources Terraform refuses to destroy. */
export function protectedResources(stackFile: string): string[] {
  const found: string[] = [];
  for (const [type, byName] of Object.entries(resourcesOf(stackFile))) {
    for (const [name, body] of Object.entries(byName)) {
      const lifecycle = body.lifecycle as { prevent_destroy?: unknown } | undefined;
      if (lifecycle?.prevent_destroy === true) found.push(readableAddress(`${type}.${name}`));
    }
  }
  return found.sort();
}

/** Load balancers AWS will not delete (`enable_deletion_protection`). */
export function deletionProtectedLoadBalancers(stackFile: string): string[] {
  const lbs = resourcesOf(stackFile).aws_lb ?? {};
  return Object.entries(lbs)
    .filter(([, body]) => body.enable_deletion_protection === true)
    .map(([name]) => readableAddress(`aws_lb.${name}`))
    .sort();
}
