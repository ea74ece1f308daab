import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { READ_ONLY_COMMAND } from '../src/aws/pool.js';
import { SOURCE_COMMANDS, sourceStatements } from '../src/cloudtrail/sources/index.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';

// The CloudTrail sources read the account too (LookupEvents, the trail's S3 archive): their
// calls are reads, declared, and covered by `awsaudit permissions --cloudtrail`.

type Policy = { Version: string; Statement: Array<{ Sid: string; Effect: string; Action: string[]; Resource: string | string[] }> };

describe('permissions for CloudTrail sources', () => {
  it('every SDK command imported under src/cloudtrail is declared in SOURCE_COMMANDS and is a read', () => {
    const dir = path.join(ROOT, 'src', 'cloudtrail');
    const used = new Set<string>();
    for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(path.join(dir, f), 'utf8');
      for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-[a-z0-9-]+'/g)) {
        for (const spec of m[1]!.split(',')) {
          const name = spec
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!;
          if (/Command$/.test(name)) used.add(name);
          if (/^paginate[A-Z]/.test(name)) used.add(`${name.slice('paginate'.length)}Command`);
        }
      }
    }
    const declared = Object.values(SOURCE_COMMANDS).flat();
    expect([...used].sort()).toEqual(declared.map((c) => c.command).sort());
    for (const c of declared) {
      expect(c.command).toMatch(READ_ONLY_COMMAND);
      expect(c.action).toMatch(/^[a-z0-9-]+:(Describe|List|Get|Lookup)[A-Za-z]+$/);
    }
  });

  it('api adds LookupEvents; an archive adds listing its bucket and reading objects under its prefix only; files add nothing', () => {
    expect(sourceStatements(['./logs'])).toEqual([]);
    expect(sourceStatements(['api'])).toEqual([
      { Sid: 'AwsauditCloudTrailEventHistory', Effect: 'Allow', Action: ['cloudtrail:LookupEvents'], Resource: '*' },
    ]);
    expect(sourceStatements(['s3://trail-bucket/org/'])).toEqual([
      { Sid: 'AwsauditCloudTrailArchiveList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::trail-bucket' },
      { Sid: 'AwsauditCloudTrailArchiveRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::trail-bucket/org/*' },
    ]);
    const two = sourceStatements(['s3://a-bucket', 's3://b-bucket/x', 'api'], 'aws-cn');
    expect(two.map((s) => s.Sid)).toEqual([
      'AwsauditCloudTrailEventHistory',
      'AwsauditCloudTrailArchive1List',
      'AwsauditCloudTrailArchive1Read',
      'AwsauditCloudTrailArchive2List',
      'AwsauditCloudTrailArchive2Read',
    ]);
    expect(two.at(-1)!.Resource).toBe('arn:aws-cn:s3:::b-bucket/x/*');
    // Every action a source kind declares is granted by its statements.
    const actions = (specs: string[]) =>
      sourceStatements(specs)
        .flatMap((s) => s.Action)
        .sort();
    expect(actions(['api'])).toEqual(SOURCE_COMMANDS.api.map((c) => c.action).sort());
    expect(actions(['s3://trail-bucket'])).toEqual(SOURCE_COMMANDS.s3.map((c) => c.action).sort());
  });

  it("`awsaudit permissions --cloudtrail` prints the collection policy plus the sources' statements", async () => {
    const plain = await runCli(['permissions', '--only', 'rds-instance-not-multi-az']);
    expect(plain.code, plain.stderr).toBe(0);
    const base = JSON.parse(plain.stdout) as Policy;
    expect(base.Statement).toHaveLength(1);

    const r = await runCli([
      'permissions',
      '--only',
      'rds-instance-not-multi-az',
      '--cloudtrail',
      'api',
      '--cloudtrail',
      's3://my-trail-bucket/org',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const policy = JSON.parse(r.stdout) as Policy;
    expect(policy.Statement[0]).toEqual(base.Statement[0]);
    expect(policy.Statement.slice(1)).toEqual(sourceStatements(['api', 's3://my-trail-bucket/org']));
    expect(r.stderr).toContain('kms:Decrypt');

    const bad = await runCli(['permissions', '--cloudtrail', 's3://Not_A_Bucket']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not an S3 location');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
