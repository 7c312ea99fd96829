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

it('points cdktf at our tofu by absolute path (through tofu-session.sh), even when a terraform binary is on PATH', () => {
  const r = spawnSync(process.execPath, ['-e', "require('./scripts/tools-env'); console.log(process.env.TERRAFORM_BINARY_NAME)"], {
    cwd: REPO_ROOT, env: { ...bareEnv, TERRAFORM_BINARY_NAME: 'terraform' }, encoding: 'utf8',
  });
  const session = r.stdout.trim();
  expect(session).toBe(path.join(REPO_ROOT, 'scripts', 'tofu-session.sh'));
  expect(fs.readFileSync(session, 'utf8')).toMatch(/\nexec "\$\{TENANT_TOOLS_DIR:-\$HOME\/\.cache\/tenant-platform-tools\}\/bin\/tofu" "\$@"\n/);
  const sh = spawnSync('bash', ['-c', '. scripts/tools-env.sh; echo "$TERRAFORM_BINARY_NAME"'], { cwd: REPO_ROOT, env: bareEnv, encoding: 'utf8' });
  expect(sh.stdout.trim()).toBe(session);
});

it('fails if a hangup stops what tofu-session.sh runs: SIGHUP is ignored, SIGTERM still stops it', () => {
  // A stand-in tofu that reports its own signal dispositions (SigIgn: bit 1 is SIGHUP, bit 15 SIGTERM).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tofu-session-'));
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'tofu'), '#!/bin/sh\ngrep SigIgn /proc/$$/status\n', { mode: 0o755 });
    const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'tofu-session.sh'), ['version'], { env: { ...bareEnv, TENANT_TOOLS_DIR: dir }, encoding: 'utf8' });
    const ignored = BigInt(`0x${/SigIgn:\s*([0-9a-f]+)/.exec(r.stdout)![1]}`);
    expect(ignored & (1n << 0n)).toBe(1n); // SIGHUP (signal 1)
    expect(ignored & (1n << 14n)).toBe(0n); // SIGTERM (signal 15)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it('cdktf.json drives the app through scripts/run.js and names the provider by its OpenTofu registry source', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8'));
  expect(cfg.app).toBe('node scripts/run.js main.ts');
  expect(cfg.terraformProviders).toEqual([{ name: 'hcloud', source: 'registry.opentofu.org/hetznercloud/hcloud', version: '1.68.0' }]);
});
