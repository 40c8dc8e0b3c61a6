import { Command, parseFlags } from "../command";
import { deployRequest, parseDuration, reportingDeployErrors, SHARED_HELP, SHARED_OPTIONS, TERRAFORM_NOTE } from "../deploy-flags";

const HELP = `Usage: compose2ecs up --env NAME [--base | --branch NAME] [options]

Synthesizes the environment's stacks (as synth does: the branch's slot is claimed only once its
plan succeeded) into the output folder, then applies them with terraform, printing progress
(resources done of total, time), waits until every ECS service runs its desired number of tasks
with its deployment complete, and prints the URL.
  --base                  the base stack: network, ECS cluster, load balancer
  a branch environment    the branch's stack (its base must be up: by lookup, as the stack finds it);
                          with a sleepSchedule, a sleeping branch is woken (its services back to
                          their normal count) and sleeps again at the end of the next awake hours
  no branches             the base stack, then the application stack
Placeholders left in the environment file (documentation CIDRs, the all-zero certificate, an
example domain: compose2ecs init writes them) are refused by name and location.

Options:
${SHARED_HELP}
      --image-tag TAG    tag of images built from source (default: COMPOSE2ECS_IMAGE_TAG, else
                         the environment's imageTag)
      --timeout DURATION how long to wait for the ECS services, e.g. 90s, 15m (default: 15m)
      --no-wait          do not wait for the ECS services
  -h, --help             show this help

${TERRAFORM_NOTE}
Exit codes: 0 deployed and running, 1 invalid input, a placeholder, a failed terraform step or
services not running in time (with their last events), 2 wrong usage.
`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values } = parseFlags({
      args: [...argv],
      allowPositionals: false,
      options: {
        ...SHARED_OPTIONS,
        "image-tag": { type: "string" as const },
        timeout: { type: "string" as const, default: "15m" },
        "no-wait": { type: "boolean" as const, default: false },
      },
    });
    const request = deployRequest(values, "up");
    const waitTimeoutMs = parseDuration(values.timeout ?? "15m", "--timeout");
    const { up } = await import("../../deploy/up");
    await reportingDeployErrors("up", () =>
      up({ ...request, ...(values["image-tag"] !== undefined ? { imageTag: values["image-tag"] } : {}), wait: values["no-wait"] !== true, waitTimeoutMs }),
    );
    return 0;
  },
};
