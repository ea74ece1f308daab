import { createGunzip } from 'node:zlib';
import { DescribeInstanceAttributeCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { detectTextSecrets, type DetectedSecret } from '../../secrets/detect.js';
import type { JsonObject, JsonValue } from '../../util/json.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectorContext } from '../../collect/types.js';

export const USER_DATA_TYPE = 'aws.ec2.instance-user-data' as const;

/** Decoded user data beyond this is not read (AWS caps user data at 16 KB, but gzip can expand it a thousandfold). */
export const USER_DATA_MAX_BYTES = 4 * 1024 * 1024;
/** User data reads in flight per region (the client pool's --max-concurrency limit applies as well). */
const IN_FLIGHT = 8;

export interface DecodedUserData {
  /** Decoded size in bytes (of what was read: at most the cap). */
  bytes: number;
  /** gzip, mime (multipart, cloud-init), text. */
  encoding: string[];
  /** The cap was hit: the rest was not read. */
  truncated: boolean;
  /** The documents to scan: the whole text, or each part of a multipart message. */
  parts: Array<{ text: string; name?: string }>;
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** gunzip, keeping at most `cap` bytes (a gzip bomb stops there). */
async function gunzipCapped(input: Buffer, cap: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const gunzip = createGunzip();
  await new Promise<void>((resolve, reject) => {
    gunzip.on('data', (chunk: Buffer) => {
      if (truncated) return;
      const room = cap - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size = cap;
        truncated = true;
        gunzip.destroy();
        resolve();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    gunzip.on('end', resolve);
    gunzip.on('error', reject);
    gunzip.end(input);
  });
  return { bytes: Buffer.concat(chunks), truncated };
}

async function inflate(raw: Buffer, cap: number, encoding: string[]): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (isGzip(raw)) {
    encoding.push('gzip');
    return gunzipCapped(raw, cap);
  }
  return raw.length > cap ? { bytes: raw.subarray(0, cap), truncated: true } : { bytes: raw, truncated: false };
}

/**
 * A MIME multipart message (cloud-init's way of combining scripts and cloud-config): its
 * parts, each decoded from base64 when its Content-Transfer-Encoding says so, and gunzipped
 * when gzip. Undefined when the text is not multipart.
 */
async function mimeParts(
  text: string,
  cap: number,
  encoding: string[],
): Promise<{ parts: DecodedUserData['parts']; truncated: boolean } | undefined> {
  const head =
    /^(?:[\w-]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)*?content-type:\s*multipart\/[\w.+-]+\s*;(?:[^\n]|\r?\n[ \t])*?boundary="?([^";\r\n]+)"?/im.exec(
      text,
    );
  if (!head) return undefined;
  encoding.push('mime');
  const boundary = head[1]!;
  const parts: DecodedUserData['parts'] = [];
  let truncated = false;
  const sections = text.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \t]*\\r?$`, 'm')).slice(1);
  for (const section of sections) {
    const split = /\r?\n\r?\n/.exec(section);
    if (!split) continue;
    const headers = section.slice(0, split.index);
    let body = section.slice(split.index + split[0].length);
    const name = /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1] ?? /content-type:\s*([^;\r\n]+)/i.exec(headers)?.[1]?.trim();
    let bytes = Buffer.from(body, 'utf8');
    if (/content-transfer-encoding:\s*base64/i.test(headers)) bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    const inflated = await inflate(bytes, cap, encoding);
    truncated ||= inflated.truncated;
    body = inflated.bytes.toString('utf8');
    parts.push(name ? { text: body, name } : { text: body });
  }
  return { parts, truncated };
}

/**
 * User data as DescribeInstanceAttribute returns it (base64) to text: gunzipped when the
 * bytes are gzip (magic 1f 8b), split into parts when it is a MIME multipart message, and
 * cut at `cap` decoded bytes.
 */
export async function decodeUserData(base64: string, cap = USER_DATA_MAX_BYTES): Promise<DecodedUserData> {
  const encoding: string[] = [];
  const { bytes, truncated } = await inflate(Buffer.from(base64, 'base64'), cap, encoding);
  const text = bytes.toString('utf8');
  const mime = await mimeParts(text, cap, encoding);
  if (mime) return { bytes: bytes.length, encoding, truncated: truncated || mime.truncated, parts: mime.parts };
  encoding.push('text');
  return { bytes: bytes.length, encoding, truncated, parts: [{ text }] };
}

/** Secrets in decoded user data: masked findings only, each with its part when multipart. */
export function userDataSecrets(decoded: DecodedUserData): Array<DetectedSecret & { part?: string }> {
  const multipart = decoded.parts.length > 1 || decoded.encoding.includes('mime');
  return decoded.parts.flatMap((p, i) => detectTextSecrets(p.text).map((s) => (multipart ? { ...s, part: p.name ?? `part ${i + 1}` } : s)));
}

const ACTIVE = new Set(['pending', 'running', 'stopping', 'stopped']);

/**
 * User data of the listed instances: one DescribeInstanceAttribute (userData) per instance
 * that is not terminated or shutting down, at most IN_FLIGHT at a time. The user data itself
 * is never kept: the resource holds its size and encoding, and `awsauditUserDataSecrets` what
 * the secret detector found, masked (its enricher makes it the `userDataSecrets` fact). An
 * instance whose user data could not be read (or decoded) is a coverage gap and a resource
 * with `awsauditUserDataSecrets: null`, never a clean one.
 */
export async function collectUserData(
  ctx: CollectorContext<typeof USER_DATA_TYPE, { ec2: EC2Client }>,
  client: EC2Client,
  instances: readonly Instance[],
): Promise<void> {
  const limit = pLimit(IN_FLIGHT);
  const arn = (id: string) => `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.account}:instance/${id}`;
  await Promise.all(
    instances
      .filter((i) => typeof i.InstanceId === 'string' && i.InstanceId !== '' && ACTIVE.has(i.State?.Name ?? ''))
      .map((instance) =>
        limit(async () => {
          const id = instance.InstanceId!;
          const item = toJsonObject(instance);
          // Enough of the instance to name it in reports; nothing of the user data itself.
          const data: JsonObject = { InstanceId: id, State: item.State ?? null, Tags: item.Tags ?? [] };
          const add = (secrets: JsonValue[] | null) => {
            data.awsauditUserDataSecrets = secrets;
            ctx.add({ type: USER_DATA_TYPE, id, arn: arn(id), data });
          };
          // Reading and decoding are one step: user data that cannot be decoded (a corrupt gzip
          // stream) is as unknown as user data that cannot be read, and becomes the same gap.
          const result = await ctx.call(
            'DescribeInstanceAttribute',
            [USER_DATA_TYPE],
            async () => {
              const value = (await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }))).UserData
                ?.Value;
              return typeof value === 'string' && value !== '' ? decodeUserData(value) : null;
            },
            { subject: id },
          );
          if (result.status !== 'ok') {
            data.UserDataError = result.code;
            add(null);
            return;
          }
          const decoded = result.value;
          data.UserDataPresent = decoded !== null;
          if (!decoded) return add([]);
          Object.assign(data, { UserDataBytes: decoded.bytes, UserDataEncoding: decoded.encoding, UserDataTruncated: decoded.truncated });
          add(userDataSecrets(decoded).map((s) => toJsonObject(s) as JsonValue));
        }),
      ),
  );
}
