// docs/kubernetes/: the manifests are valid Kubernetes objects by the API's own OpenAPI schemas
// (npm kubernetes-models, no cluster), and the pods' shell commands, run with a stand-in for
// awsaudit, ask for shards 1..N once each and write where the merge Job reads.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseShard } from '../src/org/shards.js';
import { ROOT } from './support/cli.js';

const DIR = path.join(ROOT, 'docs', 'kubernetes');
const manifests = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    YAML.parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((doc) => ({ file, object: doc.toJS() as KubeObject })),
  );

interface Container {
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
}
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: { spec: { serviceAccountName?: string; containers: Container[] } };
  };
}

function validate(object: KubeObject): void {
  if (object.apiVersion === 'batch/v1' && object.kind === 'Job') new Job(object as never).validate();
  else if (object.apiVersion === 'v1' && object.kind === 'ServiceAccount') new ServiceAccount(object).validate();
  else throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
}

const find = (name: string) => manifests.find((m) => m.object.metadata.name === name)!.object;
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));

/** Run a container's `sh -c` script with `awsaudit` replaced by a function that prints its arguments, one per line. */
function argsOf(container: Container, extraEnv: Record<string, string>): string[] {
  expect(container.command).toEqual(['/bin/sh', '-c']);
  const script = `awsaudit() { printf '%s\\n' "$@"; }\n${container.args![0]!}`;
  const r = spawnSync('sh', ['-c', script], { env: { PATH: process.env.PATH, ...envOf(container), ...extraEnv }, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trimEnd().split('\n');
}
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('docs/kubernetes manifests', () => {
  it('are all valid by the Kubernetes API schemas', () => {
    expect(manifests.map((m) => `${m.file}: ${m.object.kind}`).sort()).toEqual([
      'merge-job.yaml: Job',
      'scan-job.yaml: Job',
      'serviceaccount.yaml: ServiceAccount',
    ]);
    for (const m of manifests) expect(() => validate(m.object), m.file).not.toThrow();
  });

  it('the validator can fail: a misspelt completion mode, a string count, a container without a name', () => {
    const scan = find('awsaudit-scan');
    const broken = (change: (o: KubeObject) => void) => {
      const copy = structuredClone(scan);
      change(copy);
      return () => validate(copy);
    };
    expect(broken((o) => (o.spec!.completionMode = 'Indexd'))).toThrow(/completionMode/);
    expect(broken((o) => ((o.spec as Record<string, unknown>).completions = 'four'))).toThrow(/completions/);
    expect(broken((o) => delete (o.spec!.template.spec.containers[0] as Record<string, unknown>).name)).toThrow(/name/);
  });

  it('the scan Job is Indexed, its pods ask for shards 1..N once each (JOB_COMPLETION_INDEX is 0-based), and write under the run prefix', () => {
    const scan = find('awsaudit-scan');
    expect(scan.spec).toMatchObject({ completionMode: 'Indexed' });
    const n = scan.spec!.completions!;
    expect(scan.spec!.parallelism).toBe(n);
    const container = scan.spec!.template.spec.containers[0]!;
    expect(envOf(container).SHARDS).toBe(String(n));
    const shards = Array.from({ length: n }, (_, index) => {
      const args = argsOf(container, { JOB_COMPLETION_INDEX: String(index) });
      expect(args.slice(0, 2)).toEqual(['scan', '--org']);
      expect(flag(args, '--format')).toBe('json');
      const shard = parseShard(flag(args, '--shard')!);
      expect(shard.count).toBe(n);
      expect(flag(args, '--output-dir')).toBe(`s3://audit-reports-111111111111/awsaudit/2026-01-31/shards/shard-${shard.index}/`);
      return shard.index;
    });
    expect(shards).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // The 0-based index without the conversion would be refused.
    expect(() => parseShard(`0/${n}`)).toThrow(/from 1/);
  });

  it('the merge Job reads the prefix the shards write, with the same run id, and writes the merged reports beside it', () => {
    const scanEnv = envOf(find('awsaudit-scan').spec!.template.spec.containers[0]!);
    const container = find('awsaudit-merge').spec!.template.spec.containers[0]!;
    const mergeEnv = envOf(container);
    for (const name of ['RUN_ID', 'REPORT_BUCKET', 'REPORT_PREFIX']) expect(mergeEnv[name], name).toBe(scanEnv[name]);
    const args = argsOf(container, {});
    expect(args[0]).toBe('merge');
    expect(args[1]).toBe('s3://audit-reports-111111111111/awsaudit/2026-01-31/shards/');
    expect(flag(args, '--output-dir')).toBe('s3://audit-reports-111111111111/awsaudit/2026-01-31/merged/');
    expect(flag(args, '--format')).toContain('sarif');
  });

  it('both Jobs run as the service account whose IRSA annotation names the role', () => {
    const sa = find('awsaudit');
    expect(sa.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    for (const job of ['awsaudit-scan', 'awsaudit-merge']) {
      expect(find(job).spec!.template.spec.serviceAccountName).toBe(sa.metadata.name);
      expect(find(job).metadata.namespace).toBe(sa.metadata.namespace);
    }
  });
});
