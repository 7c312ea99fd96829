/**
 * `npm run verify -- [tenant...] [--json] [--timeout <seconds>]`: reads the
 * live resources of the fleet's Hetzner projects through the Cloud API
 * (HCLOUD_ENDPOINT, default https://api.hetzner.cloud/v1) by label selector
 * and reports, per tenant, every isolation violation (isolation/live/).
 * The platform project is read with HCLOUD_TOKEN; a tenant with
 * `hcloud_token_env: X` in its own project with the token in $X, and is
 * reported "not verified" when $X is unset.
 *
 * Exit code: 0 no violation, 1 violations found, 2 could not verify (bad
 * tenant files, unknown tenant, a token missing, the API unreachable, silent,
 * or answering something that is not a list). With tenant arguments only
 * those tenants are checked, and fleet-level findings (unlabelled resources,
 * orphans) are left out.
 *
 * --probe also sends packets (isolation/probe/ plans and judges them,
 * verify/probe/ runs them over SSH with the key in --ssh-key or
 * HCLOUD_SSH_KEY_FILE): from inside each tenant's servers to its own network,
 * to every other tenant's private addresses, to its egress allow-list and
 * beyond; and, when PROBE_OUTSIDE_NETNS names a namespace that can send from
 * any public address (the local cloud's outside world), to each server's
 * ports from inside and outside each declared source range. A probe that
 * could not run makes the exit 2, never a pass. The CLI (cli/verify.ts) only passes the process's
 * arguments, environment and output streams, so all of this is testable here.
 */
import * as path from 'path';
import { DEPLOY_USER } from '../lib/ansible-inventory';
import { didYouMean, redactSecrets } from '../lib/diagnostics';
import { DEFAULT_TIMEOUT_MS, HcloudClient } from '../verify/client';
import { projectsToRead } from '../verify/projects';
import { judge } from '../isolation/probe/judge';
import { planProbes } from '../isolation/probe/plan';
import { readProbeTargets } from '../verify/probe/read';
import { formatProbeTable } from '../verify/probe/report';
import { runProbes } from '../verify/probe/run';
import { readSnapshot } from '../verify/read';
import { formatJson, formatTable } from '../verify/report';
import { exitCodeOf, mergeResults, type Unverified, type VerifyResult, verifySnapshot } from '../verify/verify';
import { loadFleet } from './tenant-files';

const USAGE =
  'usage: npm run verify -- [tenant...] [--json] [--timeout <seconds>] [--probe [--ssh-key FILE]]   (env: HCLOUD_TOKEN, HCLOUD_ENDPOINT, TENANTS_DIR, HCLOUD_SSH_KEY_FILE, PROBE_OUTSIDE_NETNS)';

export interface VerifyIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface Args {
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly scope: readonly string[];
  /** Also send packets (--probe). */
  readonly probe: boolean;
  /** The SSH private key for --probe. @default $HCLOUD_SSH_KEY_FILE */
  readonly sshKey?: string;
}

function parseArgs(argv: readonly string[]): Args | { error: string } | 'help' {
  let json = false;
  let probe = false;
  let sshKey: string | undefined;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const scope: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--json') json = true;
    else if (a === '--probe') probe = true;
    else if (a === '--ssh-key') {
      sshKey = argv[++i];
      if (!sshKey) return { error: '--ssh-key wants the path of a private key' };
    }
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const value = a === '--timeout' ? argv[++i] : a.slice('--timeout='.length);
      const seconds = Number(value);
      if (value === undefined || value === '' || !Number.isFinite(seconds) || seconds <= 0) return { error: `--timeout wants a number of seconds above 0, got ${JSON.stringify(value ?? '')}` };
      timeoutMs = seconds * 1000;
    } else if (a.startsWith('-')) return { error: `unknown option ${a}` };
    else scope.push(a);
  }
  return { json, timeoutMs, scope, probe, sshKey };
}

export async function verifyCommand(argv: readonly string[], io: VerifyIo): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if ('error' in args) {
    io.stderr(`${args.error}\n${USAGE}\n`);
    return 2;
  }
  const { scope } = args;
  const sshKey = args.sshKey ?? io.env.HCLOUD_SSH_KEY_FILE;
  if (args.probe && !sshKey) {
    io.stderr(`--probe needs the SSH private key of the project's servers: --ssh-key FILE or HCLOUD_SSH_KEY_FILE\n${USAGE}\n`);
    return 2;
  }

  const dir = io.env.TENANTS_DIR ?? path.join(io.cwd, 'tenants');
  const { fleet, diagnostics } = loadFleet(dir);
  if (!fleet) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) io.stderr(`${d.file}${d.line ? `:${d.line}:${d.col ?? 1}` : ''}: ${redactSecrets(d.message)}\n`);
    io.stderr(`cannot verify: the tenant files in ${dir} do not load\n`);
    return 2;
  }
  const ids = fleet.tenants.map((t) => t.id);
  for (const t of scope) {
    if (!ids.includes(t)) {
      const hint = didYouMean(t, ids);
      io.stderr(`unknown tenant "${t}"${hint ? `; did you mean "${hint}"?` : ''}; tenants: ${ids.join(', ')}\n`);
      return 2;
    }
  }

  const endpoint = io.env.HCLOUD_ENDPOINT ?? 'https://api.hetzner.cloud/v1';
  const managedBy = fleet.platform.managed_by;
  const results: VerifyResult[] = [];
  const unverified: Unverified[] = [];
  for (const project of projectsToRead(fleet.tenants, scope.length ? scope : undefined)) {
    const token = io.env[project.tokenEnv];
    if (!token) {
      if (project.platform) {
        io.stderr(`${project.tokenEnv} is not set\n${USAGE}\n`);
        return 2;
      }
      for (const t of project.tenants) unverified.push({ id: t.id, reason: `$${project.tokenEnv} is not set, so its own project was not read` });
      continue;
    }
    const client = new HcloudClient({ endpoint, token, timeoutMs: args.timeoutMs });
    const which = project.platform ? 'the platform project' : `the project of ${project.tenants.map((t) => t.id).join(', ')} ($${project.tokenEnv})`;
    let snapshot;
    try {
      snapshot = await readSnapshot(client, { managedBy, tenantIds: project.tenants.map((t) => t.id), zone: fleet.platform.dns.zone });
    } catch (e) {
      io.stderr(`cannot read ${which} at ${endpoint}: ${(e as Error).message}\n`);
      return 2;
    }
    results.push(verifySnapshot({ snapshot, tenants: project.tenants, managedBy, fleetIds: ids }, scope.length ? scope : undefined));
  }
  const result = mergeResults(results, unverified, ids);
  if (!args.probe) {
    io.stdout(args.json ? formatJson(result, endpoint) : formatTable(result, endpoint));
    return exitCodeOf(result);
  }

  // Packets: the servers of the platform project (bring-your-own projects are not probed: say so).
  const outsideNetns = io.env.PROBE_OUTSIDE_NETNS || undefined;
  let targets;
  try {
    targets = await readProbeTargets(new HcloudClient({ endpoint, token: io.env.HCLOUD_TOKEN!, timeoutMs: args.timeoutMs }));
  } catch (e) {
    io.stderr(`cannot read the servers at ${endpoint}: ${(e as Error).message}\n`);
    return 2;
  }
  const tenants = fleet.tenants.filter((t) => (!scope.length || scope.includes(t.id)) && !t.hcloudTokenEnv);
  const plan = planProbes({ tenants, ...targets, outsideSource: outsideNetns !== undefined });
  const notes = [
    ...plan.notes,
    ...(outsideNetns ? [] : ['inbound ports were not probed: no outside source (set PROBE_OUTSIDE_NETNS, e.g. from `npm run local-cloud -- up`)']),
    ...fleet.tenants.filter((t) => t.hcloudTokenEnv && (!scope.length || scope.includes(t.id))).map((t) => `${t.id} runs in its own project and was not probed`),
  ];
  const judgement = judge(plan.probes, await runProbes(plan.probes, { sshKeyFile: sshKey!, outsideNetns, sshUsers: [DEPLOY_USER, fleet.platform.ansible.user] }));
  if (args.json) {
    const probes = { ...judgement, unchecked: judgement.unchecked.map((u) => ({ id: u.probe.id, tenant: u.probe.tenant, why: u.why })), notes };
    io.stdout(`${JSON.stringify({ ...JSON.parse(formatJson(result, endpoint)), probes }, null, 2)}\n`);
  } else {
    io.stdout(formatTable(result, endpoint));
    io.stdout(formatProbeTable(judgement, tenants.map((t) => t.id), notes));
  }
  const code = exitCodeOf(result);
  if (code === 1 || judgement.findings.length) return 1;
  return code === 2 || judgement.unchecked.length ? 2 : 0;
}
