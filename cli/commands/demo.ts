import { Command, InputError, parseFlags } from "../command";

const HELP = `Usage: compose2ecs demo [--branch NAME]... [--keep]

Deploys the bundled example's QA environment (examples/seed/docker-compose.yml with
environments/qa.yml) to moto_server, a local AWS emulator on 127.0.0.1: no AWS account, nothing
leaves this machine. It starts the emulator, synthesizes the base and one stack per branch with
the emulator as the environment's aws.endpoint and an S3 state bucket in it, runs terraform
(base first, then the branches in parallel), reads the result back through the AWS SDK, prints
each branch's URL and a summary, and destroys everything again.

Options:
  --branch NAME   a git branch to deploy (repeatable; default: feature/login and main)
  --keep          keep the emulator and the deployment running until Ctrl-C, instead of
                  destroying them; prints how to look at them with the AWS CLI
  -h, --help      show this help

Needs terraform 1.11 (with the AWS provider in a filesystem mirror: COMPOSE2ECS_PROVIDER_MIRROR,
found automatically when unset) and moto_server 5.2 (pip install 'moto[server]>=5.2,<5.3').
Takes about two minutes, most of it the emulator's load balancer start-up (about 60 s).
Exit codes: 0 done, 1 a tool is missing or a step failed, 2 wrong usage.
`;

const DEFAULT_BRANCHES = ["feature/login", "main"];

interface DemoOptions {
  readonly branches: readonly string[];
  readonly keep: boolean;
}

function parse(argv: readonly string[]): DemoOptions {
  const { values } = parseFlags({
    args: [...argv],
    allowPositionals: false,
    options: { branch: { type: "string", multiple: true, default: [] }, keep: { type: "boolean", default: false } },
  });
  const branches = values.branch && values.branch.length > 0 ? [...new Set(values.branch)] : DEFAULT_BRANCHES;
  return { branches, keep: values.keep === true };
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const options = parse(argv);
    const { runDemo } = await import("../../testing/demo");
    const { MissingToolError } = await import("../../terraform/cli-config");
    try {
      return await runDemo(options, (line) => process.stdout.write(line + "\n"));
    } catch (error) {
      if (error instanceof MissingToolError) throw new InputError([`compose2ecs demo: ${error.message}`]);
      throw error;
    }
  },
};
