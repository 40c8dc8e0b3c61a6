export { runCli } from "../helpers/run-cli";
