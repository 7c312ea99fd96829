/**
 * Probe outcomes -> findings (pure). A probe whose packet passed where it
 * must be blocked, or was blocked where it must pass, is a finding naming the
 * tenant, the server, the protocol/port and the destination (or source, for
 * inbound). A probe that could not run is "not checked", never a pass.
 */
import type { Finding } from '../finding';
import type { Probe } from './plan';

/** What the prober saw: a connection or answer, a refusal by the destination, silence, an ICMP unreachable, or a failure to probe. */
export type Outcome = 'open' | 'refused' | 'timeout' | 'unreachable' | { readonly error: string };

export interface Judgement {
  readonly findings: readonly Finding[];
  /** Probes that could not run, with why (`tenant-acme-app-1: ssh: connection timed out`). */
  readonly unchecked: readonly { readonly probe: Probe; readonly why: string }[];
  /** Per tenant: probes run and passed. */
  readonly counts: Readonly<Record<string, { readonly run: number; readonly passed: number }>>;
}

/** The probe rules: one per kind of probe, each with why it matters. Found by packets, not by reading the API. */
export const PROBE_RULES: Record<Probe['kind'], { readonly id: string; readonly explanation: string }> = {
  'own-network': { id: 'probe-own-network', explanation: "A tenant's servers must reach each other on their private network; a packet that does not arrive there breaks the tenant's own service." },
  'cross-tenant': { id: 'probe-cross-tenant', explanation: "A packet from one tenant's server arrived at another tenant's private address: the networks are not separate, whatever the API says." },
  egress: { id: 'probe-egress', explanation: "Packets from a tenant's server must leave only to the egress allow-list of its tenant file (nowhere in offline mode), and reach what the list allows." },
  inbound: { id: 'probe-inbound', explanation: 'A server must accept connections only on the declared ports, only from the declared sources; anything else must be dropped before it reaches the server.' },
};

export function passed(outcome: Outcome): boolean | undefined {
  if (typeof outcome === 'object') return undefined;
  return outcome === 'open' || outcome === 'refused';
}

function what(p: Probe): string {
  return p.protocol === 'icmp' ? `ping` : `${p.protocol}/${p.port}`;
}

function message(p: Probe, arrived: boolean): string {
  const target = `${p.address}${p.otherServer ? ` (${p.otherServer})` : ''}`;
  switch (p.kind) {
    case 'own-network':
      return `${p.server} cannot reach ${target} on its own network (${what(p)})`;
    case 'cross-tenant':
      return `${p.server} reaches ${p.otherTenant === '-' ? 'a server no tenant owns' : `tenant ${p.otherTenant}`}: ${target} ${what(p)}`;
    case 'egress':
      return arrived ? `${p.server} sends ${what(p)} to ${p.address}: ${p.because}` : `${p.server} cannot send ${what(p)} to ${p.address}, ${p.because}`;
    case 'inbound': {
      const src = p.from.type === 'outside' ? p.from.address : p.from.server;
      return arrived ? `${p.server} accepts ${what(p)} from ${src}: ${p.because}` : `${p.server} drops ${what(p)} from ${src}, ${p.because}`;
    }
  }
}

export function judge(probes: readonly Probe[], outcomes: ReadonlyMap<string, Outcome>): Judgement {
  const findings: Finding[] = [];
  const unchecked: { probe: Probe; why: string }[] = [];
  const counts: Record<string, { run: number; passed: number }> = {};
  for (const p of probes) {
    const c = (counts[p.tenant] ??= { run: 0, passed: 0 });
    const outcome = outcomes.get(p.id);
    const arrived = outcome === undefined ? undefined : passed(outcome);
    if (arrived === undefined) {
      unchecked.push({ probe: p, why: outcome === undefined ? 'not run' : (outcome as { error: string }).error });
      continue;
    }
    c.run++;
    if (arrived === (p.expect === 'reachable')) {
      c.passed++;
      continue;
    }
    findings.push({
      tenant: p.tenant,
      ...(p.otherTenant && p.otherTenant !== '-' ? { otherTenant: p.otherTenant } : {}),
      rule: PROBE_RULES[p.kind].id,
      severity: 'error',
      resource: `server ${p.server}`,
      message: message(p, arrived),
      explanation: PROBE_RULES[p.kind].explanation,
    });
  }
  return { findings, unchecked, counts };
}
