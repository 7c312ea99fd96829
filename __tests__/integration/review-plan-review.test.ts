/**
 * The plan review end to end with the real OpenTofu and hcloud provider, in a
 * temporary git repository holding a copy of the project and its example
 * tenants (test-support/project-repo.ts). Offline:
 * dummy token, plans of new resources make no API call, and "existing"
 * infrastructure is a state crafted from a plan and pushed with
 * `tofu state push` (test-support/review/existing-state.ts), planned without
 * refresh: fast, and independent of any API. review-live-state.test.ts covers
 * the other way: state applied to the local Hetzner API stand-in, refreshed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import YAML from 'yaml';
import { foreignTenantRangeRule } from '../../isolation/plan/rules/foreign-tenant-range';
import { renderReview } from '../../review/markdown';
import { shippedPriceTable } from '../../review/prices';
import { exitCode, type ReviewResult } from '../../review/result';
import { runReview } from '../../review/review';
import { projectRepo, type ProjectRepo } from '../../test-support/project-repo';
import { createExistingState } from '../../test-support/review/existing-state';
import { toolchain } from '../../review/toolchain';

jest.setTimeout(240_000);

const tools = toolchain({ ...process.env, HCLOUD_TOKEN: undefined });
const prices = shippedPriceTable();
let repo: string;
let project: ProjectRepo;

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tenantFile = (id: string) => path.join(repo, 'tenants', `${id}.yaml`);
const readTenant = (id: string) => YAML.parse(fs.readFileSync(tenantFile(id), 'utf8')) as Record<string, any>;
const writeTenant = (id: string, data: object) => fs.writeFileSync(tenantFile(id), YAML.stringify(data));
const editTenant = (id: string, edit: (t: Record<string, any>) => void) => {
  const t = readTenant(id);
  edit(t);
  writeTenant(id, t);
};

/**
 * A copy of the project whose main branch holds the example tenants; the test
 * works on branch "pr". The base is synthesized by the copy's own code.
 */
function makeRepo(): string {
  project = projectRepo({ prefix: 'review-it-', ignore: ['.existing-state/'] });
  return project.dir;
}

async function review(options: { parallel?: number } = {}): Promise<ReviewResult> {
  return runReview({ projectDir: repo, prices, env: tools.env, tofuBin: tools.tofu, parallel: options.parallel });
}

const existing = (tenantId: string) => createExistingState({ projectDir: repo, tenantId, tofuBin: tools.tofu, env: tools.env });

beforeEach(() => {
  repo = makeRepo();
});
afterEach(() => {
  project.remove();
});

test('a new tenant: only its stack is planned, everything is created, its cost appears', async () => {
  writeTenant('hooli', { id: 'hooli', seq: 20, environment: 'development', location: 'fsn1', servers: [{ name: 'web', type: 'cx22' }] });
  const r = await review();
  expect(r.tenants.map((t) => [t.tenant, t.kind])).toEqual([['hooli', 'added']]);
  const [hooli] = r.tenants;
  expect(hooli.summary!.counts).toMatchObject({ create: 4, update: 0, replace: 0, destroy: 0 });
  expect(hooli.cost!.before.cents).toBe(0);
  // cx22 in fsn1 + its primary IPv4, from the shipped table.
  expect(hooli.cost!.after.cents).toBe(Math.round(prices.server_types.cx22.fsn1 * 100) + Math.round(prices.primary_ipv4_month.fsn1 * 100));
  expect(r.offline).toBe(true);
  expect(exitCode(r)).toBe(0);
  const md = renderReview(r);
  expect(md).toContain('| `hooli` | new tenant | 4 | 0 | 0 | 0 | 0.00 → 4.29 | +4.29 |');
});

test('a resized volume against existing state: one in-place update, the cost of the extra GB, no risk', async () => {
  await existing('acme');
  git('add', '-A'); // nothing to add: state/ is ignored
  editTenant('acme', (t) => { t.volume.size_gb = 150; });
  const r = await review();
  const [acme] = r.tenants;
  expect(acme.tenant).toBe('acme');
  expect(acme.summary!.counts).toMatchObject({ create: 0, update: 1, replace: 0, destroy: 0 });
  const volume = acme.summary!.resources.find((x) => x.kind === 'update')!;
  expect(volume.address).toBe('hcloud_volume.volume');
  expect(volume.attributes).toEqual([{ name: 'size', before: '100', after: '150' }]);
  expect(acme.cost!.deltaCents).toBe(Math.round(150 * prices.volume_gb_month * 100) - Math.round(100 * prices.volume_gb_month * 100));
  expect(acme.risks).toEqual([]);
  expect(exitCode(r)).toBe(0);
});

test('a changed server type is an in-place rescale (hcloud), priced, and not a data-loss risk', async () => {
  await existing('acme');
  editTenant('acme', (t) => { t.servers[0].type = 'cx32'; });
  const r = await review();
  const [acme] = r.tenants;
  expect(acme.summary!.counts).toMatchObject({ update: 2, replace: 0 });
  expect(acme.summary!.resources.filter((x) => x.kind === 'update').map((x) => x.attributes)).toEqual([
    [{ name: 'server_type', before: '"cx22"', after: '"cx32"' }],
    [{ name: 'server_type', before: '"cx22"', after: '"cx32"' }],
  ]);
  const step = Math.round(prices.server_types.cx32.nbg1 * 100) - Math.round(prices.server_types.cx22.nbg1 * 100);
  const backups = Math.round(prices.server_types.cx32.nbg1 * prices.server_backup_percent) - Math.round(prices.server_types.cx22.nbg1 * prices.server_backup_percent);
  expect(acme.cost!.deltaCents).toBe(2 * (step + backups));
  expect(exitCode(r)).toBe(0);
});

test('a change forcing a server replacement in production fails the policy until allow_destroy is set', async () => {
  await existing('acme');
  editTenant('acme', (t) => { t.servers[1].image = 'debian-12'; });
  const r = await review();
  const [acme] = r.tenants;
  expect(acme.risks).toEqual([{ address: 'hcloud_server.server_db_1', type: 'hcloud_server', kind: 'replace', forcedBy: ['image'] }]);
  expect(r.violations.map((v) => [v.rule, v.resource])).toEqual([['protected-destroy', 'hcloud_server.server_db_1']]);
  expect(exitCode(r)).toBe(1);
  expect(renderReview(r)).toContain('- **REPLACE** `hcloud_server.server_db_1` of `acme` (production) — forced by `image`');

  editTenant('acme', (t) => { t.allow_destroy = true; });
  const accepted = await review();
  expect(accepted.tenants[0].risks).toHaveLength(1); // still shown as a risk
  expect(accepted.violations).toEqual([]);
  expect(exitCode(accepted)).toBe(0);
});

test('a removed tenant file: a destroy plan against its state, marked as offboarding', async () => {
  const resources = await existing('globex');
  fs.rmSync(tenantFile('globex'));
  const r = await review();
  expect(r.tenants.map((t) => [t.tenant, t.kind, t.offboarding])).toEqual([['globex', 'removed', true]]);
  const [globex] = r.tenants;
  expect(globex.environment).toBe('staging');
  expect(globex.summary!.counts).toMatchObject({ create: 0, update: 0, replace: 0, destroy: resources });
  expect(globex.cost!.after.cents).toBe(0);
  expect(globex.cost!.before.cents).toBeGreaterThan(0);
  expect(globex.risks.map((x) => x.address)).toEqual(['hcloud_network.network', 'hcloud_server.server_web_1']);
  expect(exitCode(r)).toBe(0); // staging: a risk, not a violation
  const md = renderReview(r);
  expect(md).toContain('> **DESTROY: tenant `globex` is being offboarded**');
  expect(md).toContain('<summary><code>globex</code> — <b>offboarding (destroy)</b>');
});

test('offboarding a production tenant without allow_destroy fails the policy', async () => {
  await existing('acme');
  fs.rmSync(tenantFile('acme'));
  const r = await review();
  expect(r.tenants[0]).toMatchObject({ tenant: 'acme', offboarding: true, environment: 'production' });
  expect(r.violations.map((v) => v.resource)).toEqual([
    'hcloud_server.server_app_1', 'hcloud_server.server_app_2', 'hcloud_server.server_db_1', 'hcloud_volume.volume',
  ]);
  expect(exitCode(r)).toBe(1);
});

test('a firewall change that opens a tenant to another tenant\'s network is an isolation violation', async () => {
  await existing('acme');
  const globexNet = '10.13.0.0/16';
  editTenant('acme', (t) => { t.firewall.ingress.push({ port: 5432, from: [globexNet], description: 'db from globex' }); });
  const r = await review();
  const [acme] = r.tenants;
  expect(acme.summary!.resources.filter((x) => x.kind === 'update').map((x) => x.address)).toEqual(['hcloud_firewall.firewall']);
  expect(acme.isolation).toEqual([{
    tenant: 'acme',
    resource: 'hcloud_firewall.firewall',
    rule: 'foreign-tenant-range',
    severity: 'error',
    message: `inbound tcp rule on port 5432 from ${globexNet} overlaps the network of tenant globex (${globexNet})`,
    explanation: foreignTenantRangeRule.explanation,
  }]);
  expect(r.violations.map((v) => v.rule)).toEqual(['isolation']);
  expect(exitCode(r)).toBe(1);
});

test('a firewall rule opening SSH to the world is refused before any plan, located in the tenant file', async () => {
  editTenant('globex', (t) => { t.firewall.ingress.push({ port: 22, from: ['0.0.0.0/0'] }); });
  const r = await review();
  const [globex] = r.tenants;
  expect(globex.summary).toBeUndefined();
  expect(globex.error).toMatch(/^the tenant file does not load:\ntenants\/globex\.yaml:\d+:\d+: firewall\.ingress\[2\][^:]*: opens tcp port 22 to the /);
  expect(exitCode(r)).toBe(2);
});

test('a shared code change that changes no stack plans nothing, and says so', async () => {
  fs.appendFileSync(path.join(repo, 'constructs', 'tenant-firewall.ts'), '// changed\n');
  const r = await review({ parallel: 3 });
  expect(r.tenants).toEqual([]);
  expect(r.sharedChanges).toEqual(['constructs/tenant-firewall.ts']);
  expect(r.comparison).toEqual({ compared: 3, unchanged: 3 });
  expect(exitCode(r)).toBe(0);
  expect(renderReview(r)).toContain("Each tenant's synthesized stack was compared with the base: 3 stacks, none differs: the shared code change does not change any stack.");
});

test('a shared change that changes some stacks plans those tenants only, with the difference as the reason', async () => {
  // The platform file is shared; a new default server type changes the stacks of globex and initech (whose
  // web server and jump host take the default), not acme's (every group of it names its type).
  const platform = path.join(repo, 'tenants', '_platform.yaml');
  fs.writeFileSync(platform, fs.readFileSync(platform, 'utf8').replace('  server_type: cx22', '  server_type: cx32'));
  const r = await review({ parallel: 3 });
  expect(r.tenants.map((t) => [t.tenant, t.kind])).toEqual([['globex', 'shared'], ['initech', 'shared']]);
  expect(r.tenants[0].reasons).toEqual([
    'synthesized stack changed: 1 resource differs (1 changed: hcloud_server.server_web_1)',
    'shared code changed: tenants/_platform.yaml (the platform file)',
  ]);
  expect(r.comparison).toEqual({ compared: 3, unchanged: 1 });
  expect(r.tenants.every((t) => t.summary!.counts.create > 0)).toBe(true);
  expect(exitCode(r)).toBe(0);
});

test('no change touching a stack: nothing is planned', async () => {
  fs.writeFileSync(path.join(repo, 'README.md'), 'docs\n');
  const r = await review();
  expect(r.tenants).toEqual([]);
  const md = renderReview(r);
  expect(md).toContain('## Plan review: 0 tenants affected — ✅ passed');
  expect(md).toContain('No tenant stack is affected by this change: nothing to plan.');
});

test('compares with the merge base of --base, and says what to do when there is no main', async () => {
  // Commit a change on a side branch: relative to it, the PR branch changed nothing.
  writeTenant('hooli', { id: 'hooli', seq: 20, environment: 'development', servers: [{ name: 'web' }] });
  git('add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'hooli');
  git('branch', 'release');
  expect((await runReview({ projectDir: repo, prices, env: tools.env, tofuBin: tools.tofu, base: 'release' })).tenants).toEqual([]);
  // Relative to main, the committed new tenant is the change.
  expect((await review()).tenants.map((t) => t.tenant)).toEqual(['hooli']);

  git('branch', '-m', 'main', 'trunk');
  await expect(review()).rejects.toThrow('no branch "main" or "origin/main" to compare with; pass --base <ref>');
  await expect(runReview({ projectDir: repo, prices, env: tools.env, tofuBin: tools.tofu, base: 'nope' })).rejects.toThrow('base "nope" is not a commit');
});
