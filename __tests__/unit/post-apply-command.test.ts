/**
 * The post-apply command (lib/post-apply-command.ts) keeps every value one
 * argument, whatever it holds: run through real `bash -c` and `sh -c` with a
 * stand-in `ansible-playbook` that records its argv, hostile values (quotes,
 * $(), backticks, newlines, spaces, OpenTofu template sequences) arrive
 * unchanged and run nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ansibleVars, AnsibleTenantVars } from '../../lib/ansible-vars';
import { tenantInventory } from '../../lib/ansible-inventory';
import { postApplyCommand } from '../../lib/post-apply-command';
import { shellQuote, shellWord } from '../../lib/shell-quote';
import { exampleFleet, synthTenant, tenant } from '../../test-support/fleet';

/** Each would run `touch` if it escaped its quotes. */
const HOSTILE = [
  "it's",
  "'; touch PWNED_q; '",
  '$(touch PWNED_dollar)',
  '`touch PWNED_tick`',
  '"; touch PWNED_dq; "',
  'a\nb; touch PWNED_nl',
  '  two  spaces\tand tab ',
  '${path.module} %{ if true }x%{ endif } $${literal}',
  '\\; touch PWNED_bs',
].join(' | ');

const fleet = exampleFleet();
const acme = tenant(fleet, 'acme');

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'post-apply-quoting-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every file below `dir` whose name starts with PWNED. */
function pwned(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f).startsWith('PWNED'));
}

/** Runs `command` with `shell -c` from `cwd`, with a stand-in ansible-playbook that records its argv. */
function runWithFakeAnsible(shell: string, command: string, cwd: string): { status: number | null; stderr: string; argv: string[] } {
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const argvFile = path.join(root, `argv-${path.basename(shell)}`);
  fs.writeFileSync(path.join(bin, 'ansible-playbook'), `#!/bin/sh\nprintf '%s\\0' "$@" > "$ARGV_FILE"\n`, { mode: 0o755 });
  // HOME and stdin apart: bash reads ~/.bashrc when its stdin is a socket.
  const r = spawnSync(shell, ['-c', command], { cwd, env: { PATH: `${bin}:/usr/bin:/bin`, HOME: root, ARGV_FILE: argvFile }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const argv = fs.existsSync(argvFile) ? fs.readFileSync(argvFile, 'utf8').split('\0').slice(0, -1) : [];
  return { status: r.status, stderr: r.stderr, argv };
}

describe('shell quoting', () => {
  test('a safe word stays bare; anything else is single-quoted with quotes escaped', () => {
    expect(shellWord('inventory/tenant-acme.yml')).toBe('inventory/tenant-acme.yml');
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  test.each(['bash', 'sh'])('every hostile value is exactly one argument in %s', (shell) => {
    const values = [...HOSTILE.split(' | '), HOSTILE];
    const r = spawnSync(shell, ['-c', `printf '%s\\0' ${values.map(shellQuote).join(' ')}`], { cwd: root, env: { PATH: '/usr/bin:/bin', HOME: root }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(values);
    expect(pwned(root)).toEqual([]);
  });
});

describe('postApplyCommand', () => {
  test.each(['bash', 'sh'])('fails if a hostile platform value or path breaks out of the command (%s)', (shell) => {
    const platform = { ...fleet.platform, secrets: { ...fleet.platform.secrets, age_key_dir: HOSTILE } };
    const vars: AnsibleTenantVars = { ...ansibleVars(acme, platform), tenant_id: "ac'me $(touch PWNED_id) `touch PWNED_id2`" };
    const ansibleDir = path.join(root, shell, `an"si'ble $(touch PWNED_dir)\n dir`);
    fs.mkdirSync(path.join(ansibleDir, 'inventory'), { recursive: true });

    const r = runWithFakeAnsible(shell, postApplyCommand({ ansibleDir, vars }), root);

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.argv).toEqual(['playbooks/tenant.yml', '-e', `tenant=${vars.tenant_id}`]);
    const written = fs.readFileSync(path.join(ansibleDir, 'inventory', `tenant-${vars.tenant_id}.yml`), 'utf8');
    expect(JSON.parse(written)).toEqual(tenantInventory([vars]));
    expect(JSON.parse(written).all.children.tenants.hosts[`tenant-${vars.tenant_id}`].platform_age_key_dir).toBe(HOSTILE);
    expect(pwned(root)).toEqual([]);
  });

  test('the stack passes the command to OpenTofu literally: template sequences are escaped, nothing else changes', () => {
    const platform = { ...fleet.platform, secrets: { ...fleet.platform.secrets, age_key_dir: HOSTILE } };
    const { json } = synthTenant({ ...fleet, platform }, acme, { postApply: true });
    const command: string = json.resource.terraform_data.post_apply.provisioner[0]['local-exec'].command;
    // The only expressions OpenTofu evaluates: each server's public IPv4, twice (ansible_host, public_ipv4).
    const addresses = acme.servers.map((s) => [s.name, `\${hcloud_server.server_${s.group}_${s.index}.ipv4_address}`]);
    const unescaped = command.replace(/\$\$\{|%%\{/g, '');
    expect(unescaped.match(/\$\{[^}]*\}/g)).toEqual(addresses.flatMap(([, ref]) => [ref, ref]));
    // OpenTofu reads `$${` as `${` and `%%{` as `%{`; any other unescaped `${` or `%{` would be evaluated.
    expect(addresses.reduce((c, [, ref]) => c.split(ref).join(''), unescaped)).not.toMatch(/\$\{|%\{/);
    const asTofuReadsIt = command.replace(/([$%])\1\{/g, '$1{');
    expect(asTofuReadsIt).toBe(postApplyCommand({ ansibleDir: '../../../ansible', vars: ansibleVars(acme, platform), serverIpv4: Object.fromEntries(addresses), user: 'root' }));
    // Each address is checked to be an IPv4 address before the command runs.
    expect(json.resource.terraform_data.post_apply.lifecycle.precondition.map((p: { condition: string }) => p.condition)).toEqual(
      addresses.map(([, ref]) => `\${can(cidrhost("${ref}/32", 0))}`),
    );
    // The ansible_vars output carries the same value, escaped the same way.
    expect(json.output.ansible_vars.value.platform_age_key_dir.replace(/([$%])\1\{/g, '$1{')).toBe(HOSTILE);
  });
});
