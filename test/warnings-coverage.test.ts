// docs/WARNINGS-coverage.md maps every warning of WARNINGS.md to the rules that implement it.
// The table must not claim a rule that does not exist or does not name the warning, and a
// warning without rules must say why (planned elsewhere, or out of scope).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES_DIR, loadRuleFiles } from '../src/ruleset/load.js';
import { WARNING_IDS } from './support/warnings.js';
import { ROOT } from './support/cli.js';

const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const byId = new Map(rules.map((r) => [r.definition.id, r.definition]));
const doc = readFileSync(path.join(ROOT, 'docs', 'WARNINGS-coverage.md'), 'utf8');
const rows = [...doc.matchAll(/^\| ([A-I][0-9]+) \| (.*?) \| (.*?) \|$/gm)].map((m) => ({
  warning: m[1]!,
  rules: [...m[2]!.matchAll(/`([a-z0-9-]+)`/g)].map((r) => r[1]!),
  note: m[3]!.trim(),
}));

describe('docs/WARNINGS-coverage.md', () => {
  it('has exactly one row per warning id of WARNINGS.md', () => {
    expect(rows.map((r) => r.warning).sort()).toEqual([...WARNING_IDS].sort());
  });
  for (const row of rows) {
    it(`${row.warning}: its rules exist and name ${row.warning} in their source; no rules means a reason`, () => {
      for (const id of row.rules) {
        expect(byId.has(id), `rule ${id} listed under ${row.warning} does not exist`).toBe(true);
        expect(byId.get(id)!.source, `rule ${id} does not name ${row.warning}`).toContain(row.warning);
      }
      if (row.rules.length === 0) expect(row.note).toMatch(/planned in issue \d+|out of scope/i);
    });
  }
  it('the parser sees the rules column (guards against a table format change)', () => {
    expect(rows.find((r) => r.warning === 'B3')!.rules).toContain('ec2-security-group-admin-ports-open');
  });
});
