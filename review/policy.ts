/**
 * The gate CI enforces: pure, from the reviewed tenants to the violations.
 *   - every isolation finding of severity `error` is a violation (a
 *     `warning` is shown in the review and does not fail it);
 *   - destroying or replacing a production tenant's server or volume needs
 *     `allow_destroy: true` in the tenant file (for an offboarding: in the
 *     file as it was at the base revision);
 *   - offboarding a tenant with backups needs its final backup: the change
 *     must remove its SOPS file, which offboard.yml archives only after the
 *     final backup and the repository's archive succeeded.
 */
import { PROTECTED_IN_PRODUCTION, type DataLossRisk } from './data-loss';
import { type Finding, isViolation } from '../isolation/finding';

export interface PolicyInput {
  readonly tenant: string;
  /** production | staging | development; undefined when unknown (the file did not load). */
  readonly environment?: string;
  readonly allowDestroy: boolean;
  readonly risks: readonly DataLossRisk[];
  readonly isolation: readonly Finding[];
  /** For an offboarding that destroys the backup subaccount: whether offboard.yml ran (see TenantReview). */
  readonly finalBackup?: 'archived' | 'missing';
}

export interface PolicyViolation {
  readonly tenant: string;
  readonly rule: 'isolation' | 'protected-destroy' | 'final-backup';
  /** Resource address or path. */
  readonly resource: string;
  readonly message: string;
}

/** Every violation, in tenant order, isolation before destruction. */
export function policyViolations(tenants: readonly PolicyInput[]): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  for (const t of [...tenants].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0))) {
    for (const f of t.isolation.filter(isViolation)) {
      out.push({ tenant: t.tenant, rule: 'isolation', resource: f.resource, message: `[${f.rule}] ${f.message}` });
    }
    if (t.environment === 'production' && !t.allowDestroy) {
      for (const r of t.risks) {
        if (!PROTECTED_IN_PRODUCTION.has(r.type)) continue;
        const verb = r.kind === 'destroy' ? 'destroy' : 'replace';
        out.push({
          tenant: t.tenant,
          rule: 'protected-destroy',
          resource: r.address,
          message: `would ${verb} ${r.address} of production tenant ${t.tenant}; set allow_destroy: true in tenants/${t.tenant}.yaml (in a separate, reviewed change) to accept the data loss`,
        });
      }
    }
    if (t.finalBackup === 'missing') {
      out.push({
        tenant: t.tenant,
        rule: 'final-backup',
        resource: 'hcloud_storage_box_subaccount.backup_subaccount',
        message: `offboarding tenant ${t.tenant} destroys its backup subaccount, but secrets/tenants/${t.tenant}.sops.yaml is still there: run ansible/playbooks/offboard.yml -e tenant=${t.tenant} -e confirm_offboard=${t.tenant} first (final backup, repository archived on the Storage Box) and commit the removed secrets file`,
      });
    }
  }
  return out;
}
