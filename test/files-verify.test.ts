// Keys found in files, checked against the scanned account's IAM access keys (never by using
// the secret): pure cases, then against moto with keys created through the real SDK.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
  DeleteAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../src/engine/evaluate.js';
import { enrichResource } from '../src/enrich/index.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import { accountFromKeyId } from '../src/secrets/access-key-id.js';
import { addFileScan, filesSnapshot } from '../src/files/file-snapshot.js';
import { scanFiles } from '../src/files/scan-files.js';
import { BUILTIN_RULES_DIR, compileRule, loadRuleFiles } from '../src/ruleset/load.js';
import type { CompiledRule } from '../src/ruleset/types.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Resource, type Snapshot } from '../src/snapshot/types.js';
import { tempDirs } from './support/temp.js';
import { keyIdFor, randomSecret } from './support/keys.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { MOTO_CLI_ENV, sdkConfig, startMoto, type MotoServer } from './support/moto.js';

const ACCOUNT = '123456789012';
const tmp = tempDirs('awsaudit-verify-');

function accountSnapshot(accessKeys: Resource[], gaps: Snapshot['gaps'] = []): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    meta: {
      accounts: [ACCOUNT],
      regions: ['us-east-1'],
      collectedAt: '2026-06-01T00:00:00Z',
      tool: { name: 'awsaudit', version: 'test' },
      source: 'aws',
      resourceTypes: ['aws.iam.access-key'],
    },
    resources: accessKeys,
    gaps,
  };
}

function accessKey(data: { UserName: string; AccessKeyId: string; Status: string; CreateDate: string; LastUsedDate?: string }): Resource {
  return { type: 'aws.iam.access-key', id: data.AccessKeyId, account: ACCOUNT, region: 'global', data };
}

const fileRules: CompiledRule[] = [];
beforeAll(async () => {
  const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);
  for (const file of rules.filter((r) => r.definition.resource.startsWith('file.')))
    fileRules.push(compileRule(file, undefined, 'test').rule!);
});

/** Scan a folder, add it to the account snapshot (verifying keys), evaluate the file rules. */
async function scanAgainst(dir: string, snapshot: Snapshot) {
  const merged = addFileScan(snapshot, await scanFiles([dir], { cwd: dir }));
  const evaluation = evaluate(merged, fileRules, { now: new Date('2026-06-01T00:00:00Z') });
  return { merged, findings: evaluation.findings };
}

/** The facts the enricher computes for each key found in files (what rules read). */
function keyFacts(snapshot: Snapshot) {
  const index = new SnapshotIndex(snapshot);
  return snapshot.resources.filter((r) => r.type === 'file.access-key').map((r) => enrichResource(r, { now: 0, index }).facts!);
}

describe('key verification: recorded as data at scan time, facts from the enricher', () => {
  it('matched, not found, another account, temporary, and an incomplete listing', async () => {
    const active = keyIdFor(ACCOUNT);
    const deleted = keyIdFor(ACCOUNT);
    const foreign = keyIdFor('210987654321');
    const temporary = keyIdFor(ACCOUNT, 'ASIA');
    const dir = tmp();
    writeFileSync(path.join(dir, 'keys.txt'), [active, deleted, foreign, temporary].map((k) => `${k}\n\n\n\n`).join(''));
    const scan = await scanFiles([dir], { cwd: dir });
    const keys = [
      accessKey({
        UserName: 'django-board',
        AccessKeyId: active,
        Status: 'Active',
        CreateDate: '2025-11-13T00:00:00Z',
        LastUsedDate: '2026-05-30T10:00:00Z',
      }),
    ];
    const merged = addFileScan(accountSnapshot(keys), scan);
    const facts = keyFacts(merged);
    expect(facts.map((f) => [f.verification, f.belongsToScannedAccount, f.status, f.owner])).toEqual([
      ['matched', true, 'Active', 'django-board'],
      ['not-found', true, 'NotFound', null],
      ['other-account', false, null, null],
      ['not-listed', true, null, null],
    ]);
    expect(facts[0]).toMatchObject({
      lastUsedDate: '2026-05-30T10:00:00Z',
      createDate: '2025-11-13T00:00:00Z',
      scannedAccounts: [ACCOUNT],
    });
    // The scan's own resources are left as they were: no facts, nothing recorded.
    expect(scan.resources.map((r) => [r.facts, r.data.scannedAccountKey])).toEqual(scan.resources.map(() => [undefined, undefined]));
    // What is recorded is which of the account's keys it is, never a key id.
    const files = merged.resources.filter((r) => r.type === 'file.access-key');
    expect(files.map((r) => r.data.scannedAccountKey)).toEqual([
      { UserName: 'django-board', Status: 'Active', CreateDate: '2025-11-13T00:00:00Z', LastUsedDate: '2026-05-30T10:00:00Z' },
      null,
      null,
      null,
    ]);
    for (const id of [active, deleted, foreign, temporary]) expect(JSON.stringify(files)).not.toContain(id);
    // A snapshot written to a file and evaluated later gives the same facts.
    expect(keyFacts(JSON.parse(JSON.stringify(merged)) as Snapshot)).toEqual(facts);

    const gap = {
      service: 'iam',
      region: 'global',
      operation: 'ListAccessKeys',
      resourceTypes: ['aws.iam.access-key'],
      errorCode: 'AccessDenied',
      message: 'denied',
    };
    expect(keyFacts(addFileScan(accountSnapshot([], [gap]), scan))[1]).toMatchObject({ verification: 'unknown', status: null });
    // No account scanned: nothing is claimed about the account.
    expect(keyFacts(filesSnapshot(scan, new Date()))[0]).toMatchObject({
      verified: false,
      verificationSummary: expect.stringContaining('not checked against an account'),
    });
    expect(keyFacts(filesSnapshot(scan, new Date()))[0]!.verification).toBeUndefined();
  });

  it('an account snapshot whose key listing has a gap does not call a key "not found"', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '.env'), `AWS_ACCESS_KEY_ID=${keyIdFor(ACCOUNT)}\nAWS_SECRET_ACCESS_KEY=${randomSecret()}\n`);
    const gap = {
      service: 'iam',
      region: 'global',
      operation: 'ListAccessKeys',
      resourceTypes: ['aws.iam.access-key'],
      errorCode: 'AccessDenied',
      message: 'denied',
    };
    const { findings } = await scanAgainst(dir, accountSnapshot([], [gap]));
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['files-aws-access-key-pair', 'high']]);
    expect(findings[0]!.message).toContain('could not be checked against the scanned account 123456789012');
  });
});

describe('against moto: a key created in the account and written into a file (acceptance 4, library level)', () => {
  let moto: MotoServer;
  let iam: IAMClient;
  let account: string;
  let keyId: string;
  let secret: string;
  let dir: string;

  /** What the IAM collector puts in the snapshot (docs/resources.md: ListAccessKeys + last use). */
  async function collectAccessKeys(): Promise<Resource[]> {
    const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: 'django-board' }));
    const out: Resource[] = [];
    for (const k of AccessKeyMetadata) {
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId! }));
      const data: Record<string, string> = {
        UserName: k.UserName!,
        AccessKeyId: k.AccessKeyId!,
        Status: k.Status!,
        CreateDate: k.CreateDate!.toISOString(),
      };
      if (used.AccessKeyLastUsed?.LastUsedDate) data.LastUsedDate = used.AccessKeyLastUsed.LastUsedDate.toISOString();
      out.push({ type: 'aws.iam.access-key', id: k.AccessKeyId!, account, region: 'global', data });
    }
    return out;
  }

  const snapshotNow = async (): Promise<Snapshot> => ({
    ...accountSnapshot(await collectAccessKeys()),
    meta: { ...accountSnapshot([]).meta, accounts: [account] },
  });

  beforeAll(async () => {
    moto = await startMoto();
    const config = sdkConfig(moto.endpoint, 'us-east-1');
    iam = new IAMClient(config);
    account = (await new STSClient(config).send(new GetCallerIdentityCommand({}))).Account!;
    await iam.send(new CreateUserCommand({ UserName: 'django-board' }));
    const created = await iam.send(new CreateAccessKeyCommand({ UserName: 'django-board' }));
    keyId = created.AccessKey!.AccessKeyId!;
    secret = created.AccessKey!.SecretAccessKey!;
    dir = tmp();
    writeFileSync(
      path.join(dir, 'notes.txt'),
      `root@master:~# aws configure\nAWS Access Key ID [None]: ${keyId}\nAWS Secret Access Key [None]: ${secret}\nDefault region name [None]: ap-northeast-2\n`,
    );
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('the key id moto issued encodes the account it was issued in', () => {
    expect(accountFromKeyId(keyId)).toBe(account);
  });

  it('Active: the finding says it belongs to the account, Active, with its owner, and is critical', async () => {
    const { findings, merged } = await scanAgainst(dir, await snapshotNow());
    expect(findings.map((f) => [f.ruleId, f.severity, f.severityReason])).toEqual([
      ['files-aws-access-key-pair', 'critical', 'the key is Active in the scanned account'],
    ]);
    expect(findings[0]!.message).toContain(`Active key of IAM user django-board in the scanned account ${account}`);
    expect(findings[0]!.remediation.cli).toContain('--user-name django-board');
    expect(JSON.stringify(merged)).not.toContain(secret);
  });

  it('after UpdateAccessKey Inactive: the finding says Inactive and drops to medium', async () => {
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'django-board', AccessKeyId: keyId, Status: 'Inactive' }));
    const { findings } = await scanAgainst(dir, await snapshotNow());
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['files-aws-access-key-pair', 'medium']]);
    expect(findings[0]!.message).toContain(`Inactive key of IAM user django-board in the scanned account ${account}`);
  });

  it('after DeleteAccessKey: no user has it; a key id alone then is low', async () => {
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'django-board', AccessKeyId: keyId }));
    writeFileSync(path.join(dir, 'notes.txt'), `old key: ${keyId}\n`);
    const { findings } = await scanAgainst(dir, await snapshotNow());
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['files-aws-access-key-id', 'low']]);
    expect(findings[0]!.message).toContain('no IAM user there has it');
  });
});

describe('awsaudit scan --files with a live account scan (acceptance 4, CLI level)', () => {
  const MOTO_ENV = MOTO_CLI_ENV;

  it('a key created in moto and written into a file: critical, Active, its owner; after UpdateAccessKey Inactive: medium, Inactive', async () => {
    const server = await startMoto();
    try {
      const config = sdkConfig(server.endpoint, 'us-east-1');
      const client = new IAMClient(config);
      await client.send(new CreateUserCommand({ UserName: 'django-board' }));
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'django-board' }));
      const file = path.join(tmp(), 'notes.txt');
      writeFileSync(
        file,
        `AWS Access Key ID [None]: ${AccessKey!.AccessKeyId}\nAWS Secret Access Key [None]: ${AccessKey!.SecretAccessKey}\n`,
      );
      const scanReport = async () => {
        const out = tmp();
        // Only the file key rules: collection then lists exactly what they read, the account's access keys.
        const args = [
          'scan',
          '--files',
          file,
          '--endpoint-url',
          server.endpoint,
          '--region',
          'us-east-1',
          '--only',
          'files-aws-access-key-pair,files-aws-access-key-id',
        ];
        const result = await runCli([...args, '--format', 'text,json', '--output-dir', out, '--fail-on', 'none', '--quiet'], {
          env: MOTO_ENV,
        });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout + result.stderr).not.toContain(AccessKey!.AccessKeyId!);
        const text = readFileSync(path.join(out, 'awsaudit.json'), 'utf8');
        expect(text).not.toContain(AccessKey!.AccessKeyId!);
        expect(text).not.toContain(AccessKey!.SecretAccessKey!);
        const report = JSON.parse(text) as {
          scan: { source: string };
          findings: Array<{ ruleId: string; severity: string; message: string }>;
        };
        expect(report.scan.source).not.toBe('files');
        return report.findings;
      };
      const active = await scanReport();
      expect(active.map((f) => [f.ruleId, f.severity])).toEqual([['files-aws-access-key-pair', 'critical']]);
      expect(active[0]!.message).toContain('Active key of IAM user django-board in the scanned account 123456789012');
      await client.send(new UpdateAccessKeyCommand({ UserName: 'django-board', AccessKeyId: AccessKey!.AccessKeyId!, Status: 'Inactive' }));
      const inactive = await scanReport();
      expect(inactive.map((f) => [f.ruleId, f.severity])).toEqual([['files-aws-access-key-pair', 'medium']]);
      expect(inactive[0]!.message).toContain('Inactive key of IAM user django-board in the scanned account 123456789012');
    } finally {
      await server.stop();
    }
  });
});
