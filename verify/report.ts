/** Output of the verifier: a table per tenant for people, JSON for machines. */
import { explanations, isViolation } from '../isolation/finding';
import type { VerifyResult } from './verify';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatTable(result: VerifyResult, endpoint: string): string {
  const lines: string[] = [];
  lines.push(`Isolation of the live resources at ${endpoint}`);
  lines.push('');
  const summary = [['TENANT', 'SERVERS', 'NETWORKS', 'FIREWALLS', 'OTHER', 'RESULT']];
  for (const t of result.tenants) {
    const deployed = t.servers + t.networks + t.firewalls + t.others > 0;
    const verdict = t.violations > 0 ? plural(t.violations, 'violation') : deployed ? 'ok' : 'ok (nothing deployed)';
    summary.push([t.id, String(t.servers), String(t.networks), String(t.firewalls), String(t.others), verdict]);
  }
  for (const u of result.unverified) summary.push([u.id, '-', '-', '-', '-', `not verified: ${u.reason}`]);
  const fleetLevel = result.findings.filter((f) => isViolation(f) && !result.tenants.some((t) => t.id === f.tenant));
  if (fleetLevel.length) summary.push(['(no tenant file)', '', '', '', '', plural(fleetLevel.length, 'violation')]);
  lines.push(table(summary));
  if (result.findings.length) {
    lines.push('');
    lines.push(table([['TENANT', 'RULE', 'PROBLEM'], ...result.findings.map((f) => [f.tenant, isViolation(f) ? f.rule : `${f.rule} (warning)`, f.message])]));
    lines.push('');
    for (const e of explanations(result.findings)) lines.push(`${e.rule}: ${e.explanation}`);
  }
  lines.push('');
  const violations = result.findings.filter(isViolation).length;
  if (violations > 0) lines.push(`FAIL: ${plural(violations, 'isolation violation')}.`);
  else if (result.unverified.length === 0) lines.push('PASS: no isolation violation.');
  if (result.unverified.length > 0) {
    lines.push(`NOT VERIFIED: ${plural(result.unverified.length, 'tenant')} (${result.unverified.map((u) => u.id).join(', ')}) could not be checked.`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatJson(result: VerifyResult, endpoint: string): string {
  return `${JSON.stringify({ endpoint, ...result }, null, 2)}\n`;
}
