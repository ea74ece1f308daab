// The dump script run with the real AWS CLI against moto, then imported: the check that the
// files `awsaudit import` reads are what the AWS CLI prints (the other import tests write them
// from SDK answers, the way the CLI prints them). It needs the AWS CLI, which is not a
// dependency of this project: set AWSAUDIT_TEST_AWS_CLI to its path to run it
// (`python3 -m venv /tmp/cli && /tmp/cli/bin/pip install awscli`, then
// `AWSAUDIT_TEST_AWS_CLI=/tmp/cli/bin/aws npx vitest run test/import-awscli.test.ts`).
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { startMoto, type MotoServer } from './support/moto.js';
import { seedNotesScenario } from './support/notes-scenario.js';
import { tempDir } from './support/snapshots.js';

const AWS = process.env.AWSAUDIT_TEST_AWS_CLI;
// The scenario is seeded in two regions; the script and the scan read one (the AWS CLI starts a
// Python process per call, and the script makes a few hundred).
const SEED_REGIONS = ['us-east-1', 'ap-northeast-2'];
const REGIONS = ['us-east-1'];
const LATER = new Date(Date.now() + 200 * 86_400_000).toISOString();

interface Report {
  findings: Array<{ fingerprint: string; ruleId: string; message: string }>;
  rules: Array<{ ruleId: string; status: string; gaps: Array<{ errorCode: string }> }>;
}

describe.runIf(AWS)('awsaudit import of the dump script run with the real AWS CLI (moto)', () => {
  let moto: MotoServer | undefined;
  const dir = tempDir('awsaudit-awscli-');
  let live: Report;
  let imported: Report;
  let importStderr = '';

  beforeAll(async () => {
    moto = await startMoto();
    await seedNotesScenario(moto.endpoint, SEED_REGIONS);
    const script = path.join(dir, 'dump.sh');
    writeFileSync(script, (await runCli(['import', '--print-script'])).stdout);
    const config = path.join(dir, 'aws-config');
    writeFileSync(config, '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n');
    mkdirSync(path.join(dir, 'dump'));
    const env = {
      ...process.env,
      PATH: `${path.dirname(AWS!)}:${process.env.PATH ?? ''}`,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    await promisify(execFile)('bash', [script, path.join(dir, 'dump'), ...REGIONS], { env, maxBuffer: 1 << 26, timeout: 3_000_000 }).catch(
      (error: { stderr?: string }) => {
        throw new Error(`the dump script failed: ${error.stderr?.slice(-2000) ?? ''}`);
      },
    );
    const snap = path.join(dir, 'imported.json');
    const r = await runCli(['import', path.join(dir, 'dump'), '-o', snap]);
    expect(r.code, r.stderr).toBe(0);
    importStderr = r.stderr;
    const evaluate = async (args: string[]) => {
      const out = await runCli([...args, '--now', LATER, '-f', 'json', '--output', 'json=-', '--fail-on', 'none', '-q'], {
        env: {
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
          AWS_CONFIG_FILE: '/nonexistent',
        },
      });
      expect(out.code, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as Report;
    };
    [live, imported] = await Promise.all([
      evaluate(['scan', '--endpoint-url', moto.endpoint, '--regions', REGIONS.join(',')]),
      evaluate(['evaluate', '--snapshot', snap]),
    ]);
  }, 3_300_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("gives the live scan's findings for every rule whose calls were dumped", () => {
    const gapped = new Set(imported.rules.filter((r) => r.gaps.some((g) => g.errorCode === 'NotImported')).map((r) => r.ruleId));
    const sig = (f: Report['findings'][number]) => `${f.fingerprint} ${f.ruleId} ${f.message}`;
    const want = live.findings
      .filter((f) => !gapped.has(f.ruleId))
      .map(sig)
      .sort();
    expect(want.length).toBeGreaterThan(40);
    expect(
      imported.findings
        .filter((f) => !gapped.has(f.ruleId))
        .map(sig)
        .sort(),
    ).toEqual(want);
    expect(importStderr).not.toMatch(/are not outputs import reads/);
  });
});
