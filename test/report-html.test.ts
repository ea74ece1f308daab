// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { DEMO_NOW, FILE_RULES, HOSTILE, MIXED_NOW, mixedCoverageVariant, readJson, tempDir } from './support/snapshots.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.join(ROOT, 'reports', 'screenshots');

/** The test command installs Debian's Chromium when it is missing (the machine has apt and root). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  process.stdout.write(
    `Chromium is not installed at ${CHROMIUM}: installing it with apt-get (apt-get update && apt-get install -y chromium)...\n`,
  );
  const r = spawnSync(
    'sh',
    ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium'],
    {
      stdio: 'inherit',
      timeout: 900_000,
    },
  );
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(
      `could not install Chromium (exit ${r.status}); install it with \`apt-get install -y chromium\` and run the tests again`,
    );
  }
}

interface Watched {
  page: Page;
  dialogs: string[];
  requests: string[];
  errors: string[];
}

let browser: Browser;

beforeAll(async () => {
  ensureChromium();
  // Every host name resolves nowhere: even a request that slipped through could not leave the machine.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
}, 900_000);

afterAll(async () => {
  await browser?.close();
});

async function open(file: string): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const watched: Watched = { page, dialogs: [], requests: [], errors: [] };
  page.on('dialog', (d) => {
    watched.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on('request', (r) => {
    if (!/^(file|data|about|blob):/.test(r.url())) watched.requests.push(r.url());
  });
  page.on('pageerror', (e) => watched.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href);
  return watched;
}

const visibleRows = (page: Page) => page.locator('tbody.finding:visible');
const visibleRules = (page: Page) =>
  page.locator('tbody.finding:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')));

async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`screenshot: ${file}\n`);
  return file;
}

describe('HTML report of the demo account in headless Chromium', () => {
  let w: Watched;
  beforeAll(async () => {
    const file = path.join(tempDir(), 'demo.html');
    // The notes' headline rules only: the counts below test the page, not the rule set,
    // which grows (every other rule is covered by the rule tests).
    const headline = [
      'ec2-security-group-admin-ports-open',
      'ec2-security-group-nonweb-port-open',
      'ec2-elastic-ip-unattached',
      's3-bucket-public-acl',
      'rds-instance-not-multi-az',
      'iam-access-key-too-old',
      'iam-user-full-access-policy',
    ];
    const r = await runCli([
      'scan',
      '--demo',
      '--only',
      headline.join(','),
      '--fail-on',
      'none',
      '--format',
      'html',
      '--output',
      `html=${file}`,
    ]);
    expect(r.code).toBe(0);
    w = await open(file);
  });

  it('shows the account summary, severity counts, the waste estimate and coverage', async () => {
    const { page } = w;
    await expect(page.locator('h1').textContent()).resolves.toContain('123456789012');
    // Critical: SSH open on the group of the instance reachable from the internet. The public bucket
    // is high: its ACL lets anyone list it (READ), not write to it or change its permissions.
    await expect(page.locator('[data-filter-severity="critical"] .n').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-filter-severity="high"] .n').textContent()).resolves.toBe('3');
    // Medium: includes SMB (445) open on the demo's file-share group, a non-web port.
    await expect(page.locator('[data-filter-severity="medium"] .n').textContent()).resolves.toBe('4');
    await expect(page.locator('section[aria-label="Summary"]').textContent()).resolves.toContain('$3.65');
    await expect(page.locator('#coverage').textContent()).resolves.toContain('no coverage gaps');
    await expect(page.locator('#count').textContent()).resolves.toBe('Showing 8 of 8 findings');
  });

  it('filters to one severity and shows exactly those rows', async () => {
    const { page } = w;
    await page.selectOption('#f-severity', 'high');
    // Port 8000 open to the world is high (not medium) because the instance using the group is reachable.
    expect((await visibleRules(page)).sort()).toEqual([
      'ec2-security-group-nonweb-port-open',
      'iam-user-full-access-policy',
      's3-bucket-public-acl',
    ]);
    for (const sev of await visibleRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity'))))
      expect(sev).toBe('high');
    await expect(page.locator('#count').textContent()).resolves.toBe('Showing 3 of 8 findings');
    // The summary cards filter too.
    await page.click('[data-filter-severity="medium"]');
    await expect(visibleRows(page).count()).resolves.toBe(4);
    await page.click('#f-reset');
    await expect(visibleRows(page).count()).resolves.toBe(8);
  });

  it('filters by service, kind and rule together', async () => {
    const { page } = w;
    await page.selectOption('#f-service', 'ec2');
    await expect(visibleRows(page).count()).resolves.toBe(4);
    await page.selectOption('#f-kind', 'cost');
    expect(await visibleRules(page)).toEqual(['ec2-elastic-ip-unattached']);
    await page.click('#f-reset');
    await page.selectOption('#f-rule', 'rds-instance-not-multi-az');
    expect(await visibleRules(page)).toEqual(['rds-instance-not-multi-az']);
    await page.click('#f-reset');
  });

  it('searches for a resource by name and by ARN (the ARN sits in the collapsed evidence)', async () => {
    const { page } = w;
    await page.locator('#f-q').pressSequentially('django-board-db', { delay: 5 });
    expect(await visibleRules(page)).toEqual(['rds-instance-not-multi-az']);
    await page.fill('#f-q', 'arn:aws:s3:::ciw0707');
    expect(await visibleRules(page)).toEqual(['s3-bucket-public-acl']);
    await page.fill('#f-q', 'no-such-resource');
    await expect(visibleRows(page).count()).resolves.toBe(0);
    await expect(page.locator('#no-match').isVisible()).resolves.toBe(true);
    await page.click('#f-reset');
  });

  it('each finding opens to its evidence, why it matters and how to fix (the CLI command)', async () => {
    const { page } = w;
    const group = page.locator('tbody.finding[data-rule~="ec2-security-group-admin-ports-open"]');
    await group.locator('summary').click();
    expect(await group.locator('details .body').innerText()).toContain('facts.internetIngress');
    await expect(group.locator('pre code').innerText()).resolves.toContain('aws ec2 revoke-security-group-ingress');
    // The public bucket serves a website: its fix keeps the site up, and offers no Block Public Access command.
    const bucket = page.locator('tbody.finding[data-rule~="s3-bucket-public-acl"]');
    await bucket.locator('summary').click();
    const body = await bucket.locator('details .body').innerText();
    expect(body).toContain('facts.publicViaAcl');
    expect(body).toMatch(/WHY IT MATTERS\s+The bucket's access control list grants access to everyone/i);
    expect(body).toContain('This fix keeps what the resource is for: the bucket serves a static website');
    expect(body).toContain('CloudFront with origin access control (OAC)');
    await expect(bucket.locator('pre code').count()).resolves.toBe(0);
  });

  it('sorts by cost', async () => {
    const { page } = w;
    await page.click('th[data-sort="cost"]');
    expect((await visibleRules(page))[0]).toBe('ec2-elastic-ip-unattached');
    await page.click('th[data-sort="rank"]');
  });

  it('made no network request, raised no dialog and no script error; screenshot saved', async () => {
    expect(w.requests).toEqual([]);
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(existsSync(await screenshot(w.page, 'demo-report.png'))).toBe(true);
  });
});

describe('HTML report with hostile names, tags, messages and file paths', () => {
  let w: Watched;
  let html: string;
  beforeAll(async () => {
    const file = path.join(tempDir(), 'hostile.html');
    const r = await runCli([
      'evaluate',
      '--snapshot',
      HOSTILE,
      '--rules',
      FILE_RULES,
      '--now',
      DEMO_NOW,
      '--format',
      'html',
      '--output',
      `html=${file}`,
    ]);
    expect(r.code).toBe(1);
    html = readFileSync(file, 'utf8');
    w = await open(file);
    // Open every finding so nothing hostile stays unrendered.
    for (const summary of await w.page.locator('details summary').all()) await summary.click();
    await w.page.waitForTimeout(200);
  });

  it('runs no injected script: no dialog, no flag set, no extra element', async () => {
    const { page } = w;
    expect(w.dialogs).toEqual([]);
    await expect(page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).resolves.toBeUndefined();
    await expect(
      page.evaluate(() => document.querySelectorAll('img, svg, iframe, object, embed, script:not(:last-of-type)').length),
    ).resolves.toBe(0);
    await expect(page.evaluate(() => document.scripts.length)).resolves.toBe(1);
    await expect(page.evaluate(() => document.querySelectorAll('style').length)).resolves.toBe(1);
    await expect(page.locator('body').isVisible()).resolves.toBe(true);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
  });

  it('renders every hostile value as text', async () => {
    const { page } = w;
    const text = await page.locator('main').innerText();
    for (const value of [
      'ciw0707-<img src=x onerror="window.__xss=1;alert(1)">',
      '</script><script>window.__xss=1;alert(2)</script>',
      `launch-wizard-1"><svg onload="window.__xss=1">'`,
      '</style><style>body{display:none}</style>--><!--',
      'ap-northeast-2a<script>window.__xss=1</script>',
      'keys/<img src=x onerror="window.__xss=1;alert(1)">.pem',
      'notes/evil"name <b>.txt:4:7',
    ]) {
      expect(text, value).toContain(value);
    }
    // And never as markup in the file itself.
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<svg');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('shows the coverage gap and file findings, and the filters still work on hostile rows', async () => {
    const { page } = w;
    await expect(page.locator('#coverage').innerText()).resolves.toContain('ListFunctions');
    await page.selectOption('#f-service', 'files');
    // The fixture rules' 3 findings, and the built-in files-aws-access-key-pair on the hostile key (it has a secret).
    await expect(visibleRows(page).count()).resolves.toBe(4);
    await page.click('#f-reset');
    await page.fill('#f-q', '<svg onload');
    const rows = await visibleRows(page).allInnerTexts();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toContain('<svg onload');
    await page.click('#f-reset');
    expect(existsSync(await screenshot(page, 'hostile-report.png'))).toBe(true);
    expect(w.dialogs).toEqual([]);
  });

  it('carries a strict Content-Security-Policy: no network source, scripts and styles only by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('HTML report of a run with gaps, undecided and not-checked rules, in headless Chromium', () => {
  let w: Watched;
  let json: {
    summary: { rules: { total: number; failed: number; failedIncomplete: number; passed: number; incomplete: number; notChecked: number } };
  };
  beforeAll(async () => {
    const dir = tempDir();
    const r = await runCli([
      'evaluate',
      '--snapshot',
      mixedCoverageVariant(),
      '--now',
      MIXED_NOW,
      '--fail-on',
      'none',
      '--format',
      'html,json',
      '--output-dir',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    json = readJson(path.join(dir, 'awsaudit.json'));
    w = await open(path.join(dir, 'awsaudit.html'));
  });

  it('the header reads collected → evaluated, and how many days apart', async () => {
    await expect(w.page.locator('#times').innerText()).resolves.toBe(
      'collected 2026-11-21T09:00:00Z → evaluated 2026-12-31T09:00:00.000Z (40 days later)',
    );
  });

  it('long snapshot notes fold away behind one line and open on a click', async () => {
    const { page } = w;
    const note = page.getByText('LookupEvents us-east-1: the window was cut');
    await expect(page.locator('header details.notes summary').innerText()).resolves.toBe('4 notes on what this scan read and left out');
    await expect(note.isVisible()).resolves.toBe(false);
    await page.locator('header details.notes summary').click();
    await expect(note.isVisible()).resolves.toBe(true);
  });

  it('states the rule counts the JSON report has, each rule counted once', async () => {
    const c = json.summary.rules;
    await expect(w.page.locator('#rule-counts').innerText()).resolves.toBe(
      `${c.total} rules: ${c.failed} failed (${c.failedIncomplete} of them incomplete), ${c.passed} passed, ${c.incomplete} incomplete, ${c.notChecked} not checked`,
    );
    const statuses = await w.page.locator('#rules td.status').allInnerTexts();
    expect(statuses).toHaveLength(c.total);
    expect(statuses.filter((s) => s.toLowerCase() === 'pass')).toHaveLength(c.passed);
    expect(statuses.filter((s) => s.toLowerCase() === 'incomplete')).toHaveLength(c.incomplete);
  });

  it('a rule that is not checked names the type that was missing (coverage and rules table)', async () => {
    const { page } = w;
    await expect(page.locator('#not-checked').innerText()).resolves.toContain('cloudtrail-no-multi-region-trail [aws.cloudtrail.trail]');
    await expect(page.locator('#rules tr[data-rule="cloudtrail-no-multi-region-trail"] td.status').innerText()).resolves.toMatch(
      /^not checked: aws\.cloudtrail\.trail not collected$/i,
    );
    await expect(page.locator('#rules tr[data-rule="ec2-security-group-all-traffic-open"] td.status').innerText()).resolves.toMatch(
      /^incomplete$/i,
    );
    expect(existsSync(await screenshot(page, 'coverage-report.png'))).toBe(true);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
  });
});

describe('HTML compliance tab of the demo account, in headless Chromium', () => {
  let w: Watched;
  let report: {
    compliance: Array<{ framework: string; recommendations: Array<{ id: string; status: string; section: string }> }>;
    findings: Array<{ ruleId: string }>;
  };
  beforeAll(async () => {
    const dir = tempDir();
    // A user's rule with a hostile title, citing a CIS id and an id no catalogue has.
    const rulesDir = path.join(dir, 'rules');
    mkdirSync(rulesDir);
    const base = JSON.parse(readFileSync(path.join(ROOT, 'rules', 'iam', 'iam-root-access-keys-exist.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      path.join(rulesDir, 'my-root-keys.json'),
      JSON.stringify({
        ...base,
        id: 'my-root-keys',
        title: 'Root keys <img src=x onerror="window.__xss=1;alert(1)">',
        compliance: { 'cis-aws-6.0': ['2.3'], fsbp: ['</script><script>window.__xss=2</script>'] },
      }),
    );
    const file = path.join(dir, 'compliance.html');
    const json = path.join(dir, 'compliance.json');
    const r = await runCli([
      'scan',
      '--demo',
      '--rules',
      rulesDir,
      '--compliance',
      'all',
      '--fail-on',
      'none',
      '--format',
      'html,json',
      '--output',
      `html=${file}`,
      '--output',
      `json=${json}`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    report = readJson<typeof report>(json);
    w = await open(file);
  });

  const visibleRecs = (page: Page) =>
    page
      .locator('tbody.rec:visible')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-framework')} ${r.getAttribute('data-id')}`));

  it('opens on the findings; the Compliance tab shows every recommendation of both frameworks and hides the findings', async () => {
    const { page } = w;
    await expect(page.locator('#findings').isVisible()).resolves.toBe(true);
    await expect(page.locator('#compliance').isVisible()).resolves.toBe(false);
    await page.click('[data-tab="compliance"]');
    await expect(page.locator('#compliance').isVisible()).resolves.toBe(true);
    await expect(page.locator('#findings').isVisible()).resolves.toBe(false);
    await expect(page.locator('[data-tab="compliance"]').getAttribute('aria-selected')).resolves.toBe('true');
    const total = report.compliance.reduce((n, c) => n + c.recommendations.length, 0);
    await expect(page.locator('#c-count').textContent()).resolves.toBe(`Showing ${total} of ${total}`);
  });

  it('shows per section the counts and the percent passing of the JSON report', async () => {
    const { page } = w;
    const row = page.locator('tr.comp-section[data-section="cis-aws-6.0|2"]');
    const cis = report.compliance.find((c) => c.framework === 'cis-aws-6.0')!;
    const iam = cis.recommendations.filter((r) => r.section === '2');
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('2 Identity and Access Management');
    expect(Number(cells[1])).toBe(iam.length);
    expect(Number(cells[2])).toBe(iam.filter((r) => r.status === 'pass').length);
    expect(Number(cells[3])).toBe(iam.filter((r) => r.status === 'fail').length);
    const decided = iam.filter((r) => r.status !== 'manual').length;
    expect(cells[7]!.trim()).toBe(`${Math.floor((100 * iam.filter((r) => r.status === 'pass').length) / decided)}%`);
  });

  it('filters by status, framework and section, and by text', async () => {
    const { page } = w;
    await page.selectOption('#c-status', 'fail');
    const failing = report.compliance.flatMap((c) =>
      c.recommendations.filter((r) => r.status === 'fail').map((r) => `${c.framework} ${r.id}`),
    );
    expect(failing.length).toBeGreaterThan(0);
    expect(await visibleRecs(page)).toEqual(failing);
    await page.selectOption('#c-framework', 'cis-aws-6.0');
    expect(await visibleRecs(page)).toEqual(failing.filter((x) => x.startsWith('cis-aws-6.0 ')));
    await page.click('#c-reset');
    await page.selectOption('#c-section', 'cis-aws-6.0|5');
    expect((await visibleRecs(page)).length).toBe(16);
    await page.click('#c-reset');
    await page.fill('#c-q', 'IMDSv2');
    expect(await visibleRecs(page)).toEqual(expect.arrayContaining(['cis-aws-6.0 6.7', 'fsbp EC2.8']));
    await page.click('#c-reset');
  });

  it('a manual recommendation says how to check it by hand', async () => {
    const { page } = w;
    const rec = page.locator('tbody.rec[data-framework="cis-aws-6.0"][data-id="2.20"]');
    await expect(rec.locator('.cstatus').textContent()).resolves.toBe('manual');
    await rec.locator('summary').click();
    await expect(rec.locator('details .body').innerText()).resolves.toContain('aws iam list-users');
  });

  it('a rule with findings links to the findings tab, filtered to that rule', async () => {
    const { page } = w;
    const rec = page.locator('tbody.rec[data-framework="cis-aws-6.0"][data-id="2.13"]');
    await expect(rec.locator('.cstatus').textContent()).resolves.toBe('fail');
    await rec.locator('[data-show-rule="iam-access-key-too-old"]').click();
    await expect(page.locator('#findings').isVisible()).resolves.toBe(true);
    await expect(page.locator('#compliance').isVisible()).resolves.toBe(false);
    const rules = await visibleRules(page);
    expect(rules.length).toBe(report.findings.filter((f) => f.ruleId === 'iam-access-key-too-old').length);
    expect(new Set(rules)).toEqual(new Set(['iam-access-key-too-old']));
  });

  it('renders a hostile rule title and id as text; no request, dialog or script error; screenshot saved', async () => {
    const { page } = w;
    await page.click('[data-tab="compliance"]');
    const text = await page.locator('#compliance').innerText();
    expect(text).toContain('</script><script>window.__xss=2</script>');
    await page.fill('#c-q', 'my-root-keys');
    expect(await visibleRecs(page)).toEqual(['cis-aws-6.0 2.3']);
    await page.click('#c-reset');
    await expect(page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).resolves.toBeUndefined();
    await expect(page.evaluate(() => document.querySelectorAll('img, svg, iframe, object, embed').length)).resolves.toBe(0);
    await expect(page.evaluate(() => document.scripts.length)).resolves.toBe(1);
    expect(w.requests).toEqual([]);
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(existsSync(await screenshot(page, 'compliance-report.png'))).toBe(true);
  });
});
