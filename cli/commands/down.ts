import { Command, parseFlags } from "../command";
import { deployRequest, reportingDeployErrors, SHARED_HELP, SHARED_OPTIONS, TERRAFORM_NOTE } from "../deploy-flags";

const HELP = `Usage: compose2ecs down --env NAME [--base | --branch NAME] [--allow-data-loss] [options]

Destroys what up deployed, with terraform, and forgets it:
  a branch environment    the branch's stack (built with the slot its state was deployed with),
                          then its state record and its slot
  no branches             the application stack, then its state record
  --base                  the base stack, only when no branch or application stack of the
                          environment still has resources (they are named otherwise)
A stack that protects data (lifecycle.prevent_destroy in its Terraform, e.g. production EFS
volumes) is refused unless --allow-data-loss is given; a load balancer with deletion protection
is refused with what to change first.

Options:
${SHARED_HELP}
      --allow-data-loss  destroy resources that protect data (their data is lost)
  -h, --help             show this help

${TERRAFORM_NOTE}
Exit codes: 0 destroyed (or nothing to destroy), 1 invalid input, refused, or a failed terraform
step (the state and slot are kept for a retry), 2 wrong usage.
`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values } = parseFlags({
      args: [...argv],
      allowPositionals: false,
      options: { ...SHARED_OPTIONS, "allow-data-loss": { type: "boolean" as const, default: false } },
    });
    const request = deployRequest(values, "down");
    const { down } = await import("../../deploy/down");
    const result = await reportingDeployErrors("down", () => down({ ...request, allowDataLoss: values["allow-data-loss"] === true }));
    process.stdout.write(`${result.detail}.\n`);
    return 0;
  },
};
