/** The probe part of `npm run verify -- --probe`: a table per tenant and the findings. */
import { explanations } from '../../isolation/finding';
import type { Judgement } from '../../isolation/probe/judge';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

export function formatProbeTable(j: Judgement, tenants: readonly string[], notes: readonly string[]): string {
  const lines = ['', 'Packets probed from inside each tenant\'s servers and from outside sources', ''];
  const rows = [['TENANT', 'PROBES', 'PASSED', 'NOT CHECKED', 'RESULT']];
  for (const t of tenants) {
    const c = j.counts[t] ?? { run: 0, passed: 0 };
    const skipped = j.unchecked.filter((u) => u.probe.tenant === t).length;
    const failed = c.run - c.passed;
    rows.push([t, String(c.run), String(c.passed), String(skipped), failed ? `${failed} violation${failed === 1 ? '' : 's'}` : skipped ? 'not fully checked' : c.run ? 'ok' : 'nothing probed']);
  }
  lines.push(table(rows));
  if (j.findings.length) {
    lines.push('', table([['TENANT', 'RULE', 'PROBLEM'], ...j.findings.map((f) => [f.tenant, f.rule, f.message])]), '');
    for (const e of explanations(j.findings)) lines.push(`${e.rule}: ${e.explanation}`);
  }
  const why = [...new Set(j.unchecked.map((u) => `${u.probe.tenant}: ${u.why}`))];
  if (why.length) lines.push('', 'Not checked:', ...why.map((w) => `  ${w}`));
  if (notes.length) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  lines.push('');
  lines.push(j.findings.length ? `FAIL: ${j.findings.length} probe${j.findings.length === 1 ? '' : 's'} showed a violation.` : why.length ? 'COULD NOT CHECK: some probes did not run.' : 'PASS: every probe behaved as isolation requires.');
  return `${lines.join('\n')}\n`;
}
