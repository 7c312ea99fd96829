/**
 * Without the toolchain, commands and integration suites say which tool is
 * missing and how to install it; nothing falls back to a `terraform` on PATH.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../../test-support/fleet';

const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-tools-'));
afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));
const bareEnv = { PATH: '/usr/bin:/bin', HOME: empty, TENANT_TOOLS_DIR: path.join(empty, 'tools') };

it('fails if tofu is missing: the integration helper names the tool and `npm run tools`', () => {
  jest.isolateModules(() => {
    const saved = { ...process.env };
    Object.assign(process.env, bareEnv);
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const { requireTool } = require('../../test-support/toolchain');
      expect(() => requireTool('tofu')).toThrow(`missing tool: tofu is not installed (looked in ${path.join(empty, 'tools', 'bin')} and PATH). Install the toolchain with: npm run tools`);
    } finally {
      process.env = saved;
    }
  });
});

it('fails if tofu is missing: scripts/with-tools.sh refuses to run cdktf and says how to install it', () => {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'with-tools.sh'), 'true'], { env: bareEnv, encoding: 'utf8' });
  expect(r.status).toBe(127);
  expect(r.stderr).toContain(`OpenTofu is not installed at ${path.join(empty, 'tools', 'bin', 'tofu')}`);
  expect(r.stderr).toContain("Run 'npm run tools'");
});

it('points cdktf at our tofu by absolute path, even when a terraform binary is on PATH', () => {
  const r = spawnSync(process.execPath, ['-e', "require('./scripts/tools-env'); console.log(process.env.TERRAFORM_BINARY_NAME)"], {
    cwd: REPO_ROOT, env: { ...bareEnv, TERRAFORM_BINARY_NAME: 'terraform' }, encoding: 'utf8',
  });
  expect(r.stdout.trim()).toBe(path.join(empty, 'tools', 'bin', 'tofu'));
});

it('cdktf.json drives the app through scripts/run.js and names the provider by its OpenTofu registry source', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8'));
  expect(cfg.app).toBe('node scripts/run.js main.ts');
  expect(cfg.terraformProviders).toEqual([{ name: 'hcloud', source: 'registry.opentofu.org/hetznercloud/hcloud', version: '1.68.0' }]);
});
