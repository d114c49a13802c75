/**
 * Renders a weekly report as e-mail-safe HTML (tables and inline styles, an inline SVG chart
 * with the same figures in a table beside it for clients that drop SVG) and as plain text.
 * Every verbatim and attribute value is HTML-escaped; evidence spans are wrapped in <mark>.
 */
import type { StoredSpan } from '../../../models/response/response.entity.js';
import type { NpsFigures } from '../../domain/nps.js';
import type { NpsChange } from '../../domain/nps-change.js';
import type { ReportTheme, ReportTrendPoint, ReportVerbatim, WeeklyReportData } from './weekly-report.service.js';
import type { TargetView } from '../goals/target.service.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function fmt(n: number | null, digits = 1): string {
  return n === null ? '–' : n.toFixed(digits).replace(/\.0+$/, '');
}

export function signed(n: number, digits = 1): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${fmt(Math.abs(n), digits)}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The comment escaped, with each evidence span in <mark>. */
export function highlightHtml(comment: string, highlights: readonly StoredSpan[]): string {
  let html = '';
  let at = 0;
  for (const h of highlights) {
    if (h.start < at) continue;
    html += escapeHtml(comment.slice(at, h.start)) + `<mark style="background:#fff3b0">${escapeHtml(comment.slice(h.start, h.end))}</mark>`;
    at = h.end;
  }
  return html + escapeHtml(comment.slice(at));
}

/** The comment with evidence spans in [brackets], for plain text. */
export function highlightText(comment: string, highlights: readonly StoredSpan[]): string {
  let text = '';
  let at = 0;
  for (const h of highlights) {
    if (h.start < at) continue;
    text += `${comment.slice(at, h.start)}[${comment.slice(h.start, h.end)}]`;
    at = h.end;
  }
  return text + comment.slice(at);
}

export function scopeLabel(scope: WeeklyReportData['scope']): string {
  return scope.length ? scope.map((a) => `${a.key} = ${a.value}`).join(', ') : 'all responses';
}

const npsLine = (f: NpsFigures) =>
  f.nps === null ? 'no responses' : `${fmt(f.nps)} ±${fmt(f.marginOfError)} (n = ${f.responses}${f.smallSample ? ', small sample' : ''})`;
const changeLine = (c: NpsChange) =>
  c.points === null ? 'no comparison' : `${signed(c.points)} ${c.significant ? '(significant)' : '(not significant)'}`;
const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);
const minutes = (m: number | null) => (m === null ? '–' : m < 120 ? `${Math.round(m)} min` : `${fmt(m / 60)} h`);
const themeLine = (t: ReportTheme) =>
  `${t.label}: share ${signed(t.shareChange * 100)} pts (now ${pct(t.share)}, ${t.mentions} mentions), impact ${t.impact === null ? '–' : signed(t.impact)}${t.impactChange === null ? '' : ` (${signed(t.impactChange)})`}${t.significant ? ', significant' : ''}`;

/** "+30 by 2027-03-31": a target as the chart and the report label it. */
export function targetLabel(t: Pick<TargetView, 'nps' | 'by'>): string {
  return `${t.nps > 0 ? '+' : ''}${fmt(t.nps)} by ${t.by.toISOString().slice(0, 10)}`;
}

/** The report's "Target" line (plain text; the HTML escapes it): the target, where the scope is, and whether it is on pace. */
export function targetLine(t: TargetView): string {
  const p = t.progress;
  const who = t.team ? ` for team ${t.team}` : t.owner ? ` for ${t.owner}` : '';
  if (p.current === null) return `Target${who}: ${targetLabel(t)}; no responses in the last 13 weeks to measure it on.`;
  const gap = p.reached ? 'reached' : `${fmt(p.gap)} points to go`;
  const pace =
    p.reached || p.onTrack === null
      ? ''
      : p.onTrack
        ? `; on track${p.expected === null ? '' : ` (pace ${fmt(p.expected)})`}`
        : `; behind${p.expected === null ? '' : ` the pace of ${fmt(p.expected)}`}`;
  return `Target${who}: ${targetLabel(t)}; last 13 weeks ${fmt(p.current)}, ${gap}${pace}.`;
}

const ownerTarget = (t: TargetView | null) =>
  t === null
    ? '–'
    : `${targetLabel(t)}${t.progress.reached ? ' (reached)' : t.progress.onTrack === null ? '' : t.progress.onTrack ? ' (on track)' : ' (behind)'}`;

/** A 13-week NPS line with its benchmark: fixed −100…100 axis so weeks compare at a glance. */
export function trendSvg(trend: readonly ReportTrendPoint[], benchmark: number | null): string {
  const w = 520;
  const h = 160;
  const pad = 28;
  const x = (i: number) => pad + (i * (w - 2 * pad)) / Math.max(trend.length - 1, 1);
  const y = (v: number) => pad / 2 + ((100 - v) * (h - pad)) / 200;
  const points = trend.flatMap((p, i) => (p.nps === null ? [] : [`${x(i).toFixed(1)},${y(p.nps).toFixed(1)}`]));
  const dots = trend
    .flatMap((p, i) =>
      p.nps === null
        ? []
        : [
            `<circle cx="${x(i).toFixed(1)}" cy="${y(p.nps).toFixed(1)}" r="3" fill="#1d4ed8"><title>${escapeHtml(p.week)}: ${fmt(p.nps)} (n = ${p.responses})</title></circle>`,
          ],
    )
    .join('');
  const grid = [100, 50, 0, -50, -100]
    .map(
      (v) =>
        `<line x1="${pad}" x2="${w - pad}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="2" y="${y(v) + 4}" font-size="10" fill="#6b7280">${v}</text>`,
    )
    .join('');
  const bench =
    benchmark === null
      ? ''
      : `<line x1="${pad}" x2="${w - pad}" y1="${y(benchmark)}" y2="${y(benchmark)}" stroke="#9ca3af" stroke-dasharray="4 3"/><text x="${w - pad}" y="${y(benchmark) - 4}" font-size="10" text-anchor="end" fill="#6b7280">benchmark ${fmt(benchmark)}</text>`;
  const first = trend[0]?.week ?? '';
  const last = trend.at(-1)?.week ?? '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="NPS per week, ${escapeHtml(first)} to ${escapeHtml(last)}">` +
    `<title>NPS per week, ${escapeHtml(first)} to ${escapeHtml(last)}</title>${grid}${bench}` +
    (points.length > 1 ? `<polyline points="${points.join(' ')}" fill="none" stroke="#1d4ed8" stroke-width="2"/>` : '') +
    `${dots}<text x="${pad}" y="${h - 2}" font-size="10" fill="#6b7280">${escapeHtml(first)}</text><text x="${w - pad}" y="${h - 2}" font-size="10" text-anchor="end" fill="#6b7280">${escapeHtml(last)}</text></svg>`
  );
}

const cell = 'padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left';
const table = (head: string[], rows: string[][]) =>
  `<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse;font-size:14px;margin:4px 0 12px"><tr>${head.map((c) => `<th style="${cell};color:#374151">${c}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td style="${cell}">${c}</td>`).join('')}</tr>`)
    .join('')}</table>`;
const h2 = (title: string) => `<h2 style="font-size:16px;margin:20px 0 6px;color:#111827">${title}</h2>`;

function verbatimsHtml(items: readonly ReportVerbatim[], none: string): string {
  if (!items.length) return `<p style="color:#6b7280">${none}</p>`;
  return items
    .map(
      (v) =>
        `<blockquote style="margin:6px 0;padding:6px 10px;border-left:3px solid #d1d5db">“${highlightHtml(v.comment, v.highlights)}”<br><span style="color:#6b7280;font-size:12px">Score ${v.score}${v.touchpoint ? ` · ${escapeHtml(v.touchpoint)}` : ''}${v.riskLevel ? ` · risk ${escapeHtml(v.riskLevel)}` : ''} · response ${escapeHtml(v.id)}</span></blockquote>`,
    )
    .join('');
}

const ownerRows = (owners: WeeklyReportData['owners']) =>
  owners.map((o) => [
    escapeHtml(o.key ?? '(none)'),
    String(o.open),
    String(o.overdue),
    pct(o.closedLoopRate),
    minutes(o.medianMinutesToFirstAction),
    fmt(o.nps),
    escapeHtml(ownerTarget(o.target)),
  ]);

export function renderReportHtml(d: WeeklyReportData): string {
  const title = `Weekly NPS report ${escapeHtml(d.week)} — ${escapeHtml(scopeLabel(d.scope))}`;
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#111827;max-width:640px;margin:0 auto;padding:16px">`;
  const intro = `<h1 style="font-size:20px;margin:0 0 4px">${title}</h1><p style="color:#6b7280;margin:0 0 12px">${escapeHtml(d.from.toISOString().slice(0, 10))} to ${escapeHtml(new Date(d.to.getTime() - 1).toISOString().slice(0, 10))} (UTC)</p><p style="font-size:15px"><strong>${escapeHtml(d.headline)}</strong></p>`;
  if (!d.hasResponses) return `${head}${intro}</body></html>`;
  const bench = d.benchmark
    ? `<p>Benchmark: ${escapeHtml(d.benchmark.industry)} (${escapeHtml(d.benchmark.region)}, ${d.benchmark.year}) ${d.benchmark.statistic.toLowerCase()} ${fmt(d.benchmark.value)}; your last 13 weeks ${fmt(d.last13Weeks.nps)}${d.benchmarkGap === null ? '' : ` (${signed(d.benchmarkGap)})`}. Source: <a href="${escapeHtml(d.benchmark.url)}">${escapeHtml(d.benchmark.source)}</a>.</p>`
    : '';
  const figures = table(
    ['Period', 'NPS ± margin', 'Change'],
    [
      [`Week ${escapeHtml(d.week)}`, npsLine(d.weekNps), changeLine(d.weekChange) + ' vs previous week'],
      ['Last 4 weeks', npsLine(d.last4Weeks), changeLine(d.fourWeekChange) + ' vs 4 weeks before'],
      ['Last 13 weeks', npsLine(d.last13Weeks), ''],
    ],
  );
  const trendTable = table(
    d.trend.map((p) => escapeHtml(p.week.slice(5))),
    [d.trend.map((p) => fmt(p.nps, 0)), d.trend.map((p) => `n=${p.responses}`)],
  );
  const themes = (list: readonly ReportTheme[], none: string) =>
    list.length
      ? `<ul style="margin:4px 0 12px">${list.map((t) => `<li>${escapeHtml(themeLine(t))}</li>`).join('')}</ul>`
      : `<p style="color:#6b7280">${none}</p>`;
  const f = d.followUps;
  return (
    head +
    intro +
    figures +
    h2('Trend (13 weeks)') +
    trendSvg(d.trend, d.benchmark?.value ?? null) +
    `<div style="font-size:11px;overflow-x:auto">${trendTable}</div>` +
    bench +
    (d.target ? `<p><strong>${escapeHtml(targetLine(d.target))}</strong></p>` : '') +
    h2('Themes rising (last 4 weeks vs the 4 before)') +
    themes(d.themesRising, 'No theme gained share.') +
    h2('Themes falling') +
    themes(d.themesFalling, 'No theme lost share.') +
    h2('Best promoter quotes this week') +
    verbatimsHtml(d.promoterQuotes, 'No promoter comments this week.') +
    h2('Most urgent detractors this week') +
    verbatimsHtml(d.detractorVerbatims, 'No detractor comments this week.') +
    h2('Follow-ups (alerts raised in the last 4 weeks)') +
    `<p>${f.open} open, ${f.overdue} overdue; closed-loop rate ${pct(f.closedLoopRate)}; median time to first action ${minutes(f.medianMinutesToFirstAction)}.</p>` +
    (d.owners.length ? table(['Owner', 'Open', 'Overdue', 'Closed loop', 'First action', 'NPS', 'Target'], ownerRows(d.owners)) : '') +
    `<p style="color:#9ca3af;font-size:11px">Generated ${escapeHtml(d.generatedAt.toISOString())} by Verbatim.</p></body></html>`
  );
}

export function renderReportText(d: WeeklyReportData): string {
  const lines = [`Weekly NPS report ${d.week} — ${scopeLabel(d.scope)}`, '', d.headline];
  if (!d.hasResponses) return lines.join('\n') + '\n';
  lines.push(
    '',
    `Week ${d.week}: ${npsLine(d.weekNps)}; ${changeLine(d.weekChange)} vs previous week`,
    `Last 4 weeks: ${npsLine(d.last4Weeks)}; ${changeLine(d.fourWeekChange)} vs 4 weeks before`,
    `Last 13 weeks: ${npsLine(d.last13Weeks)}`,
    '',
    'Trend: ' + d.trend.map((p) => `${p.week.slice(5)} ${fmt(p.nps, 0)}`).join(' | '),
  );
  if (d.benchmark) {
    lines.push(
      `Benchmark: ${d.benchmark.industry} (${d.benchmark.region}, ${d.benchmark.year}) ${d.benchmark.statistic.toLowerCase()} ${fmt(d.benchmark.value)}${d.benchmarkGap === null ? '' : `; you ${signed(d.benchmarkGap)}`} — ${d.benchmark.source} ${d.benchmark.url}`,
    );
  }
  if (d.target) lines.push(targetLine(d.target));
  const list = (title: string, items: string[], none: string) =>
    lines.push('', title, ...(items.length ? items.map((i) => `- ${i}`) : [`  ${none}`]));
  list('Themes rising:', d.themesRising.map(themeLine), 'none');
  list('Themes falling:', d.themesFalling.map(themeLine), 'none');
  const quote = (v: ReportVerbatim) =>
    `"${highlightText(v.comment, v.highlights)}" (score ${v.score}${v.riskLevel ? `, risk ${v.riskLevel}` : ''})`;
  list('Best promoter quotes:', d.promoterQuotes.map(quote), 'none this week');
  list('Most urgent detractors:', d.detractorVerbatims.map(quote), 'none this week');
  const f = d.followUps;
  list(
    'Follow-ups (last 4 weeks):',
    [
      `${f.open} open, ${f.overdue} overdue, closed-loop rate ${pct(f.closedLoopRate)}, median time to first action ${minutes(f.medianMinutesToFirstAction)}`,
      ...d.owners.map(
        (o) =>
          `${o.key ?? '(none)'}: ${o.open} open, ${o.overdue} overdue, closed loop ${pct(o.closedLoopRate)}, first action ${minutes(o.medianMinutesToFirstAction)}${o.target ? `, target ${ownerTarget(o.target)}` : ''}`,
      ),
    ],
    '',
  );
  return lines.join('\n') + '\n';
}
