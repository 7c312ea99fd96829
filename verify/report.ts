/** Output of the verifier: a table per tenant for people, JSON for machines. */
import { EXPLANATIONS, RuleId } from '../isolation/live/finding';
import type { VerifyResult } from './verify';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

export function formatTable(result: VerifyResult, endpoint: string): string {
  const lines: string[] = [];
  lines.push(`Isolation of the live resources at ${endpoint}`);
  lines.push('');
  const summary = [['TENANT', 'SERVERS', 'NETWORKS', 'FIREWALLS', 'OTHER', 'RESULT']];
  for (const t of result.tenants) {
    const deployed = t.servers + t.networks + t.firewalls + t.others > 0;
    const verdict = t.violations > 0 ? `${t.violations} violation${t.violations === 1 ? '' : 's'}` : deployed ? 'ok' : 'ok (nothing deployed)';
    summary.push([t.id, String(t.servers), String(t.networks), String(t.firewalls), String(t.others), verdict]);
  }
  const fleetLevel = result.findings.filter((f) => !result.tenants.some((t) => t.id === f.tenant));
  if (fleetLevel.length) summary.push(['(no tenant file)', '', '', '', '', `${fleetLevel.length} violation${fleetLevel.length === 1 ? '' : 's'}`]);
  lines.push(table(summary));
  if (result.findings.length) {
    lines.push('');
    lines.push(table([['TENANT', 'RULE', 'PROBLEM'], ...result.findings.map((f) => [f.tenant, f.rule, f.message])]));
    lines.push('');
    const rules = [...new Set(result.findings.map((f) => f.rule))] as RuleId[];
    for (const r of rules) lines.push(`${r}: ${EXPLANATIONS[r]}`);
  }
  lines.push('');
  lines.push(result.ok ? 'PASS: no isolation violation.' : `FAIL: ${result.findings.length} isolation violation${result.findings.length === 1 ? '' : 's'}.`);
  return `${lines.join('\n')}\n`;
}

export function formatJson(result: VerifyResult, endpoint: string): string {
  return `${JSON.stringify({ endpoint, ...result }, null, 2)}\n`;
}
