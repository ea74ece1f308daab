// The README is for users and stays short; its quick start works as written on a fresh clone and
// is what CI runs; every option a command accepts is documented; every relative link of the
// README and of docs/ leads to a file, and to a heading of it when it names one.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-docs-');
const read = (...parts: string[]) => readFileSync(path.join(ROOT, ...parts), 'utf8');
const README = read('README.md');
const DOCS = readdirSync(path.join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => path.join('docs', f));

/** The text of a Markdown section: from its heading to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, `no section "${heading}"`).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

/** Markdown without its fenced code blocks (links and headings inside them are not links or headings). */
const withoutCode = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

/**
 * GitHub's heading anchors: lower case, punctuation dropped (letters, digits, spaces, `-` and `_`
 * kept), spaces to `-`, and `-1`, `-2`… for repeats. Written out because no dependency of the
 * project has it and the rule is this small.
 */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text] of withoutCode(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = text!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n ? `${base}-${n}` : base);
  }
  return result;
}

describe('README.md', () => {
  it('is under 15 KB', () => {
    expect(Buffer.byteLength(README)).toBeLessThanOrEqual(15 * 1024);
  });

  it('starts with two commands on a fresh clone: the demo and the test suite, which is what CI runs', () => {
    const commands = [...section(README, '## Quick start').matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(commands.slice(0, 2)).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
    const ci = read('.ci', 'run')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'));
    expect(ci.at(-1)).toBe(commands[1]);
  });

  it('`npm run demo` builds first (a fresh clone has no dist/) and writes the reports the quick start names, exit 0', async () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const demo = pkg.scripts.demo!;
    expect(demo).toMatch(/^npm run build\b/);
    const args = /node dist\/cli\/main\.js (.*)$/.exec(demo)![1]!.split(' ');
    const dir = tmp();
    const result = await runCli(args, { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ finding\(s\)/);
    const named = [...section(README, '## Quick start').matchAll(/`(reports\/awsaudit\.\w+)`/g)].map((m) => m[1]!);
    expect(named.sort()).toEqual(['reports/awsaudit.html', 'reports/awsaudit.json', 'reports/awsaudit.sarif']);
    for (const file of named) expect(existsSync(path.join(dir, file)), file).toBe(true);
  });
});

describe('every option is documented', () => {
  const COMMANDS = [
    [],
    ['scan'],
    ['collect'],
    ['evaluate'],
    ['merge'],
    ['permissions'],
    ['rules', 'list'],
    ['rules', 'validate'],
    ['rules', 'test'],
    ['rules', 'docs'],
    ['rules', 'compliance'],
    ['rules', 'types'],
  ];
  const docs = [README, ...DOCS.map((f) => read(f))].join('\n');

  it.each(COMMANDS.map((c) => [c.join(' ') || '(global)', c] as const))('awsaudit %s', async (_, command) => {
    const help = await runCli([...command, '--help']);
    expect(help.code).toBe(0);
    const options = [...help.stdout.matchAll(/^ +(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
    expect(options.length).toBeGreaterThan(3);
    const undocumented = options.filter((o) => !new RegExp(`--${o}(?![a-z-])`).test(docs));
    expect(undocumented).toEqual([]);
  });
});

/** The relative links of a Markdown file (at `file`, relative to the root) that lead nowhere. */
function brokenLinks(file: string, markdown: string): string[] {
  const links = [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
  return links.filter((link) => {
    const [target, anchor] = link.split('#') as [string, string | undefined];
    if (!target) return !anchors(markdown).has(anchor!);
    const resolved = path.join(ROOT, path.dirname(file), target);
    if (!existsSync(resolved)) return true;
    return anchor !== undefined && (!resolved.endsWith('.md') || !anchors(readFileSync(resolved, 'utf8')).has(anchor));
  });
}

describe('links of the README and docs/', () => {
  for (const file of ['README.md', ...DOCS]) {
    it(`${file}: every relative link leads to a file, and to a heading of it`, () => {
      expect(brokenLinks(file, read(file))).toEqual([]);
    });
  }

  it('the link check finds a missing file and a missing heading', () => {
    expect(anchors('# Usage\n## Config file\n```\n# not a heading\n```\n## Config file\n')).toEqual(
      new Set(['usage', 'config-file', 'config-file-1']),
    );
    expect(anchors('## Rules, config, suppressions, baselines')).toEqual(new Set(['rules-config-suppressions-baselines']));
    const page =
      '# Page\n[a](usage.md#config-file) [b](usage.md#no-such-heading) [c](no-such-page.md) [d](#page) [e](#nowhere) [f](https://example.com/x)\n';
    expect(brokenLinks(path.join('docs', 'page.md'), page)).toEqual(['usage.md#no-such-heading', 'no-such-page.md', '#nowhere']);
  });
});
