import { LabelSelectorError, matchesSelector, parseLabelSelector } from '../../local-cloud/label-selector';

const acme = { tenant_id: 'acme', role: 'worker', environment: 'production' };
const globex = { tenant_id: 'globex', environment: 'staging' };
const bare = {};

describe('parseLabelSelector', () => {
  test('parses every operator of Hetzner selector syntax', () => {
    expect(parseLabelSelector('k=v,k==v,k!=v,k,!k,k in (a,b),k notin (c)')).toEqual([
      { op: 'eq', key: 'k', value: 'v' },
      { op: 'eq', key: 'k', value: 'v' },
      { op: 'neq', key: 'k', value: 'v' },
      { op: 'exists', key: 'k' },
      { op: 'absent', key: 'k' },
      { op: 'in', key: 'k', values: ['a', 'b'] },
      { op: 'notin', key: 'k', values: ['c'] },
    ]);
  });

  test('accepts spaces around operators and inside value lists, prefixed keys and empty values', () => {
    expect(parseLabelSelector(' example.com/team = a ,  role in ( x , y ) , flag= ')).toEqual([
      { op: 'eq', key: 'example.com/team', value: 'a' },
      { op: 'in', key: 'role', values: ['x', 'y'] },
      { op: 'eq', key: 'flag', value: '' },
    ]);
  });

  test('the empty selector has no requirement', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('   ')).toEqual([]);
  });

  test('a key that starts with "in" or "notin" is an existence check, not an operator', () => {
    expect(parseLabelSelector('inbound,notinuse')).toEqual([
      { op: 'exists', key: 'inbound' },
      { op: 'exists', key: 'notinuse' },
    ]);
  });

  test.each([
    ['k in (a', 'expected "," or ")"'],
    ['k in a', 'expected "(" after in/notin'],
    ['k=v,', 'expected a label key'],
    ['!', 'expected a label key'],
    ['k=v w', 'expected "," between expressions'],
    // The label rules come from lib/hetzner.ts; the message names the offending key or value.
    ['-k=v', '"-k"'],
    ['k=-v', '"-v"'],
    ['k=v;rm', 'expected "," between expressions'],
  ])('fails if the selector is malformed: %s', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });

  test('an error names the position of the problem', () => {
    try {
      parseLabelSelector('tenant_id=acme,role in (a');
      throw new Error('not thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(LabelSelectorError);
      expect((e as LabelSelectorError).position).toBe(25);
    }
  });
});

describe('matchesSelector', () => {
  test('k=v selects exactly the resources with that value', () => {
    expect(matchesSelector(acme, 'tenant_id=acme')).toBe(true);
    expect(matchesSelector(globex, 'tenant_id=acme')).toBe(false);
    expect(matchesSelector(bare, 'tenant_id=acme')).toBe(false);
  });

  test('comma means AND', () => {
    expect(matchesSelector(acme, 'tenant_id=acme,role=worker')).toBe(true);
    expect(matchesSelector(acme, 'tenant_id=acme,role=database')).toBe(false);
  });

  test('k and !k test presence', () => {
    expect(matchesSelector(acme, 'role')).toBe(true);
    expect(matchesSelector(globex, 'role')).toBe(false);
    expect(matchesSelector(globex, '!role')).toBe(true);
    expect(matchesSelector(acme, '!role')).toBe(false);
  });

  test('in and notin test set membership', () => {
    expect(matchesSelector(acme, 'environment in (production,staging)')).toBe(true);
    expect(matchesSelector(globex, 'environment in (production)')).toBe(false);
    expect(matchesSelector(globex, 'environment notin (production)')).toBe(true);
    expect(matchesSelector(acme, 'environment notin (production)')).toBe(false);
  });

  test('k!=v and notin also select resources without the key (Kubernetes semantics)', () => {
    expect(matchesSelector(bare, 'tenant_id!=acme')).toBe(true);
    expect(matchesSelector(bare, 'tenant_id notin (acme)')).toBe(true);
    expect(matchesSelector(acme, 'tenant_id!=acme')).toBe(false);
  });

  test('the empty selector selects everything', () => {
    expect(matchesSelector(bare, '')).toBe(true);
  });
});
