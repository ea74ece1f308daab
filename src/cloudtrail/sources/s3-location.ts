import { UserError } from '../../util/errors.js';

export interface S3Location {
  bucket: string;
  /** Key prefix without a leading slash; '' or ending in '/'. */
  prefix: string;
}

export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1]!)) {
    throw new UserError(
      `--cloudtrail ${url}: not an S3 location`,
      "write it as s3://bucket or s3://bucket/prefix (the trail's bucket and key prefix)",
    );
  }
  const rest = m[2]!.replace(/^\/+/, '');
  return { bucket: m[1]!, prefix: rest && !rest.endsWith('/') ? `${rest}/` : rest };
}
