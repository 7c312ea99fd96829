/**
 * Monthly cost of a tenant's resources, before and after a plan. Pure
 * arithmetic in integer cents (each resource is one invoice line, rounded to
 * the cent), from the attribute values in the plan and a price table.
 * Counted: servers (type and location), their backups, their primary IPv4
 * (unless public_net disables it), unassigned primary IPv4s, volumes (per GB). Free on Hetzner: networks,
 * subnets, firewalls, DNS, SSH keys, placement groups, IPv6.
 */
import type { PriceTable } from './prices';
import type { PlanSummary } from './plan-summary';

export interface CostLine {
  readonly address: string;
  /** e.g. `cx22 in nbg1`, `100 GB volume`. */
  readonly what: string;
  readonly cents: number;
}

export interface Cost {
  readonly cents: number;
  readonly lines: readonly CostLine[];
  /** Resources that cost money but have no price in the table (counted as 0). */
  readonly unpriced: readonly string[];
}

export interface PricedResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

const toCents = (eur: number) => Math.round(eur * 100);

/** The first element of a nested block list (`public_net`), or the value itself. */
function block(v: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(v)) return (v[0] as Record<string, unknown>) ?? undefined;
  if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  return undefined;
}

/** Cost lines and unpriced notes of one resource. */
export function resourceCost(r: PricedResource, prices: PriceTable): { lines: CostLine[]; unpriced: string[] } {
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const v = r.values;
  const location = typeof v.location === 'string' ? v.location : undefined;
  switch (r.type) {
    case 'hcloud_server': {
      const type = typeof v.server_type === 'string' ? v.server_type : undefined;
      const price = type && location ? prices.server_types[type]?.[location] : undefined;
      if (price === undefined) {
        unpriced.push(`${r.address}: no price for server type ${type ?? '(unknown)'} in ${location ?? '(unknown location)'}`);
      } else {
        lines.push({ address: r.address, what: `${type} in ${location}`, cents: toCents(price) });
        if (v.backups === true) {
          lines.push({ address: r.address, what: `backups (${prices.server_backup_percent}%)`, cents: Math.round(price * prices.server_backup_percent) });
        }
      }
      // With no public_net block the provider gives the server an IPv4 too.
      const net = block(v.public_net);
      if (net?.ipv4_enabled !== false) {
        const ip = location ? prices.primary_ipv4_month[location] : undefined;
        if (ip === undefined) unpriced.push(`${r.address}: no primary IPv4 price for ${location ?? '(unknown location)'}`);
        else lines.push({ address: r.address, what: `primary IPv4 in ${location}`, cents: toCents(ip) });
      }
      break;
    }
    case 'hcloud_primary_ip': {
      // IPv6 primary IPs are free; an assigned IPv4 is already counted on its server.
      if (v.type !== 'ipv4' || (typeof v.assignee_id === 'number' && v.assignee_id > 0)) break;
      const ip = location ? prices.primary_ipv4_month[location] : undefined;
      if (ip === undefined) unpriced.push(`${r.address}: no primary IPv4 price for ${location ?? '(unknown location)'}`);
      else lines.push({ address: r.address, what: `primary IPv4 in ${location}`, cents: toCents(ip) });
      break;
    }
    case 'hcloud_volume': {
      const size = typeof v.size === 'number' ? v.size : undefined;
      if (size === undefined) unpriced.push(`${r.address}: volume size unknown`);
      else lines.push({ address: r.address, what: `${size} GB volume`, cents: toCents(size * prices.volume_gb_month) });
      break;
    }
    default:
      break;
  }
  return { lines, unpriced };
}

/** The monthly cost of a set of resources. */
export function monthlyCost(resources: readonly PricedResource[], prices: PriceTable): Cost {
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  for (const r of resources) {
    const c = resourceCost(r, prices);
    lines.push(...c.lines);
    unpriced.push(...c.unpriced);
  }
  return { cents: lines.reduce((s, l) => s + l.cents, 0), lines, unpriced: unpriced.sort() };
}

export interface CostChange {
  readonly before: Cost;
  readonly after: Cost;
  readonly deltaCents: number;
}

/** A tenant's monthly cost before and after its plan (no-op resources count on both sides). */
export function planCost(summary: PlanSummary, prices: PriceTable): CostChange {
  const side = (which: 'before' | 'after') =>
    summary.resources
      .filter((r) => r[which] !== null)
      .map((r) => ({ address: r.address, type: r.type, values: r[which] as Record<string, unknown> }));
  const before = monthlyCost(side('before'), prices);
  const after = monthlyCost(side('after'), prices);
  return { before, after, deltaCents: after.cents - before.cents };
}

/** `12.34`, `-0.50`; cents are exact integers, so no float noise. */
export function formatEur(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `+12.34`, `-0.50`, `±0.00`. */
export function formatDelta(cents: number): string {
  if (cents === 0) return '±0.00';
  return cents > 0 ? `+${formatEur(cents)}` : formatEur(cents);
}
