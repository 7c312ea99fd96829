import { finding, Finding, IsolationRule, stackResources } from '../rule';

/**
 * A tenant stack references nothing of another stack. CDKTF turns a
 * cross-stack reference into a terraform_remote_state data source (and an
 * output in the other stack), which would couple two tenants' state and
 * blast radius.
 */
export const noCrossStackReferenceRule: IsolationRule = {
  id: 'no-cross-stack-reference',
  info: 'A resource of this tenant references another stack.',
  explanation: 'Each tenant has its own state and blast radius; a reference into another stack makes one tenant\'s plan depend on, and leak, another\'s.',
  check(stack) {
    const findings: Finding[] = [];
    for (const d of stackResources(stack, true).filter((r) => r.type === 'data.terraform_remote_state')) {
      findings.push(finding(this, d, `${d.address} reads another stack's state (${JSON.stringify((d.config.config as object) ?? {})}); a tenant stack must not reference another stack`));
    }
    const text = JSON.stringify(stack.resource ?? {});
    if (findings.length === 0 && /data\.terraform_remote_state\./.test(text)) {
      findings.push(finding(this, 'resources', 'a resource references data.terraform_remote_state; a tenant stack must not reference another stack'));
    }
    return findings;
  },
};
