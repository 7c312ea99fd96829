import { formatPriceTable } from '../../review/prices';
import { priceTableFromPricing, type PricingResponse } from '../../review/pricing-api';

const money = (net: string) => ({ net, gross: (Number(net) * 1.19).toFixed(10) });
const perLocation = (net: string, locations = ['fsn1', 'nbg1']) =>
  locations.map((location) => ({ location, price_hourly: money('0.0060'), price_monthly: money(net) }));

/** Shaped like Hetzner's documented GET /pricing response (values made up). */
const PRICING: PricingResponse = {
  pricing: {
    currency: 'EUR',
    vat_rate: '19.00',
    volume: { price_per_gb_month: money('0.0572000000') },
    server_backup: { percentage: '20.0000000000' },
    primary_ips: [
      { type: 'ipv4', prices: perLocation('0.6100000000') },
      { type: 'ipv6', prices: perLocation('0.0000000000') },
    ],
    server_types: [
      { name: 'cx23', prices: perLocation('3.4900000000') },
      { name: 'cpx11', prices: perLocation('4.9900000000', ['ash']) },
    ],
  },
};

describe('price table from the pricing API', () => {
  test('takes net monthly prices per server type and location, volume per GB, IPv4 per location', () => {
    const t = priceTableFromPricing(PRICING, '2026-11-24', 'http://127.0.0.1:1/v1/');
    expect(t).toEqual({
      date: '2026-11-24',
      approximate: false,
      source: "Hetzner Cloud API GET http://127.0.0.1:1/v1/pricing, net prices of the token's project",
      currency: 'EUR',
      basis: 'net (excl. VAT), monthly cap',
      volume_gb_month: 0.0572,
      server_backup_percent: 20,
      primary_ipv4_month: { fsn1: 0.61, nbg1: 0.61 },
      server_types: { cx23: { fsn1: 3.49, nbg1: 3.49 }, cpx11: { ash: 4.99 } },
    });
  });

  test('fails if a price is not a number, naming it', () => {
    const broken = JSON.parse(JSON.stringify(PRICING)) as { pricing: { server_types: { prices: { price_monthly: { net: string } }[] }[] } };
    broken.pricing.server_types[0].prices[1].price_monthly.net = 'n/a';
    expect(() => priceTableFromPricing(broken as unknown as PricingResponse, '2026-11-24', 'x')).toThrow('server type cx23 in nbg1 has no numeric net price');
  });

  test('is written with sorted keys, so a refresh diff shows only what changed', () => {
    const text = formatPriceTable(priceTableFromPricing(PRICING, '2026-11-24', 'x'));
    expect(text.indexOf('"cpx11"')).toBeLessThan(text.indexOf('"cx23"'));
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text).server_types.cpx11).toEqual({ ash: 4.99 });
  });
});
