import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { MissingToolError } from "../terraform/cli-config";

/**
 * moto_server (the AWS API emulator) on a free loopback port, for the end-to-end tests and
 * `npm run demo`. It binds 127.0.0.1 only; `stop()` is safe to call more than once and also
 * runs when this process exits or is interrupted, so no emulator outlives its test.
 */

export const MOTO_INSTALL_HINT = "Install it with `pip install 'moto[server]>=5.2,<5.3'` (it provides the moto_server command).";

/** Printed by the corrections when they are in place; startMoto checks for it. */
export const CORRECTIONS_MARKER = "compose2ecs: moto corrections applied";

/**
 * Where moto 5.2 is stricter than AWS in a way that stops the product's design from deploying,
 * corrected inside the moto_server process (Python's sitecustomize, loaded only by the emulator
 * this module starts). Each correction restores documented AWS behaviour; docs/e2e.md lists them.
 *
 * - Cloud Map CreatePrivateDnsNamespace: moto refuses a second private DNS namespace in the same
 *   VPC (ConflictingDomainExists) whatever its name; AWS refuses only a namespace whose name is
 *   already associated with that VPC (Route 53 private hosted zones of different names share a
 *   VPC). compose2ecs gives every branch its own namespace in the shared QA VPC.
 * - EC2 RevokeSecurityGroupEgress/Ingress by rule ID: for a rule ID the group does not hold
 *   (already revoked, e.g. by a request retried on a loaded machine), moto answers
 *   InvalidPermission.NotFound; AWS answers InvalidSecurityGroupRuleId.NotFound, which the
 *   provider reads as "already gone" when it deletes an aws_vpc_security_group_*_rule. Only the
 *   error code changes: the product still sees every other error, as it would on AWS.
 * - S3 PutObject with `If-None-Match: *` (or `If-Match`): moto checks the key and stores the
 *   object in two steps, in a server that answers each request on its own thread, so two
 *   concurrent conditional creates of one key can both pass the check (both answered 200, or
 *   the overwritten one 500); AWS lets exactly one win and answers 412 to the others. The slot
 *   registry (state/priority-slots.ts) relies on that, so object writes run one at a time
 *   (the request body is read before, so only moto's in-memory work waits).
 */
export const MOTO_CORRECTIONS_PY = `
import os, sys, threading

# Ends the emulator when the Node process that started it goes away, even by SIGKILL:
# its end of the stdin pipe closes and this read returns.
def _watch_parent():
    try:
        while sys.stdin.buffer.read(1):
            pass
    finally:
        os._exit(0)

if os.environ.get("COMPOSE2ECS_MOTO_WATCH_STDIN") == "1":
    threading.Thread(target=_watch_parent, daemon=True).start()

try:
    from moto.servicediscovery import models as _sd
    from moto.servicediscovery.exceptions import ConflictingDomainExists as _Conflict

    def _create_private_dns_namespace(self, name, creator_request_id, description, vpc, tags, properties):
        for namespace in self.namespaces.values():
            if namespace.vpc == vpc and namespace.name == name:
                raise _Conflict(vpc)
        dns_properties = (properties or {}).get("DnsProperties", {})
        hosted_zone = _sd.route53_backends[self.account_id][_sd.get_partition(self.region_name)].create_hosted_zone(
            f"{name}-hz", private_zone=True, comment=f"hosted zone for private dns namespace {name}"
        )
        dns_properties["HostedZoneId"] = hosted_zone.id
        namespace = _sd.Namespace(
            account_id=self.account_id, region=self.region_name, name=name, ns_type="DNS_PRIVATE",
            creator_request_id=creator_request_id, description=description,
            dns_properties=dns_properties, http_properties={}, vpc=vpc,
        )
        self.namespaces[namespace.id] = namespace
        if tags:
            self.tagger.tag_resource(namespace.arn, tags)
        return self._create_operation("CREATE_NAMESPACE", targets={"NAMESPACE": namespace.id})

    _sd.ServiceDiscoveryBackend.create_private_dns_namespace = _create_private_dns_namespace

    from moto.ec2.models.security_groups import SecurityGroupBackend as _SgBackend
    from moto.ec2.exceptions import InvalidSecurityGroupRuleIdNotFoundError as _RuleIdNotFound

    def _unknown_rule_ids_as_aws(original, rules_of):
        def revoke(self, group_name_or_id, *args, security_rule_ids=None, vpc_id=None, **kwargs):
            group = self.get_security_group_by_name_or_id(group_name_or_id, vpc_id)
            if group is not None and security_rule_ids:
                held = {rule.id for rule in rules_of(group)}
                for rule_id in security_rule_ids:
                    if rule_id not in held:
                        raise _RuleIdNotFound(rule_id)
            return original(self, group_name_or_id, *args, security_rule_ids=security_rule_ids, vpc_id=vpc_id, **kwargs)
        return revoke

    _SgBackend.revoke_security_group_egress = _unknown_rule_ids_as_aws(_SgBackend.revoke_security_group_egress, lambda g: g.egress_rules)
    _SgBackend.revoke_security_group_ingress = _unknown_rule_ids_as_aws(_SgBackend.revoke_security_group_ingress, lambda g: g.ingress_rules)

    from moto.s3.responses import S3Response as _S3Response

    _object_writes = threading.Lock()

    def _one_object_write_at_a_time(original):
        def put_object(self, *args, **kwargs):
            with _object_writes:
                return original(self, *args, **kwargs)
        return put_object

    _S3Response.put_object = _one_object_write_at_a_time(_S3Response.put_object)
    sys.stderr.write("${CORRECTIONS_MARKER}\\n")
except Exception as error:
    sys.stderr.write(f"compose2ecs: could not apply the moto corrections: {error!r}\\n")
`;

/** A running emulator. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Everything moto wrote to stdout/stderr so far (request log, tracebacks of unimplemented APIs). */
  log(): string;
  /** Stops the emulator (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Give up when moto has not answered by then. @default 30_000 */
  readonly startTimeoutMs?: number;
  /** Process environment to look up moto_server in. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The moto_server program on PATH, or a MissingToolError saying how to install it. */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env.PATH ?? "").split(":").filter(Boolean)) {
    const candidate = join(dir, "moto_server");
    if (existsSync(candidate)) return candidate;
  }
  throw new MissingToolError(`moto_server is not on PATH. ${MOTO_INSTALL_HINT}`);
}

/** A port nobody listens on right now (the kernel picks it; moto binds it a moment later). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free loopback port"))));
    });
  });
}

/** Resolves true when moto's own API answers on `endpoint`. */
export function motoAnswers(endpoint: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/moto-api/`, { method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts moto_server on 127.0.0.1 and waits until it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const env = options.env ?? process.env;
  const program = findMotoServer(env);
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let lastError = "";
  const corrections = mkdtempSync(join(tmpdir(), "compose2ecs-moto-"));
  writeFileSync(join(corrections, "sitecustomize.py"), MOTO_CORRECTIONS_PY);
  const pythonPath = [corrections, env.PYTHONPATH].filter(Boolean).join(":");
  // The port is free when chosen but another process may take it before moto binds: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const server = launch(program, port, { ...env, PYTHONPATH: pythonPath });
    while (Date.now() < deadline && server.running()) {
      if (await motoAnswers(server.endpoint)) {
        // Python read sitecustomize at start-up; the file is no longer needed.
        rmSync(corrections, { recursive: true, force: true });
        for (let i = 0; i < 10 && !server.log().includes(CORRECTIONS_MARKER); i++) await sleep(100);
        if (server.log().includes(CORRECTIONS_MARKER)) return server;
        await server.stop();
        throw new Error(
          `moto_server started without the compose2ecs corrections (is it moto 5.2?). Its output:\n${server.log().trim().split("\n").slice(-5).join("\n")}`,
        );
      }
      await sleep(200);
    }
    lastError = server.log().trim().split("\n").slice(-5).join("\n");
    await server.stop();
    if (Date.now() >= deadline) break;
  }
  rmSync(corrections, { recursive: true, force: true });
  throw new Error(
    `moto_server did not answer on 127.0.0.1 within ${options.startTimeoutMs ?? 30_000} ms.${lastError ? `\nIts last output:\n${lastError}` : ""}`,
  );
}

function launch(program: string, port: number, env: NodeJS.ProcessEnv): MotoServer & { running(): boolean } {
  // Own process group, so stop() also ends anything moto started (werkzeug workers).
  const child: ChildProcess = spawn(program, ["-H", "127.0.0.1", "-p", String(port)], {
    // AWS managed IAM policies (AmazonEC2ContainerServiceforEC2Role for EC2 capacity) exist on
    // AWS; moto has them only when asked to load them.
    env: { ...env, MOTO_PORT: String(port), MOTO_IAM_LOAD_MANAGED_POLICIES: "true", COMPOSE2ECS_MOTO_WATCH_STDIN: "1" },
    // stdin stays open as a lifeline: the corrections end moto when it closes (testing/moto.ts above).
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", (error) => {
      output += `\n${error.message}`;
      exited = true;
      resolve();
    });
  });
  const append = (d: Buffer) => {
    // Bounded: the request log of a long test run is not needed in full.
    output = (output + d.toString()).slice(-200_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);

  const killGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onExit = () => killGroup("SIGKILL");
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup("SIGKILL");
    removeHooks();
    // Re-raise so the process ends the way it would have without us, unless someone else
    // (the demo's cleanup) handles the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeHooks = () => {
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.on("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    log: () => output,
    running: () => !exited,
    stop() {
      stopping ??= (async () => {
        killGroup("SIGTERM");
        const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
        await exit;
        clearTimeout(timer);
        removeHooks();
        child.stdin?.destroy();
        child.stdout?.destroy();
        child.stderr?.destroy();
      })();
      return stopping;
    },
  };
}
