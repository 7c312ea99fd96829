/**
 * `hcloud_token_env` names the variable a bring-your-own-project tenant's token
 * comes from. Only names that scripts/with-tools.sh hands to OpenTofu are
 * accepted, and no message ever echoes a value that looks like a token.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { redactSecrets } from '../../lib/diagnostics';
import { runTenantNew } from '../../app/new-command';
import { REPO_ROOT } from '../../test-support/fleet';
import { scratchLines, tenantYaml } from '../../test-support/scratch-tenants';

const ALLOWED = 'allowed: an environment variable name ending in _HCLOUD_TOKEN, such as ACME_HCLOUD_TOKEN (scripts/with-tools.sh passes only those to OpenTofu)';
/** 64 characters of base62, like a Hetzner Cloud API token (made up). */
const TOKEN = 'Xk3v9QpL2mNa7sDf4gHj8kLz1xCv5bNm0qWe6rTy2uIo9pAs3dFg7hJk4lZx8cVb';

const check = (value: string) => scratchLines({ 't.yaml': tenantYaml('t', 10, `hcloud_token_env: ${value}`) });

describe('hcloud_token_env', () => {
  test('accepts a name the deploy maps (<NAME>_HCLOUD_TOKEN)', () => {
    expect(check('ACME_HCLOUD_TOKEN')).toEqual([]);
    expect(check('A1_B2_HCLOUD_TOKEN')).toEqual([]);
  });

  test.each(['ACME_TOKEN', 'HCLOUD_TOKEN', '_HCLOUD_TOKEN', 'ACME_HCLOUD_TOKEN_2', 'PATH'])('fails if the name is %s, which the deploy never fills', (name) => {
    expect(check(name)).toEqual([`t.yaml:6:19: hcloud_token_env: "${name}" is not allowed; ${ALLOWED}`]);
  });

  test('fails if a token is pasted instead of a name, without echoing any of it', () => {
    const out = check(TOKEN);
    expect(out).toEqual([`t.yaml:6:19: hcloud_token_env: "<redacted: 57 characters that look like a token>..." is not allowed; ${ALLOWED}`]);
    for (let i = 0; i + 12 <= TOKEN.length; i++) expect(out.join('\n')).not.toContain(TOKEN.slice(i, i + 12));
  });

  test('every name the schema accepts is one that scripts/with-tools.sh maps to TF_VAR_<name>, and no other', () => {
    // with-tools.sh with a stand-in toolchain environment: only its variable mapping runs.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'with-tools-'));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, 'scripts', 'with-tools.sh'), path.join(dir, 'with-tools.sh'));
      fs.writeFileSync(path.join(dir, 'tools-env.sh'), 'export TERRAFORM_BINARY_NAME=/bin/true\n');
      const names = ['ACME_HCLOUD_TOKEN', 'A1_B2_HCLOUD_TOKEN', 'ACME_TOKEN', 'HCLOUD_TOKEN', 'ACME_HCLOUD_TOKEN_2'];
      const env = Object.fromEntries(names.map((n) => [n, 'x']));
      const r = spawnSync('bash', [path.join(dir, 'with-tools.sh'), 'env'], { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const mapped = names.filter((n) => r.stdout.split('\n').includes(`TF_VAR_${n}=x`));
      const accepted = names.filter((n) => check(n).length === 0);
      expect(accepted).toEqual(mapped);
      expect(accepted).toEqual(['ACME_HCLOUD_TOKEN', 'A1_B2_HCLOUD_TOKEN']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redactSecrets', () => {
  test('replaces token-like runs (long, letters with digits or mixed case)', () => {
    expect(redactSecrets(`token ${TOKEN} here`)).toBe('token <redacted: 64 characters that look like a token> here');
    expect(redactSecrets('AGE-SECRET-KEY-1QQQQ7Z2X9Y8W7V6U5T4S3R2Q1P0ONMLKJIHGFEDCBA987654321ZZZZ')).toBe('AGE-SECRET-KEY-<redacted: 56 characters that look like a token>');
    expect(redactSecrets('ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('ghp_<redacted: 36 characters that look like a token>');
  });

  test('leaves ids, names, DNS names, addresses, paths and age public keys alone', () => {
    const kept = [
      'tenant-acme-app-1 in 10.12.1.10/24 at acme.tenants.example.com',
      '"abcdefghijklmnopqrstuvwxyzabcdefghij" is all one case and has no digit',
      'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
      '/tmp/tenants-AbC123/acme.yaml:3:1',
      'x'.repeat(30) + '1',
    ];
    for (const text of kept) expect(redactSecrets(text)).toBe(text);
  });
});

test('tenant:new does not echo a token given as the tenant id', () => {
  const r = runTenantNew([TOKEN.toLowerCase()], { cwd: os.tmpdir(), tenantsDir: 'no-such-dir' });
  expect(r.exitCode).toBe(1);
  expect(r.lines[0]).toMatch(/^tenant:new: tenant id "<redacted: 64 characters that look like a token>" is not valid; allowed: /);
  expect(r.lines.join('\n')).not.toContain(TOKEN.toLowerCase().slice(0, 12));
});
