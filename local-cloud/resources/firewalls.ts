/**
 * Firewalls: list, get, create (rules + apply_to), update, delete, and the
 * actions set_rules, apply_to_resources, remove_from_resources.
 *
 * `apply_to` entries of type `label_selector` are resolved on every read to
 * the servers whose labels match, as Hetzner does: a server created later with
 * matching labels is covered at once, and `applied_to[].applied_to_resources`
 * lists them. Limits (FACTS): 50 rules and 500 effective rules per firewall
 * (a rule counts once per address it names), 5 firewalls per server.
 *
 * Hetzner applies firewalls to public interfaces only: applying one directly
 * to a server without a public IP is refused (`private_net_only_server`), and
 * naming a server twice in one request is refused (`server_already_added`).
 *
 * Simplification: a label selector still lists a matching server without a
 * public interface as covered (what Hetzner shows for one is not documented).
 */
import { createAction, registerResourceActions, renderAction } from '../actions';
import { ApiError, invalidInput } from '../errors';
import { LabelSelectorError, parseLabelSelector } from '../label-selector';
import { recordById } from '../pagination';
import { firewallsOfServer, serversOfApplyTo } from '../relations';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, ApplyToRecord, FirewallRecord, FirewallRuleRecord, ServerRecord, Store } from '../state';
import * as v from '../validate';

export const MAX_RULES = 50;
export const MAX_EFFECTIVE_RULES = 500;
export const MAX_FIREWALLS_PER_SERVER = 5;

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'esp', 'gre'];

export function renderFirewall(state: ApiState, fw: FirewallRecord) {
  return {
    id: fw.id,
    name: fw.name,
    labels: fw.labels,
    created: fw.created,
    rules: fw.rules.map((r) => ({ ...r })),
    applied_to: fw.apply_to.map((a) =>
      a.type === 'server'
        ? { type: 'server', server: { id: a.server.id } }
        : {
            type: 'label_selector',
            label_selector: { selector: a.label_selector.selector },
            applied_to_resources: serversOfApplyTo(state, a).map((s) => ({ type: 'server', server: { id: s.id } })),
          },
    ),
  };
}

function port(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw === '') throw invalidInput(field, 'is required for tcp and udp rules');
  if (raw === 'any') return raw;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(raw);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m && m[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw invalidInput(field, `"${raw}" must be a port (1-65535), a range "80-85", or "any"`);
  return raw;
}

function cidrList(raw: unknown, field: string, required: boolean): string[] {
  if (raw === undefined || raw === null) {
    if (required) throw invalidInput(field, 'is required and must not be empty');
    return [];
  }
  if (!Array.isArray(raw) || (required && raw.length === 0)) throw invalidInput(field, 'must be a non-empty list of CIDRs');
  return raw.map((c, i) => {
    if (typeof c !== 'string') throw invalidInput(`${field}[${i}]`, 'must be a CIDR string');
    const problem = v.cidrProblem(c);
    if (problem) throw invalidInput(`${field}[${i}]`, problem);
    return c;
  });
}

/** Validates a rule list as the API does and returns the stored form. */
export function parseRules(raw: unknown, field = 'rules'): FirewallRuleRecord[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput(field, 'must be a list');
  const rules = raw.map((r: any, i): FirewallRuleRecord => {
    const f = `${field}[${i}]`;
    const direction = r?.direction;
    if (direction !== 'in' && direction !== 'out') throw invalidInput(`${f}.direction`, `"${direction}" is not allowed; allowed: in, out`);
    const protocol = r?.protocol;
    if (!PROTOCOLS.includes(protocol)) throw invalidInput(`${f}.protocol`, `"${protocol}" is not allowed; allowed: ${PROTOCOLS.join(', ')}`);
    const hasPort = protocol === 'tcp' || protocol === 'udp';
    if (!hasPort && r.port !== undefined && r.port !== null && r.port !== '') throw invalidInput(`${f}.port`, `is not allowed for protocol ${protocol}`);
    const description = r.description === undefined || r.description === null ? null : String(r.description);
    if (description !== null && description.length > 255) throw invalidInput(`${f}.description`, 'must be at most 255 characters');
    return {
      direction,
      protocol,
      port: hasPort ? port(r.port, `${f}.port`) : null,
      source_ips: direction === 'in' ? cidrList(r.source_ips, `${f}.source_ips`, true) : [],
      destination_ips: direction === 'out' ? cidrList(r.destination_ips, `${f}.destination_ips`, true) : [],
      description,
    };
  });
  if (rules.length > MAX_RULES) throw invalidInput(field, `at most ${MAX_RULES} rules per firewall; got ${rules.length}`);
  const effective = rules.reduce((n, r) => n + Math.max(1, r.source_ips.length + r.destination_ips.length), 0);
  if (effective > MAX_EFFECTIVE_RULES) {
    throw new ApiError('resource_limit_exceeded', `the rules count as ${effective} effective rules; at most ${MAX_EFFECTIVE_RULES} are allowed`);
  }
  return rules;
}

/** Throws private_net_only_server unless the server has a public IPv4 or IPv6: firewalls filter public interfaces only. */
export function requirePublicInterface(server: ServerRecord, field: string): void {
  if (server.ipv4 === null && server.ipv6 === null) {
    throw new ApiError('private_net_only_server', `server ${server.id} (${field}) has no public interface; firewalls apply to public interfaces only`);
  }
}

/** Validates apply_to entries (server exists, has a public interface, is named once; selector parses). */
function parseApplyTo(state: ApiState, raw: unknown, field: string): ApplyToRecord[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput(field, 'must be a list');
  const seen = new Set<number>();
  return raw.map((a: any, i): ApplyToRecord => {
    const f = `${field}[${i}]`;
    if (a?.type === 'server') {
      const id = a.server?.id;
      const server = state.servers.find((s) => s.id === id);
      if (!server) throw new ApiError('firewall_resource_not_found', `server ${String(id)} (${f}) not found`);
      if (seen.has(server.id)) throw new ApiError('server_already_added', `server ${server.id} is named more than once in ${field}`);
      seen.add(server.id);
      requirePublicInterface(server, f);
      return { type: 'server', server: { id } };
    }
    if (a?.type === 'label_selector') {
      const selector = a.label_selector?.selector;
      if (typeof selector !== 'string') throw invalidInput(`${f}.label_selector.selector`, 'is required');
      try {
        parseLabelSelector(selector);
      } catch (e) {
        if (e instanceof LabelSelectorError) throw invalidInput(`${f}.label_selector.selector`, e.message);
        throw e;
      }
      return { type: 'label_selector', label_selector: { selector } };
    }
    throw invalidInput(`${f}.type`, `"${a?.type}" is not allowed; allowed: server, label_selector`);
  });
}

const sameEntry = (a: ApplyToRecord, b: ApplyToRecord) =>
  a.type === b.type && (a.type === 'server' ? a.server.id === (b as any).server.id : a.label_selector.selector === (b as any).label_selector.selector);

/** Throws when applying `fw` would give a server more than 5 firewalls. */
function checkPerServerLimit(state: ApiState, fw: FirewallRecord): void {
  for (const entry of fw.apply_to) {
    for (const s of serversOfApplyTo(state, entry)) {
      const n = firewallsOfServer(state, s).length;
      if (n > MAX_FIREWALLS_PER_SERVER) {
        throw new ApiError('resource_limit_exceeded', `server ${s.id} would have ${n} firewalls; at most ${MAX_FIREWALLS_PER_SERVER} are allowed`);
      }
    }
  }
}

/** One action per covered resource, like Hetzner's apply/remove answers. */
function firewallActions(store: Store, fw: FirewallRecord, command: string, entries: ApplyToRecord[]) {
  const targets = entries.flatMap((e) => serversOfApplyTo(store.state, e).map((s) => s.id));
  const resources = [{ id: fw.id, type: 'firewall' }, ...targets.map((id) => ({ id, type: 'server' }))];
  return [renderAction(createAction(store, command, resources))];
}

export function registerFirewalls(router: Router): void {
  registerResourceActions(router, 'firewalls', 'firewall');

  registerResourceRoutes(router, {
    collection: 'firewalls',
    kind: 'firewall',
    records: (s) => s.firewalls,
    render: renderFirewall,
    remove: (_store, fw) => {
      if (fw.apply_to.length > 0) throw new ApiError('resource_in_use', `firewall ${fw.id} is still applied; remove it from its resources first`);
    },
  });

  router.post('/firewalls', (r) => {
    const s = r.store.state;
    const name = v.resourceName(r.body);
    requireUniqueName(s.firewalls, name, 'firewall');
    const fw: FirewallRecord = {
      id: r.store.nextId('firewall'),
      name,
      created: r.store.now(),
      labels: v.labels(r.body.labels),
      rules: parseRules(r.body.rules),
      apply_to: parseApplyTo(s, r.body.apply_to, 'apply_to'),
    };
    s.firewalls.push(fw);
    try {
      checkPerServerLimit(s, fw);
    } catch (e) {
      s.firewalls.pop();
      throw e;
    }
    const actions = [renderAction(createAction(r.store, 'set_firewall_rules', [{ id: fw.id, type: 'firewall' }]))];
    if (fw.apply_to.length) actions.push(...firewallActions(r.store, fw, 'apply_firewall', fw.apply_to));
    return { status: 201, body: { firewall: renderFirewall(s, fw), actions } };
  });

  router.post('/firewalls/{id}/actions/set_rules', (r) => {
    const fw = recordById(r.store.state.firewalls, r.params.id, 'firewall');
    if (!Array.isArray(r.body.rules)) throw invalidInput('rules', 'is required and must be a list (empty to remove every rule)');
    fw.rules = parseRules(r.body.rules);
    const actions = [renderAction(createAction(r.store, 'set_firewall_rules', [{ id: fw.id, type: 'firewall' }]))];
    return { status: 201, body: { actions } };
  });

  router.post('/firewalls/{id}/actions/apply_to_resources', (r) => {
    const s = r.store.state;
    const fw = recordById(s.firewalls, r.params.id, 'firewall');
    const entries = parseApplyTo(s, r.body.apply_to, 'apply_to');
    for (const e of entries) {
      if (fw.apply_to.some((x) => sameEntry(x, e))) throw new ApiError('firewall_already_applied', `firewall ${fw.id} is already applied to ${describe(e)}`);
    }
    const before = fw.apply_to;
    fw.apply_to = [...before, ...entries];
    try {
      checkPerServerLimit(s, fw);
    } catch (e) {
      fw.apply_to = before;
      throw e;
    }
    return { status: 201, body: { actions: firewallActions(r.store, fw, 'apply_firewall', entries) } };
  });

  router.post('/firewalls/{id}/actions/remove_from_resources', (r) => {
    const s = r.store.state;
    const fw = recordById(s.firewalls, r.params.id, 'firewall');
    const raw = r.body.remove_from;
    if (!Array.isArray(raw)) throw invalidInput('remove_from', 'is required and must be a list');
    const entries: ApplyToRecord[] = raw.map((a: any, i: number) => {
      if (a?.type === 'server') return { type: 'server', server: { id: a.server?.id } };
      if (a?.type === 'label_selector') return { type: 'label_selector', label_selector: { selector: a.label_selector?.selector } };
      throw invalidInput(`remove_from[${i}].type`, `"${a?.type}" is not allowed; allowed: server, label_selector`);
    });
    for (const e of entries) {
      if (!fw.apply_to.some((x) => sameEntry(x, e))) {
        if (e.type === 'server' && !s.servers.some((srv) => srv.id === e.server.id)) {
          throw new ApiError('firewall_resource_not_found', `server ${e.server.id} not found`);
        }
        if (e.type === 'server' && fw.apply_to.some((x) => x.type === 'label_selector' && serversOfApplyTo(s, x).some((srv) => srv.id === e.server.id))) {
          throw new ApiError('firewall_managed_by_label_selector', `firewall ${fw.id} covers server ${e.server.id} through a label selector; remove the selector instead`);
        }
        throw new ApiError('firewall_already_removed', `firewall ${fw.id} is not applied to ${describe(e)}`);
      }
    }
    const actions = firewallActions(r.store, fw, 'remove_firewall', entries);
    fw.apply_to = fw.apply_to.filter((x) => !entries.some((e) => sameEntry(x, e)));
    return { status: 201, body: { actions } };
  });
}

function describe(e: ApplyToRecord): string {
  return e.type === 'server' ? `server ${e.server.id}` : `label selector "${e.label_selector.selector}"`;
}
