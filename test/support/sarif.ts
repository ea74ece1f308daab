import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const CONFIG = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sarif-validator.xml');

export interface SarifDiagnostic {
  ruleId: string;
  level: string;
  text: string;
  /** JSON path or line the validator points at, when it gives one. */
  where: string;
}

/**
 * The multitool's self-contained Linux binary (from @microsoft/sarif-multitool-linux, a
 * dependency of the dev dependency @microsoft/sarif-multitool). Called directly: the npm
 * wrapper re-splits arguments and breaks `--rule-kind "Gh;Sarif"`. npm may skip the
 * package's postinstall chmod, so make it executable here.
 */
function multitool(): string {
  const binary = require('@microsoft/sarif-multitool-linux') as string;
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    chmodSync(binary, 0o755);
  }
  return binary;
}

/**
 * Validate a SARIF file with Microsoft's validator and GitHub's rules
 * (`validate --rule-kind "Gh;Sarif"`, GH1001–GH1007 on as errors; see sarif-validator.xml).
 * The validator exits 0 whatever it finds, so its own SARIF output is parsed: every
 * result it reports comes back here; callers fail on errors and warnings.
 */
export function validateSarif(file: string): SarifDiagnostic[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-sarif-'));
  const out = path.join(dir, 'validation.sarif');
  try {
    const r = spawnSync(
      multitool(),
      ['validate', file, '--rule-kind', 'Gh;Sarif', '--config', CONFIG, '--output', out, '--log', 'ForceOverwrite', '--quiet', 'true'],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      },
    );
    if (r.status !== 0 || !existsSync(out))
      throw new Error(`SARIF validator failed (exit ${r.status}): ${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
    const run = (JSON.parse(readFileSync(out, 'utf8')) as { runs: ValidatorRun[] }).runs[0]!;
    const rules = run.tool.driver.rules ?? [];
    return (run.results ?? []).map((res) => {
      const rule = (res.ruleIndex !== undefined ? rules[res.ruleIndex] : undefined) ?? rules.find((x) => x.id === res.ruleId);
      const template = res.message.text ?? rule?.messageStrings?.[res.message.id ?? '']?.text ?? res.message.id ?? '';
      const text = template.replace(/\{(\d+)\}/g, (_, i: string) => res.message.arguments?.[Number(i)] ?? '');
      const region = res.locations?.[0]?.physicalLocation?.region;
      return { ruleId: res.ruleId ?? '?', level: res.level ?? 'warning', text, where: region?.startLine ? `line ${region.startLine}` : '' };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Errors and warnings only (notes are advice such as "consider message arguments"). */
export function sarifProblems(file: string): string[] {
  return validateSarif(file)
    .filter((d) => d.level === 'error' || d.level === 'warning')
    .map((d) => `${d.level} ${d.ruleId} ${d.where}: ${d.text}`);
}

interface ValidatorRun {
  tool: { driver: { rules?: Array<{ id: string; messageStrings?: Record<string, { text: string }> }> } };
  results?: Array<{
    ruleId?: string;
    ruleIndex?: number;
    level?: string;
    message: { text?: string; id?: string; arguments?: string[] };
    locations?: Array<{ physicalLocation?: { region?: { startLine?: number } } }>;
  }>;
}
