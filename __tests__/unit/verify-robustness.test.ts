/**
 * The verifier never passes what it could not read: against a tiny stand-in
 * of the Hetzner API on 127.0.0.1 (each test says how it misbehaves), a
 * malformed or empty answer, an endpoint that never answers, one that
 * paginates forever, and a bring-your-own-project tenant whose token is not
 * set all end in exit 2; a bring-your-own project is read with its own token.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { verifyCommand } from '../../app/verify-command';
import { HcloudClient } from '../../verify';
import { REPO_ROOT } from '../../test-support/fleet';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const LIST_KEYS: Record<string, string> = {
  '/servers': 'servers', '/networks': 'networks', '/firewalls': 'firewalls',
  '/volumes': 'volumes', '/primary_ips': 'primary_ips', '/placement_groups': 'placement_groups',
};

/** Answers every list with `items(token, key)` on one page, and 404 for anything else (the DNS zone). */
const listsOf = (items: (token: string, key: string) => unknown[]): Handler => (req, res) => {
  const url = new URL(req.url!, 'http://x');
  const key = LIST_KEYS[url.pathname.replace(/^\/v1/, '')];
  const token = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  res.setHeader('Content-Type', 'application/json');
  if (!key) {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }));
    return;
  }
  res.end(JSON.stringify({ [key]: items(token, key), meta: { pagination: { page: 1, next_page: null } } }));
};

let server: http.Server;
let endpoint: string;
let tenantsDir: string;
const tokensSeen: string[] = [];

async function serve(handler: Handler): Promise<void> {
  server = http.createServer((req, res) => {
    tokensSeen.push(req.headers.authorization ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

beforeEach(() => {
  tokensSeen.length = 0;
  tenantsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-robust-'));
  for (const f of ['_platform.yaml', 'acme.yaml']) fs.copyFileSync(path.join(REPO_ROOT, 'tenants', f), path.join(tenantsDir, f));
});

afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  fs.rmSync(tenantsDir, { recursive: true, force: true });
});

async function verify(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await verifyCommand(args, {
    env: { HCLOUD_ENDPOINT: endpoint, HCLOUD_TOKEN: 'platform-token', TENANTS_DIR: tenantsDir, ...env },
    cwd: tenantsDir,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

test('an empty project passes (the stand-in is sound)', async () => {
  await serve(listsOf(() => []));
  const r = await verify([]);
  expect(r.stdout).toContain('PASS: no isolation violation.');
  expect(r.code).toBe(0);
});

test('fails if the API answers {"servers": null}: could not verify, exit 2, not PASS', async () => {
  await serve(listsOf((_token, key) => (key === 'servers' ? (null as unknown as unknown[]) : [])));
  const r = await verify([]);
  expect(r.code).toBe(2);
  expect(r.stdout).not.toContain('PASS');
  expect(r.stderr).toContain(`cannot read the platform project at ${endpoint}: ${endpoint}/servers: the answer has no "servers" list (servers: null)`);
});

test('fails if the API answers 200 with an empty body: exit 2', async () => {
  await serve((_req, res) => res.end());
  const r = await verify([]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/\/v1\/servers\?.*: empty answer/);
});

test('fails if the API never answers: the request times out (--timeout), exit 2', async () => {
  await serve(() => undefined); // accepts the request and says nothing, ever
  const r = await verify(['--timeout', '0.2']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/\/v1\/servers\?.*: no answer within 0\.2 s/);
  await expect(new HcloudClient({ endpoint, token: 't', timeoutMs: 50 }).get('/servers')).rejects.toThrow(`${endpoint}/servers: no answer within 0.05 s`);
});

test('refuses a timeout that is not a positive number of seconds', async () => {
  await serve(listsOf(() => []));
  const r = await verify(['--timeout=soon']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--timeout wants a number of seconds above 0, got "soon"');
});

test('fails if the API always announces a next page: pagination stops at a hard cap, exit 2 naming the endpoint', async () => {
  await serve((req, res) => {
    const page = Number(new URL(req.url!, 'http://x').searchParams.get('page'));
    res.end(JSON.stringify({ servers: [], meta: { pagination: { page, next_page: page + 1 } } }));
  });
  const r = await verify([]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`cannot read the platform project at ${endpoint}: ${endpoint}/servers: still a next page after 200 pages; giving up`);
  expect(r.stderr).toContain('still a next page after 200 pages; giving up');
  await expect(new HcloudClient({ endpoint, token: 't', maxPages: 3 }).list('/servers', 'servers')).rejects.toThrow('still a next page after 3 pages');
});

test('fails if a page announces a next page that does not advance', async () => {
  await serve((_req, res) => res.end(JSON.stringify({ servers: [], meta: { pagination: { page: 1, next_page: 1 } } })));
  await expect(new HcloudClient({ endpoint, token: 't' }).list('/servers', 'servers')).rejects.toThrow('page 1 announces next_page 1, which does not advance');
});

describe('a bring-your-own-project tenant (hcloud_token_env)', () => {
  beforeEach(() => {
    fs.writeFileSync(path.join(tenantsDir, 'hooli.yaml'), 'id: hooli\nseq: 20\nenvironment: development\nservers: [{ name: web }]\nhcloud_token_env: HOOLI_HCLOUD_TOKEN\n');
  });

  // In hooli's own project: one hooli server with no firewall.
  const hooliServer = { id: 7, name: 'tenant-hooli-web-1', labels: { tenant_id: 'hooli', managed_by: 'hetzner-tenants' }, private_net: [], public_net: { firewalls: [] } };
  const projects = listsOf((token, key) => (token === 'hooli-token' && key === 'servers' ? [hooliServer] : []));

  test('is read in its own project, with its own token', async () => {
    await serve(projects);
    const r = await verify(['--json'], { HOOLI_HCLOUD_TOKEN: 'hooli-token' });
    expect(tokensSeen).toContain('Bearer hooli-token');
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: { tenant: string; rule: string }) => `${f.tenant} ${f.rule}`)).toEqual(['hooli egress-open', 'hooli firewall-missing']);
    expect(doc.tenants.map((t: { id: string; servers: number }) => [t.id, t.servers])).toEqual([['acme', 0], ['hooli', 1]]);
    expect(r.code).toBe(1);
  });

  test('fails if its token variable is unset: "not verified", exit 2, never clean', async () => {
    await serve(projects);
    const r = await verify([]);
    expect(tokensSeen.every((t) => t === 'Bearer platform-token')).toBe(true);
    expect(r.stdout).toMatch(/^hooli\s+-\s+-\s+-\s+-\s+not verified: \$HOOLI_HCLOUD_TOKEN is not set, so its own project was not read$/m);
    expect(r.stdout).not.toContain('PASS');
    expect(r.stdout).toContain('NOT VERIFIED: 1 tenant (hooli) could not be checked.');
    expect(r.code).toBe(2);
  });

  test('a scoped run of that tenant alone needs only its token', async () => {
    await serve(projects);
    const r = await verify(['hooli', '--json'], { HCLOUD_TOKEN: '', HOOLI_HCLOUD_TOKEN: 'hooli-token' });
    expect(tokensSeen.every((t) => t === 'Bearer hooli-token')).toBe(true);
    expect(JSON.parse(r.stdout).tenants.map((t: { id: string }) => t.id)).toEqual(['hooli']);
    expect(r.code).toBe(1);
  });
});
