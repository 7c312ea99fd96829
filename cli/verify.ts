/**
 * `npm run verify -- [tenant...] [--json]`: reads the live resources of a
 * Hetzner project through the Cloud API (HCLOUD_ENDPOINT, default
 * https://api.hetzner.cloud/v1; HCLOUD_TOKEN) by label selector and reports,
 * per tenant, every isolation violation: a resource without tenant_id, a server
 * in another tenant's network, a server not covered by its tenant firewall (or
 * covered by another tenant's), egress beyond the tenant's allow-list, and
 * orphans (platform resources of a tenant that has no tenant file).
 *
 * Exit code: 0 no violation, 1 violations found, 2 could not verify (bad
 * tenant files, unknown tenant, API unreachable or refusing the token).
 * With tenant arguments only those tenants are checked, and fleet-level
 * findings (unlabelled resources, orphans) are left out.
 *
 * A thin shell: the checks are pure functions in isolation/live/.
 */
import { didYouMean, redactSecrets } from '../lib/diagnostics';
import { loadFleet, tenantsDir } from '../app/tenant-files';
import { formatJson, formatTable, HcloudClient, readSnapshot, verifySnapshot } from '../verify';

const USAGE = 'usage: npm run verify -- [tenant...] [--json]   (env: HCLOUD_TOKEN, HCLOUD_ENDPOINT, TENANTS_DIR)';

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknownFlag = argv.find((a) => a.startsWith('-') && a !== '--json');
  if (unknownFlag) {
    console.error(`unknown option ${unknownFlag}\n${USAGE}`);
    return 2;
  }
  const scope = argv.filter((a) => !a.startsWith('-'));

  const dir = tenantsDir();
  const { fleet, diagnostics } = loadFleet(dir);
  if (!fleet) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) console.error(`${d.file}${d.line ? `:${d.line}:${d.col ?? 1}` : ''}: ${redactSecrets(d.message)}`);
    console.error(`cannot verify: the tenant files in ${dir} do not load`);
    return 2;
  }
  const ids = fleet.tenants.map((t) => t.id);
  for (const t of scope) {
    if (!ids.includes(t)) {
      const hint = didYouMean(t, ids);
      console.error(`unknown tenant "${t}"${hint ? `; did you mean "${hint}"?` : ''}; tenants: ${ids.join(', ')}`);
      return 2;
    }
  }

  const token = process.env.HCLOUD_TOKEN;
  if (!token) {
    console.error(`HCLOUD_TOKEN is not set\n${USAGE}`);
    return 2;
  }
  const endpoint = process.env.HCLOUD_ENDPOINT ?? 'https://api.hetzner.cloud/v1';
  const client = new HcloudClient({ endpoint, token });
  let snapshot;
  try {
    snapshot = await readSnapshot(client, { managedBy: fleet.platform.managed_by, tenantIds: ids, zone: fleet.platform.dns.zone });
  } catch (e) {
    console.error(`cannot read the project at ${endpoint}: ${(e as Error).message}`);
    return 2;
  }
  const result = verifySnapshot({ snapshot, tenants: fleet.tenants, managedBy: fleet.platform.managed_by }, scope.length ? scope : undefined);
  process.stdout.write(json ? formatJson(result, endpoint) : formatTable(result, endpoint));
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error((e as Error).stack);
    process.exitCode = 2;
  },
);
