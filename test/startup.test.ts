// Lazy loading: commands that never call AWS import no AWS SDK package (the ten clients were
// most of the start-up time), and a command that calls AWS imports only the clients it uses.
// Each command runs as the built CLI with a preloaded hook that records every module it
// resolves (test/support/imports.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSnapshot } from '../src/snapshot/read.js';
import { ROOT } from './support/cli.js';
import { importsOf, sdkPackages } from './support/imports.js';

const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-startup-'));
const DEMO = path.join(ROOT, 'demo', 'demo-account.snapshot.json');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NO_AWS: Array<{ args: string[]; code: number[] }> = [
  { args: ['--version'], code: [0] },
  { args: ['--help'], code: [0] },
  { args: ['scan', '--help'], code: [0] },
  { args: ['rules', 'list'], code: [0] },
  { args: ['rules', 'types'], code: [0] },
  { args: ['rules', 'validate'], code: [0] },
  { args: ['rules', 'docs'], code: [0] },
  { args: ['rules', 'test'], code: [0] },
  { args: ['evaluate', '--snapshot', DEMO, '--format', 'json', '--output', 'json=-'], code: [1] },
  { args: ['scan', '--demo', '--format', 'json', '--output', 'json=-'], code: [1] },
  { args: ['scan', '--files', path.join(ROOT, 'test', 'fixtures', 'seeds'), '--format', 'json', '--output', 'json=-'], code: [0, 1] },
  {
    args: ['scan', '--cloudtrail', path.join(ROOT, 'test', 'fixtures', 'cloudtrail'), '--format', 'json', '--output', 'json=-'],
    code: [0, 1],
  },
  { args: ['permissions'], code: [0] },
];

describe('commands that make no AWS call import no AWS SDK package', () => {
  for (const { args, code } of NO_AWS) {
    it(`awsaudit ${args.map((a) => (path.relative(ROOT, a) && a.startsWith(ROOT) ? path.relative(ROOT, a) : a)).join(' ')}`, async () => {
      const r = await importsOf(args);
      expect(code, r.stderr).toContain(r.code);
      // The hook saw the run (the CLI's own modules are there), and no SDK package among them.
      expect(r.urls.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
      expect(sdkPackages(r.urls)).toEqual([]);
    });
  }

  it('a command that calls AWS imports what it sends through: identity first, nothing for the rules before it', async () => {
    // Nothing listens on port 9: the identity call fails, so collection never reaches the RDS collector.
    const r = await importsOf(
      [
        'collect',
        '--only',
        'rds-instance-not-multi-az',
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--region',
        'us-east-1',
        '--max-attempts',
        '1',
        '--out',
        path.join(dir, 'never.json'),
      ],
      {
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_PROFILE: undefined,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach AWS at http:\/\/127\.0\.0\.1:9/);
    expect(sdkPackages(r.urls)).toEqual(['@aws-sdk/client-sts', '@aws-sdk/credential-provider-node']);
  });

  it('the bundled demo snapshot (read by `scan --demo` without compiling the schema) is a valid snapshot', () => {
    expect(() => checkSnapshot(JSON.parse(readFileSync(DEMO, 'utf8')), 'demo')).not.toThrow();
  });
});
