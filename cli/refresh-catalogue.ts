/**
 * Rebuilds lib/hetzner-catalogue.json (server types with their architecture and
 * locations, locations, system images) from the Hetzner Cloud API:
 *   HCLOUD_TOKEN=<read-only token> npm run catalogue:refresh [-- --out lib/hetzner-catalogue.json]
 * HCLOUD_ENDPOINT overrides the API (default https://api.hetzner.cloud/v1).
 * Without a token it changes nothing and says so; on any error the file is
 * left as it was.
 */
import { hcloudGetAll } from '../app/hcloud-get';
import { runRefresh } from '../app/refresh-command';
import { CATALOGUE_FILE, catalogueFromApi, formatCatalogue, type CatalogueResponses } from '../lib/catalogue';

type Item<K extends keyof CatalogueResponses> = CatalogueResponses[K][number];

runRefresh(process.argv.slice(2), {
  name: 'refresh-catalogue',
  defaultOut: CATALOGUE_FILE,
  usage: 'npm run catalogue:refresh --',
  build: async (endpoint, token, date) => {
    const [locations, server_types, images] = await Promise.all([
      hcloudGetAll<Item<'locations'>>(endpoint, '/locations', 'locations', token),
      hcloudGetAll<Item<'server_types'>>(endpoint, '/server_types', 'server_types', token),
      hcloudGetAll<Item<'images'>>(endpoint, '/images', 'images', token, { query: 'type=system' }),
    ]);
    const data = catalogueFromApi({ locations, server_types, images }, date, endpoint);
    const n = (o: object) => Object.keys(o).length;
    return { text: formatCatalogue(data), summary: `${n(data.server_types)} server types, ${n(data.locations)} locations, ${n(data.images)} images, ${date}` };
  },
}).then((code) => { process.exitCode = code; });
