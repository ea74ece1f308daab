// Meta-tests: keep the shipped rules, their cases and WARNINGS.md in step, and their text
// about the reader's own account.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_PORTS, DATABASE_PORTS } from '../src/services/ec2/enrich-security-group.js';
import { BUILTIN_RULES_DIR, loadRuleFiles } from '../src/ruleset/load.js';
import { testRule } from '../src/ruleset/tester.js';
import type { RuleDefinition } from '../src/ruleset/types.js';
import { RESOURCE_TYPES } from '../src/resources/types.js';
import { ROOT } from './support/cli.js';
import { WARNING_IDS } from './support/warnings.js';

/** Benchmarks a built-in rule may name as its source (its control ids are in `compliance`). */
const BENCHMARK_SOURCES = ['cis-aws-6.0', 'fsbp'];

const { rules, problems } = await loadRuleFiles([BUILTIN_RULES_DIR]);

/**
 * Talk of where a rule's idea came from, which means nothing to someone reviewing their own
 * account: "the notes", "the notes'", warning ids of WARNINGS.md.
 */
const NOTES_TALK = [/\bthe notes\b/i, /\b(study|origin|original|source) notes\b/i];
/** In rule text, also a pointer to WARNINGS.md or its ids: the rule's `source` carries those. */
const ORIGIN_TALK = [...NOTES_TALK, /WARNINGS(-coverage)?\.md/, /\bwarnings? [A-I][0-9]\b/i];

/** Every piece of a rule a person reads: in reports, docs, `rules list` and `rules test`. */
function ruleTexts(d: RuleDefinition): Array<[string, string]> {
  const texts: Array<[string, string]> = [
    ['title', d.title],
    ['description', d.description],
    ['message', d.message],
    ['remediation.text', d.remediation.text],
  ];
  if (d.remediation.cli) texts.push(['remediation.cli', d.remediation.cli]);
  if (d.remediation.console) texts.push(['remediation.console', d.remediation.console]);
  if (d.cost) texts.push(['cost.basis', d.cost.basis]);
  (d.severityOverrides ?? []).forEach((o, i) => texts.push([`severityOverrides/${i}/reason`, o.reason]));
  for (const [name, o] of Object.entries(d.options ?? {})) texts.push([`options/${name}/description`, o.description]);
  for (const kind of ['fail', 'pass', 'unknown'] as const) {
    (d.tests[kind] ?? []).forEach((c, i) => texts.push([`tests/${kind}/${i}/name`, c.name]));
  }
  return texts;
}

function originTalk(text: string): RegExp | undefined {
  return ORIGIN_TALK.find((re) => re.test(text));
}

function notesTalk(text: string): RegExp | undefined {
  return NOTES_TALK.find((re) => re.test(text));
}

describe('shipped rules', () => {
  it('load without a single problem', () => {
    expect(problems).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(5);
  });

  it('cover the five headline warnings of WARNINGS.md', () => {
    const sources = new Set(rules.flatMap((r) => r.definition.source ?? []));
    for (const id of ['B3', 'C1', 'E1', 'D1', 'A3']) expect(sources).toContain(id);
  });

  it('docs/WARNINGS.md is read (guards against a table format change)', () => {
    expect(WARNING_IDS.length).toBeGreaterThan(30);
  });

  it('the security-group facts list the ports the port rules check by default', () => {
    const defaults = (id: string) => rules.find((r) => r.definition.id === id)!.definition.options!.ports!.default;
    expect(defaults('ec2-security-group-admin-ports-open')).toEqual([...ADMIN_PORTS]);
    expect(defaults('ec2-security-group-database-ports-open')).toEqual([...DATABASE_PORTS]);
  });

  for (const rule of rules) {
    const d = rule.definition;
    describe(d.id, () => {
      it('has a file name equal to its id, under the folder of its service', () => {
        expect(path.basename(rule.file, '.json')).toBe(d.id);
        const service = RESOURCE_TYPES[d.resource as keyof typeof RESOURCE_TYPES].service;
        expect(path.basename(path.dirname(rule.file))).toBe(service);
      });
      it('names where it comes from: warnings of WARNINGS.md, or a benchmark whose ids it carries', () => {
        // A user's rule may cite anything or nothing; a built-in one cites where it comes from:
        // a warning id, or the benchmark itself ("cis-aws-6.0", "fsbp"), whose control ids are
        // then in its `compliance`.
        expect(d.source?.length ?? 0).toBeGreaterThan(0);
        for (const id of d.source ?? []) {
          if (BENCHMARK_SOURCES.includes(id)) expect(d.compliance?.[id]?.length ?? 0, `compliance.${id}`).toBeGreaterThan(0);
          else expect(WARNING_IDS).toContain(id);
        }
      });
      it('pins the message of its first fail case, and its command in a fail case when it has one', () => {
        expect(d.tests.fail[0]!.message, 'the first fail case gives "message"').toBeTypeOf('string');
        if (d.remediation.cli)
          expect(
            d.tests.fail.some((c) => typeof c.cli === 'string'),
            'a fail case gives "cli"',
          ).toBe(true);
      });
      it('speaks to the reader about their own account, not of where the rule came from', () => {
        const found = ruleTexts(d)
          .filter(([, text]) => originTalk(text))
          .map(([where, text]) => `${where}: ${text}`);
        expect(found).toEqual([]);
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

describe('user docs, help texts and the demo', () => {
  // docs/WARNINGS.md is where the origin lives (and WARNINGS-coverage.md maps it to rules).
  const ORIGIN_DOCS = new Set(['WARNINGS.md', 'WARNINGS-coverage.md']);
  const files = (dir: string, ext: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name), ext) : e.name.endsWith(ext) ? [path.join(dir, e.name)] : [],
    );
  const userFacing = [
    'README.md',
    ...files('docs', '.md').filter((f) => !ORIGIN_DOCS.has(path.basename(f))),
    // --help texts, examples and error hints
    ...files(path.join('src', 'cli'), '.ts'),
  ];
  for (const file of userFacing) {
    it(`${file} does not speak of "the notes"`, () => {
      const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      const found = lines.flatMap((line, i) => (notesTalk(line) ? [`${i + 1}: ${line}`] : []));
      expect(found).toEqual([]);
    });
  }
  it("the demo snapshot's notes (shown in every report of `scan --demo`) do not either", () => {
    const demo = JSON.parse(readFileSync(path.join(ROOT, 'demo', 'demo-account.snapshot.json'), 'utf8')) as { meta: { notes?: string[] } };
    expect(demo.meta.notes?.length).toBeGreaterThan(0);
    expect((demo.meta.notes ?? []).filter((n) => notesTalk(n))).toEqual([]);
  });
  it('the check itself finds origin talk', () => {
    expect(originTalk('The notes opened SSH to the world')).toBeDefined();
    expect(originTalk("as in the notes' Dockerfile")).toBeDefined();
    expect(originTalk('see warning B3')).toBeDefined();
    expect(originTalk('keys pasted into plain-text notes')).toBeUndefined();
    expect(notesTalk('the study notes this project started from')).toBeDefined();
    expect(notesTalk('see docs/WARNINGS.md')).toBeUndefined();
  });
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
      ...unknown.map(
        () => 'expected a pass, the rule left it undecided (unknownWhen matched, or the data has none of the fields the rule decides on)',
      ),
      ...pass.map(() => 'expected undecided, the rule passed it (unknownWhen did not match)'),
      ...fail.map(() => expect.stringMatching(/^expected no finding, got: /) as unknown as string),
    ]);
  });
});
