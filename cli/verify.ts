/**
 * `npm run verify -- [tenant...] [--json]`: reads the live resources of a
 * Hetzner project through the Cloud API (HCLOUD_ENDPOINT, default
 * https://api.hetzner.cloud/v1; HCLOUD_TOKEN) by label selector and reports,
 * per tenant, every isolation violation: a resource without tenant_id, a server
 * in another tenant's network, a server not covered by its tenant firewall (or
 * covered by another tenant's), egress beyond the tenant's allow-list, and
 * orphans (platform resources of a tenant that has no tenant file).
 *
 * --probe: also send packets (isolation/probe/ plans them, verify/probe/
 * runs them): from inside each tenant's servers over SSH (key in
 * HCLOUD_SSH_KEY_FILE or --ssh-key) to its own network, to every other
 * tenant's private addresses, to its egress allow-list and beyond it; and,
 * when PROBE_OUTSIDE_NETNS names a namespace that can send from any public
 * address (the local cloud's outside world), to each server's ports from
 * inside and outside each declared source range.
 *
 * Exit code: 0 no violation, 1 violations found, 2 could not verify (bad
 * tenant files, unknown tenant, API unreachable or refusing the token, a
 * probe that could not run).
 * With tenant arguments only those tenants are checked, and fleet-level
 * findings (unlabelled resources, orphans) are left out.
 *
 * A thin shell: the checks are pure functions in isolation/live/.
 */
import { didYouMean } from '../lib/diagnostics';
import { loadFleet, tenantsDir } from '../app/tenant-files';
import { formatJson, formatTable, HcloudClient, readSnapshot, verifySnapshot } from '../verify';
import { judge } from '../isolation/probe/judge';
import { planProbes } from '../isolation/probe/plan';
import { readProbeTargets } from '../verify/probe/read';
import { formatProbeTable } from '../verify/probe/report';
import { runProbes } from '../verify/probe/run';

const USAGE =
  'usage: npm run verify -- [tenant...] [--json] [--probe [--ssh-key FILE]]   (env: HCLOUD_TOKEN, HCLOUD_ENDPOINT, TENANTS_DIR, HCLOUD_SSH_KEY_FILE, PROBE_OUTSIDE_NETNS)';

function optionValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const probe = argv.includes('--probe');
  const sshKey = optionValue(argv, '--ssh-key') ?? process.env.HCLOUD_SSH_KEY_FILE;
  const unknownFlag = argv.find((a) => a.startsWith('-') && !['--json', '--probe', '--ssh-key'].includes(a));
  if (unknownFlag) {
    console.error(`unknown option ${unknownFlag}\n${USAGE}`);
    return 2;
  }
  if (probe && !sshKey) {
    console.error(`--probe needs the SSH private key of the project's servers: --ssh-key FILE or HCLOUD_SSH_KEY_FILE\n${USAGE}`);
    return 2;
  }
  const scope = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '--ssh-key');

  const dir = tenantsDir();
  const { fleet, diagnostics } = loadFleet(dir);
  if (!fleet) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) console.error(`${d.file}${d.line ? `:${d.line}:${d.col ?? 1}` : ''}: ${d.message}`);
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
  if (!probe) {
    process.stdout.write(json ? formatJson(result, endpoint) : formatTable(result, endpoint));
    return result.ok ? 0 : 1;
  }

  const outsideNetns = process.env.PROBE_OUTSIDE_NETNS || undefined;
  let targets;
  try {
    targets = await readProbeTargets(client);
  } catch (e) {
    console.error(`cannot read the servers at ${endpoint}: ${(e as Error).message}`);
    return 2;
  }
  const tenants = fleet.tenants.filter((t) => !scope.length || scope.includes(t.id));
  const plan = planProbes({ tenants, ...targets, outsideSource: outsideNetns !== undefined });
  const notes = outsideNetns ? plan.notes : [...plan.notes, 'inbound ports were not probed: no outside source (set PROBE_OUTSIDE_NETNS, e.g. from `npm run local-cloud -- up`)'];
  const judgement = judge(plan.probes, await runProbes(plan.probes, { sshKeyFile: sshKey!, outsideNetns }));
  if (json) {
    process.stdout.write(`${JSON.stringify({ endpoint, ...result, probes: { ...judgement, unchecked: judgement.unchecked.map((u) => ({ id: u.probe.id, tenant: u.probe.tenant, why: u.why })), notes } }, null, 2)}\n`);
  } else {
    process.stdout.write(formatTable(result, endpoint));
    process.stdout.write(formatProbeTable(judgement, tenants.map((t) => t.id), notes));
  }
  if (!result.ok || judgement.findings.length) return 1;
  return judgement.unchecked.length ? 2 : 0;
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
