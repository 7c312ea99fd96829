/**
 * The Qdrant STAND-IN (test-support/qdrant-standin.ts) that the tenant_qdrant
 * role is tested against, because no Qdrant server can run on this machine.
 * These tests show that its checks have teeth: a request that departs from
 * Qdrant's published REST shapes is recorded as a violation and refused, and
 * its JWT handling follows Qdrant's RBAC rules. They prove nothing about a
 * real Qdrant server.
 */
import { createHash, createHmac } from 'crypto';
import { QdrantStandin, startQdrantStandin } from '../../test-support/qdrant-standin';

const KEY = 'standin-api-key-0123456789';
let q: QdrantStandin;

beforeAll(async () => {
  q = await startQdrantStandin({ apiKey: KEY, jwtRbac: true });
});
afterAll(async () => {
  await q?.stop();
});

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function jwt(claims: unknown, key = KEY): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { 'api-key': KEY }) {
  return fetch(`${q.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

test('creates a collection from { vectors: { size, distance } } and reports it back in the published shape', async () => {
  expect((await call('PUT', '/collections/c1', { vectors: { size: 3, distance: 'Euclid' } })).status).toBe(200);
  const got: unknown = await (await call('GET', '/collections/c1')).json();
  expect(got).toMatchObject({ status: 'ok', result: { config: { params: { vectors: { size: 3, distance: 'Euclid' } } } } });
  expect((await call('PUT', '/collections/c1', { vectors: { size: 3, distance: 'Euclid' } })).status).toBe(409);
  expect((await call('GET', '/collections/missing')).status).toBe(404);
});

test('refuses and records a body Qdrant would reject', async () => {
  const before = q.violations().length;
  expect((await call('PUT', '/collections/c2', { vectors: { size: '3', distance: 'Cosine' } })).status).toBe(422);
  expect((await call('PUT', '/collections/c3', { vectors: { size: 3, distance: 'cosine' } })).status).toBe(422);
  expect((await call('PUT', '/collections/c4', { vector: { size: 3, distance: 'Cosine' } })).status).toBe(422);
  expect(q.violations().slice(before)).toEqual([
    'PUT /collections/c2: create collection: vectors.size must be a positive integer, got "3"',
    'PUT /collections/c3: create collection: vectors.distance must be one of Cosine, Euclid, Dot, Manhattan, got "cosine"',
    'PUT /collections/c4: create collection: unknown field "vector"',
    'PUT /collections/c4: create collection: "vectors" must be an object { size, distance }',
  ]);
});

test('needs the api-key header or a bearer token', async () => {
  expect((await call('GET', '/collections', undefined, {})).status).toBe(401);
  expect((await call('GET', '/collections', undefined, { 'api-key': 'wrong' })).status).toBe(403);
  expect((await call('GET', '/collections', undefined, { authorization: `Bearer ${KEY}` })).status).toBe(200);
});

test('a collection-scoped JWT reads and writes its collection only and cannot create collections', async () => {
  await call('PUT', '/collections/c5', { vectors: { size: 2, distance: 'Dot' } });
  const token = { authorization: `Bearer ${jwt({ access: [{ collection: 'c1', access: 'rw' }] })}` };
  expect((await call('GET', '/collections/c1', undefined, token)).status).toBe(200);
  expect((await call('PUT', '/collections/c1/points', { points: [{ id: 1, vector: [1, 2, 3] }] }, token)).status).toBe(200);
  expect((await call('GET', '/collections/c5', undefined, token)).status).toBe(403);
  expect((await call('PUT', '/collections/c6', { vectors: { size: 2, distance: 'Dot' } }, token)).status).toBe(403);
  const list = (await (await call('GET', '/collections', undefined, token)).json()) as { result: { collections: unknown[] } };
  expect(list.result.collections).toEqual([{ name: 'c1' }]);
  const forged = { authorization: `Bearer ${jwt({ access: [{ collection: 'c5', access: 'rw' }] }, 'another-key')}` };
  expect((await call('GET', '/collections/c5', undefined, forged)).status).toBe(403);
});

/** Qdrant's "recover from an uploaded snapshot": multipart/form-data with the file in the field "snapshot". */
function upload(collection: string, file: Buffer, query: string, field = 'snapshot') {
  const form = new FormData();
  form.append(field, new Blob([file]), 'c.snapshot');
  return fetch(`${q.url}/collections/${collection}/snapshots/upload?${query}`, { method: 'POST', headers: { 'api-key': KEY }, body: form });
}

test('a collection snapshot (create, list, download, delete) recovers the collection as it was, through an upload checked against its sha256', async () => {
  await call('PUT', '/collections/s1', { vectors: { size: 2, distance: 'Dot' } });
  await call('PUT', '/collections/s1/points', { points: [{ id: 7, vector: [1, 2], payload: { k: 'v' } }] });
  const made = (await (await call('POST', '/collections/s1/snapshots')).json()) as { result: { name: string; size: number; checksum: string } };
  expect(made.result.name).toMatch(/^s1-\d+-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.snapshot$/);
  expect(((await (await call('GET', '/collections/s1/snapshots')).json()) as { result: unknown[] }).result).toEqual([expect.objectContaining({ name: made.result.name, size: made.result.size })]);
  const file = Buffer.from(await (await call('GET', `/collections/s1/snapshots/${made.result.name}`)).arrayBuffer());
  expect(createHash('sha256').update(file).digest('hex')).toBe(made.result.checksum);
  expect((await call('DELETE', `/collections/s1/snapshots/${made.result.name}`)).status).toBe(200);
  expect((await call('GET', `/collections/s1/snapshots/${made.result.name}`)).status).toBe(404);

  expect((await call('POST', '/collections/s1/points/delete', { points: [7] })).status).toBe(200);
  expect((await call('GET', '/collections/s1/points/7')).status).toBe(404);
  expect((await upload('s1', file, `priority=snapshot&checksum=${made.result.checksum}`)).status).toBe(200);
  expect(await (await call('GET', '/collections/s1/points/7')).json()).toMatchObject({ result: { id: 7, vector: [1, 2], payload: { k: 'v' } } });
  // Into a collection that does not exist: Qdrant makes it.
  expect((await upload('s2', file, 'priority=snapshot')).status).toBe(200);
  expect(await (await call('GET', '/collections/s2')).json()).toMatchObject({ result: { points_count: 1, config: { params: { vectors: { size: 2, distance: 'Dot' } } } } });
});

test('fails if a recovered snapshot does not match its checksum, is not in the field "snapshot", or is not a snapshot; the collection stays', async () => {
  await call('PUT', '/collections/s3', { vectors: { size: 2, distance: 'Dot' } });
  await call('PUT', '/collections/s3/points', { points: [{ id: 1, vector: [1, 1] }] });
  const made = (await (await call('POST', '/collections/s3/snapshots')).json()) as { result: { name: string; checksum: string } };
  const file = Buffer.from(await (await call('GET', `/collections/s3/snapshots/${made.result.name}`)).arrayBuffer());
  const before = q.violations().length;
  const wrongSum = await upload('s3', file, `checksum=${'0'.repeat(64)}`);
  expect([wrongSum.status, ((await wrongSum.json()) as { status: { error: string } }).status.error]).toEqual([400, `Bad request: Snapshot checksum mismatch: expected ${'0'.repeat(64)}, got ${made.result.checksum}`]);
  expect((await upload('s3', file, 'priority=snapshot', 'file')).status).toBe(400);
  expect((await upload('s3', file, 'priority=newest')).status).toBe(400);
  expect((await upload('s3', Buffer.from('not a snapshot'), 'priority=snapshot')).status).toBe(400);
  expect(q.violations().slice(before)).toEqual([
    'POST /collections/s3/snapshots/upload: recover snapshot: no file in the form field "snapshot"',
    'POST /collections/s3/snapshots/upload: recover snapshot: priority must be no_sync, snapshot or replica, got "newest"',
  ]);
  expect(q.collections.get('s3')?.points).toBe(1);
});
