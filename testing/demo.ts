import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { listenerPort } from "../planner/slots";
import { textTable } from "../review/text-table";
import { DeployHarness, expectOk, SynthOutput } from "./deploy-harness";

/**
 * `compose2ecs demo` / `npm run demo`: the bundled example's QA environment deployed to
 * moto_server with progress (what is being created, elapsed time), each branch's URL and a
 * summary read back through the AWS SDK, then torn down (or kept until Ctrl-C with --keep).
 */

export interface DemoOptions {
  readonly branches: readonly string[];
  readonly keep: boolean;
}

/** Per stack: resources done, resources planned, the one being worked on. */
interface StackProgress {
  done: number;
  total?: number;
  current?: string;
}

const WHAT_THE_BASE_IS = "VPC, public and private subnets, NAT gateway, ECS cluster, load balancer with its security group and listener";

export async function runDemo(options: DemoOptions, print: (line: string) => void): Promise<number> {
  const started = Date.now();
  const say = (line: string) => print(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const progress = new Map<string, StackProgress>();
  const track = (stack: string, line: string) => {
    const p = progress.get(stack) ?? { done: 0 };
    progress.set(stack, p);
    const planned = /^Plan: (\d+) to add, \d+ to change, (\d+) to destroy/.exec(line);
    if (planned) p.total = Number(planned[1]) + Number(planned[2]);
    const working = /^(\S+): (Creating|Destroying|Still creating|Still destroying)/.exec(line);
    // cdktf addresses end in a hash of the construct path; the type and readable part say enough.
    if (working) p.current = (working[1] ?? "").replace(/_[0-9A-F]{8}$/, "").replace(".", " ");
    if (/^\S+: (Creation|Destruction) complete/.test(line)) p.done++;
  };

  say("Starting moto_server (the AWS emulator) on 127.0.0.1 ...");
  const h = await DeployHarness.start({ onTerraformLine: track });
  const ticker = setInterval(() => {
    for (const [stack, p] of progress) {
      if (p.total !== undefined && p.done < p.total) say(`  ${stack}: ${p.done}/${p.total} resources${p.current ? `, now ${p.current}` : ""}`);
    }
  }, 10_000);
  try {
    say(`Emulator ready at ${h.moto.endpoint}; project copied to ${h.projectDir}`);
    h.writeEnvironment("qa");
    const outs: { branch: string; out: SynthOutput }[] = [];
    for (const branch of options.branches) {
      const out = await h.synth("qa", branch);
      say(`Synthesized branch ${JSON.stringify(branch)} -> stack ${out.appStack} (slot ${out.slot}, listener port ${listenerPort(out.slot)})`);
      outs.push({ branch, out });
    }
    const first = outs[0]?.out;
    if (first === undefined) return 0;

    say(`Creating ${first.baseStack}: ${WHAT_THE_BASE_IS} (the emulator's load balancer takes about 60 s) ...`);
    await h.deploy(h.stackDir(first, first.baseStack));
    say(`${first.baseStack} created.`);

    say(`Creating ${outs.length} branch stack(s) in parallel: per compose service an ECS service, task definition, log group, IAM roles, security group, Cloud Map name; target groups and listener rules for web and boot ...`);
    await Promise.all(outs.map(({ out }) => h.deploy(h.stackDir(out, out.appStack))));
    say("Branch stacks created. Reading them back through the AWS SDK ...");

    const rows: string[][] = [];
    for (const { branch, out } of outs) {
      const outputs = await h.outputs(h.stackDir(out, out.appStack));
      const described = await h.clients.ecs.send(new DescribeServicesCommand({ cluster: out.plan.base.cluster.name, services: out.plan.app.services.map((s) => s.names.ecsService) }));
      const counts = out.plan.app.services.map((s) => `${s.id}×${described.services?.find((d) => d.serviceName === s.names.ecsService)?.desiredCount ?? 0}`).join(" ");
      const url = typeof outputs.url === "string" ? outputs.url : "-";
      say(`Branch ${branch}: ${url}`);
      rows.push([branch, out.appStack, url, counts]);
    }
    print("");
    print(textTable(["BRANCH", "STACK", "URL", "ECS SERVICES (desired tasks)"], rows, { rule: true }));
    print("");
    print("The URLs are the emulated load balancer's: moto stores the resources but runs no containers,");
    print("so they do not answer. Deploy the same stacks to an AWS account to open them.");

    if (options.keep) {
      print("");
      print(`Kept running. Look around with the AWS CLI, e.g.:`);
      print(`  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url ${h.moto.endpoint} --region ${h.region} ecs list-services --cluster ${first.plan.base.cluster.name}`);
      print(`Stacks are in ${first.outDir}/stacks. Press Ctrl-C to stop the emulator (everything in it goes away).`);
      clearInterval(ticker);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      say("Stopping the emulator ...");
      return 0;
    }

    say("Destroying the branch stacks, then the base ...");
    await Promise.all(outs.map(({ out }) => h.destroy(h.stackDir(out, out.appStack)).then((r) => expectOk(r, `destroy ${out.appStack}`))));
    expectOk(await h.destroy(h.stackDir(first, first.baseStack)), `destroy ${first.baseStack}`);
    say("Everything destroyed. Done.");
    return 0;
  } finally {
    clearInterval(ticker);
    await h.close();
  }
}

