import { runPool } from '../../review/pool';
import { DUMMY_TOKEN } from '../../lib/hetzner';
import { requiredVariables, stackEnv } from '../../review/stack-env';

describe('runPool', () => {
  test('never runs more than the limit at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await runPool([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    expect(peak).toBe(2);
    expect(out).toEqual([0, 1, 2, 3, 4].map((value) => ({ ok: true, value })));
  });

  test('a failing item does not stop the others', async () => {
    const out = await runPool([1, 2, 3], 3, async (n) => {
      if (n === 2) throw new Error('boom');
      return n;
    });
    expect(out.map((r) => (r.ok ? r.value : r.error.message))).toEqual([1, 'boom', 3]);
  });
});

describe('stackEnv', () => {
  const byo = { variable: { ACME_HCLOUD_TOKEN: { type: 'string', sensitive: true } } };

  test('without a token: a 64-character dummy and no refresh', () => {
    const e = stackEnv({}, { PATH: '/bin' });
    expect(e.env.HCLOUD_TOKEN).toBe(DUMMY_TOKEN);
    expect(DUMMY_TOKEN).toHaveLength(64);
    expect(e.offline).toBe(true);
  });

  test('with the platform token: plans refresh against the API', () => {
    expect(stackEnv({}, { HCLOUD_TOKEN: 'real' })).toMatchObject({ offline: false, env: { HCLOUD_TOKEN: 'real' } });
  });

  test('a bring-your-own-project token comes from the variable named in the tenant file', () => {
    expect(requiredVariables(byo)).toEqual(['ACME_HCLOUD_TOKEN']);
    const e = stackEnv(byo, { HCLOUD_TOKEN: 'real', ACME_HCLOUD_TOKEN: 'own' });
    expect(e).toMatchObject({ offline: false, env: { TF_VAR_ACME_HCLOUD_TOKEN: 'own' } });
    const missing = stackEnv(byo, { HCLOUD_TOKEN: 'real' });
    expect(missing).toMatchObject({ offline: true, env: { TF_VAR_ACME_HCLOUD_TOKEN: DUMMY_TOKEN } });
  });
});
