// Reports in the user's S3 bucket: `--output-dir s3://bucket/prefix` writes them (the one write
// awsaudit makes, a separate step after the read-only scan), and `awsaudit merge s3://…` reads
// shard reports back. The upload client is made here, outside the run's client pool, because
// the pool refuses every command that is not a read: the scan itself stays provably read-only.
import path from 'node:path';
import { clientConfig, defaultCredentials, type AwsAccessOptions, type ClientPool } from '../aws/pool.js';
import { errorCode, shortMessage } from '../collect/errors.js';
import { UserError } from '../util/errors.js';

export interface S3Target {
  bucket: string;
  /** Key prefix: '' or ending in '/'. */
  prefix: string;
}

export function isS3Url(value: string): boolean {
  return value.startsWith('s3://');
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket` or `s3://bucket/prefix` (a trailing slash is implied). */
export function parseS3Target(url: string, flag: string): S3Target {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m || !BUCKET.test(m[1]!)) {
    throw new UserError(`${flag} ${url}: not an S3 location`, 'write it as s3://bucket or s3://bucket/prefix');
  }
  const rest = m[2]!.replace(/^\/+/, '');
  return { bucket: m[1]!, prefix: rest && !rest.endsWith('/') ? `${rest}/` : rest };
}

/** Options of the upload client: how to reach AWS, and whose bucket it must be. */
export interface UploadOptions extends Partial<AwsAccessOptions> {
  region?: string | undefined;
  /**
   * The account that must own the bucket (`ExpectedBucketOwner`): S3 refuses the write when
   * another account owns it (a bucket name taken over). Default: the account of the credentials.
   */
  bucketOwner?: string | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.sarif': 'application/sarif+json',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The policy statement the upload needs: s3:PutObject under the prefix, nothing else. */
export function uploadStatement(target: S3Target, partition = 'aws') {
  return {
    Sid: 'AwsauditReportUpload',
    Effect: 'Allow' as const,
    Action: ['s3:PutObject'],
    Resource: `arn:${partition}:s3:::${target.bucket}/${target.prefix}*`,
  };
}

/** The statements `merge s3://…` needs: list the prefix and read its objects. */
export function readStatements(target: S3Target, partition = 'aws') {
  return [
    {
      Sid: 'AwsauditShardReportsList',
      Effect: 'Allow' as const,
      Action: ['s3:ListBucket'],
      Resource: `arn:${partition}:s3:::${target.bucket}`,
    },
    {
      Sid: 'AwsauditShardReportsRead',
      Effect: 'Allow' as const,
      Action: ['s3:GetObject'],
      Resource: `arn:${partition}:s3:::${target.bucket}/${target.prefix}*`,
    },
  ];
}

/**
 * Upload report files (name → body) under the prefix with PutObject, `ExpectedBucketOwner` set
 * (given, or the account of the credentials). Returns the s3:// address of each.
 */
export async function uploadReports(
  target: S3Target,
  files: ReadonlyArray<{ name: string; body: string }>,
  options: UploadOptions,
): Promise<string[]> {
  const [{ S3Client, PutObjectCommand }, { STSClient, GetCallerIdentityCommand }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-sts'),
  ]);
  const settings = {
    profile: options.profile,
    endpoint: options.endpoint,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: options.retryMode ?? ('standard' as const),
    maxConcurrency: options.maxConcurrency ?? 8,
    callTimeoutMs: options.callTimeoutMs,
    credentials: defaultCredentials(options.profile),
  };
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  let owner = options.bucketOwner;
  if (owner === undefined) {
    const sts = new STSClient(clientConfig('sts', region, settings));
    try {
      owner = (await sts.send(new GetCallerIdentityCommand({}))).Account;
    } catch {
      // Not possible to tell: the upload goes without the check, and fails on its own if the credentials do.
      owner = undefined;
    } finally {
      sts.destroy();
    }
  }
  const s3 = new S3Client(clientConfig('s3', region, settings, { followRegionRedirects: true }));
  const written: string[] = [];
  try {
    for (const file of files) {
      const key = target.prefix + file.name;
      const url = `s3://${target.bucket}/${key}`;
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: key,
            Body: file.body,
            ContentType: CONTENT_TYPES[path.extname(file.name)] ?? 'application/octet-stream',
            ...(owner ? { ExpectedBucketOwner: owner } : {}),
          }),
        );
      } catch (error) {
        throw new UserError(
          `cannot write ${url} (s3 PutObject: ${errorCode(error)}): ${shortMessage(error)}`,
          `the credentials need s3:PutObject on it (\`awsaudit permissions --output-dir s3://${target.bucket}/${target.prefix}\`)${owner ? `, and the bucket must belong to account ${owner} (--bucket-owner)` : ''}`,
        );
      }
      written.push(url);
    }
  } finally {
    s3.destroy();
  }
  return written;
}

/**
 * Read shard reports from S3 through the run's (read-only) pool: one object when the address
 * ends in `.json`, otherwise every `.json` object under the prefix.
 */
export async function readS3Reports(url: string, pool: ClientPool, region: string): Promise<Array<{ label: string; text: string }>> {
  const { GetObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const m = /^s3:\/\/([^/]+)\/(.+\.json)$/.exec(url);
  const target = m ? { bucket: m[1]!, prefix: '' } : parseS3Target(url, 'merge');
  if (m && !BUCKET.test(m[1]!)) parseS3Target(url, 'merge');
  const s3 = await pool.client('s3', region, { followRegionRedirects: true });
  const fail = (operation: string, error: unknown): never => {
    throw new UserError(
      `cannot read ${url} (s3 ${operation}: ${errorCode(error)}): ${shortMessage(error)}`,
      `the credentials need s3:ListBucket and s3:GetObject on it (\`awsaudit permissions --merge-from ${url}\`)`,
    );
  };
  const keys: string[] = [];
  if (m) keys.push(m[2]!);
  else {
    let token: string | undefined;
    do {
      const page = await s3
        .send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: target.prefix, MaxKeys: 1000, ContinuationToken: token }))
        .catch((error: unknown) => fail('ListObjectsV2', error));
      for (const o of page.Contents ?? []) if (o.Key?.endsWith('.json')) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (keys.length === 0)
      throw new UserError(
        `merge ${url}: no .json object under this prefix`,
        'the shard jobs write awsaudit.json under --output-dir s3://bucket/prefix/shard-N/',
      );
  }
  const out: Array<{ label: string; text: string }> = [];
  for (const key of keys.sort()) {
    const object = await s3
      .send(new GetObjectCommand({ Bucket: target.bucket, Key: key }))
      .catch((error: unknown) => fail('GetObject', error));
    out.push({ label: `s3://${target.bucket}/${key}`, text: (await object.Body?.transformToString('utf8')) ?? '' });
  }
  return out;
}
