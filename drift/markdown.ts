/**
 * The drift check as markdown (`drift.md`), in the plan review's style:
 * pure and stable (sorted, no timestamps), so a nightly job can post it and
 * edit the same issue only when something changed. Drift first, then what
 * could not be checked, then the clean and undeployed tenants in one line.
 */
import { code, cell, firstLines, plural } from '../review/markdown';
import type { AttributeDrift, ResourceDrift } from './resource-drift';
import { driftExitCode, type DriftResult, type TenantDrift } from './result';

/** The first line of every drift report: lets CI find and edit its issue. */
export const DRIFT_MARKER = '<!-- drift -->';

export interface DriftRenderOptions {
  /** Maximum length in characters. @default 65000 (under GitHub's 65,535) */
  readonly maxChars?: number;
}

const STATUS = { drift: '❌ drift', error: '⚠️ could not check', clean: '✅ clean', 'not-deployed': 'not deployed' } as const;

function attributeLine(a: AttributeDrift): string {
  return `  - ${code(a.path)}: ${a.before !== undefined ? code(a.before) : '(none)'} → ${a.after !== undefined ? code(a.after) : '(none)'}`;
}

function resourceLines(r: ResourceDrift): string[] {
  if (r.kind === 'deleted') return [`- ${code(r.address)}: **deleted outside OpenTofu**`];
  return [`- ${code(r.address)}: changed outside OpenTofu`, ...r.attributes.map(attributeLine)];
}

function tenantSection(t: TenantDrift): string[] {
  return [`#### ${code(t.tenant)}: ${plural(t.resources.length, 'resource')} drifted`, '', ...t.resources.flatMap(resourceLines), ''];
}

export function renderDrift(r: DriftResult, options: DriftRenderOptions = {}): string {
  const maxChars = Math.min(options.maxChars ?? 65000, 65535);
  const tenants = [...r.tenants].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
  const exit = driftExitCode(r);
  const drifted = tenants.filter((t) => t.status === 'drift');
  const failed = tenants.filter((t) => t.status === 'error');
  const checked = tenants.filter((t) => t.status !== 'not-deployed');
  const status = exit === 0 ? '✅ no drift' : exit === 1 ? `❌ ${plural(drifted.length, 'tenant')} drifted` : '⚠️ incomplete: some tenants could not be checked';

  const head = [
    DRIFT_MARKER,
    `## Drift: ${plural(checked.length, 'deployed tenant')} checked — ${status}`,
    '',
    'Each tenant\'s live resources were compared with its OpenTofu state (`tofu plan -refresh-only`). Data-source reads are not drift.',
    '',
  ];
  const table = [
    '| Tenant | Status | Resources in state | Drifted |',
    '|---|---|--:|--:|',
    ...tenants.filter((t) => t.status !== 'not-deployed').map((t) => `| ${code(t.tenant)} | ${STATUS[t.status]} | ${t.status === 'error' ? '–' : t.managed} | ${t.status === 'error' ? '–' : t.resources.length} |`),
    '',
  ];
  const undeployed = tenants.filter((t) => t.status === 'not-deployed');
  const tail = [
    ...(failed.length ? ['### Could not check', '', ...failed.map((t) => `- ${code(t.tenant)}: ${firstLines(t.error ?? 'unknown error')}`), ''] : []),
    ...(undeployed.length ? [`Not deployed (no state): ${undeployed.map((t) => code(t.tenant)).join(', ')}.`, ''] : []),
    '---',
    `<sub>To undo drift, deploy the tenant again (\`npm run deploy -- tenant-<id>\`); to keep a change made outside OpenTofu, put it into the tenant file. Exit code ${exit}.</sub>`,
    '',
  ];
  const body: string[] = drifted.length ? ['### Changed outside OpenTofu', ''] : [];
  let used = [...head, ...table, ...tail].join('\n').length + 200;
  const omitted: string[] = [];
  for (const t of drifted) {
    const lines = tenantSection(t);
    const len = lines.join('\n').length + 1;
    if (omitted.length === 0 && used + len <= maxChars) {
      body.push(...lines);
      used += len;
    } else omitted.push(t.tenant);
  }
  if (omitted.length) body.push(`> ${cell(`Details of ${plural(omitted.length, 'tenant')} omitted to stay under the comment limit: ${omitted.slice(0, 20).join(', ')}${omitted.length > 20 ? ' and more' : ''}. Run \`npm run drift\` for the whole report.`)}`, '');
  return [...head, ...table, ...body, ...tail].join('\n');
}
