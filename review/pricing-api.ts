/**
 * Hetzner Cloud's `GET /pricing` (the price list of the token's project, in
 * its currency) turned into the review's price table. The conversion is pure;
 * `fetchPricing` is the thin I/O edge, honouring HCLOUD_ENDPOINT.
 */
import { hcloudGet } from '../app/hcloud-get';
import { priceTableProblems, type PriceTable } from './prices';

/** A money value as the API writes it: decimal strings. */
interface Money { readonly net: string; readonly gross: string }
interface LocationPrice { readonly location: string; readonly price_monthly: Money }

/** The part of the `/pricing` response the table needs. */
export interface PricingResponse {
  readonly pricing: {
    readonly currency: string;
    readonly vat_rate?: string;
    readonly volume: { readonly price_per_gb_month: Money };
    readonly server_backup: { readonly percentage: string };
    readonly primary_ips: ReadonlyArray<{ readonly type: string; readonly prices: readonly LocationPrice[] }>;
    readonly server_types: ReadonlyArray<{ readonly name: string; readonly prices: readonly LocationPrice[] }>;
  };
}


/** Net decimal string -> number, rounded to 4 places (the API writes 10). */
function net(m: Money | undefined, what: string): number {
  const n = Number(m?.net);
  if (m === undefined || !Number.isFinite(n)) throw new Error(`pricing response: ${what} has no numeric net price`);
  return Math.round(n * 10000) / 10000;
}

/** Builds a price table from the API response; `date` is the day it was fetched. */
export function priceTableFromPricing(resp: PricingResponse, date: string, endpoint: string): PriceTable {
  const p = resp?.pricing;
  if (!p || !Array.isArray(p.server_types)) throw new Error('pricing response: missing pricing.server_types');
  const server_types: Record<string, Record<string, number>> = {};
  for (const st of p.server_types) {
    const byLoc: Record<string, number> = {};
    for (const lp of st.prices ?? []) byLoc[lp.location] = net(lp.price_monthly, `server type ${st.name} in ${lp.location}`);
    server_types[st.name] = byLoc;
  }
  const primary_ipv4_month: Record<string, number> = {};
  for (const ip of p.primary_ips ?? []) {
    if (ip.type !== 'ipv4') continue;
    for (const lp of ip.prices ?? []) primary_ipv4_month[lp.location] = net(lp.price_monthly, `primary IPv4 in ${lp.location}`);
  }
  const table: PriceTable = {
    date,
    approximate: false,
    source: `Hetzner Cloud API GET ${endpoint.replace(/\/+$/, '')}/pricing, net prices of the token's project`,
    currency: p.currency,
    basis: 'net (excl. VAT), monthly cap',
    volume_gb_month: net(p.volume?.price_per_gb_month, 'volume per GB-month'),
    server_backup_percent: Number(p.server_backup?.percentage ?? 20),
    primary_ipv4_month,
    server_types,
  };
  const problems = priceTableProblems(table);
  if (problems.length) throw new Error(`pricing response gives an invalid table:\n  ${problems.join('\n  ')}`);
  return table;
}

/** GET <endpoint>/pricing with the token; throws with Hetzner's error code and message on failure. */
export function fetchPricing(endpoint: string, token: string, fetchImpl: typeof fetch = fetch): Promise<PricingResponse> {
  return hcloudGet<PricingResponse>(endpoint, '/pricing', token, { fetchImpl });
}
