/**
 * The price table the review computes monthly costs from: `review/prices.json`,
 * dated and sourced, rebuilt from Hetzner's `GET /pricing` by
 * `cli/refresh-prices.ts`. Monthly, net of VAT (VAT depends on the customer).
 */
import * as fs from 'fs';
import shipped from './prices.json';

export interface PriceTable {
  /** Day the prices were taken (YYYY-MM-DD). */
  readonly date: string;
  /** True when not read from the API (transcribed, unverified). */
  readonly approximate: boolean;
  /** Where the numbers come from. */
  readonly source: string;
  readonly currency: string;
  /** e.g. "net (excl. VAT), monthly cap". */
  readonly basis: string;
  /** Volume price per GB and month. */
  readonly volume_gb_month: number;
  /** Backups cost this percentage of the server price. */
  readonly server_backup_percent: number;
  /** Primary IPv4 per month, by location. */
  readonly primary_ipv4_month: Readonly<Record<string, number>>;
  /** Server type -> location -> price per month. */
  readonly server_types: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Where the shipped table lives, relative to the project root. */
export const PRICES_FILE = 'review/prices.json';

/** Every problem of a parsed table, so that a broken refresh is caught before it is written. */
export function priceTableProblems(t: unknown): string[] {
  const p: string[] = [];
  const o = t as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) return ['price table must be a JSON object'];
  if (typeof o.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o.date)) p.push('date must be YYYY-MM-DD');
  for (const k of ['source', 'currency', 'basis']) if (typeof o[k] !== 'string') p.push(`${k} must be a string`);
  if (typeof o.approximate !== 'boolean') p.push('approximate must be true or false');
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!num(o.volume_gb_month)) p.push('volume_gb_month must be a non-negative number');
  if (!num(o.server_backup_percent)) p.push('server_backup_percent must be a non-negative number');
  const byLoc = (v: unknown, name: string) => {
    if (typeof v !== 'object' || v === null) { p.push(`${name} must be an object of location -> price`); return; }
    for (const [loc, price] of Object.entries(v)) if (!num(price)) p.push(`${name}.${loc} must be a non-negative number`);
  };
  byLoc(o.primary_ipv4_month, 'primary_ipv4_month');
  if (typeof o.server_types !== 'object' || o.server_types === null) p.push('server_types must be an object');
  else for (const [name, v] of Object.entries(o.server_types)) byLoc(v, `server_types.${name}`);
  return p;
}

function checked(data: unknown, where: string): PriceTable {
  const problems = priceTableProblems(data);
  if (problems.length) throw new Error(`${where}: invalid price table:\n  ${problems.join('\n  ')}`);
  return data as PriceTable;
}

/** Reads and checks a price table; throws with every problem. */
export function loadPriceTable(file: string): PriceTable {
  return checked(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

/** The table shipped with the repository (bundled at build time). */
export function shippedPriceTable(): PriceTable {
  return checked(shipped, PRICES_FILE);
}

/** Stable JSON (sorted keys) so that a refresh diff shows only what changed. */
export function formatPriceTable(t: PriceTable): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v) || typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  };
  const head = { date: t.date, approximate: t.approximate, source: t.source, currency: t.currency, basis: t.basis };
  return `${JSON.stringify({ ...head, volume_gb_month: t.volume_gb_month, server_backup_percent: t.server_backup_percent, primary_ipv4_month: sortKeys(t.primary_ipv4_month), server_types: sortKeys(t.server_types) }, null, 2)}\n`;
}
