// Meta-tests: keep the shipped rules, their cases and WARNINGS.md in step.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES_DIR, loadRuleFiles } from '../src/ruleset/load.js';
import { testRule } from '../src/ruleset/tester.js';
import { WARNING_IDS } from '../src/ruleset/warnings.js';
import { RESOURCE_TYPES } from '../src/resources/types.js';
import { ROOT } from './support/cli.js';

const { rules, problems } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const warningsDoc = readFileSync(path.join(ROOT, 'docs', 'WARNINGS.md'), 'utf8');
const documentedIds = [...warningsDoc.matchAll(/^\| ([A-I][0-9]+) \|/gm)].map((m) => m[1]);

describe('shipped rules', () => {
  it('load without a single problem', () => {
    expect(problems).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(5);
  });

  it('cover the five headline warnings of the notes', () => {
    const sources = new Set(rules.flatMap((r) => r.definition.source));
    for (const id of ['B3', 'C1', 'E1', 'D1', 'A3']) expect(sources).toContain(id);
  });

  it('the code list of warning ids is exactly the ids in docs/WARNINGS.md', () => {
    expect(documentedIds.length).toBeGreaterThan(30);
    expect([...WARNING_IDS].sort()).toEqual([...documentedIds].sort());
  });

  for (const rule of rules) {
    const d = rule.definition;
    describe(d.id, () => {
      it('has a file name equal to its id, under the folder of its service', () => {
        expect(path.basename(rule.file, '.json')).toBe(d.id);
        const service = RESOURCE_TYPES[d.resource as keyof typeof RESOURCE_TYPES].service;
        expect(path.basename(path.dirname(rule.file))).toBe(service);
      });
      it('names warnings that exist in WARNINGS.md', () => {
        for (const id of d.source) expect(documentedIds).toContain(id);
      });
      it('has at least one must-fail and one must-pass case', () => {
        expect(d.tests.fail.length).toBeGreaterThan(0);
        expect(d.tests.pass.length).toBeGreaterThan(0);
      });
      for (const result of testRule(rule)) {
        it(`case [${result.expect}] ${result.name}`, () => {
          expect(result.reason ?? 'ok').toBe('ok');
        });
      }
    });
  }
});

describe('the rule tester itself', () => {
  it('reports a must-fail case that does not fail, and a must-pass case that fails', () => {
    const base = rules.find((r) => r.definition.id === 'rds-instance-not-multi-az')!;
    const swapped = {
      ...base,
      definition: { ...base.definition, tests: { fail: base.definition.tests.pass, pass: base.definition.tests.fail } },
    };
    const results = testRule(swapped);
    expect(results.filter((r) => !r.ok).length).toBe(results.length);
  });

  it('reports an undecided case that passes or fails, and a must-pass case the rule leaves undecided', () => {
    const base = rules.find((r) => r.definition.id === 'ec2-instance-reachable-from-internet')!;
    const { fail, pass, unknown = [] } = base.definition.tests;
    expect(unknown.length).toBeGreaterThan(0);
    const swapped = { ...base, definition: { ...base.definition, tests: { fail, pass: unknown, unknown: [...pass, ...fail] } } };
    const results = testRule(swapped);
    const wrong = results.filter((r) => !r.ok);
    expect(wrong.map((r) => r.reason)).toEqual([
      ...unknown.map(() => 'expected a pass, the rule left it undecided (unknownWhen matched)'),
      ...pass.map(() => 'expected undecided, the rule passed it (unknownWhen did not match)'),
      ...fail.map((c) => expect.stringMatching(/^expected no finding, got: /) as unknown as string),
    ]);
  });
});
