import type { S3Client } from "@aws-sdk/client-s3";
import { SlotStore } from "./priority-slots";

/**
 * Small-object access to the state bucket for the slot registry and `branches list/gc`.
 * @aws-sdk/client-s3 is loaded on first use: commands that never touch S3 do not pay for it.
 */

export type S3ClientFactory = () => Promise<S3Client>;

/** A client for `region`, pointed at `endpoint` (an emulator on loopback) when given. */
export function s3ClientFor(region: string, endpoint: string | undefined): S3ClientFactory {
  let client: Promise<S3Client> | undefined;
  return () => {
    client ??= import("@aws-sdk/client-s3").then(({ S3Client: Client }) => new Client({ region, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) }));
    return client;
  };
}

export interface S3ObjectInfo {
  /** Key relative to the store's prefix. */
  readonly key: string;
  readonly lastModified?: Date;
}

export class S3Store implements SlotStore {
  constructor(
    private readonly client: S3ClientFactory,
    readonly bucket: string,
    /** Ends with "/". */
    readonly prefix: string,
  ) {}

  async createExclusive(key: string, body: string): Promise<boolean> {
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    try {
      // Conditional write: S3 answers 412 when the key exists, so only one writer wins.
      await (
        await this.client()
      ).send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, IfNoneMatch: "*", ContentType: "text/plain" }));
      return true;
    } catch (error) {
      if (httpStatus(error) === 412 || errorName(error) === "PreconditionFailed") return false;
      // 409 ConditionalRequestConflict: a concurrent conditional write to the same key is in flight; it will win or fail, we lose.
      if (httpStatus(error) === 409) return false;
      throw error;
    }
  }

  async put(key: string, body: string): Promise<void> {
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    // A PUT replaces the object at once: readers get the old or the new body, never a mix.
    await (await this.client()).send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, ContentType: "text/plain" }));
  }

  async read(key: string): Promise<string | undefined> {
    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    try {
      const out = await (await this.client()).send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return out.Body === undefined ? "" : await out.Body.transformToString("utf8");
    } catch (error) {
      if (httpStatus(error) === 404 || errorName(error) === "NoSuchKey") return undefined;
      throw error;
    }
  }

  async list(dir: string): Promise<readonly string[]> {
    const objects = await this.listObjects(`${dir}/`);
    return objects
      .map((o) => o.key.slice(dir.length + 1))
      .filter((k) => k !== "" && !k.includes("/"))
      .sort();
  }

  async remove(key: string): Promise<void> {
    const { DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    await (await this.client()).send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  /** Every object under `sub` (relative to the store's prefix), all pages. */
  async listObjects(sub: string): Promise<readonly S3ObjectInfo[]> {
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const client = await this.client();
    const result: S3ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + sub, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        result.push({ key: object.Key.slice(this.prefix.length), ...(object.LastModified ? { lastModified: object.LastModified } : {}) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return result.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const meta = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
