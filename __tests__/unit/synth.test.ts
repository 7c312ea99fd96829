/**
 * Synthesis is all or nothing: a fleet that fails validation or an isolation
 * rule writes nothing and leaves the previous output untouched.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthFleet } from '../../app/synth';
import { IsolationError } from '../../isolation/synth';
import { synthStacks } from '../../review/synth-stacks';
import { runSynthCommand } from '../../app/synth-command';
import { exampleFleet, REPO_ROOT, tenant } from '../../test-support/fleet';

const fleet = exampleFleet();
let work: string;
beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-')); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function previousOutput(outdir: string): string {
  fs.mkdirSync(path.join(outdir, 'stacks', 'tenant-old'), { recursive: true });
  const marker = path.join(outdir, 'stacks', 'tenant-old', 'cdk.tf.json');
  fs.writeFileSync(marker, '{"previous": true}');
  return marker;
}

it('writes one stack directory per tenant and reports resources per tenant', () => {
  const outdir = path.join(work, 'cdktf.out');
  const summary = synthFleet(fleet, { outdir, projectRoot: work, postApply: false });
  expect(summary.map((s) => s.stack)).toEqual(['tenant-acme', 'tenant-globex', 'tenant-initech']);
  expect(summary.find((s) => s.tenant === 'acme')!.resources).toBe(12);
  expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['tenant-acme', 'tenant-globex', 'tenant-initech']);
  expect(fs.readdirSync(work).sort()).toEqual(['cdktf.out']);
});

it('synthesizes only the tenants asked for', () => {
  const outdir = path.join(work, 'cdktf.out');
  expect(synthFleet(fleet, { outdir, projectRoot: work, only: ['globex'] }).map((s) => s.tenant)).toEqual(['globex']);
});

it('fails if a stack breaks an isolation rule, and leaves the previous output untouched', () => {
  const outdir = path.join(work, 'cdktf.out');
  const marker = previousOutput(outdir);
  const acme = tenant(fleet, 'acme');
  const bad = { ...acme, ingress: [...acme.ingress, { direction: 'in' as const, protocol: 'tcp' as const, port: '5432', cidrs: ['0.0.0.0/0'] }] };
  expect(() => synthFleet({ ...fleet, tenants: [bad, tenant(fleet, 'globex')] }, { outdir, projectRoot: work }))
    .toThrow('[tenant-acme] no-world-open-ingress: hcloud_firewall.firewall opens tcp port 5432 to 0.0.0.0/0');
  expect(fs.readFileSync(marker, 'utf8')).toBe('{"previous": true}');
  expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['tenant-old']);
  expect(fs.readdirSync(work)).toEqual(['cdktf.out']);
});

it('fails with every stack\'s findings as data, not only the first failing stack\'s', () => {
  const worldDb = (id: string) => {
    const t = tenant(fleet, id);
    return { ...t, ingress: [...t.ingress, { direction: 'in' as const, protocol: 'tcp' as const, port: '5432', cidrs: ['0.0.0.0/0'] }] };
  };
  let error: unknown;
  try {
    synthFleet({ ...fleet, tenants: [worldDb('acme'), tenant(fleet, 'globex'), worldDb('initech')] }, { outdir: path.join(work, 'cdktf.out'), projectRoot: work });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IsolationError);
  const findings = (error as IsolationError).findings;
  expect(findings.map((f) => [f.tenant, f.rule, f.resource, f.severity])).toEqual([
    ['acme', 'no-world-open-ingress', 'tenant-acme/firewall/firewall', 'error'],
    ['initech', 'no-world-open-ingress', 'tenant-initech/firewall/firewall', 'error'],
  ]);
  expect(findings[0].explanation).toMatch(/^SSH, databases and admin ports/);
  // The message is rendered from the findings, one line each, and says why once per rule.
  expect((error as Error).message).toContain('[tenant-initech] no-world-open-ingress: hcloud_firewall.firewall opens tcp port 5432 to 0.0.0.0/0');
  expect((error as Error).message).toContain('  no-world-open-ingress: SSH, databases and admin ports');
});

it('hands the plan review the synth findings of the tenants that fail, as data', () => {
  const acme = tenant(fleet, 'acme');
  const bad = { ...acme, ingress: [...acme.ingress, { direction: 'in' as const, protocol: 'tcp' as const, port: '5432', cidrs: ['0.0.0.0/0'] }] };
  const outcomes = synthStacks({ ...fleet, tenants: [bad, tenant(fleet, 'globex')] }, ['acme', 'globex'], { outdir: path.join(work, 'review'), projectRoot: work });
  expect(outcomes.map((o) => [o.tenant, o.ok])).toEqual([['acme', false], ['globex', true]]);
  const failed = outcomes[0] as Extract<(typeof outcomes)[number], { ok: false }>;
  expect(failed.findings).toEqual([expect.objectContaining({ tenant: 'acme', rule: 'no-world-open-ingress', resource: 'tenant-acme/firewall/firewall' })]);
  expect(failed.error).toContain('synthesis failed: 1 isolation rule violation:');
});

it('hands the plan review the finding when an offline tenant\'s data server has a public interface', () => {
  const initech = tenant(fleet, 'initech');
  const bad = { ...initech, servers: initech.servers.map((s) => (s.name === 'tenant-initech-gpu-2' ? { ...s, publicInterface: true } : s)) };
  const outcomes = synthStacks({ ...fleet, tenants: [tenant(fleet, 'acme'), bad] }, ['acme', 'initech'], { outdir: path.join(work, 'review'), projectRoot: work });
  expect(outcomes.map((o) => [o.tenant, o.ok])).toEqual([['acme', true], ['initech', false]]);
  const failed = outcomes[1] as Extract<(typeof outcomes)[number], { ok: false }>;
  expect(failed.findings).toEqual([
    expect.objectContaining({
      tenant: 'initech',
      rule: 'offline-public-interface',
      resource: 'tenant-initech/servers/server_gpu_2',
      message: 'hcloud_server.server_gpu_2 (tenant-initech-gpu-2) has a public IPv4 and IPv6 interface; in an offline tenant only the jump host tenant-initech-jump-1 may have one',
    }),
  ]);
});

it('fails if a tenant file is invalid: main prints the error with file:line and writes nothing', () => {
  const tenants = path.join(work, 'tenants');
  fs.mkdirSync(tenants);
  fs.copyFileSync(path.join(REPO_ROOT, 'tenants', '_platform.yaml'), path.join(tenants, '_platform.yaml'));
  fs.copyFileSync(path.join(REPO_ROOT, 'tenants', 'globex.yaml'), path.join(tenants, 'globex.yaml'));
  fs.writeFileSync(path.join(tenants, 'broken.yaml'), 'id: broken\nseq: 300\nenvironment: production\nservers: [{ name: app }]\n');
  const outdir = path.join(work, 'cdktf.out');
  const marker = previousOutput(outdir);
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'main.ts'], {
    cwd: REPO_ROOT, env: { ...process.env, TENANTS_DIR: tenants, CDKTF_OUTDIR: outdir }, encoding: 'utf8',
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`${path.join(tenants, 'broken.yaml')}:2:6: seq:`);
  expect(r.stderr).toContain('nothing was synthesized');
  expect(fs.readFileSync(marker, 'utf8')).toBe('{"previous": true}');
});

/** Runs `npm run synth` (scripts/run.js main.ts) as a child process. */
function runMain(env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'main.ts'], {
    cwd: REPO_ROOT, env: { ...process.env, TENANTS: undefined, ...env } as NodeJS.ProcessEnv, encoding: 'utf8',
  });
}

describe('TENANTS selects the tenants to synthesize', () => {
  it.each([
    ['an unknown id', 'nope', 'TENANTS names an unknown tenant: "nope"; allowed: acme, globex, initech'],
    ['a near miss, with a suggestion', 'acme,globx', 'TENANTS names an unknown tenant: "globx" (did you mean "globex"?); allowed: acme, globex, initech'],
    ['several unknown ids', 'x1, acmee', 'TENANTS names 2 unknown tenants: "x1", "acmee" (did you mean "acme"?); allowed: acme, globex, initech'],
    ['an empty value', '', 'TENANTS is set but names no tenant; allowed: acme, globex, initech (comma-separated), or leave it unset for every tenant'],
    ['only separators', ' , ,', 'TENANTS is set but names no tenant; allowed: acme, globex, initech (comma-separated), or leave it unset for every tenant'],
  ])('fails if TENANTS is %s: exit 1, names the problem, leaves the output untouched', (_what, value, message) => {
    const outdir = path.join(work, 'cdktf.out');
    const marker = previousOutput(outdir);
    const r = runSynthCommand({ tenantsDir: path.join(REPO_ROOT, 'tenants'), tenants: value, outdir });
    expect(r.err).toContain(message);
    expect(r.err.at(-1)).toBe('nothing was synthesized.');
    expect(r.exitCode).toBe(1);
    expect(fs.readFileSync(marker, 'utf8')).toBe('{"previous": true}');
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['tenant-old']);
    expect(fs.readdirSync(work)).toEqual(['cdktf.out']);
  });

  it('synthesizes exactly the tenants TENANTS names (commas and spaces separate), through main.ts', () => {
    const outdir = path.join(work, 'cdktf.out');
    const r = runMain({ TENANTS: ' globex , initech', CDKTF_OUTDIR: outdir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['tenant-globex', 'tenant-initech']);
  });

  it('fails if synthFleet is asked for a tenant that is not in the fleet, writing nothing', () => {
    const outdir = path.join(work, 'cdktf.out');
    const marker = previousOutput(outdir);
    expect(() => synthFleet(fleet, { outdir, projectRoot: work, only: ['acme', 'nope'] })).toThrow('unknown tenant: "nope"');
    expect(() => synthFleet(fleet, { outdir, projectRoot: work, only: [] })).toThrow('names no tenant');
    expect(fs.readFileSync(marker, 'utf8')).toBe('{"previous": true}');
  });
});
