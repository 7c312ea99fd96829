/**
 * The review against real state and a token: a tenant applied with the real
 * tofu and provider to the local Hetzner Cloud API stand-in
 * (local-cloud/, HCLOUD_ENDPOINT), then its file removed. With a
 * token set, the destroy plan refreshes every resource through the API.
 * The repository holds tenant files and no app, so the base cannot be
 * synthesized by its own code: this also covers the review's fallback (every
 * tenant planned, the removed one synthesized from its base file by this code).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthFleet } from '../../app/synth';
import { loadFleet } from '../../app/tenant-files';
import { renderReview } from '../../review/markdown';
import { shippedPriceTable } from '../../review/prices';
import { exitCode } from '../../review/result';
import { runReview } from '../../review/review';
import { tofu } from '../../review/tofu';
import { toolchain } from '../../review/toolchain';
import { DUMMY_TOKEN, startHcloudApi, type HcloudApi } from '../../local-cloud';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = DUMMY_TOKEN;
let api: HcloudApi;
let repo: string;

async function call(method: string, url: string, body: object) {
  const res = await fetch(url, { method, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  api = await startHcloudApi({ token: TOKEN, log: () => undefined });
  // What the platform file expects to exist in the project: its DNS zone and SSH key.
  await call('POST', `${api.url}/zones`, { name: 'example.com', mode: 'primary' });
  await call('POST', `${api.url}/ssh_keys`, { name: 'platform-admin', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1 admin@example' });

  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'review-live-'));
  fs.mkdirSync(path.join(repo, 'tenants'));
  for (const f of ['_platform.yaml', 'globex.yaml']) fs.copyFileSync(path.join(ROOT, 'tenants', f), path.join(repo, 'tenants', f));
  fs.writeFileSync(path.join(repo, '.gitignore'), 'state/\ncdktf.out/\n.apply/\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'fleet');
  git('checkout', '-q', '-b', 'pr');
});

afterAll(async () => {
  await api?.stop();
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

test('offboarding a tenant applied to the API: the destroy plan refreshes its real state', async () => {
  const tools = toolchain({ ...process.env, HCLOUD_TOKEN: TOKEN, HCLOUD_ENDPOINT: api.url, HCLOUD_POLL_INTERVAL: '50ms' });

  // Apply globex as the platform would (state in <repo>/state/tenant-globex.tfstate).
  const { fleet } = loadFleet(path.join(repo, 'tenants'));
  synthFleet(fleet!, { outdir: path.join(repo, '.apply'), projectRoot: repo, postApply: false });
  const stackDir = path.join(repo, '.apply', 'stacks', 'tenant-globex');
  const run = { bin: tools.tofu, env: tools.env };
  await tofu(stackDir, ['init', '-input=false', '-no-color'], run);
  await tofu(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color'], run);
  const state = JSON.parse(fs.readFileSync(path.join(repo, 'state', 'tenant-globex.tfstate'), 'utf8')) as { resources: unknown[] };
  expect(api.state.servers.map((s) => s.name)).toEqual(['tenant-globex-web-1']);

  fs.rmSync(path.join(repo, 'tenants', 'globex.yaml'));
  const before = api.requests.length;
  const r = await runReview({ projectDir: repo, prices: shippedPriceTable(), env: tools.env, tofuBin: tools.tofu });

  expect(r.offline).toBe(false);
  expect(r.comparison.planAll).toMatch(/^the base revision does not synthesize: the base revision has no CDKTF app/);
  const [globex] = r.tenants;
  expect(globex).toMatchObject({ tenant: 'globex', kind: 'removed', offboarding: true, environment: 'staging' });
  expect(globex.summary!.counts).toMatchObject({ create: 0, update: 0, replace: 0, destroy: state.resources.length });
  // The plan read the live resources (a refresh), and changed nothing.
  const refreshed = api.requests.slice(before);
  expect(refreshed.some((q) => q.method === 'GET' && q.path.startsWith('/servers/'))).toBe(true);
  expect(refreshed.every((q) => q.method === 'GET')).toBe(true);
  expect(api.unknownRoutes).toEqual([]);
  expect(api.state.servers).toHaveLength(1);
  expect(exitCode(r)).toBe(0);
  expect(renderReview(r)).not.toContain('Plans ran offline');
});
