import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { DEMO_NOW, FILE_RULES, HOSTILE } from './support/snapshots.js';

describe('text report with hostile values', () => {
  it('never passes control characters from AWS or files to the terminal', async () => {
    const r = await runCli(['evaluate', '--snapshot', HOSTILE, '--rules', FILE_RULES, '--now', DEMO_NOW, '--format', 'text']);
    expect(r.code).toBe(1);
    // The gap message holds ESC [31m and an OSC title sequence: shown escaped, never raw.
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('\\u001b[31mRED\\u001b[0m\\u001b]0;pwned\\u0007');
    expect(r.stdout).toContain('notes/evil"name <b>.txt:4:7');
  });
});
