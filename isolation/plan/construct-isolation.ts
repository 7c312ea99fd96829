/**
 * The synth-time rule pack (`isolation/synth/`), run on the synthesized
 * stack the plan was made from, as one of the review's isolation checks. A
 * stack that fails these rules normally fails synthesis already; running them
 * here as well keeps the review honest when a stack comes from elsewhere.
 */
import { checkIsolation } from '../synth/isolation-check';
import type { StackJson } from '../synth/rule';
import type { IsolationCheck } from './isolation';

export const constructIsolationCheck: IsolationCheck = (input) => {
  if (input.destroying || !input.tenant) return [];
  const t = input.tenant;
  const findings = checkIsolation(input.stack as StackJson, {
    tenantId: t.id,
    networkCidr: t.networkCidr,
    publicIngress: t.ingress.filter((r) => r.public),
  });
  return findings.map((f) => ({ tenant: t.id, resource: f.resource, rule: f.rule, message: f.message }));
};

/**
 * Findings in a failed synth's message. CDKTF reports construct validations as
 * `[<construct path>] <rule>: <message>`, one per line.
 */
export function findingsFromSynthError(tenantId: string, message: string): { rule: string; resource: string; message: string; tenant: string }[] {
  const out: { rule: string; resource: string; message: string; tenant: string }[] = [];
  for (const line of message.split('\n')) {
    const m = /^\s*\[([^\]]+)\]\s+([a-z0-9][a-z0-9-]*):\s+(.*)$/.exec(line);
    if (m) out.push({ tenant: tenantId, resource: m[1], rule: m[2], message: m[3] });
  }
  return out;
}
