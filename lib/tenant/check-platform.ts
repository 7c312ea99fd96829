/**
 * Validation of the platform file beyond its schema: source names and their
 * addresses (normalized), the backup target's addresses (normalized), and the
 * managed_by label. Pure.
 */
import { parseCidr } from '../cidr';
import type { Diagnostic } from '../diagnostics';
import { rrsetNameProblem, ZONE_ALLOWED, zoneNameProblem } from '../dns-names';
import { labelValueProblem } from '../hetzner';
import { checkPlatformDefaults } from './catalogue-rules';
import { hostBitsWarning, SOURCE_NAME } from './firewall-input';
import type { Platform } from './model';
import type { PlatformFile } from './schema';

/** Checks the platform file beyond its schema; returns diagnostics and normalized sources. */
export function checkPlatform(input: PlatformFile, file: string): { platform: Platform; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const emit = (path: Diagnostic['path'], message: string, severity: Diagnostic['severity'] = 'error') => diagnostics.push({ severity, file, path, message });
  const sources: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(input.sources)) {
    if (!SOURCE_NAME.test(name)) emit(['sources', name], `source name "${name}" is not valid; allowed: lowercase letters, digits, "-" and "_", starting with a letter`);
    sources[name] = [];
    entries.forEach((e, i) => {
      const r = parseCidr(e);
      if (!r.ok) emit(['sources', name, i], `${r.error}; allowed: an IPv4/IPv6 address or CIDR such as 203.0.113.0/24`);
      else {
        if (r.value.hadHostBits) emit(['sources', name, i], hostBitsWarning(e, r.value.cidr), 'warning');
        if (!sources[name].includes(r.value.cidr)) sources[name].push(r.value.cidr);
      }
    });
  }
  let backup = input.backup;
  if (backup) {
    const addresses: string[] = [];
    backup.addresses.forEach((e, i) => {
      const r = parseCidr(e);
      if (!r.ok) emit(['backup', 'addresses', i], `${r.error}; allowed: the IPv4/IPv6 addresses the Storage Box's server name resolves to`);
      else {
        if (r.value.hadHostBits) emit(['backup', 'addresses', i], hostBitsWarning(e, r.value.cidr), 'warning');
        if (!addresses.includes(r.value.cidr)) addresses.push(r.value.cidr);
      }
    });
    backup = { ...backup, addresses };
  }
  checkPlatformDefaults(input.defaults, emit);
  const problem = labelValueProblem(input.managed_by, 'the managed_by label');
  if (problem) emit(['managed_by'], problem);
  const zoneProblem = zoneNameProblem(input.dns.zone);
  if (zoneProblem) emit(['dns', 'zone'], `${zoneProblem}; allowed: ${ZONE_ALLOWED}`);
  else if (input.dns.suffix !== undefined) {
    const suffixProblem = rrsetNameProblem(input.dns.suffix, input.dns.zone);
    if (suffixProblem) emit(['dns', 'suffix'], `${suffixProblem}; allowed: the labels between a record name and the zone (tenants, for acme.tenants.${input.dns.zone})`);
  }
  return { platform: { ...input, sources, backup, sourceFile: file }, diagnostics };
}
