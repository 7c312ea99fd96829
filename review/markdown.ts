/**
 * The review as one GitHub comment: pure and stable (sorted, no timestamps),
 * so that it can be snapshot-tested and a re-run edits the comment only when
 * the plans changed. Dangerous things first: offboarding and data-loss
 * banners, then the summary table, the policy result, isolation findings,
 * and per tenant the resources by action, folded.
 */
import { formatDelta, formatEur } from './cost';
import { CHANGE_KINDS, type ResourceSummary } from './plan-summary';
import { exitCode, type ReviewResult, type TenantReview } from './result';

/** GitHub rejects comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65535;

/** The first line of every review: lets CI find and edit its own comment. */
export const COMMENT_MARKER = '<!-- plan-review -->';

export interface RenderOptions {
  /** Maximum length of the output in characters. @default 65000 (a margin under GitHub's 65,535) */
  readonly maxChars?: number;
}

const KIND_TITLE = { create: 'Create', update: 'Update', replace: 'Replace', destroy: 'Destroy' } as const;
const WHY = { added: 'new tenant', changed: 'tenant file changed', removed: 'offboarding', shared: 'shared code changed' } as const;

/** Inline code that survives any content. */
export function code(s: string): string {
  return `\`${s.replace(/`/g, 'ˋ')}\``;
}

/** Table cell text: no pipes or line breaks. */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The first lines of a long error, on one line, for a list item. */
export function firstLines(text: string, lines = 3, chars = 300): string {
  const one = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, lines).join(' ');
  return cell(one.length > chars ? `${one.slice(0, chars - 1)}…` : one);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function costCell(t: TenantReview): string {
  if (!t.cost) return 'n/a';
  const star = t.cost.before.unpriced.length + t.cost.after.unpriced.length > 0 ? ' *' : '';
  return `${formatEur(t.cost.before.cents)} → ${formatEur(t.cost.after.cents)}${star}`;
}

function actionsPhrase(t: TenantReview): string {
  if (!t.summary) return 'no plan';
  const c = t.summary.counts;
  const parts = CHANGE_KINDS.filter((k) => c[k] > 0).map((k) => `${c[k]} to ${k}`);
  return parts.length ? parts.join(', ') : 'no changes';
}

/** `size: 100 → 200 (forces replacement)` */
function attributeLine(a: ResourceSummary['attributes'][number]): string {
  const before = a.before ?? '(none)';
  const after = a.unknownAfter ? '_(known after apply)_' : code(a.after ?? '(none)');
  return `${a.name}: ${code(before)} → ${after}${a.forcesReplacement ? ' **(forces replacement)**' : ''}`;
}

function resourceLines(r: ResourceSummary): string[] {
  const lines = [`- ${code(r.address)}`];
  if (r.kind === 'update' || r.kind === 'replace') {
    for (const a of r.attributes) lines.push(`  - ${attributeLine(a)}`);
  }
  return lines;
}

function tenantDetails(t: TenantReview): string[] {
  // GitHub renders no markdown inside <summary>: HTML only.
  const head = `<code>${t.tenant}</code>${t.offboarding ? ' — <b>offboarding (destroy)</b>' : ''}: ${actionsPhrase(t)}`;
  const out = ['<details>', `<summary>${head}</summary>`, ''];
  for (const r of t.reasons) out.push(`- why: ${r}`);
  if (t.environment) out.push(`- environment: ${t.environment}${t.allowDestroy ? ' (allow_destroy: true)' : ''}`);
  out.push('');
  if (t.error !== undefined) {
    out.push('**No plan:**', '', '```', t.error.trim(), '```', '');
  }
  if (t.summary) {
    for (const kind of CHANGE_KINDS) {
      const rs = t.summary.resources.filter((r) => r.kind === kind);
      if (rs.length === 0) continue;
      out.push(`**${KIND_TITLE[kind]}** (${rs.length})`, '');
      for (const r of rs) out.push(...resourceLines(r));
      out.push('');
    }
    if (t.summary.counts.noop > 0) out.push(`${plural(t.summary.counts.noop, 'resource')} unchanged.`, '');
    if (t.summary.reads.length > 0) out.push(`Data sources read (not changes): ${t.summary.reads.map(code).join(', ')}`, '');
  }
  if (t.cost) {
    const unpriced = [...t.cost.before.unpriced, ...t.cost.after.unpriced];
    if (unpriced.length) {
      out.push('\\* Not priced (counted as 0):', '');
      for (const u of [...new Set(unpriced)].sort()) out.push(`- ${u}`);
      out.push('');
    }
  }
  out.push('</details>', '');
  return out;
}

/** Keeps whole lines while they fit in `budget` characters; `note` says how many were left out. */
function fitLines(lines: readonly string[], budget: number, what: string): { lines: string[]; note?: string } {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    if (used + lines[i].length + 1 > budget) {
      return { lines: out, note: `… and ${lines.length - i} more ${what} (cut to stay under GitHub's comment limit)` };
    }
    out.push(lines[i]);
    used += lines[i].length + 1;
  }
  return { lines: out };
}

/** A capped list: the kept lines, then the note as a last list item. */
function capLines(lines: readonly string[], budget: number, what: string): string[] {
  const f = fitLines(lines, budget, what);
  return f.note ? [...f.lines, `- ${f.note}`] : f.lines;
}

const join = (lines: readonly string[]) => lines.join('\n');

/** Max-min fair split of `total` among `needs`: small needs are met in full, the rest share what is left. */
export function fairShares(needs: readonly number[], total: number): number[] {
  const alloc = needs.map(() => 0);
  let remaining = total;
  let open = needs.map((_, i) => i);
  while (open.length > 0) {
    const share = remaining / open.length;
    const met = open.filter((i) => needs[i] <= share);
    if (met.length === 0) {
      for (const i of open) alloc[i] = Math.floor(share);
      break;
    }
    for (const i of met) {
      alloc[i] = needs[i];
      remaining -= needs[i];
    }
    open = open.filter((i) => needs[i] > share);
  }
  return alloc;
}

/** How the tenants were chosen: stacks compared at the base and here. */
function comparisonLines(r: ReviewResult): string[] {
  const c = r.comparison;
  if (c.planAll) return [`Every tenant is planned: ${c.planAll}.`, ''];
  if (c.compared === 0) return [];
  const differ = c.compared - c.unchanged;
  const what = differ === 0
    ? `none differs${r.sharedChanges.length ? ': the shared code change does not change any stack' : ''}`
    : `${differ} differ${differ === 1 ? 's' : ''}, ${c.unchanged} unchanged (not planned)`;
  return [`Each tenant's synthesized stack was compared with the base: ${plural(c.compared, 'stack')}, ${what}.`, ''];
}

function footerOf(r: ReviewResult, exit: number): string[] {
  return [
    '---',
    `<sub>Monthly costs in ${r.prices.currency}, ${r.prices.basis}, from review/prices.json of ${r.prices.date}${r.prices.approximate ? ' (approximate list prices, not verified against the API)' : ''}.${r.offline ? ' Plans ran offline: state was not refreshed against the Hetzner API.' : ''} Exit code ${exit}.</sub>`,
    '',
  ];
}

/** Renders the whole review. */
export function renderReview(r: ReviewResult, options: RenderOptions = {}): string {
  const maxChars = Math.min(options.maxChars ?? 65000, GITHUB_COMMENT_LIMIT);
  const tenants = [...r.tenants].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
  const code_ = exitCode(r);
  const status = code_ === 0 ? '✅ passed' : code_ === 1 ? `❌ ${plural(r.violations.length, 'policy violation')}` : '❌ incomplete: some tenants could not be planned';

  const title = [
    COMMENT_MARKER,
    `## Plan review: ${plural(tenants.length, 'tenant')} affected — ${status}`,
    '',
    `Base: ${code(r.base)}.${r.sharedChanges.length ? ` Shared code changed: ${r.sharedChanges.slice(0, 5).map(code).join(', ')}${r.sharedChanges.length > 5 ? ` and ${r.sharedChanges.length - 5} more` : ''}.` : ''}`,
    '',
    ...comparisonLines(r),
  ];

  if (tenants.length === 0) {
    return join([...title, 'No tenant stack is affected by this change: nothing to plan.', '', ...footerOf(r, code_)]);
  }

  // Banners: offboarding and data loss, before anything else.
  const banner: string[] = [];
  const offboarding = tenants.filter((t) => t.offboarding);
  const risks = tenants.flatMap((t) => t.risks.map((k) => ({ t, k })));
  if (offboarding.length || risks.length) {
    banner.push('> [!CAUTION]');
    for (const t of offboarding) {
      banner.push(`> **DESTROY: tenant ${code(t.tenant)} is being offboarded**${t.summary ? `; ${plural(t.summary.counts.destroy, 'resource')} will be destroyed` : ''}.`);
      if (t.finalBackup === 'archived') banner.push(`> Final backup: taken, and the repository archived on the Storage Box (offboard.yml ran: the tenant's secrets file is archived).`);
      if (t.finalBackup === 'missing') banner.push(`> **No final backup**: run \`ansible/playbooks/offboard.yml\` for ${code(t.tenant)} first (its secrets file is still in this change).`);
    }
    if (risks.length) {
      const d = risks.filter((x) => x.k.kind === 'destroy').length;
      banner.push(`> **${plural(risks.length, 'data-loss risk')}**: ${d} destroyed, ${risks.length - d} replaced (servers, volumes, networks).`);
    }
    banner.push('');
  }

  const riskLines = risks.map(({ t, k }) => {
    const forced = k.forcedBy.length ? ` — forced by ${k.forcedBy.map(code).join(', ')}` : '';
    const env = t.environment ? ` (${t.environment})` : '';
    return `- **${k.kind.toUpperCase()}** ${code(k.address)} of ${code(t.tenant)}${env}${forced}`;
  });

  const tableHead = [
    '| Tenant | Why | Create | Update | Replace | Destroy | Monthly cost before → after | Delta |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
  ];
  const rows = tenants.map((t) => {
    const c = t.summary?.counts;
    const n = (k: (typeof CHANGE_KINDS)[number]) => (c ? String(c[k]) : '–');
    const name = `${code(t.tenant)}${t.offboarding ? ' 🗑️' : ''}${t.error !== undefined ? ' ⚠️ error' : ''}`;
    return `| ${cell(name)} | ${WHY[t.kind]} | ${n('create')} | ${n('update')} | ${n('replace')} | ${n('destroy')} | ${costCell(t)} | ${t.cost ? formatDelta(t.cost.deltaCents) : 'n/a'} |`;
  });
  const sum = (f: (t: TenantReview) => number) => tenants.reduce((s, t) => s + f(t), 0);
  const totalRow = `| **Total** | | ${CHANGE_KINDS.map((k) => sum((t) => t.summary?.counts[k] ?? 0)).join(' | ')} | ${formatEur(sum((t) => t.cost?.before.cents ?? 0))} → ${formatEur(sum((t) => t.cost?.after.cents ?? 0))} | **${formatDelta(sum((t) => t.cost?.deltaCents ?? 0))}** |`;

  const violationLines = r.violations.map((v) => `- ${code(v.tenant)} ${code(v.resource)}: ${v.message}`);
  const isolationLines = tenants.flatMap((t) => t.isolation.map((f) => `- ${code(t.tenant)} ${code(f.resource)} [${f.rule}${f.severity === 'warning' ? ', warning' : ''}]: ${f.message}`));
  const errorLines = tenants.filter((t) => t.error !== undefined).map((t) => `- ${code(t.tenant)}: ${firstLines(t.error!)}`);

  const footer = footerOf(r, code_);

  // The parts that must be there; when even they are too long, the five
  // lists share the room fairly (a short list keeps all of its lines).
  const lists = { rows, risks: riskLines, errors: errorLines, violations: violationLines, findings: isolationLines };
  type Caps = Record<keyof typeof lists, number>;
  const buildHead = (cap: Caps) => [
    ...title,
    ...banner,
    '### Summary',
    '',
    ...tableHead,
    ...((f) => [...f.lines, totalRow, ...(f.note ? ['', f.note] : [])])(fitLines(rows, cap.rows, 'tenants')),
    '',
    ...(riskLines.length ? ['### Data-loss risks', '', ...capLines(riskLines, cap.risks, 'risks'), ''] : []),
    ...(errorLines.length ? ['### Errors', '', ...capLines(errorLines, cap.errors, 'errors'), ''] : []),
    `### Policy: ${r.violations.length ? `❌ ${plural(r.violations.length, 'violation')}` : '✅ no violation'}`,
    '',
    ...(violationLines.length ? [...capLines(violationLines, cap.violations, 'violations'), ''] : []),
    '### Isolation findings',
    '',
    ...(isolationLines.length ? capLines(isolationLines, cap.findings, 'findings') : ['None.']),
    '',
  ];
  const keys = Object.keys(lists) as (keyof typeof lists)[];
  const capsOf = (values: number[]) => Object.fromEntries(keys.map((k, i) => [k, values[i]])) as Caps;
  let head = buildHead(capsOf(keys.map(() => Infinity)));
  const footerLen = join(footer).length + 1;
  if (join(head).length + footerLen > maxChars) {
    const fixed = join(buildHead(capsOf(keys.map(() => 0)))).length;
    const room = Math.max(0, maxChars - footerLen - fixed - 600);
    head = buildHead(capsOf(fairShares(keys.map((k) => lists[k].reduce((n, l) => n + l.length + 1, 0)), room)));
  }

  const details: string[] = ['### Changes by tenant', ''];
  const blocks = tenants.map(tenantDetails);
  let used = join(head).length + join(details).length + footerLen + 2;
  const reserve = 400;
  const omitted: string[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const text = join(blocks[i]);
    if (omitted.length === 0 && used + text.length + 1 + reserve <= maxChars) {
      details.push(...blocks[i]);
      used += text.length + 1;
    } else {
      omitted.push(tenants[i].tenant);
    }
  }
  if (omitted.length) {
    const names = omitted.slice(0, 20).map(code).join(', ');
    details.push(`> Details of ${plural(omitted.length, 'tenant')} omitted to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character comment limit: ${names}${omitted.length > 20 ? ` and ${omitted.length - 20} more` : ''}. Run \`npm run plan-review\` locally for the whole review.`, '');
  }
  return join([...head, ...details, ...footer]);
}
