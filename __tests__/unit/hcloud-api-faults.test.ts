import { Faults } from '../../local-cloud/faults';

describe('Faults', () => {
  test('matches method and a path pattern with * (one segment) and ** (the rest)', () => {
    const f = new Faults();
    f.add({ method: 'POST', path: '/servers/*/actions/**', status: 500 });
    expect(f.decide('POST', '/servers/1/actions/poweron')).toEqual({ status: 500, when: 'before' });
    expect(f.decide('GET', '/servers/1/actions/poweron')).toBeUndefined();
    expect(f.decide('POST', '/servers')).toBeUndefined();
    expect(f.decide('POST', '/servers/1/x/actions/poweron')).toBeUndefined();
  });

  test('a literal path matches only itself', () => {
    const f = new Faults();
    f.add({ path: '/servers', status: 429 });
    expect(f.decide('POST', '/servers')?.status).toBe(429);
    expect(f.decide('GET', '/servers/1')).toBeUndefined();
  });

  test('nth fails only the chosen matching calls', () => {
    const f = new Faults();
    f.add({ path: '/networks', status: 500, nth: [2, 3] });
    const got = [1, 2, 3, 4].map(() => f.decide('POST', '/networks')?.status);
    expect(got).toEqual([undefined, 500, 500, undefined]);
  });

  test('times caps how often a rule fires', () => {
    const f = new Faults();
    f.add({ status: 500, times: 2 });
    expect([1, 2, 3].map(() => f.decide('GET', '/x')?.status)).toEqual([500, 500, undefined]);
    expect(f.injected).toHaveLength(2);
  });

  test('probability faults are reproducible from the seed', () => {
    const run = (seed: number) => {
      const f = new Faults(seed);
      f.add({ status: 500, probability: 0.3 });
      return Array.from({ length: 50 }, () => (f.decide('GET', '/servers') ? 1 : 0));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const hits = run(7).reduce<number>((a, b) => a + b, 0);
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(30);
  });

  test('a RegExp path and the "after" mode are passed through', () => {
    const f = new Faults();
    f.add({ path: /^\/zones\//, status: 503, when: 'after' });
    expect(f.decide('DELETE', '/zones/example.com')).toEqual({ status: 503, when: 'after' });
  });

  test('clear removes the rules but keeps the log', () => {
    const f = new Faults();
    f.add({ status: 500 });
    f.decide('GET', '/a');
    f.clear();
    expect(f.decide('GET', '/a')).toBeUndefined();
    expect(f.injected).toEqual([{ method: 'GET', path: '/a', status: 500, when: 'before', rule: 0 }]);
  });
});
