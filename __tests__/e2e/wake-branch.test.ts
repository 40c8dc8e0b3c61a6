import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { SleepSchedule } from "../../config/environment-model";
import { wakeBranch } from "../../deploy/wake-branch";
import { Plan } from "../../planner/plan";
import { planProject } from "../../planner/plan-project";
import { awsClients, AwsClients, DUMMY_CREDENTIALS } from "../../testing/aws-clients";
import { MotoServer, startMoto } from "../../testing/moto";
import { qaEnv, seedProject } from "../planner/fixtures";

/**
 * `up`'s explicit wake against the emulator's ECS: a branch's services stand at 0 tasks, as the
 * sleep schedule's scheduled action leaves them (moto cannot run Application Auto Scaling for
 * ECS, so the test puts them there), and wakeBranch brings each to the count the plan runs awake.
 */

const SCHEDULE: SleepSchedule = {
  start: { hour: 7, minute: 0 },
  end: { hour: 20, minute: 0 },
  days: ["mon", "tue", "wed", "thu", "fri"],
  timezone: "Europe/Berlin",
};
const CREDENTIAL_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"] as const;

let moto: MotoServer;
let clients: AwsClients;
let plan: Plan;
const saved = new Map<string, string | undefined>();

beforeAll(async () => {
  moto = await startMoto();
  clients = awsClients(moto.endpoint, "eu-west-1");
  // wakeBranch uses the SDK's default credential chain, as `up` does.
  for (const name of CREDENTIAL_VARIABLES) saved.set(name, process.env[name]);
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
  });
  const result = planProject({ project: seedProject(), env: qaEnv({ sleepSchedule: SCHEDULE }), branch: { branch: "feature/x", slug: "feature-x", slot: 4 } });
  if (result.plan === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  plan = result.plan;
  await clients.ecs.send(new CreateClusterCommand({ clusterName: plan.base.cluster.name }));
  await clients.ecs.send(new RegisterTaskDefinitionCommand({ family: "sleeper", containerDefinitions: [{ name: "app", image: "nginx:1", memory: 128 }] }));
  for (const s of plan.app.services) {
    await clients.ecs.send(
      new CreateServiceCommand({ cluster: plan.base.cluster.name, serviceName: s.names.ecsService, taskDefinition: "sleeper", desiredCount: 0 }),
    );
  }
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await moto?.stop();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const desiredCounts = async (): Promise<Record<string, number | undefined>> => {
  const described = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: plan.base.cluster.name, services: plan.app.services.map((s) => s.names.ecsService) }),
  );
  const byName = new Map((described.services ?? []).map((s) => [s.serviceName, s.desiredCount]));
  return Object.fromEntries(plan.app.services.map((s) => [s.id, byName.get(s.names.ecsService)]));
};

test("GIVEN a scheduled branch asleep at 0 tasks WHEN up wakes it THEN ECS runs each service's awake count, and a second wake changes nothing", async () => {
  expect(await desiredCounts()).toEqual({ boot: 0, redis: 0, web: 0 });
  const refs = plan.app.services.map((s) => ({ cluster: plan.base.cluster.name, name: s.names.ecsService }));
  const woken = await wakeBranch(plan, refs, { region: "eu-west-1", endpoint: moto.endpoint });
  expect(woken.map((s) => s.name).sort()).toEqual(refs.map((r) => r.name).sort());
  expect(await desiredCounts()).toEqual({ boot: 2, redis: 1, web: 2 });
  expect(await wakeBranch(plan, refs, { region: "eu-west-1", endpoint: moto.endpoint })).toEqual([]);
});
