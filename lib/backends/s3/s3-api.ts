import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

export type Sdk = typeof S3Sdk;

/** What a HEAD or GET says about one version of an object. */
export interface ObjectInfo {
  size: number;
  etag: string;
  modifiedAt?: Date;
  /** A real version id (versioned bucket), never the 'null' of an unversioned one. */
  versionId?: string;
  metadata: Record<string, string>;
}

/** Conditions of a write (DESIGN §5: the fenced commit). */
export type WriteCondition = { ifMatch: string } | { ifNoneMatch: '*' } | undefined;

/** Every call aiofs makes, on one bucket, each a single SDK command. */
export class S3Api {
  constructor(
    readonly sdk: Sdk,
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async head(key: string): Promise<(ObjectInfo & { serverDate?: Date }) | undefined> {
    const command = new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key });
    const date = captureDate(command);
    try {
      const out = await this.client.send(command);
      return { ...info(out, out.ContentLength ?? 0), serverDate: date.value };
    } catch (error) {
      if (isNotFoundError(error)) return undefined;
      throw error;
    }
  }

  /** A GET of `[start, end)` (end undefined: to the end); throws the SDK's error. */
  async get(
    key: string,
    range: { start: number; end?: number } | undefined,
    options: { ifMatch?: string; versionId?: string; signal?: AbortSignal } = {},
  ): Promise<{
    body: AsyncIterable<Uint8Array> & NodeJS.ReadableStream;
    length: number;
    info: ObjectInfo;
  }> {
    const out = await this.client.send(
      new this.sdk.GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Range: range && rangeHeader(range.start, range.end),
        IfMatch: options.ifMatch,
        VersionId: options.versionId,
      }),
      { abortSignal: options.signal },
    );
    const length = out.ContentLength ?? 0;
    const total = /\/(\d+)$/.exec(out.ContentRange ?? '');
    return {
      body: out.Body as unknown as AsyncIterable<Uint8Array> & NodeJS.ReadableStream,
      length,
      info: info(out, total ? Number(total[1]) : length),
    };
  }

  async put(
    key: string,
    body: Buffer | string,
    condition: WriteCondition,
    options: { metadata?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<string> {
    const out = await this.client.send(
      new this.sdk.PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: Buffer.byteLength(body),
        Metadata: options.metadata,
        ...conditionInput(condition),
      }),
      { abortSignal: options.signal },
    );
    return out.ETag!;
  }

  async delete(key: string, ifMatch?: string): Promise<void> {
    await this.client.send(
      new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: ifMatch }),
    );
  }

  /** Server-side copy of one version of `from` (at most 5 GiB) over `to`. */
  async copy(
    from: string,
    to: string,
    sourceEtag: string | undefined,
    condition: WriteCondition,
  ): Promise<string> {
    const out = await this.client.send(
      new this.sdk.CopyObjectCommand({
        Bucket: this.bucket,
        Key: to,
        CopySource: this.copySource(from),
        CopySourceIfMatch: sourceEtag,
        ...conditionInput(condition),
      }),
    );
    return out.CopyObjectResult?.ETag ?? '';
  }

  async startMultipart(key: string): Promise<string> {
    const out = await this.client.send(
      new this.sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }),
    );
    return out.UploadId!;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    data: Buffer,
  ): Promise<string> {
    const out = await this.client.send(
      new this.sdk.UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: data,
        ContentLength: data.length,
      }),
    );
    return out.ETag!;
  }

  /** A part copied on the server from `[start, end)` of one version of `from`. */
  async copyPart(
    key: string,
    uploadId: string,
    partNumber: number,
    from: string,
    range: { start: number; end: number },
    sourceEtag: string,
  ): Promise<string> {
    const out = await this.client.send(
      new this.sdk.UploadPartCopyCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        CopySource: this.copySource(from),
        CopySourceRange: rangeHeader(range.start, range.end),
        CopySourceIfMatch: sourceEtag,
      }),
    );
    return out.CopyPartResult!.ETag!;
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: Array<{ number: number; etag: string }>,
    condition: WriteCondition,
  ): Promise<string> {
    const out = await this.client.send(
      new this.sdk.CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag })) },
        ...conditionInput(condition),
      }),
    );
    return out.ETag!;
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.client.send(
      new this.sdk.AbortMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
      }),
    );
  }

  /** One page of keys under `prefix`. */
  async list(
    prefix: string,
    token?: string,
  ): Promise<{ keys: Array<{ key: string; modifiedAt?: Date }>; next?: string }> {
    const out = await this.client.send(
      new this.sdk.ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix || undefined,
        ContinuationToken: token,
        MaxKeys: 1000,
      }),
    );
    return {
      keys: (out.Contents ?? []).map((c) => ({ key: c.Key!, modifiedAt: c.LastModified })),
      next: out.IsTruncated ? out.NextContinuationToken : undefined,
    };
  }

  async headBucket(): Promise<void> {
    await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }));
  }

  async createBucket(): Promise<void> {
    await this.client.send(new this.sdk.CreateBucketCommand({ Bucket: this.bucket }));
  }

  /** `bucket/key`, URL-encoded with its slashes kept, as CopySource wants it. */
  private copySource(key: string): string {
    return `${this.bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
  }
}

export function rangeHeader(start: number, end?: number): string {
  return `bytes=${start}-${end === undefined ? '' : end - 1}`;
}

function conditionInput(condition: WriteCondition): { IfMatch?: string; IfNoneMatch?: string } {
  if (!condition) return {};
  return 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: '*' };
}

function info(
  out: {
    ETag?: string;
    LastModified?: Date;
    VersionId?: string;
    Metadata?: Record<string, string>;
  },
  size: number,
): ObjectInfo {
  return {
    size,
    etag: out.ETag ?? '',
    modifiedAt: out.LastModified,
    versionId: out.VersionId && out.VersionId !== 'null' ? out.VersionId : undefined,
    metadata: out.Metadata ?? {},
  };
}

/** The server's `Date` header of a command's answer (the SDK's output leaves it out). */
function captureDate(command: {
  middlewareStack: { add: (m: never, o: { step: 'deserialize'; name: string }) => void };
}): { value?: Date } {
  const holder: { value?: Date } = {};
  const middleware =
    (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
      const result = await next(args);
      const date = (result.response as { headers?: Record<string, string> }).headers?.date;
      if (date) holder.value = new Date(date);
      return result;
    };
  command.middlewareStack.add(middleware as never, {
    step: 'deserialize',
    name: 'aiofsServerDate',
  });
  return holder;
}

interface ErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as ErrorShape | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

export function nameOf(error: unknown): string | undefined {
  const e = error as ErrorShape | undefined;
  const name = e?.Code ?? e?.name;
  return typeof name === 'string' ? name : undefined;
}

export function isNotFoundError(error: unknown): boolean {
  const name = nameOf(error);
  return (
    name === 'NoSuchKey' ||
    name === 'NotFound' ||
    (statusOf(error) === 404 && name !== 'NoSuchBucket' && name !== 'NoSuchUpload')
  );
}

/** An `If-Match`/`If-None-Match` condition failed, or a concurrent conditional write won (409). */
export function isConditionFailed(error: unknown): boolean {
  const status = statusOf(error);
  return (
    status === 412 ||
    nameOf(error) === 'PreconditionFailed' ||
    (status === 409 && nameOf(error) === 'ConditionalRequestConflict')
  );
}

export function isInvalidRange(error: unknown): boolean {
  return statusOf(error) === 416 || nameOf(error) === 'InvalidRange';
}
