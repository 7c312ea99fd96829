/**
 * The pieces behind "every problem in one pass" and the message format:
 * salvage (keep what is valid after a schema error) and the diagnostics helpers.
 */
import { didYouMean, editDistance, formatDiagnostic } from '../../lib/diagnostics';
import { salvage } from '../../lib/tenant/salvage';
import { tenantFileSchema } from '../../lib/tenant/schema';

describe('salvage', () => {
  test('drops unknown keys, defaults invalid optional fields and leaves holes for invalid list items', () => {
    const raw = {
      id: 'acme',
      seq: 'twelve',
      environment: 'staging',
      colour: 'red',
      mode: 'sometimes',
      servers: [{ name: 'app' }, { name: 'Bad Name' }, { name: 'db', count: 0 }],
    };
    const s = salvage(tenantFileSchema, raw, { seq: 1 })!;
    const value = s.value as { seq: number; mode: string; servers: unknown[] };
    expect(value.seq).toBe(1); // placeholder
    expect(value.mode).toBe('online'); // the default
    expect(value).not.toHaveProperty('colour');
    expect(value.servers).toHaveLength(3);
    expect(1 in value.servers).toBe(false); // a hole: indices of the others stay
    expect(value.servers[2]).toEqual({ name: 'db', count: 1 });
    expect(s.dropped).toEqual([['seq'], ['mode'], ['servers', 1], ['servers', 2, 'count']]);
  });

  test('gives up only when the document is not a mapping', () => {
    expect(salvage(tenantFileSchema, ['a'])).toBeUndefined();
  });
});

describe('diagnostics', () => {
  test('formats file:line:col: field.path: message, marking warnings and putting file-level problems at 1:1', () => {
    expect(formatDiagnostic({ severity: 'error', file: 't/a.yaml', path: ['firewall', 'ingress', 0, 'port'], message: 'm', line: 12, col: 7 })).toBe('t/a.yaml:12:7: firewall.ingress[0].port: m');
    expect(formatDiagnostic({ severity: 'warning', file: 't/a.yaml', path: ['seq'], message: 'm', line: 2, col: 6 })).toBe('t/a.yaml:2:6: warning: seq: m');
    expect(formatDiagnostic({ severity: 'error', file: 't/a.yaml', path: [], message: 'm' })).toBe('t/a.yaml:1:1: (file): m');
  });

  test('suggests near misses, swapped letters and unique prefixes, and nothing far off', () => {
    expect(editDistance('cuont', 'count')).toBe(1);
    expect(didYouMean('cuont', ['name', 'count'])).toBe('count');
    expect(didYouMean('enviroment', ['environment', 'seq'])).toBe('environment');
    expect(didYouMean('prod', ['production', 'staging'])).toBe('production');
    expect(didYouMean('colour', ['size_gb', 'format'])).toBeUndefined();
    expect(didYouMean('s', ['staging', 'seq'])).toBeUndefined();
  });
});
