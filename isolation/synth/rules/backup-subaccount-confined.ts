import { backupHomeDirectory } from '../../../lib/naming';
import type { Rule, Violation } from '../../rule';
import { stackResources, type SynthInput, violationAt } from '../stack';

/** The home directory as written, without trailing slashes; undefined when it is not a literal. */
function literalHome(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.includes('${')) return undefined;
  return value.replace(/\/+$/, '');
}

/**
 * A Storage Box subaccount of a tenant is confined to the tenant's own
 * directory, `tenants/<id>` (or below it), and speaks SFTP/SSH only. Every
 * tenant's subaccount lives on the same platform box, so the home directory
 * is the only wall between their backups: one pointing at another tenant's
 * directory (or at a parent of it, or the box's root) reads and deletes that
 * tenant's repository. Samba, WebDAV and access from outside Hetzner would
 * open the same files to more than the tenant's servers.
 * (The tenant_id label of the subaccount is checked by tenant-label.)
 */
export const backupSubaccountConfinedRule: Rule<SynthInput> = {
  id: 'backup-subaccount-confined',
  phase: 'synth',
  severity: 'error',
  info: 'A Storage Box subaccount reaches beyond the tenant\'s own directory, or is open to more than SFTP.',
  explanation: "All tenants' backups share the platform's Storage Box; a subaccount's home directory is what keeps one tenant out of another's repository.",
  check({ stack, tenant }) {
    const subs = stackResources(stack).filter((r) => r.type === 'hcloud_storage_box_subaccount');
    if (subs.length === 0) return 'not-applicable';
    const own = backupHomeDirectory(tenant.tenantId);
    const violations: Violation[] = [];
    for (const s of subs) {
      const home = literalHome(s.config.home_directory);
      const segments = home?.split('/') ?? [];
      if (home === undefined || !(home === own || home.startsWith(`${own}/`)) || segments.includes('..') || segments.includes('.')) {
        violations.push(violationAt(tenant, s, `${s.address} has home directory ${JSON.stringify(s.config.home_directory ?? null)}, outside tenant ${tenant.tenantId}'s own ${own}`));
      }
      const access = (s.config.access_settings ?? {}) as Record<string, unknown>;
      const open = ['samba_enabled', 'webdav_enabled', 'reachable_externally'].filter((k) => access[k] !== false && access[k] !== undefined);
      if (open.length) violations.push(violationAt(tenant, s, `${s.address} enables ${open.join(', ')}; a tenant's backup subaccount speaks SFTP only, from Hetzner's network`));
    }
    return violations;
  },
};
