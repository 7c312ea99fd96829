/**
 * The routes every resource family shares, written once: list (`name`,
 * `label_selector`, the family's own filters, sort, pages), get by id, update
 * (name and labels, plus the family's own fields) and delete (delete
 * protection, the family's own checks and cleanup). What differs between
 * families is data in a `ResourceFamily`; create and the actions stay in the
 * family's own file, where their rules are.
 */
import { renderAction } from './actions';
import { protectedError, uniqueness } from './errors';
import { listResponse, recordById } from './pagination';
import type { Router } from './router';
import type { ActionRecord, ApiState, Labels, Store } from './state';
import * as v from './validate';

/** What the shared routes need of a record. */
export interface NamedRecord {
  readonly id: number;
  name: string;
  labels: Labels;
  readonly protection?: { readonly delete?: boolean };
}

export interface ResourceFamily<R extends NamedRecord> {
  /** Path segment and list key, e.g. `servers`. */
  readonly collection: string;
  /** Key of one record in a response body, and the noun in not_found errors, e.g. `server`. */
  readonly kind: string;
  /** Noun in uniqueness and protection messages. @default - `kind` */
  readonly noun?: string;
  /** The live list of records in the state (the array itself, not a copy). */
  readonly records: (state: ApiState) => R[];
  /** The record as the API shows it. */
  readonly render: (state: ApiState, r: R) => unknown;
  /** The record a path `{id}` names. @default - the record with that numeric id, else not_found */
  readonly find?: (state: ApiState, raw: string) => R;
  /**
   * Validates a new name on update; `false`: the name cannot change (a `name`
   * in the body is ignored, like any field the API does not know).
   * @default - Hetzner's resource-name rule (validate.ts `resourceName`)
   */
  readonly validateName?: ((body: any) => string) | false;
  /** Fields of PUT beyond name and labels. @default - none */
  readonly update?: (r: R, body: any) => void;
  /** List filters beyond name and label_selector, from the query. @default - none */
  readonly filters?: (query: URLSearchParams, state: ApiState) => ((rs: R[]) => R[])[];
  /**
   * The family's part of DELETE, after the delete-protection check: throw to
   * refuse, clean up what goes with the record, and return the action to
   * answer with (200) or nothing (204). The shared route then drops the record.
   * @default - nothing to check or clean up; 204
   */
  readonly remove?: (store: Store, r: R) => ActionRecord | void;
}

/** Throws uniqueness_error when another record of the family already has `name`. */
export function requireUniqueName<R extends NamedRecord>(records: readonly R[], name: string, noun: string, except?: R): void {
  if (records.some((x) => x !== except && x.name === name)) throw uniqueness(noun, 'name', name);
}

/** Registers `GET /<collection>`, `GET|PUT|DELETE /<collection>/{id}` for one family. */
export function registerResourceRoutes<R extends NamedRecord>(router: Router, family: ResourceFamily<R>): void {
  const noun = family.noun ?? family.kind;
  const find = family.find ?? ((state: ApiState, raw: string) => recordById(family.records(state), raw, family.kind));
  const one = (state: ApiState, r: R) => ({ status: 200, body: { [family.kind]: family.render(state, r) } });

  router.get(`/${family.collection}`, (req) => {
    const state = req.store.state;
    return listResponse(family.collection, family.records(state), req.query, (r) => family.render(state, r), {
      filters: family.filters?.(req.query, state),
    });
  });

  router.get(`/${family.collection}/{id}`, (req) => one(req.store.state, find(req.store.state, req.params.id)));

  router.put(`/${family.collection}/{id}`, (req) => {
    const state = req.store.state;
    const r = find(state, req.params.id);
    const name = v.optionalString(req.body, 'name');
    if (family.validateName !== false && name !== undefined && name !== r.name) {
      requireUniqueName(family.records(state), name, noun, r);
      r.name = (family.validateName ?? v.resourceName)(req.body);
    }
    if (req.body.labels !== undefined) r.labels = v.labels(req.body.labels);
    family.update?.(r, req.body);
    return one(state, r);
  });

  router.delete(`/${family.collection}/{id}`, (req) => {
    const state = req.store.state;
    const r = find(state, req.params.id);
    if (r.protection?.delete) throw protectedError(noun, r.id, 'delete');
    const action = family.remove?.(req.store, r);
    const list = family.records(state);
    const at = list.indexOf(r);
    if (at >= 0) list.splice(at, 1);
    return action ? { status: 200, body: { action: renderAction(action) } } : { status: 204 };
  });
}
