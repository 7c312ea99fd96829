/**
 * Actions: every asynchronous change answers with an action the client polls
 * (`GET /actions?id=..`, `GET /actions/{id}`, `GET /<family>/actions/...`).
 *
 * Simplification: the change itself is applied when the request is made; the
 * action only reports `running` for `actionPolls` reads (option of
 * startHcloudApi, default 0; the end-to-end tests use 1) and then `success`.
 * Hetzner's `locked` error for a second action on a busy resource is not
 * modelled from the state; fault injection produces it (status 423).
 */
import { notFound } from './errors';
import { filterByField, paginate, pathId, sortItems } from './pagination';
import type { Router } from './router';
import type { ActionRecord, Store } from './state';

/** Hetzner caps the action history; so do we, to keep the state file small. */
const MAX_ACTIONS = 5000;

export function createAction(store: Store, command: string, resources: { id: number; type: string }[]): ActionRecord {
  const polls = store.options.actionPolls;
  const now = store.now();
  const action: ActionRecord = {
    id: store.nextId('action'),
    command,
    status: polls > 0 ? 'running' : 'success',
    started: now,
    finished: polls > 0 ? null : now,
    resources,
    error: null,
    polls_left: polls,
  };
  store.state.actions.push(action);
  if (store.state.actions.length > MAX_ACTIONS) store.state.actions.splice(0, store.state.actions.length - MAX_ACTIONS);
  return action;
}

/** The action as the API shows it, without advancing it. */
export function renderAction(a: ActionRecord) {
  return {
    id: a.id,
    command: a.command,
    status: a.status,
    progress: a.status === 'running' ? 50 : 100,
    started: a.started,
    finished: a.finished,
    resources: a.resources,
    error: a.error,
  };
}

/** A client read of the action: one poll closer to done. */
function poll(store: Store, a: ActionRecord) {
  const shown = renderAction(a);
  if (a.status === 'running') {
    a.polls_left -= 1;
    if (a.polls_left <= 0) {
      a.status = 'success';
      a.finished = store.now();
    }
  }
  return shown;
}

function list(store: Store, query: URLSearchParams, only?: (a: ActionRecord) => boolean) {
  let actions = store.state.actions.filter((a) => !only || only(a));
  actions = filterByField(actions, query, 'id');
  actions = filterByField(actions, query, 'status');
  const sorted = sortItems(actions, query, ['id', 'command', 'status', 'started', 'finished']);
  const { items, meta } = paginate(sorted, query);
  return { status: 200, body: { actions: items.map((a) => poll(store, a)), meta } };
}

function getOne(store: Store, raw: string, only?: (a: ActionRecord) => boolean) {
  const id = pathId(raw, 'action');
  const a = store.state.actions.find((x) => x.id === id && (!only || only(x)));
  if (!a) throw notFound('action', raw);
  return { status: 200, body: { action: poll(store, a) } };
}

export function registerActions(router: Router): void {
  router.get('/actions', (r) => list(r.store, r.query));
  router.get('/actions/{id}', (r) => getOne(r.store, r.params.id));
}

/**
 * `/<family>/actions`, `/<family>/actions/{id}`, `/<family>/{id}/actions` and
 * `/<family>/{id}/actions/{action_id}` for one resource family.
 */
export function registerResourceActions(
  router: Router,
  family: string,
  type: string,
  /** Turns the path's `{id}` into the resource id (zones also accept their name). */
  resolveId: (store: Store, raw: string) => number = (_s, raw) => Number(raw),
): void {
  const ofType = (a: ActionRecord) => a.resources.some((r) => r.type === type);
  router.get(`/${family}/actions`, (r) => list(r.store, r.query, ofType));
  router.get(`/${family}/actions/{action_id}`, (r) => getOne(r.store, r.params.action_id, ofType));
  const ofResource = (store: Store, raw: string) => {
    const id = resolveId(store, raw);
    return (a: ActionRecord) => a.resources.some((x) => x.type === type && x.id === id);
  };
  router.get(`/${family}/{id}/actions`, (r) => list(r.store, r.query, ofResource(r.store, r.params.id)));
  router.get(`/${family}/{id}/actions/{action_id}`, (r) => getOne(r.store, r.params.action_id, ofResource(r.store, r.params.id)));
}

/** `{action}` response body. */
export function actionBody(a: ActionRecord) {
  return { status: 201, body: { action: renderAction(a) } };
}
