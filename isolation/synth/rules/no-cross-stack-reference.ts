import type { Rule, Violation } from '../../rule';
import { stackResources, type SynthInput, violationAt } from '../stack';

/**
 * A tenant stack references nothing of another stack. CDKTF turns a
 * cross-stack reference into a terraform_remote_state data source (and an
 * output in the other stack), which would couple two tenants' state and
 * blast radius.
 */
export const noCrossStackReferenceRule: Rule<SynthInput> = {
  id: 'no-cross-stack-reference',
  phase: 'synth',
  severity: 'error',
  info: 'A resource of this tenant references another stack.',
  explanation: 'Each tenant has its own state and blast radius; a reference into another stack makes one tenant\'s plan depend on, and leak, another\'s.',
  check({ stack, tenant }) {
    const violations: Violation[] = [];
    for (const d of stackResources(stack, true).filter((r) => r.type === 'data.terraform_remote_state')) {
      violations.push(violationAt(tenant, d, `${d.address} reads another stack's state (${JSON.stringify((d.config.config as object) ?? {})}); a tenant stack must not reference another stack`));
    }
    const text = JSON.stringify(stack.resource ?? {});
    if (violations.length === 0 && /data\.terraform_remote_state\./.test(text)) {
      violations.push(violationAt(tenant, 'resources', 'a resource references data.terraform_remote_state; a tenant stack must not reference another stack'));
    }
    return violations;
  },
};
