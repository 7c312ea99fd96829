/**
 * cli/refresh-prices.ts against a tiny stand-in for Hetzner's GET /v1/pricing
 * on 127.0.0.1 (HCLOUD_ENDPOINT), never the internet.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { DUMMY_TOKEN } from '../../lib/hetzner';
import { loadPriceTable } from '../../review/prices';
import { runEntry } from '../../test-support/run-entry';

const TOKEN = DUMMY_TOKEN;
const money = (net: string) => ({ net, gross: (Number(net) * 1.19).toFixed(10) });
const at = (net: string, locations: string[]) => locations.map((location) => ({ location, price_hourly: money('0.0100000000'), price_monthly: money(net) }));
const PRICING = {
  pricing: {
    currency: 'EUR',
    vat_rate: '19.00',
    volume: { price_per_gb_month: money('0.0572000000') },
    server_backup: { percentage: '20.0000000000' },
    primary_ips: [{ type: 'ipv4', prices: at('0.6100000000', ['fsn1', 'nbg1', 'hel1']) }, { type: 'ipv6', prices: at('0.0000000000', ['fsn1']) }],
    server_types: [
      { id: 1, name: 'cx23', prices: at('3.4900000000', ['fsn1', 'nbg1', 'hel1']) },
      { id: 2, name: 'cx33', prices: at('6.4900000000', ['fsn1', 'nbg1', 'hel1']) },
    ],
  },
};

let server: http.Server;
let endpoint: string;
const requests: { url?: string; auth?: string }[] = [];
let dir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push({ url: req.url, auth: req.headers.authorization });
    res.setHeader('Content-Type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'unable to authenticate' } }));
    } else if (req.url === '/v1/pricing') {
      res.end(JSON.stringify(PRICING));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prices-'));
  requests.length = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function refresh(env: Record<string, string | undefined>, out: string): Promise<{ code: number | null; stderr: string }> {
  return runEntry('cli/refresh-prices.ts', ['--out', out], { HCLOUD_TOKEN: undefined, HCLOUD_ENDPOINT: undefined, ...env });
}

test('rebuilds the price table from GET <HCLOUD_ENDPOINT>/pricing with the token', async () => {
  const out = path.join(dir, 'prices.json');
  const r = await refresh({ HCLOUD_TOKEN: TOKEN, HCLOUD_ENDPOINT: endpoint }, out);
  expect(r.code).toBe(0);
  expect(requests).toEqual([{ url: '/v1/pricing', auth: `Bearer ${TOKEN}` }]);
  const t = loadPriceTable(out);
  expect(t).toMatchObject({
    approximate: false,
    currency: 'EUR',
    volume_gb_month: 0.0572,
    server_backup_percent: 20,
    primary_ipv4_month: { fsn1: 0.61, hel1: 0.61, nbg1: 0.61 },
    server_types: { cx23: { fsn1: 3.49, hel1: 3.49, nbg1: 3.49 }, cx33: { fsn1: 6.49, hel1: 6.49, nbg1: 6.49 } },
  });
  expect(t.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(t.source).toContain(`${endpoint}/pricing`);
});

test('fails if the API refuses the token, with Hetzner\'s error, leaving the table unchanged', async () => {
  const out = path.join(dir, 'prices.json');
  fs.writeFileSync(out, 'old');
  const r = await refresh({ HCLOUD_TOKEN: 'wrong', HCLOUD_ENDPOINT: endpoint }, out);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('HTTP 401 (unauthorized: unable to authenticate)');
  expect(fs.readFileSync(out, 'utf8')).toBe('old');
});

test('without a token it calls nothing and changes nothing', async () => {
  const out = path.join(dir, 'prices.json');
  const r = await refresh({ HCLOUD_ENDPOINT: endpoint }, out);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('HCLOUD_TOKEN is not set');
  expect(requests).toEqual([]);
  expect(fs.existsSync(out)).toBe(false);
});
