/**
 * Constants that live in more than one file because different tools read
 * them: each place must agree, so that bumping one and forgetting another
 * fails here instead of in a deploy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DUMMY_TOKEN } from '../../lib/hetzner';
import { HCLOUD_SOURCE, HCLOUD_VERSION } from '../../test-support/tofu-async';
import { exampleFleet, REPO_ROOT, synthTenant } from '../../test-support/fleet';

const read = (...p: string[]) => fs.readFileSync(path.join(REPO_ROOT, ...p), 'utf8');

describe('the hcloud provider version is pinned the same everywhere', () => {
  const cdktf = JSON.parse(read('cdktf.json')).terraformProviders.find((p: { name: string }) => p.name === 'hcloud');
  const pins: Record<string, unknown> = {
    'cdktf.json': `${cdktf.source}@${cdktf.version}`,
    'scripts/tool-versions.sh HCLOUD_PROVIDER_VERSION': `${cdktf.source}@${/^HCLOUD_PROVIDER_VERSION=(\S+)$/m.exec(read('scripts', 'tool-versions.sh'))?.[1]}`,
    'providers/schemas/hcloud.json provider_versions': Object.entries(JSON.parse(read('providers', 'schemas', 'hcloud.json')).provider_versions).map(([s, v]) => `${s}@${v}`).join(),
    'test-support/tofu-async.ts': `${HCLOUD_SOURCE}@${HCLOUD_VERSION}`,
  };

  test('cdktf.json, tool-versions.sh, the stored schema and the test harness', () => {
    expect(pins).toEqual(Object.fromEntries(Object.keys(pins).map((k) => [k, `${cdktf.source}@${cdktf.version}`])));
  });

  test('the synthesized stacks (from the bindings generated off the stored schema)', () => {
    const fleet = exampleFleet();
    for (const t of fleet.tenants) {
      const { json } = synthTenant(fleet, t);
      expect(`${json.terraform.required_providers.hcloud.source}@${json.terraform.required_providers.hcloud.version}`).toBe(`${cdktf.source}@${cdktf.version}`);
    }
  });

  test('the recorded plans the review tests read (regenerate them after a bump)', () => {
    const dir = path.join(REPO_ROOT, '__tests__', 'fixtures', 'plans');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const plan = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      expect({ f, constraint: plan.configuration?.provider_config?.hcloud?.version_constraint }).toEqual({ f, constraint: cdktf.version });
    }
  });
});

test('one dummy token: 64 characters, declared once (lib/hetzner.ts)', () => {
  expect(DUMMY_TOKEN).toHaveLength(64);
  const declared: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(REPO_ROOT, d), { withFileTypes: true })) {
      const rel = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!['node_modules', '.gen', 'cdktf.out', '.git', '__tests__'].includes(e.name)) walk(rel);
      } else if (e.name.endsWith('.ts') && /\.padEnd\(64\b|\.repeat\(64\)/.test(fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8'))) declared.push(rel);
    }
  };
  walk('.');
  expect(declared).toEqual([path.join('lib', 'hetzner.ts')]);
});
