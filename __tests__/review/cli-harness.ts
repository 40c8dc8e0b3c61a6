export { runCli } from "../helpers/run-cli";
export type { CliResult } from "../helpers/run-cli";
