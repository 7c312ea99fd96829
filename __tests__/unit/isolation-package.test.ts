/** The isolation package holds together: unique rule ids, and a README that lists exactly the rules there are. */
import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES } from '../../isolation';
import { REPO_ROOT } from '../../test-support/fleet';

test('every rule id is unique across the three phases', () => {
  const ids = ALL_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
});

test('isolation/README.md lists every rule with its phase, and no rule that does not exist', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'isolation', 'README.md'), 'utf8');
  const listed = [...readme.matchAll(/^\| `([a-z-]+)` \| (synth|plan|live) \|/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  expect(listed).toEqual(ALL_RULES.map((r) => `${r.id} ${r.phase}`).sort());
});
