/**
 * A synthesis refused by the isolation rules, with its findings as data: the
 * plan review reads `findings` instead of parsing the message back.
 */
import { stackName } from '../../lib/naming';
import { explanations, type Finding, isViolation } from '../finding';

/** `[tenant-acme] tenant-label: hcloud_volume.rogue has no tenant_id label; ...`: CDKTF's own `[<stack>] <error>` form. */
export const formatSynthFinding = (f: Finding): string => `[${stackName(f.tenant)}] ${f.rule}: ${f.message}`;

export class IsolationError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    const failing = findings.filter(isViolation);
    const why = explanations(failing).map((e) => `  ${e.rule}: ${e.explanation}`);
    super(
      [
        `${failing.length} isolation rule violation${failing.length === 1 ? '' : 's'}:`,
        ...failing.map((f) => `  ${formatSynthFinding(f)}`),
        'Why these rules exist:',
        ...why,
      ].join('\n'),
    );
    this.name = 'IsolationError';
  }
}
