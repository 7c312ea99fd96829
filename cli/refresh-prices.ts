/**
 * Rebuilds review/prices.json from the Hetzner Cloud API's price list:
 *   HCLOUD_TOKEN=<read-only token> node scripts/run.js cli/refresh-prices.ts [--out review/prices.json]
 * HCLOUD_ENDPOINT overrides the API (default https://api.hetzner.cloud/v1).
 * Prices are the token's project's: its currency, net of VAT. Without a token
 * it changes nothing and says so.
 */
import * as fs from 'fs';
import { formatPriceTable, PRICES_FILE } from '../review/prices';
import { DEFAULT_ENDPOINT, fetchPricing, priceTableFromPricing } from '../review/pricing-api';

async function main(argv: readonly string[]): Promise<number> {
  let out = PRICES_FILE;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = argv[++i];
    else {
      console.error(`usage: HCLOUD_TOKEN=... node scripts/run.js cli/refresh-prices.ts [--out ${PRICES_FILE}]`);
      return 64;
    }
  }
  const token = process.env.HCLOUD_TOKEN;
  if (!token) {
    console.error(`refresh-prices: HCLOUD_TOKEN is not set; ${out} is unchanged (a read-only token of any project will do).`);
    return 1;
  }
  const endpoint = process.env.HCLOUD_ENDPOINT || DEFAULT_ENDPOINT;
  try {
    const date = new Date().toISOString().slice(0, 10);
    const table = priceTableFromPricing(await fetchPricing(endpoint, token), date, endpoint);
    fs.writeFileSync(out, formatPriceTable(table));
    console.error(`refresh-prices: wrote ${out}: ${Object.keys(table.server_types).length} server types, ${Object.keys(table.primary_ipv4_month).length} locations, ${table.currency}, ${date}`);
    return 0;
  } catch (e) {
    console.error(`refresh-prices: ${(e as Error).message}; ${out} is unchanged`);
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
