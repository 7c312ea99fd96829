/**
 * `npm run catalogue:refresh` rebuilds lib/hetzner-catalogue.json from the Cloud API
 * (GET /server_types, /locations, /images), here against the local Hetzner
 * Cloud API stand-in (local-cloud/) on 127.0.0.1, never the internet.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hcloudGetAll } from '../../app/hcloud-get';
import { catalogueFromApi, catalogueOf } from '../../lib/catalogue';
import { DUMMY_TOKEN, startHcloudApi, type HcloudApi, type RequestLogEntry } from '../../local-cloud';
import { runEntry } from '../../test-support/run-entry';

let api: HcloudApi;
const requests: RequestLogEntry[] = [];
let dir: string;

beforeAll(async () => {
  api = await startHcloudApi({ token: DUMMY_TOKEN, onRequest: (r) => requests.push(r), log: () => undefined });
});
afterAll(async () => {
  await api.stop();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
  requests.length = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the refresh as the npm script does, without blocking the in-process API. */
async function refresh(env: Record<string, string | undefined>, out: string): Promise<{ code: number | null; stderr: string }> {
  return runEntry('cli/refresh-catalogue.ts', ['--out', out], { HCLOUD_TOKEN: undefined, HCLOUD_ENDPOINT: undefined, ...env });
}

test('rebuilds the catalogue from GET /server_types, /locations and /images with the token', async () => {
  const out = path.join(dir, 'catalogue.json');
  const r = await refresh({ HCLOUD_TOKEN: DUMMY_TOKEN, HCLOUD_ENDPOINT: api.url }, out);
  expect(r.stderr).toMatch(/^refresh-catalogue: wrote .*catalogue\.json: 17 server types, 6 locations, 5 images, \d{4}-\d{2}-\d{2}\n$/);
  expect(r.code).toBe(0);
  expect(requests.map((q) => `${q.method} ${q.path} ${q.status}`).sort()).toEqual(['GET /images 200', 'GET /locations 200', 'GET /server_types 200']);
  const c = catalogueOf(JSON.parse(fs.readFileSync(out, 'utf8')), out);
  expect(c.approximate).toBe(false);
  expect(c.date).toBe(new Date().toISOString().slice(0, 10));
  expect(c.data.source).toContain(`${api.url}`);
  expect(c.data.locations).toMatchObject({ ash: { network_zone: 'us-east' }, sin: { network_zone: 'ap-southeast' } });
  // The stand-in offers every type everywhere (its README says so); the catalogue says what the API said.
  expect(c.serverType('cax11')).toEqual({ architecture: 'arm', cpu_type: 'shared', locations: ['ash', 'fsn1', 'hel1', 'hil', 'nbg1', 'sin'], deprecated: null });
  expect(c.imageArchitectures('ubuntu-24.04')).toEqual(['arm', 'x86']);
  expect(c.imageArchitectures('rocky-9')).toEqual(['x86']);
});

test('follows pagination until the last page', async () => {
  const types = await hcloudGetAll<{ name: string }>(api.url, '/server_types', 'server_types', DUMMY_TOKEN, { perPage: 5 });
  expect(types).toHaveLength(17);
  expect(new Set(types.map((t) => t.name)).size).toBe(17);
  expect(requests.map((q) => q.query)).toEqual(['?page=1&per_page=5', '?page=2&per_page=5', '?page=3&per_page=5', '?page=4&per_page=5']);
});

test('fails if the API refuses the token, with Hetzner\'s error, leaving the catalogue unchanged', async () => {
  const out = path.join(dir, 'catalogue.json');
  fs.writeFileSync(out, 'old');
  const r = await refresh({ HCLOUD_TOKEN: 'wrong', HCLOUD_ENDPOINT: api.url }, out);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('failed with HTTP 401 (unauthorized: ');
  expect(r.stderr).toContain('is unchanged');
  expect(fs.readFileSync(out, 'utf8')).toBe('old');
});

test('without a token it calls nothing and changes nothing', async () => {
  const out = path.join(dir, 'catalogue.json');
  const r = await refresh({ HCLOUD_ENDPOINT: api.url }, out);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('HCLOUD_TOKEN is not set');
  expect(requests).toEqual([]);
  expect(fs.existsSync(out)).toBe(false);
});

test('catalogueFromApi keeps only available locations, marks deprecations, skips snapshots and unavailable images', () => {
  const c = catalogueFromApi(
    {
      locations: [{ name: 'fsn1', network_zone: 'eu-central' }, { name: 'ash', network_zone: 'us-east' }],
      server_types: [
        { name: 'cx22', architecture: 'x86', cpu_type: 'shared', deprecation: { announced: '2025-10-16T09:00:00+00:00', unavailable_after: '2026-01-01T00:00:00+00:00' }, locations: [{ name: 'fsn1', available: true }, { name: 'ash', available: false }] },
        { name: 'ccx13', architecture: 'x86', cpu_type: 'dedicated', deprecation: null, locations: [{ name: 'fsn1' }, { name: 'ash', deprecation: { announced: '2025-01-01T00:00:00Z', unavailable_after: '2025-06-01T00:00:00Z' } }] },
      ],
      images: [
        { name: 'debian-12', architecture: 'x86', status: 'available' },
        { name: 'debian-12', architecture: 'arm', status: 'available' },
        { name: null, architecture: 'x86', status: 'available' },
        { name: 'old-1', architecture: 'x86', status: 'unavailable' },
      ],
    },
    '2026-12-01',
    'http://127.0.0.1:1/v1',
    new Date('2026-12-01T00:00:00Z'),
  );
  expect(c.server_types).toEqual({
    cx22: { architecture: 'x86', cpu_type: 'shared', locations: ['fsn1'], deprecated: '2025-10-16' },
    ccx13: { architecture: 'x86', cpu_type: 'dedicated', locations: ['fsn1'], deprecated: null },
  });
  expect(c.images).toEqual({ 'debian-12': { architectures: ['arm', 'x86'] } });
});
