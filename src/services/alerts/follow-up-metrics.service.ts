/**
 * Buy-in metrics over a period, per owner or team: closed-loop rate (detractor alerts contacted —
 * acknowledged or resolved — within their SLA), median time to first action, outcomes, and the
 * NPS of the responses each owner or team is responsible for (the weekly leaderboard).
 */
import { InputError } from '../../errors.js';
import { npsFigures } from '../../domain/nps.js';
import type { AlertEntity } from '../../../models/alert/alert.entity.js';
import type { AlertRepository } from '../../../models/alert/alert.repository.js';
import type { OwnerNpsRepository } from '../../../models/alert/owner-nps.repository.js';
import { scopeTags, type Scope } from '../auth/scope.js';

export type MetricsGroupBy = 'OWNER' | 'TEAM';

export interface FollowUpStats {
  /** Owner or team; null for the overall row (and for alerts without a team). */
  key: string | null;
  alerts: number;
  detractorAlerts: number;
  contactedWithinSla: number;
  /** contactedWithinSla / detractorAlerts, 0–1; null without detractor alerts. */
  closedLoopRate: number | null;
  medianMinutesToFirstAction: number | null;
  open: number;
  overdue: number;
  resolved: number;
  recovered: number;
  slaBreached: number;
  /** NPS of the period's responses whose owner (team) attribute names this key. */
  responses: number;
  nps: number | null;
}

export interface FollowUpMetrics {
  from: Date;
  to: Date;
  groupBy: MetricsGroupBy;
  overall: FollowUpStats;
  rows: FollowUpStats[];
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function statsOf(key: string | null, alerts: AlertEntity[], now: Date): Omit<FollowUpStats, 'responses' | 'nps'> {
  const detractors = alerts.filter((a) => a.category === 'DETRACTOR');
  const contacted = detractors.filter((a) => a.firstActionAt && a.firstActionAt.getTime() <= a.dueAt.getTime()).length;
  const minutes = alerts.flatMap((a) => (a.firstActionAt ? [(a.firstActionAt.getTime() - a.raisedAt.getTime()) / 60_000] : []));
  const med = median(minutes);
  return {
    key,
    alerts: alerts.length,
    detractorAlerts: detractors.length,
    contactedWithinSla: contacted,
    closedLoopRate: detractors.length ? contacted / detractors.length : null,
    medianMinutesToFirstAction: med == null ? null : Math.round(med * 10) / 10,
    open: alerts.filter((a) => a.status !== 'RESOLVED').length,
    overdue: alerts.filter((a) => a.status !== 'RESOLVED' && a.dueAt.getTime() < now.getTime()).length,
    resolved: alerts.filter((a) => a.status === 'RESOLVED').length,
    recovered: alerts.filter((a) => a.outcome === 'RECOVERED').length,
    slaBreached: alerts.filter((a) => a.slaBreached).length,
  };
}

export class FollowUpMetricsService {
  constructor(
    private readonly deps: {
      alerts: AlertRepository;
      ownerNps: OwnerNpsRepository;
      ownerAttribute: string;
      teamAttribute: string;
      now?: () => Date;
    },
  ) {}

  async metrics(from: Date, to: Date, groupBy: MetricsGroupBy, scope?: Scope): Promise<FollowUpMetrics> {
    if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new InputError([{ field: 'from', message: 'must be a date-time' }]);
    if (!(to instanceof Date) || Number.isNaN(to.getTime()) || to <= from)
      throw new InputError([{ field: 'to', message: 'must be after from' }]);
    const now = this.deps.now?.() ?? new Date();
    const tags = scopeTags(scope);
    // HISTORICAL alerts (old answers) were never follow-ups owed: they do not count here.
    // The scope is in the query (tags): the database returns in-scope alerts only.
    const alerts = (await this.deps.alerts.find({ raisedFrom: from, raisedTo: to, attributeTags: tags })).filter(
      (a) => a.status !== 'HISTORICAL',
    );
    const keyOf = (a: AlertEntity) => (groupBy === 'OWNER' ? a.assignee : a.team);
    const groups = new Map<string | null, AlertEntity[]>();
    for (const a of alerts) groups.set(keyOf(a), [...(groups.get(keyOf(a)) ?? []), a]);

    const counts = await this.deps.ownerNps.countByOwner(
      groupBy === 'OWNER' ? this.deps.ownerAttribute : this.deps.teamAttribute,
      from,
      to,
      tags,
    );
    const nps = new Map<string, { promoters: number; passives: number; detractors: number }>();
    for (const c of counts) {
      const n = nps.get(c.owner) ?? { promoters: 0, passives: 0, detractors: 0 };
      if (c.category === 'PROMOTER') n.promoters += c.count;
      else if (c.category === 'PASSIVE') n.passives += c.count;
      else n.detractors += c.count;
      nps.set(c.owner, n);
    }
    const keys = new Set<string | null>([...groups.keys(), ...nps.keys()]);
    const rows = [...keys].map((key) => {
      const n = key == null ? undefined : nps.get(key);
      const figures = n ? npsFigures(n) : null;
      return { ...statsOf(key, groups.get(key) ?? [], now), responses: figures?.responses ?? 0, nps: figures?.nps ?? null };
    });
    // Leaderboard order: best closed-loop rate first, then NPS.
    rows.sort(
      (a, b) =>
        (b.closedLoopRate ?? -1) - (a.closedLoopRate ?? -1) ||
        (b.nps ?? -101) - (a.nps ?? -101) ||
        String(a.key).localeCompare(String(b.key)),
    );
    const total = [...nps.values()].reduce(
      (s, n) => ({ promoters: s.promoters + n.promoters, passives: s.passives + n.passives, detractors: s.detractors + n.detractors }),
      { promoters: 0, passives: 0, detractors: 0 },
    );
    const overallFigures = npsFigures(total);
    return {
      from,
      to,
      groupBy,
      overall: { ...statsOf(null, alerts, now), responses: overallFigures.responses, nps: overallFigures.nps },
      rows,
    };
  }
}
