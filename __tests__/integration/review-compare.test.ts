/**
 * "Plan only what changed", end to end through the command a user runs:
 * `npm run plan-review` (`node scripts/run.js cli/plan-review.ts`) inside a
 * copy of the project in a temporary git repository, with the real OpenTofu
 * and provider, offline. The code under review is the copy's own: its base
 * is synthesized by the base's code, the working tree by the changed code,
 * and only stacks whose synthesized JSON differs are planned.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { finished } from '../../test-support/process';
import { projectRepo, type ProjectRepo } from '../../test-support/project-repo';
import { toolchain } from '../../review/toolchain';
import type { ReviewResult } from '../../review/result';

jest.setTimeout(240_000);

const tools = toolchain({ ...process.env, HCLOUD_TOKEN: undefined });
let project: ProjectRepo;

beforeEach(() => {
  project = projectRepo({ prefix: 'review-compare-' });
});
afterEach(() => project.remove());

async function planReview(): Promise<{ code: number | null; md: string; json: ReviewResult; stderr: string }> {
  const child = spawn(process.execPath, ['scripts/run.js', 'cli/plan-review.ts', '--quiet', '--json', 'review.json', '--parallel', '2'], {
    cwd: project.dir,
    env: { ...tools.env, HCLOUD_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = await finished(child);
  const read = (f: string) => fs.readFileSync(path.join(project.dir, f), 'utf8');
  if (!fs.existsSync(path.join(project.dir, 'review.json'))) throw new Error(`plan-review wrote nothing (exit ${r.code}):\n${r.stderr}`);
  return { code: r.code, md: read('plan-review.md'), json: JSON.parse(read('review.json')) as ReviewResult, stderr: r.stderr };
}

const labels = () => path.join(project.dir, 'lib', 'labels.ts');
const edit = (file: string, from: string, to: string) => {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this test`);
  fs.writeFileSync(file, text.split(from).join(to));
};

test('a refactor of shared code that changes no output plans 0 stacks, and the review says so', async () => {
  // Rename a local variable in the label function: a real code change, the same labels.
  edit(labels(), 'const labels: Record<string, string>', 'const identity: Record<string, string>');
  edit(labels(), 'labels.role = input.role;\n  return labels;', 'identity.role = input.role;\n  return identity;');
  const r = await planReview();
  expect(r.code).toBe(0);
  expect(r.json.tenants).toEqual([]);
  expect(r.json.sharedChanges).toEqual(['lib/labels.ts']);
  expect(r.json.comparison).toEqual({ compared: 3, unchanged: 3 });
  expect(r.md).toContain('## Plan review: 0 tenants affected — ✅ passed');
  expect(r.md).toContain("Each tenant's synthesized stack was compared with the base: 3 stacks, none differs: the shared code change does not change any stack.");
  expect(r.stderr).not.toMatch(/planning \d+ stack/);
});

test('a change to lib/labels.ts that changes every stack plans every tenant, with the resources that differ as the reason', async () => {
  edit(labels(), '    [MANAGED_BY_LABEL]: input.managedBy,\n', '    [MANAGED_BY_LABEL]: input.managedBy,\n    cost_center: `tenant-${input.tenantId}`,\n');
  const r = await planReview();
  expect(r.code).toBe(0);
  expect(r.json.tenants.map((t) => [t.tenant, t.kind])).toEqual([['acme', 'shared'], ['globex', 'shared'], ['initech', 'shared']]);
  for (const t of r.json.tenants) {
    expect(t.reasons[0]).toMatch(/^synthesized stack changed: \d+ resources differ \(\d+ changed: hcloud_firewall\.firewall, hcloud_network\.network, /);
    expect(t.reasons[1]).toBe('shared code changed: lib/labels.ts (shared library code)');
    expect(t.summary!.counts.create).toBeGreaterThan(0);
  }
  expect(r.json.comparison).toEqual({ compared: 3, unchanged: 0 });
  expect(r.md).toContain("compared with the base: 3 stacks, 3 differ, 0 unchanged (not planned).");
  expect(r.stderr).toMatch(/planning 3 stack\(s\), 2 at a time/);
});

test('a committed change is compared too, and a change to one tenant file plans that tenant only', async () => {
  const file = path.join(project.dir, 'tenants', 'globex.yaml');
  fs.appendFileSync(path.join(project.dir, 'tenants', 'acme.yaml'), '# a comment changes no stack\n');
  edit(file, 'count: 1', 'count: 2');
  project.commit('scale globex');
  const r = await planReview();
  expect(r.code).toBe(0);
  expect(r.json.tenants.map((t) => [t.tenant, t.kind, t.reasons])).toEqual([[
    'globex', 'changed',
    [
      'synthesized stack changed: 1 resource differs (1 added: hcloud_server.server_web_2); 5 outputs differ (ansible_vars, server_ipv4, server_ipv6, server_names, server_private_ips)',
      'tenant file tenants/globex.yaml changed',
    ],
  ]]);
  expect(r.json.comparison).toEqual({ compared: 3, unchanged: 2 });
});
