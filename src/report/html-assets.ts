/**
 * The HTML report's inline style and script. They are constants (never built from data), so
 * the page's Content-Security-Policy can allow exactly them by hash and nothing else.
 */

export const REPORT_CSS = `
:root{--bg:#fff;--fg:#1d2330;--muted:#5b6474;--line:#dde1e7;--card:#f6f7f9;--accent:#1f5fbf;
--critical:#8b0000;--high:#c2410c;--medium:#a16207;--low:#0e7490;--info:#52525b;--ok:#15803d}
@media (prefers-color-scheme: dark){:root{--bg:#12151b;--fg:#e4e7ec;--muted:#9aa3b2;--line:#2a303a;--card:#1a1f27;--accent:#7fb0ff;
--critical:#ff6b6b;--high:#fb923c;--medium:#facc15;--low:#22d3ee;--info:#a1a1aa;--ok:#4ade80}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1280px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:13px;margin:12px 0 4px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.meta{color:var(--muted);margin:0}.meta b{color:var(--fg);font-weight:600}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 10px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
a{color:var(--accent)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:118px;text-align:left;color:inherit;font:inherit}
.card .n{display:block;font-size:22px;font-weight:650}.card .l{color:var(--muted);font-size:12px}
button.card{cursor:pointer}button.card:hover{border-color:var(--accent)}
.sev-critical .n,.sev.critical{color:var(--critical)}.sev-high .n,.sev.high{color:var(--high)}.sev-medium .n,.sev.medium{color:var(--medium)}
.sev-low .n,.sev.low{color:var(--low)}.sev-info .n,.sev.info{color:var(--info)}.ok{color:var(--ok)}
.sev{font-weight:700;text-transform:uppercase;font-size:11.5px;letter-spacing:.04em}
.notice{border-left:4px solid var(--medium);background:var(--card);padding:8px 12px;margin:8px 0;border-radius:0 6px 6px 0}
.notice.good{border-color:var(--ok)}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;position:sticky;top:0;background:var(--bg);padding:8px 0;z-index:1;border-bottom:1px solid var(--line)}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.filters select,.filters input,.filters button{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
.filters input{width:260px}
#count{margin-left:auto;color:var(--muted)}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:7px 8px;text-align:left;vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;white-space:nowrap}
th[data-sort]{cursor:pointer}th[data-sort]:hover{color:var(--fg)}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.res{overflow-wrap:anywhere;min-width:190px;max-width:300px}td.rule{min-width:170px;overflow-wrap:anywhere}td.res small,td small{color:var(--muted)}
td.num{text-align:right;white-space:nowrap}
.tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;font-size:11.5px;margin:2px 4px 0 0;color:var(--muted)}
.tag.new{border-color:var(--high);color:var(--high)}.tag.suppressed{border-style:dashed}
tbody.finding.is-suppressed{opacity:.72}
details summary{cursor:pointer}
details .body{padding:4px 0 6px}
details.notes{margin:2px 0}details.notes ul{margin:4px 0 0;padding-left:18px}
.ev td,.ev th{padding:3px 6px;font-size:12.5px}
.ev td code{word-break:break-all}
footer{margin-top:36px;color:var(--muted);font-size:12px}
.tabs{display:flex;gap:4px;margin:22px 0 0;border-bottom:1px solid var(--line)}
.tabs button{font:inherit;font-weight:600;padding:7px 16px;border:1px solid var(--line);border-bottom:none;border-radius:6px 6px 0 0;background:var(--card);color:var(--muted);cursor:pointer}
.tabs button[aria-selected=true]{background:var(--bg);color:var(--fg);border-color:var(--accent)}
h3.fw{font-size:15px;text-transform:none;letter-spacing:0;color:var(--fg);margin:22px 0 4px}
table.comp-sections{margin:8px 0 12px}
.cstatus{font-weight:700;text-transform:uppercase;font-size:11.5px;letter-spacing:.04em;white-space:nowrap}
.st-pass{color:var(--ok)}.st-fail{color:var(--high)}.st-incomplete{color:var(--medium)}.st-not-checked{color:var(--muted)}.st-manual{color:var(--low)}
ul.rec-rules{margin:0 0 2px;padding-left:16px}
div.folded ul{margin:2px 0 4px;padding-left:16px}
button.to-findings{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:none;border:none;padding:0;color:var(--accent);text-decoration:underline;cursor:pointer}
progress{width:70px;height:9px;vertical-align:middle}
@media print{.filters{position:static}details{display:block}}
`;

export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var byId = function (id) { return document.getElementById(id); };
  function hasToken(list, token) { return (' ' + (list || '') + ' ').indexOf(' ' + token + ' ') >= 0; }
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  /** A sortable header clicked: it is marked, and the rows' new order (their indexes) returned; a second click reverses. */
  function sortOrder(table, th, rows) {
    var key = th.getAttribute('data-sort');
    var numeric = th.hasAttribute('data-numeric');
    var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : th.getAttribute('aria-sort') === 'ascending' ? -1 : numeric ? -1 : 1;
    each(table.querySelectorAll('th[data-sort]'), function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var order = rows.map(function (row, i) { return i; });
    order.sort(function (a, b) {
      var x = rows[a].getAttribute('data-sort-' + key) || '';
      var y = rows[b].getAttribute('data-sort-' + key) || '';
      var c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
      return c * dir || a - b;
    });
    return order;
  }
  var tabButtons = document.querySelectorAll('[data-tab]');
  function showTab(name) {
    each(tabButtons, function (b) {
      var on = b.getAttribute('data-tab') === name;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      byId('tab-' + b.getAttribute('data-tab')).hidden = !on;
    });
  }
  each(tabButtons, function (b) { b.addEventListener('click', function () { showTab(b.getAttribute('data-tab')); }); });
  var findings = findingsView();
  complianceView();
  accountsView();

  /** Many accounts: the accounts table sorts by any column; an account opens the findings filtered to it. */
  function accountsView() {
    var table = byId('accounts-table');
    if (!table) return;
    var body = table.querySelector('tbody');
    var rows = Array.prototype.slice.call(body.querySelectorAll('tr.account'));
    each(table.querySelectorAll('th[data-sort]'), function (th) {
      th.addEventListener('click', function () {
        var order = sortOrder(table, th, rows);
        rows = order.map(function (i) { return rows[i]; });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    each(document.querySelectorAll('[data-filter-account]'), function (link) {
      link.addEventListener('click', function (event) {
        event.preventDefault();
        if (tabButtons.length) showTab('findings');
        if (findings) findings.showAccount(link.getAttribute('data-filter-account'));
        else byId('findings').scrollIntoView();
      });
    });
  }

  /** The compliance tab: filter recommendations by framework, section, status and text; a rule links to its findings. */
  function complianceView() {
    var recs = Array.prototype.slice.call(document.querySelectorAll('tbody.rec'));
    if (!recs.length) return;
    var texts = recs.map(function (row) { return row.textContent.toLowerCase(); });
    var framework = byId('c-framework'), section = byId('c-section'), status = byId('c-status'), search = byId('c-q');
    function applyCompliance() {
      var needle = search.value.trim().toLowerCase();
      var shown = 0;
      recs.forEach(function (row, i) {
        var ok = (!framework.value || row.getAttribute('data-framework') === framework.value) &&
          (!section.value || row.getAttribute('data-section') === section.value) &&
          (!status.value || row.getAttribute('data-status') === status.value) &&
          (!needle || texts[i].indexOf(needle) >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      });
      each(document.querySelectorAll('.framework'), function (box) {
        box.hidden = !!framework.value && box.getAttribute('data-framework') !== framework.value;
      });
      each(document.querySelectorAll('tr.comp-section'), function (tr) {
        tr.hidden = !!section.value && tr.getAttribute('data-section') !== section.value;
      });
      byId('c-count').textContent = 'Showing ' + shown + ' of ' + recs.length;
      byId('c-no-match').hidden = shown !== 0;
    }
    [framework, section, status].forEach(function (s) { s.addEventListener('change', applyCompliance); });
    search.addEventListener('input', applyCompliance);
    byId('c-reset').addEventListener('click', function () {
      framework.value = section.value = status.value = search.value = '';
      applyCompliance();
    });
    each(document.querySelectorAll('[data-show-rule]'), function (button) {
      button.addEventListener('click', function () {
        showTab('findings');
        if (findings) findings.showRule(button.getAttribute('data-show-rule'));
      });
    });
    applyCompliance();
  }

  function findingsView() {
  var table = byId('findings-table');
  if (!table) return null;
  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody.finding'));
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var selects = ['f-severity', 'f-service', 'f-kind', 'f-rule', 'f-state', 'f-account'].map(byId).filter(Boolean);
  var search = byId('f-q');
  function apply() {
    var needle = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = selects.every(function (s) { return !s.value || hasToken(row.getAttribute('data-' + s.name), s.value); }) &&
        (!needle || texts[i].indexOf(needle) >= 0);
      row.hidden = !ok;
      if (ok) shown++;
    });
    byId('count').textContent = 'Showing ' + shown + ' of ' + rows.length + ' finding' + (rows.length === 1 ? '' : 's');
    byId('no-match').hidden = shown !== 0 || rows.length === 0;
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  search.addEventListener('input', apply);
  byId('f-reset').addEventListener('click', function () {
    selects.forEach(function (s) { s.value = ''; });
    search.value = '';
    apply();
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter-severity]'), function (button) {
    button.addEventListener('click', function () {
      byId('f-severity').value = button.getAttribute('data-filter-severity');
      apply();
      byId('findings').scrollIntoView();
    });
  });
  Array.prototype.forEach.call(table.querySelectorAll('th[data-sort]'), function (th) {
    th.addEventListener('click', function () {
      var order = sortOrder(table, th, rows);
      rows = order.map(function (i) { return rows[i]; });
      texts = order.map(function (i) { return texts[i]; });
      rows.forEach(function (row) { table.appendChild(row); });
    });
  });
  apply();
  return {
    showRule: function (rule) {
      selects.forEach(function (s) { s.value = ''; });
      search.value = '';
      byId('f-rule').value = rule;
      apply();
      byId('findings').scrollIntoView();
    },
    showAccount: function (account) {
      selects.forEach(function (s) { s.value = ''; });
      search.value = '';
      byId('f-account').value = account;
      apply();
      byId('findings').scrollIntoView();
    },
  };
  }
})();
`;
