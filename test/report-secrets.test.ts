// No secret reaches a report, whatever carried it there: a CloudTrail record's policy document
// (copied whole into the evidence), a resource tag (the resource's name in every report), a
// coverage gap's message, a note. Key ids are masked as everywhere else (AKIA…WXYZ); secret
// access keys and private keys are not reproduced at all.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Review } from '../src/findings/review.js';
import { FORMATS } from '../src/report/index.js';
import { PRIVATE_KEY_REMOVED, SECRET_KEY_REMOVED, maskKeyId, maskSecrets } from '../src/secrets/detect.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-report-secrets-');
const DEMO = path.join(ROOT, 'demo', 'demo-account.snapshot.json');

interface Pair {
  keyId: string;
  secret: string;
}
const pair = (prefix = 'AKIA'): Pair => ({ keyId: keyIdFor(randomAccount(), prefix), secret: randomSecret() });

describe('secrets from every source are kept out of every report (CLI, all four formats)', async () => {
  const inPolicy = pair();
  const inTag = pair();
  const inGap = pair('ASIA');
  const inNote = pair();
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const keyBody = privateKey.split('\n')[1]!;

  const dir = tmp();
  const snapshot = JSON.parse(readFileSync(DEMO, 'utf8')) as {
    meta: { notes?: string[] };
    resources: Array<{ id: string; data: { Tags?: Array<{ Key: string; Value: string }> } }>;
    gaps: unknown[];
  };
  const eip = snapshot.resources.find((r) => r.id === 'eipalloc-0e1d2c3b4a5960001')!;
  eip.data.Tags = [{ Key: 'Name', Value: `old-ip ${inTag.keyId}:${inTag.secret}` }];
  snapshot.gaps.push({
    service: 'lambda',
    region: 'us-east-1',
    operation: 'ListFunctions',
    resourceTypes: ['aws.lambda.function'],
    errorCode: 'InvalidClientTokenId',
    message: `The security token included in the request is invalid (key ${inGap.keyId}, secret ${inGap.secret})`,
  });
  snapshot.meta.notes = [...(snapshot.meta.notes ?? []), `pasted by mistake: ${inNote.keyId} ${inNote.secret}\n${privateKey}`];
  const snapshotFile = path.join(dir, 'snapshot.json');
  writeFileSync(snapshotFile, JSON.stringify(snapshot));

  const policyDocument = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/ci-key': inPolicy.keyId, 'aws:PrincipalTag/ci-secret': inPolicy.secret } },
      },
    ],
  });
  const events = [
    {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/admin', accountId: '123456789012', userName: 'admin' },
      eventTime: '2026-11-20T10:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'PutUserPolicy',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-cli/2.15.0',
      requestParameters: { userName: 'ci', policyName: 'everything', policyDocument },
      responseElements: null,
      eventID: '0b7c4c55-9f0e-4c1a-9d5e-5a4b0e2d1c01',
      eventType: 'AwsApiCall',
      recipientAccountId: '123456789012',
    },
  ];
  const eventsFile = path.join(dir, 'events.json');
  writeFileSync(eventsFile, JSON.stringify({ Records: events }));

  const out = path.join(dir, 'reports');
  const r = await runCli([
    'evaluate',
    '--snapshot',
    snapshotFile,
    '--cloudtrail',
    eventsFile,
    '--now',
    '2026-11-21T09:00:00Z',
    '--format',
    'text,json,sarif,html',
    '--output-dir',
    out,
    '--fail-on',
    'none',
  ]);
  const reports: Record<string, string> = {
    text: r.stdout,
    json: readFileSync(path.join(out, 'awsaudit.json'), 'utf8'),
    sarif: readFileSync(path.join(out, 'awsaudit.sarif'), 'utf8'),
    html: readFileSync(path.join(out, 'awsaudit.html'), 'utf8'),
  };

  it('ran, and found the policy (decided by the policy analyzer: its evidence is the grant, not the document)', () => {
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(reports.json!) as { findings: Array<{ ruleId: string; evidence: Array<{ path: string; actual: unknown }> }> };
    const finding = json.findings.find((f) => f.ruleId === 'cloudtrail-admin-policy-attached');
    expect(finding).toBeDefined();
    expect(finding!.evidence).toContainEqual(expect.objectContaining({ path: 'facts.policyGrant', actual: 'admin' }));
  });

  for (const format of ['text', 'json', 'sarif', 'html']) {
    it(`${format}: no secret, no whole key id, no private key; masked ids where they were`, () => {
      const body = reports[format]!;
      for (const p of [inPolicy, inTag, inGap, inNote]) {
        expect(body).not.toContain(p.secret);
        expect(body).not.toContain(p.keyId);
      }
      expect(body).not.toContain(keyBody);
      // Each source is still reported, masked: the tag (the resource's name; not in the text
      // report, which names resources by id), the gap, the note (not in SARIF, which has no notes).
      if (format !== 'text') expect(body).toContain(maskKeyId(inTag.keyId));
      expect(body).toContain(maskKeyId(inGap.keyId));
      if (format !== 'sarif') expect(body).toContain(maskKeyId(inNote.keyId));
      expect(body).toContain('[secret access key removed]');
    });
  }

  it('json: the private key in the notes is removed', () => {
    expect(reports.json).toContain('[private key removed]');
  });

  it('no output on stderr carries a secret either', () => {
    for (const p of [inPolicy, inTag, inGap, inNote]) expect(r.stderr).not.toContain(p.secret);
  });
});

describe('the sanitiser is applied by every formatter (an evaluation built in memory)', () => {
  const { keyId, secret } = pair();
  const review: Review = {
    meta: {
      accounts: ['123456789012'],
      regions: ['us-east-1'],
      source: 'test',
      collectedAt: '2026-01-01T00:00:00Z',
      tool: { name: 'awsaudit', version: 'test' },
      resourceTypes: ['aws.ec2.volume'],
      notes: [`note ${keyId}`],
    },
    evaluatedAt: '2026-01-01T00:00:00.000Z',
    resourceCount: 1,
    findings: [
      {
        fingerprint: '0123456789abcdef0123456789abcdef',
        ruleId: 'ec2-volume-unattached',
        title: 'Unattached volume',
        severity: 'low',
        kind: 'cost',
        resource: { type: 'aws.ec2.volume', id: 'vol-1', account: '123456789012', region: 'us-east-1', name: `vol ${secret}` },
        message: `Volume tagged ${keyId}:${secret}`,
        evidence: [{ path: 'data.Tags', op: 'present', actual: [{ Key: keyId, Value: secret }] }],
        remediation: { text: `rotate ${keyId}`, cli: `aws ec2 delete-volume --volume-id vol-1 # ${secret}` },
      },
    ],
    rules: [],
    gaps: [
      {
        service: 'ec2',
        region: 'us-east-1',
        operation: 'DescribeVolumes',
        resourceTypes: ['aws.ec2.volume'],
        errorCode: 'X',
        message: `${keyId} ${secret}`,
      },
    ],
    expiredSuppressions: [{ source: 'f#/suppressions/0', reason: `accepted ${secret}`, expires: '2025-01-01', matched: 0 }],
  } as unknown as Review;

  for (const [name, format] of Object.entries(FORMATS)) {
    it(name, () => {
      const body = format.formatter({ evaluation: review, rules: [], color: false });
      expect(body).not.toContain(secret);
      expect(body).not.toContain(keyId);
    });
  }

  it('leaves the evaluation it was given unchanged (a copy is sanitised)', () => {
    FORMATS.json.formatter({ evaluation: review, rules: [], color: false });
    expect(review.findings[0]!.message).toBe(`Volume tagged ${keyId}:${secret}`);
  });

  it('keeps whole the key ids of the scanned account’s own IAM access keys (the fix command needs them)', () => {
    const own = keyIdFor('123456789012');
    const other = keyIdFor(randomAccount());
    const withKey = {
      ...review,
      findings: [
        {
          ...review.findings[0]!,
          ruleId: 'iam-access-key-too-old',
          resource: { type: 'aws.iam.access-key', id: own, account: '123456789012', region: 'global' },
          message: `Access key ${own} of user ci is 400 days old; ${other} was seen with it`,
          evidence: [],
          remediation: { text: 'rotate', cli: `aws iam update-access-key --user-name ci --access-key-id ${own} --status Inactive` },
        },
      ],
      gaps: [],
    } as Review;
    const json = JSON.parse(FORMATS.json.formatter({ evaluation: withKey, rules: [], color: false })) as {
      findings: Array<{ message: string; remediation: { cli: string }; resource: { id: string } }>;
    };
    expect(json.findings[0]!.resource.id).toBe(own);
    expect(json.findings[0]!.remediation.cli).toContain(`--access-key-id ${own} `);
    expect(json.findings[0]!.message).toBe(`Access key ${own} of user ci is 400 days old; ${maskKeyId(other)} was seen with it`);
  });
});

describe('maskSecrets (the detector as reports use it)', () => {
  it('masks key ids, removes secrets, and leaves documented examples, placeholders and digests alone', () => {
    const { keyId, secret } = pair();
    expect(maskSecrets(`id=${keyId} secret=${secret}`)).toBe(`id=${maskKeyId(keyId)} secret=${SECRET_KEY_REMOVED}`);
    const examples = 'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AKIAXXXXXXXXXXXXXXXX';
    expect(maskSecrets(examples)).toBe(examples);
    const digest = 'commit 3f786850e387550fdab836ed7e6dc881de23001b';
    expect(maskSecrets(digest)).toBe(digest);
  });

  it('removes a private key from its header to its footer, and leaves a mere mention', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(maskSecrets(`before\n${pem}after`)).toBe(`before\n${PRIVATE_KEY_REMOVED}\nafter`);
    const cut = pem.slice(0, 80);
    expect(maskSecrets(`start ${cut}`)).toBe(`start ${PRIVATE_KEY_REMOVED}`);
    const mention = 'grep for "-----BEGIN RSA PRIVATE KEY-----" in your repository';
    expect(maskSecrets(mention)).toBe(mention);
  });
});

describe('keys found in git history, archives and encoded values stay out of every report', async () => {
  const { makeRepo } = await import('./support/git.js');
  const { zipSync, strToU8 } = await import('fflate');
  const inHistory = pair();
  const inZip = pair();
  const inBase64 = pair();
  const lone = randomSecret();
  const bedrock = `ABSK${Buffer.from(`BedrockAPIKey-ab12-at-${randomAccount()}:${randomSecret()}${randomSecret().slice(0, 20)}`).toString('base64')}`;
  const repo = makeRepo(tmp());
  // Only in history: a pair, a lone secret and a Bedrock key, all removed in the next commit.
  const loneInHistory = randomSecret();
  const bedrockInHistory = `ABSK${Buffer.from(`BedrockAPIKey-cd34-at-${randomAccount()}:${randomSecret()}${randomSecret().slice(0, 20)}`).toString('base64')}`;
  repo.write('deploy/creds.txt', `aws_access_key_id = ${inHistory.keyId}\naws_secret_access_key = ${inHistory.secret}\n`);
  repo.write('deploy/old.env', `AWS_SECRET_ACCESS_KEY=${loneInHistory}\nAWS_BEARER_TOKEN_BEDROCK=${bedrockInHistory}\n`);
  repo.commit('add');
  repo.remove('deploy/creds.txt');
  repo.remove('deploy/old.env');
  repo.commit('remove');
  repo.write(
    'backup.zip',
    zipSync({ credentials: strToU8(`aws_access_key_id = ${inZip.keyId}\naws_secret_access_key = ${inZip.secret}\n`) }),
  );
  repo.write(
    'k8s/secret.yaml',
    `data:\n  AWS_ACCESS_KEY_ID: ${Buffer.from(inBase64.keyId).toString('base64')}\n  AWS_SECRET_ACCESS_KEY: ${Buffer.from(inBase64.secret).toString('base64')}\n`,
  );
  repo.write('.env', `AWS_SECRET_ACCESS_KEY=${lone}\nAWS_BEARER_TOKEN_BEDROCK=${bedrock}\n`);
  const out = path.join(tmp(), 'reports');
  const r = await runCli(
    ['scan', '--files', '.', '--history', '--format', 'text,json,sarif,html', '--output-dir', out, '--fail-on', 'none'],
    {
      cwd: repo.dir,
    },
  );
  const reports: Record<string, string> = {
    text: r.stdout,
    json: readFileSync(path.join(out, 'awsaudit.json'), 'utf8'),
    sarif: readFileSync(path.join(out, 'awsaudit.sarif'), 'utf8'),
    html: readFileSync(path.join(out, 'awsaudit.html'), 'utf8'),
  };

  it('found every one of them (so the check below means something)', () => {
    expect(r.code, r.stderr).toBe(0);
    const ids = (JSON.parse(reports.json!) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId).sort();
    expect(ids).toEqual(
      [
        'files-aws-access-key-pair',
        'files-aws-access-key-pair',
        'files-aws-secret-access-key-alone',
        'files-bedrock-api-key',
        'files-git-history-access-key',
        'files-git-history-bedrock-api-key',
        'files-git-history-secret-key',
      ].sort(),
    );
  });

  for (const format of ['text', 'json', 'sarif', 'html']) {
    it(`${format}: no secret, no whole key id, no Bedrock key; masked ids where they were`, () => {
      const body = reports[format]!;
      for (const p of [inHistory, inZip, inBase64]) {
        expect(body).not.toContain(p.secret);
        expect(body).not.toContain(p.keyId);
        expect(body).not.toContain(Buffer.from(p.secret).toString('base64'));
        expect(body).not.toContain(Buffer.from(p.keyId).toString('base64'));
      }
      for (const secret of [lone, loneInHistory]) expect(body).not.toContain(secret);
      for (const key of [bedrock, bedrockInHistory]) expect(body).not.toContain(key.slice(4, 60));
      expect(body).toContain(maskKeyId(inHistory.keyId));
      expect(body).toContain(maskKeyId(inZip.keyId));
    });
  }
});
