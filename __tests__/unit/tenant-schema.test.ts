/**
 * Structural rules (the zod schema), as the user sees them: every message says
 * where (file:line:col of the offending value or key), what (field path and
 * value) and what is allowed.
 */
import { lines } from '../fixtures/tenants/check';

describe('tenant schema', () => {
  test('accepts a valid tenant file', () => {
    expect(lines('rules', 'valid.yaml')).toEqual([]);
  });

  test('fails if a key is unknown, suggesting the near miss and listing the allowed keys', () => {
    expect(lines('rules', 'unknown-keys.yaml')).toEqual([
      // A typo of a required key is one problem: no separate "environment is missing".
      'rules/unknown-keys.yaml:3:1: enviroment: unknown key "enviroment" (did you mean "environment"?); allowed keys: id, seq, environment, mode, location, servers, volume, dns, firewall, storage, hcloud_token_env, allow_destroy',
      'rules/unknown-keys.yaml:6:5: servers[0].cuont: unknown key "cuont" (did you mean "count"?); allowed keys: name, role, type, image, count',
      'rules/unknown-keys.yaml:9:3: volume.colour: unknown key "colour"; allowed keys: size_gb, format',
    ]);
  });

  test('fails if a value has the wrong type, saying what it got and what is expected', () => {
    expect(lines('rules', 'wrong-types.yaml')).toEqual([
      'rules/wrong-types.yaml:2:6: seq: "10" is a string (remove the quotes for a number); expected an integer 1..254, unique in the fleet (network 10.<seq>.0.0/16)',
      'rules/wrong-types.yaml:6:12: servers[0].count: 1.5 is not a whole number; expected an integer 1..100 (a Hetzner network holds at most 100 servers)',
      'rules/wrong-types.yaml:8:13: storage.postgres: "yes" is a string; expected true or false',
      'rules/wrong-types.yaml:10:12: firewall.ingress: got a mapping; expected a list, each item a mapping with the keys port, protocol, from, public, description',
    ]);
  });

  test('fails if a required field is missing, pointing at the mapping that lacks it', () => {
    expect(lines('rules', 'missing-required.yaml')).toEqual([
      'rules/missing-required.yaml:1:1: seq: required field is missing; expected an integer 1..254, unique in the fleet (network 10.<seq>.0.0/16)',
      'rules/missing-required.yaml:4:5: servers[0].name: required field is missing; expected lowercase letters, digits and "-", starting with a letter, at most 24 characters',
      'rules/missing-required.yaml:6:3: volume.size_gb: required field is missing; expected an integer 10..10240',
    ]);
  });

  test('fails if a number is out of range, giving the range', () => {
    expect(lines('rules', 'out-of-range.yaml')).toEqual([
      'rules/out-of-range.yaml:2:6: seq: 255 is out of range; allowed: an integer 1..254, unique in the fleet (network 10.<seq>.0.0/16)',
      'rules/out-of-range.yaml:6:12: servers[0].count: 0 is out of range; allowed: an integer 1..100 (a Hetzner network holds at most 100 servers)',
      'rules/out-of-range.yaml:8:12: volume.size_gb: 5 is out of range; allowed: an integer 10..10240',
      'rules/out-of-range.yaml:11:15: firewall.ingress[0].port: 70000 is out of range; allowed: a port 1-65535 (443), a range ("80-85") or "any"',
    ]);
  });

  test('fails if the location is not a Hetzner location, listing locations by network zone', () => {
    expect(lines('rules', 'location-unknown.yaml')).toEqual([
      'rules/location-unknown.yaml:4:11: location: "fsn2" is not allowed (did you mean "fsn1"?); allowed: fsn1 | nbg1 | hel1 (eu-central), ash (us-east), hil (us-west), sin (ap-southeast)',
    ]);
  });
});
