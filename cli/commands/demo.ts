import { Command, parseFlags } from "../command";
import { reportingDeployErrors } from "../deploy-flags";

const HELP = `Usage: compose2ecs demo [-f FILE]... [-C DIR] [--branch NAME]... [--keep] [--provider-mirror DIR]

Deploys a compose project to moto_server, a local AWS emulator on 127.0.0.1: no AWS account,
nothing leaves this machine. With -f or -C it is your project (your folder is only read), else
the bundled example (a Python web app, a Spring Boot service and redis). It starts the emulator
and runs the same up and down a real deployment runs, for a QA environment like the one
compose2ecs init writes: the base (network, ECS cluster, load balancer), one stack per branch
(progress, the wait for the ECS services, each URL), then destroys everything again.

Options:
  -f, --file FILE        compose file of your project (repeatable), relative to DIR
  -C, --project-dir DIR  your project folder (default with -f: .)
  --branch NAME          a git branch to deploy (repeatable; default: feature/login and main)
  --keep                 keep the emulator and the deployment running until Ctrl-C
  --provider-mirror DIR  install the AWS provider only from this filesystem mirror (machines
                         without registry access; default: COMPOSE2ECS_PROVIDER_MIRROR)
  -h, --help             show this help

Needs terraform 1.11 and moto_server 5.2 (pip install 'moto[server]>=5.2,<5.3'). About three
minutes, most of it the emulator's load balancer start-up (about 60 s).
Exit codes: 0 done, 1 a tool is missing or a step failed, 2 wrong usage.
`;

const DEFAULT_BRANCHES = ["feature/login", "main"];

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values } = parseFlags({
      args: [...argv],
      allowPositionals: false,
      options: {
        file: { type: "string", short: "f", multiple: true, default: [] },
        "project-dir": { type: "string", short: "C" },
        branch: { type: "string", multiple: true, default: [] },
        keep: { type: "boolean", default: false },
        "provider-mirror": { type: "string" },
      },
    });
    const files = values.file ?? [];
    const projectDir = values["project-dir"] ?? (files.length > 0 ? "." : undefined);
    const branches = values.branch && values.branch.length > 0 ? [...new Set(values.branch)] : DEFAULT_BRANCHES;
    const { runDemo } = await import("../../testing/demo");
    return reportingDeployErrors("demo", () =>
      runDemo(
        {
          files,
          ...(projectDir !== undefined ? { projectDir } : {}),
          branches,
          keep: values.keep === true,
          ...(values["provider-mirror"] !== undefined ? { providerMirror: values["provider-mirror"] } : {}),
        },
        (line) => process.stdout.write(line + "\n"),
      ),
    );
  },
};
