import { TENANT_LABEL } from '../../../lib/labels';
import type { Rule, Violation } from '../../rule';
import { stackResources, type SynthInput, violationAt } from '../stack';

/**
 * hcloud resource types that accept labels (checked against the stored
 * provider schema by a unit test, so a provider upgrade cannot silently add
 * an unlabelled type).
 */
export const LABELLED_TYPES = new Set([
  'hcloud_certificate', 'hcloud_firewall', 'hcloud_floating_ip', 'hcloud_load_balancer', 'hcloud_managed_certificate',
  'hcloud_network', 'hcloud_placement_group', 'hcloud_primary_ip', 'hcloud_server', 'hcloud_snapshot',
  'hcloud_ssh_key', 'hcloud_storage_box', 'hcloud_storage_box_snapshot', 'hcloud_storage_box_subaccount', 'hcloud_uploaded_certificate', 'hcloud_volume', 'hcloud_zone',
  'hcloud_zone_rrset',
]);

/** Every labelled resource carries tenant_id=<this tenant>. */
export const tenantLabelRule: Rule<SynthInput> = {
  id: 'tenant-label',
  phase: 'synth',
  severity: 'error',
  info: 'A resource that takes labels lacks tenant_id or carries another tenant\'s.',
  explanation: 'Tenant identity is the tenant_id label: firewalls select servers by it, the verifier and the inventory group by it. A resource without it is invisible to isolation; one with another tenant\'s id joins that tenant.',
  check({ stack, tenant }) {
    const labelled = stackResources(stack).filter((r) => LABELLED_TYPES.has(r.type));
    if (labelled.length === 0) return 'not-applicable';
    const violations: Violation[] = [];
    for (const r of labelled) {
      const labels = (r.config.labels ?? {}) as Record<string, unknown>;
      const value = labels[TENANT_LABEL];
      if (value === undefined) {
        violations.push(violationAt(tenant, r, `${r.address} has no ${TENANT_LABEL} label; expected ${TENANT_LABEL}=${tenant.tenantId}`));
      } else if (value !== tenant.tenantId) {
        violations.push(violationAt(tenant, r, `${r.address} carries ${TENANT_LABEL}=${String(value)}, another tenant's; expected ${TENANT_LABEL}=${tenant.tenantId}`));
      }
    }
    return violations;
  },
};
