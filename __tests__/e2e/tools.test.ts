import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTerraform, MissingToolError } from "../../terraform/cli-config";
import { testTerraformEnv } from "../../testing/test-provider-mirror";
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { CreatePrivateDnsNamespaceCommand, ListNamespacesCommand } from "@aws-sdk/client-servicediscovery";
import { assertLoopback, awsClients } from "../../testing/aws-clients";
import { DeployHarness } from "../../testing/deploy-harness";
import { findMotoServer, motoAnswers, startMoto } from "../../testing/moto";

/** The harness's own behaviour: clear failures for missing tools, and an emulator that always stops. */

describe("missing tools fail clearly, never skip", () => {
  let empty: string;
  beforeAll(() => {
    empty = mkdtempSync(join(tmpdir(), "compose2ecs-no-tools-"));
  });
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  test.each([
    ["moto_server", () => findMotoServer({ PATH: empty }), /moto_server is not on PATH.*pip install 'moto\[server\]/],
    ["terraform", () => findTerraform({ PATH: empty }), /terraform is not on PATH.*Install Terraform/],
    [
      "the provider mirror",
      () => testTerraformEnv(join(empty, "tf.rc"), { COMPOSE2ECS_PROVIDER_MIRROR: empty }),
      /no registry\.terraform\.io folder.*terraform providers mirror/,
    ],
  ])("GIVEN no %s WHEN it is looked up THEN a MissingToolError says what is missing and how to install it", (_tool, lookUp, message) => {
    expect(lookUp).toThrow(MissingToolError);
    expect(lookUp).toThrow(message);
  });

  test("GIVEN a PATH without moto_server WHEN the deploy harness starts THEN it rejects with the install hint", async () => {
    const pathWithTerraformOnly = (process.env.PATH ?? "")
      .split(":")
      .filter((d) => !d.includes("pyenv"))
      .join(":");
    let error: unknown;
    try {
      findMotoServer({ PATH: pathWithTerraformOnly });
    } catch (e) {
      error = e;
    }
    // This machine's moto_server comes from pyenv; if it is elsewhere, use an empty PATH instead.
    const path = error ? pathWithTerraformOnly : empty;
    await expect(DeployHarness.start({ env: { ...process.env, PATH: path } })).rejects.toThrow(/is not on PATH/);
  });
});

describe("moto_server lifecycle", () => {
  test("GIVEN moto_server WHEN started THEN it answers on a loopback port, and after stop() (twice) it no longer does", async () => {
    const moto = await startMoto();
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await motoAnswers(moto.endpoint)).toBe(true);
    await moto.stop();
    await moto.stop();
    expect(await motoAnswers(moto.endpoint)).toBe(false);
  }, 60_000);

  test("GIVEN the started emulator WHEN two private DNS namespaces of different names share a VPC THEN both are made (as on AWS), and a repeated name is refused", async () => {
    const moto = await startMoto();
    const clients = awsClients(moto.endpoint, "eu-west-1");
    try {
      const vpc = (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc?.VpcId;
      const create = (name: string) => clients.discovery.send(new CreatePrivateDnsNamespaceCommand({ Name: name, Vpc: vpc }));
      await create("one.qa.example.internal");
      await create("two.qa.example.internal");
      await expect(create("two.qa.example.internal")).rejects.toThrow(/ConflictingDomainExists|vpc-/);
      const names = ((await clients.discovery.send(new ListNamespacesCommand({}))).Namespaces ?? []).map((n) => n.Name).sort();
      expect(names).toEqual(["one.qa.example.internal", "two.qa.example.internal"]);
    } finally {
      clients.destroy();
      await moto.stop();
    }
  }, 60_000);

  test("GIVEN the started emulator WHEN a security group rule is revoked by its ID twice THEN the second answer is AWS's InvalidSecurityGroupRuleId.NotFound, and other errors stay errors", async () => {
    const moto = await startMoto();
    const clients = awsClients(moto.endpoint, "eu-west-1");
    try {
      const vpc = (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: "10.8.0.0/16" }))).Vpc?.VpcId;
      const group = (await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: "revoke-twice", Description: "test", VpcId: vpc }))).GroupId;
      const permission = { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] };
      const egress = (await clients.ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: group, IpPermissions: [permission] }))).SecurityGroupRules?.[0]
        ?.SecurityGroupRuleId;
      const ingress = (await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [permission] })))
        .SecurityGroupRules?.[0]?.SecurityGroupRuleId;
      expect([egress, ingress]).toEqual([expect.stringMatching(/^sgr-/), expect.stringMatching(/^sgr-/)]);

      const revokeEgress = () => clients.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: group, SecurityGroupRuleIds: [egress ?? ""] }));
      const revokeIngress = () => clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: group, SecurityGroupRuleIds: [ingress ?? ""] }));
      await expect(revokeEgress()).resolves.toMatchObject({ Return: true });
      await expect(revokeEgress()).rejects.toMatchObject({ name: "InvalidSecurityGroupRuleId.NotFound" });
      await expect(revokeIngress()).resolves.toMatchObject({ Return: true });
      await expect(revokeIngress()).rejects.toMatchObject({ name: "InvalidSecurityGroupRuleId.NotFound" });
      // Not corrected: a group that does not exist, and a rule given by its properties.
      await expect(
        clients.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: "sg-00000000000000000", SecurityGroupRuleIds: [egress ?? ""] })),
      ).rejects.toMatchObject({ name: "InvalidGroup.NotFound" });
      await expect(clients.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: group, IpPermissions: [permission] }))).rejects.toMatchObject({
        name: "InvalidPermission.NotFound",
      });
    } finally {
      clients.destroy();
      await moto.stop();
    }
  }, 60_000);

  test("GIVEN the started emulator WHEN 12 writers race to create each of 10 keys with If-None-Match: * THEN exactly one wins each key and every other writer gets 412, as on AWS", async () => {
    const moto = await startMoto();
    const s3 = new S3Client({
      region: "eu-west-1",
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const bucket = "conditional-create-race";
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
      const outcomes: Array<{ key: string; winners: number[]; losers: number[]; stored: number }> = [];
      for (let k = 0; k < 10; k++) {
        const key = `slots/${k + 1}`;
        // Writer i's body is 1 MB of byte i, so the stored object names the writer that won.
        const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => conditionalCreate(moto.endpoint, bucket, key, Buffer.alloc(1_000_000, i))));
        const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray();
        outcomes.push({
          key,
          winners: statuses.flatMap((status, i) => (status === 200 ? [i] : [])),
          losers: statuses.filter((status) => status !== 200).sort(),
          stored: body?.[0] ?? -1,
        });
      }
      expect(outcomes).toEqual(outcomes.map(({ key, stored }) => ({ key, winners: [stored], losers: Array<number>(11).fill(412), stored })));
    } finally {
      s3.destroy();
      await moto.stop();
    }
  }, 120_000);

  test.each([
    ["http://127.0.0.1:5000", true],
    ["http://localhost:1", true],
    ["https://s3.amazonaws.com", false],
    ["http://10.0.0.1:5000", false],
  ])("GIVEN endpoint %s WHEN the test clients are made THEN loopback-only is enforced (allowed: %s)", (endpoint, allowed) => {
    if (allowed) expect(() => assertLoopback(endpoint)).not.toThrow();
    else expect(() => assertLoopback(endpoint)).toThrow(/only ever talk to an emulator on 127\.0\.0\.1/);
  });
});

/**
 * One `PUT` with `If-None-Match: *` on its own connection; resolves the HTTP status. The request
 * names a checksum algorithm without a value, so moto computes the body's SHA-256 after its
 * existence check and before it stores the object; hashing 1 MB lets Python's other request
 * threads run inside that window, as a loaded machine would, so an unlocked check-then-put
 * lets several writers through. moto accepts any Authorization header (it does not verify signatures).
 */
function conditionalCreate(endpoint: string, bucket: string, key: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/${bucket}/${key}`,
      {
        method: "PUT",
        agent: false,
        headers: {
          "If-None-Match": "*",
          "x-amz-sdk-checksum-algorithm": "SHA256",
          "Content-Length": body.length,
          Authorization: "AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=00",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
