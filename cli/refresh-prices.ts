/**
 * Rebuilds review/prices.json from the Hetzner Cloud API's price list:
 *   HCLOUD_TOKEN=<read-only token> node scripts/run.js cli/refresh-prices.ts [--out review/prices.json]
 * HCLOUD_ENDPOINT overrides the API (default https://api.hetzner.cloud/v1).
 * Prices are the token's project's: its currency, net of VAT. Without a token
 * it changes nothing and says so.
 */
import { runRefresh } from '../app/refresh-command';
import { formatPriceTable, PRICES_FILE } from '../review/prices';
import { fetchPricing, priceTableFromPricing } from '../review/pricing-api';

runRefresh(process.argv.slice(2), {
  name: 'refresh-prices',
  defaultOut: PRICES_FILE,
  usage: 'node scripts/run.js cli/refresh-prices.ts',
  build: async (endpoint, token, date) => {
    const table = priceTableFromPricing(await fetchPricing(endpoint, token), date, endpoint);
    return {
      text: formatPriceTable(table),
      summary: `${Object.keys(table.server_types).length} server types, ${Object.keys(table.primary_ipv4_month).length} locations, ${table.currency}, ${date}`,
    };
  },
}).then((code) => { process.exitCode = code; });
