/**
 * The demo's closing report, read through the public GraphQL API: NPS with its margin, the top
 * detraction drivers, the emerging theme, the customers at risk, and the survey programme's
 * invitations and response rates by touchpoint. A section whose query the
 * service does not offer is left out rather than failing the demo.
 */
import type { GraphqlClient } from './client.js';
import { STORY_PHRASE } from './sample-programme.js';
import { DAY_MS } from '../domain/time.js';

export interface DemoReport {
  nps: { nps: number | null; marginOfError: number | null; responses: number };
  drivers: { label: string; key: string; impact: number; mentions: number; nps: number | null }[];
  emerging: { phrase: string; count: number; share: number; suggestionKey: string } | null;
  /** Detractors whose verbatim says they may leave (churn signals), or the at-risk query's count. */
  atRisk: { count: number; source: string } | null;
  leastSatisfiedRegion: { value: string; nps: number | null; responses: number } | null;
  /** Survey invitations (released and skipped) and response rates by touchpoint; null without a survey programme. */
  programme: {
    invitations: number;
    skipped: number;
    rates: { key: string; invitations: number; responses: number; rate: number; medianHoursToRespond: number | null }[];
  } | null;
}

const NPS = `{ nps { nps marginOfError responses } }`;
const DRIVERS = `{ drivers(limit: 3) { detraction { theme { key label } impact mentions nps } } }`;
const EMERGING = `query($filter: ResponseFilter) { emergingThemes(filter: $filter, limit: 10) { candidates { phrase count share suggestion { key } } } }`;
const SEGMENTS = `{ segments(attribute: "region", themes: 1) { byAttribute { leastSatisfied { value nps responses } } } }`;
const DETRACTORS = `query($after: String) {
  responses(filter: { categories: [DETRACTOR], analysisStatus: DONE }, first: 100, after: $after) {
    edges { node { analysis { churnSignals { type } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PROGRAMME = `{
  all: surveyInvitations(first: 1) { totalCount }
  skipped: surveyInvitations(filter: { statuses: [SKIPPED] }, first: 1) { totalCount }
  responseRates(groupBy: TOUCHPOINT) { key invitations responses rate medianHoursToRespond }
}`;
const QUERY_FIELDS = `{ __type(name: "Query") { fields { name } } }`;

interface Page<T> {
  edges: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface DriverRow {
  theme: { key: string; label: string };
  impact: number;
  mentions: number;
  nps: number | null;
}
interface Candidate {
  phrase: string;
  count: number;
  share: number;
  suggestion: { key: string };
}

async function optional<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch {
    return null;
  }
}

export async function buildReport(
  client: GraphqlClient,
  { recentDays = 90, now = new Date() }: { recentDays?: number; now?: Date } = {},
): Promise<DemoReport> {
  const nps = (await client.request<{ nps: DemoReport['nps'] }>(NPS)).data.nps;
  const driverRows =
    (await optional(() => client.request<{ drivers: { detraction: DriverRow[] } }>(DRIVERS)))?.data.drivers.detraction ?? [];
  const drivers = driverRows.map((d) => ({
    key: d.theme.key,
    label: d.theme.label,
    impact: d.impact,
    mentions: d.mentions,
    nps: d.nps,
  }));

  const from = new Date(now.getTime() - recentDays * DAY_MS).toISOString();
  const candidates =
    (await optional(() => client.request<{ emergingThemes: { candidates: Candidate[] } }>(EMERGING, { filter: { from } })))?.data
      .emergingThemes.candidates ?? [];
  // The story's topic when it is among the candidates, else the most frequent one.
  const storyWords = STORY_PHRASE.split(' ');
  const story = candidates.find((c) => storyWords.some((w) => c.phrase.toLowerCase().includes(w))) ?? candidates[0];
  const emerging = story ? { phrase: story.phrase, count: story.count, share: story.share, suggestionKey: story.suggestion.key } : null;

  type Segments = { segments: { byAttribute: { leastSatisfied: DemoReport['leastSatisfiedRegion'] } | null } };
  const region = (await optional(() => client.request<Segments>(SEGMENTS)))?.data.segments.byAttribute?.leastSatisfied ?? null;
  type Programme = {
    all: { totalCount: number };
    skipped: { totalCount: number };
    responseRates: NonNullable<DemoReport['programme']>['rates'];
  };
  const programme = (await optional(() => client.request<Programme>(PROGRAMME)))?.data ?? null;
  return {
    nps,
    drivers,
    emerging,
    atRisk: await atRisk(client),
    leastSatisfiedRegion: region,
    programme:
      programme && programme.all.totalCount > 0
        ? { invitations: programme.all.totalCount, skipped: programme.skipped.totalCount, rates: programme.responseRates }
        : null,
  };
}

async function atRisk(client: GraphqlClient): Promise<DemoReport['atRisk']> {
  type QueryFields = { __type: { fields: { name: string }[] } | null };
  const fields = new Set(((await optional(() => client.request<QueryFields>(QUERY_FIELDS)))?.data.__type?.fields ?? []).map((f) => f.name));
  if (fields.has('atRiskCustomers')) {
    const count = await countPages(
      client,
      `query($after: String) { atRiskCustomers(first: 100, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } }`,
      'atRiskCustomers',
    );
    if (count !== null) return { count, source: 'customers at risk of churn' };
  }
  // Fallback: detractors whose verbatim carries a churn signal ("we're moving to X at renewal").
  let count = 0;
  let after: string | null = null;
  for (let page = 0; page < 200; page++) {
    type Detractors = { responses: Page<{ node: { analysis: { churnSignals: unknown[] } | null } }> };
    const res = await optional(() => client.request<Detractors>(DETRACTORS, { after }));
    if (!res) return null;
    const conn = res.data.responses;
    count += conn.edges.filter((e) => (e.node.analysis?.churnSignals.length ?? 0) > 0).length;
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    if (!after) break;
  }
  return { count, source: 'detractors with churn signals' };
}

/** Counts the edges of a connection page by page (at most 200 pages). */
async function countPages(client: GraphqlClient, query: string, field: string): Promise<number | null> {
  let count = 0;
  let after: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res = await optional(() => client.request<Record<string, Page<unknown> | undefined>>(query, { after }));
    const conn = res?.data[field];
    if (!conn) return null;
    count += conn.edges.length;
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    if (!after) break;
  }
  return count;
}

const fmt = (n: number | null | undefined, digits = 1) => (n == null ? 'n/a' : n.toFixed(digits));
const signed = (n: number | null | undefined) => (n == null ? 'n/a' : `${n > 0 ? '+' : ''}${n.toFixed(1)}`);

/** `key` is printed as it is in the example commands: pass a shell expression (`$VAR`, `$(cat FILE)`) rather than a secret. */
export function formatReport(report: DemoReport, { company, url, key }: { company: string; url: string; key: string | null }): string {
  const lines: string[] = [];
  lines.push('', `${company} — NPS programme, last 12 months`, '');
  lines.push(
    `  NPS                 ${signed(report.nps.nps)} ± ${fmt(report.nps.marginOfError)} points (95%, ${report.nps.responses} responses)`,
  );
  if (report.leastSatisfiedRegion) {
    const r = report.leastSatisfiedRegion;
    lines.push(`  Least satisfied     region ${r.value}: NPS ${signed(r.nps)} (${r.responses} responses)`);
  }
  if (report.drivers.length > 0) {
    lines.push('', '  Top detraction drivers (NPS points each theme costs):');
    for (const d of report.drivers)
      lines.push(`    ${d.label.padEnd(22)} ${signed(d.impact).padStart(6)}   ${d.mentions} mentions, NPS among them ${signed(d.nps)}`);
  }
  if (report.emerging) {
    const e = report.emerging;
    lines.push(
      '',
      `  Emerging theme (last 90 days, not in the taxonomy): "${e.phrase}" — ${e.count} verbatims (${(e.share * 100).toFixed(1)}% of the sample)`,
    );
    lines.push(`    accept it: mutation { createTheme(input: …suggestion "${e.suggestionKey}" from emergingThemes…) { version } }`);
  }
  if (report.atRisk) lines.push('', `  At risk             ${report.atRisk.count} (${report.atRisk.source})`);
  if (report.programme) {
    const p = report.programme;
    lines.push(
      '',
      `  Survey programme    ${p.invitations} invitations (${p.skipped} skipped by fatigue rules); response rate by touchpoint:`,
    );
    for (const r of p.rates)
      lines.push(
        `    ${r.key.padEnd(24)} ${(r.rate * 100).toFixed(0).padStart(3)}%   ${r.responses}/${r.invitations} answered, median ${fmt(r.medianHoursToRespond)} h to respond`,
      );
  }

  const auth = key ? ` -H "authorization: Bearer ${key}"` : '';
  const curl = (query: string) => `  curl -s ${url}${auth} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query })}'`;
  lines.push('', `GraphQL API: ${url}${key ? `   (admin key: ${key})` : ''}`, '', 'Try:');
  lines.push(curl('{ nps { nps marginOfError responses } }'));
  lines.push(curl('{ drivers(limit: 5) { detraction { theme { label } impact mentions } } }'));
  lines.push(curl('{ npsTrend(interval: MONTH, groupBy: { attribute: "region" }) { series { group points { period nps responses } } } }'));
  lines.push(curl('{ responseRates(groupBy: TOUCHPOINT) { key invitations responses rate medianHoursToRespond } }'));
  lines.push('');
  return lines.join('\n');
}
