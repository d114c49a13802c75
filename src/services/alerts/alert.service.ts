/**
 * Alerts (follow-up cases): raised once per response and routing rule after analysis, then
 * acknowledged, reassigned and resolved by people, and flagged by the SLA sweep when overdue.
 * Every change appends a history entry and publishes a domain event with a deterministic id.
 */
import { AppError, InputError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import {
  UNHANDLED,
  type AlertEntity,
  type AlertHistoryEntry,
  type AlertOutcome,
  type AlertStatus,
  type NewAlert,
} from '../../../models/alert/alert.entity.js';
import type { AlertRepository } from '../../../models/alert/alert.repository.js';
import { keyOf, type SortField } from '../../../models/keyset.js';
import { attributeTag, type Attribute, type ResponseEntity } from '../../../models/response/response.entity.js';
import type { RoutingRuleEntity } from '../../../models/routing/routing-rule.entity.js';
import { inScope, scopeTags, type Scope } from '../auth/scope.js';
import type { EventPublisher } from '../events.js';
import { decodeCursor, pageSize, toPage, type Page } from '../paging.js';
import type { ChurnRiskResult } from '../risk/churn-risk.js';
import { alertEvent } from './alert-events.js';
import type { TeamPick } from '../teams/team-rotation.js';
import { taskText } from './follow-up-tasks.js';
import { chooseRoute, DEFAULT_ROUTE_ID, type Route, type RoutingDefaults } from './routing.js';
import { addBusinessHours, type BusinessCalendar } from '../../domain/business-calendar.js';
import { DAY_MS } from '../../domain/time.js';

/** Tells people about alerts (src/services/notifications): plans their messages, idempotently. */
export interface AlertNotifier {
  /** The alert was raised for, or reassigned to, its assignee. */
  assigned(alert: AlertEntity): Promise<void>;
  /** The alert breached its SLA and was escalated to `alert.escalatedTo`. */
  escalated(alert: AlertEntity): Promise<void>;
}

/** The business calendar SLAs in business hours count in (the programme's, Mon–Fri 09–17 UTC by default). */
export type CalendarSource = () => Promise<BusinessCalendar & { timeZone: string }>;

/** What the risk scoring knew beyond the response: the previous comparable answer's score. */
export interface RaiseContext {
  previousScore?: number | null;
}

/** Hands out follow-ups of a team round-robin (TeamRotation); absent: the rule's fallback assignee. */
interface TeamAssigner {
  /** Stores the follow-ups of one team, each given to a member in turn; returns the ids stored. */
  assignMany(
    team: string,
    items: readonly { alert: NewAlert; fallback: string }[],
    build: (alert: NewAlert, pick: TeamPick) => NewAlert,
  ): Promise<Set<string>>;
}

export type AlertOrder = 'RISK' | 'DUE' | 'NEWEST';

export interface AlertFilter {
  assignee?: string | null;
  statuses?: AlertStatus[] | null;
  /** Past due and not resolved. */
  overdue?: boolean | null;
  minRiskScore?: number | null;
  customerExternalId?: string | null;
  attributes?: Attribute[] | null;
}

export interface AlertPage extends Page<AlertEntity> {
  totalCount: number;
}

export interface RaiseOutcome {
  alert: AlertEntity;
  /** False when an earlier run of the job raised it already. */
  raised: boolean;
}

const SYSTEM = 'system';
const OUTCOMES: AlertOutcome[] = ['RECOVERED', 'NOT_RECOVERED', 'NO_RESPONSE'];
const MAX_NOTE = 2000;

function alertId(responseId: string, ruleId: string | null): string {
  return `${responseId}:${ruleId ?? DEFAULT_ROUTE_ID}`;
}

export class AlertService {
  constructor(
    private readonly deps: {
      alerts: AlertRepository;
      /** The rules in force (a RuleCache: read every few seconds, not per response). */
      rules: { list(): Promise<RoutingRuleEntity[]> };
      events: EventPublisher;
      defaults: RoutingDefaults;
      /** Responses answered longer ago than this get HISTORICAL alerts (VERBATIM_ALERT_MAX_AGE_DAYS). */
      maxAgeDays: number;
      maxPageSize: number;
      log: Logger;
      now?: () => Date;
      /** Needed by rules with `slaBusinessHours`. */
      calendar?: CalendarSource;
      /** People notifications; none: alerts reach only subscriptions and webhooks. */
      notifier?: AlertNotifier;
      teams?: TeamAssigner;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Routes a batch of analysed responses and raises their alerts (rules, earlier alerts and
   * inserts once for the batch), at most once per response: the
   * deterministic id turns a second insert (job retry) into "already raised", and a response that
   * has an alert under another rule (re-analysed after a taxonomy or rule change) keeps that one.
   * A response answered longer ago than `maxAgeDays` gets a HISTORICAL alert: recorded, never
   * paged, no SLA. Returns one outcome per item, null where no route applies.
   */
  async raiseFor(
    items: readonly { response: ResponseEntity; risk: ChurnRiskResult; context?: RaiseContext }[],
  ): Promise<(RaiseOutcome | null)[]> {
    const rules = await this.deps.rules.list();
    const routed = items.map(({ response, risk, context = {} }) => {
      const route = chooseRoute(
        rules,
        {
          category: response.category,
          riskLevel: risk.level,
          touchpoint: response.touchpoint,
          themeKeys: response.themeKeys,
          attributes: response.attributes,
          score: response.score,
          previousScore: context.previousScore ?? null,
        },
        this.deps.defaults,
      );
      return route ? { response, risk, context, route, id: alertId(response._id.toHexString(), route.ruleId) } : null;
    });
    const outcomes: (RaiseOutcome | null)[] = items.map(() => null);
    // Only a re-analysis (revision > 0) can meet an alert under another rule: first analyses skip the read.
    const reanalysed = routed.flatMap((r) => (r && r.response.analysisRevision > 0 ? [r.response._id] : []));
    const earlier = await this.deps.alerts.findByResponses(reanalysed);
    const now = this.now();
    const fresh: { index: number; alert: NewAlert; team: string | null; route: Route }[] = [];
    for (const [index, r] of routed.entries()) {
      if (!r) continue;
      const other = earlier.find((a) => a.responseId.equals(r.response._id) && a._id !== r.id);
      if (other) {
        outcomes[index] = { alert: other, raised: false };
        continue;
      }
      const team = r.route.roundRobin && this.deps.teams ? r.route.team : null;
      fresh.push({ index, alert: await this.newAlert(r, now), team, route: r.route });
    }
    // Insert first: the common case is a new alert, and a duplicate key is the "already raised" answer.
    const inserted = await this.deps.alerts.insertManyIfAbsent(fresh.filter((f) => !f.team).map((f) => f.alert));
    // Round-robin follow-ups take a turn of their team each, in batch order: one lock and insert per team.
    const byTeam = new Map<string, { alert: NewAlert; fallback: string }[]>();
    for (const { alert, team, route } of fresh)
      if (team) byTeam.set(team, [...(byTeam.get(team) ?? []), { alert, fallback: route.assignee }]);
    for (const [team, items] of byTeam)
      for (const id of (await this.deps.teams?.assignMany(team, items, assignedTo)) ?? []) inserted.add(id);
    const existing = new Map(
      (await this.deps.alerts.findByIds(fresh.filter((f) => !inserted.has(f.alert._id)).map((f) => f.alert._id))).map((a) => [a._id, a]),
    );
    for (const { index, alert } of fresh) {
      const raised = inserted.has(alert._id);
      const stored = raised ? { ...alert, createdAt: now, updatedAt: now } : existing.get(alert._id);
      if (!stored) throw new Error(`alert ${alert._id} was neither inserted nor found`);
      // On a retry this re-publishes with the same event id, which receivers drop as a repeat.
      if (stored.status !== 'HISTORICAL') await this.publish('alert.raised', stored);
      // Also on a retry: the plan is idempotent (one message per alert, recipient and channel).
      if (stored.status !== 'HISTORICAL') await this.deps.notifier?.assigned(stored);
      this.deps.log.debug(
        { alertId: alert._id, assignee: stored.assignee, riskScore: stored.riskScore, inserted: raised },
        raised ? 'alert raised' : 'alert already raised',
      );
      outcomes[index] = { alert: stored, raised };
    }
    return outcomes;
  }

  /** The alert a route raises for a response (not stored yet). */
  private async newAlert(
    {
      response,
      risk,
      context,
      route,
      id,
    }: { response: ResponseEntity; risk: ChurnRiskResult; context: RaiseContext; route: Route; id: string },
    now: Date,
  ): Promise<NewAlert> {
    const historical = now.getTime() - response.respondedAt.getTime() > this.deps.maxAgeDays * DAY_MS;
    // A historical alert was due when the answer was fresh: its SLA lies in the past, never swept.
    const dueFrom = historical ? response.respondedAt : now;
    return {
      _id: id,
      responseId: response._id,
      ruleId: route.ruleId,
      ruleName: route.ruleName,
      customerExternalId: response.customerExternalId,
      category: response.category,
      score: response.score,
      touchpoint: response.touchpoint,
      attributes: response.attributes,
      attributeTags: response.attributes.map((a) => attributeTag(a.key, a.value)),
      themeKeys: response.themeKeys,
      respondedAt: response.respondedAt,
      task: route.task,
      taskText: taskText({
        task: route.task,
        score: response.score,
        previousScore: context.previousScore ?? null,
        slaHours: route.slaHours,
        reviewUrl: route.reviewUrl,
      }),
      reviewUrl: route.reviewUrl,
      previousScore: context.previousScore ?? null,
      slippingPromoter: route.slippingPromoter,
      channels: route.channels,
      assignee: route.assignee,
      team: route.team,
      status: historical ? 'HISTORICAL' : 'OPEN',
      riskScore: risk.score,
      riskLevel: risk.level,
      reasons: risk.reasons,
      slaHours: route.slaHours,
      raisedAt: now,
      dueAt: await this.dueAt(dueFrom, route.slaHours, route.slaBusinessHours),
      ...UNHANDLED,
      history: [
        {
          at: now,
          actor: SYSTEM,
          action: 'RAISED',
          from: null,
          to: route.assignee,
          note: historical
            ? `routed by ${route.ruleName}; recorded as history, not paged: answered more than ${this.deps.maxAgeDays} days ago`
            : `routed by ${route.ruleName}`,
        },
      ],
    };
  }

  /** `from` + the SLA: wall-clock hours, or business hours of the business calendar. */
  private async dueAt(from: Date, slaHours: number, businessHours: boolean): Promise<Date> {
    if (!businessHours || !this.deps.calendar) return new Date(from.getTime() + slaHours * 3_600_000);
    const calendar = await this.deps.calendar();
    return addBusinessHours(from, slaHours, calendar.timeZone, calendar);
  }

  async get(id: string, scope?: Scope): Promise<AlertEntity | null> {
    const alert = await this.deps.alerts.findById(id);
    return alert && inScope(alert.attributes, scope) ? alert : null;
  }

  async list(
    filter: AlertFilter = {},
    order: AlertOrder = 'RISK',
    first?: number | null,
    after?: string | null,
    scope?: Scope,
  ): Promise<AlertPage> {
    const size = pageSize(first, this.deps.maxPageSize);
    if (filter.minRiskScore != null && (filter.minRiskScore < 0 || filter.minRiskScore > 100)) {
      throw new InputError([{ field: 'filter.minRiskScore', message: 'must be between 0 and 100' }]);
    }
    const sort = ALERT_ORDERS[order];
    const key = decodeCursor(
      after,
      sort.map((f) => (f.field === '_id' ? 'string' : 'number')),
    );
    const tags = [...scopeTags(scope), ...scopeTags(filter.attributes)];
    let statuses = filter.statuses ?? null;
    if (filter.overdue)
      statuses = (statuses?.length ? statuses : ['OPEN', 'ACKNOWLEDGED']).filter((s) => s !== 'RESOLVED') as AlertStatus[];
    if (statuses && statuses.length === 0) return { totalCount: 0, edges: [], hasNextPage: false, endCursor: null };
    // The scope is part of the query (every scope pair as a tag): the database returns only in-scope alerts.
    const query = {
      assignee: filter.assignee,
      statuses,
      customerExternalId: filter.customerExternalId,
      attributeTags: tags,
      minRiskScore: filter.minRiskScore,
      overdueAt: filter.overdue ? this.now() : null,
    };
    const [rows, totalCount] = await Promise.all([this.deps.alerts.page(query, sort, key, size + 1), this.deps.alerts.count(query)]);
    return { totalCount, ...toPage(rows, size, (a) => keyOf(sort, a)) };
  }

  async acknowledge(id: string, actor: string, note?: string | null, scope?: Scope): Promise<AlertEntity> {
    const current = await this.mustGet(id, scope);
    if (current.status !== 'OPEN') throw transitionError(current, 'acknowledged', 'OPEN');
    const now = this.now();
    return this.apply(
      current,
      ['OPEN'],
      { status: 'ACKNOWLEDGED', acknowledgedAt: now, firstActionAt: current.firstActionAt ?? now },
      { at: now, actor, action: 'ACKNOWLEDGED', from: 'OPEN', to: 'ACKNOWLEDGED', note: checkNote(note) },
    );
  }

  async resolve(id: string, actor: string, outcome: AlertOutcome, note?: string | null, scope?: Scope): Promise<AlertEntity> {
    if (!OUTCOMES.includes(outcome)) throw new InputError([{ field: 'outcome', message: `must be one of ${OUTCOMES.join(', ')}` }]);
    const current = await this.mustGet(id, scope);
    if (current.status === 'RESOLVED') throw transitionError(current, 'resolved', 'OPEN or ACKNOWLEDGED');
    const now = this.now();
    const resolutionNote = checkNote(note);
    return this.apply(
      current,
      [current.status],
      { status: 'RESOLVED', resolvedAt: now, outcome, resolutionNote, firstActionAt: current.firstActionAt ?? now },
      {
        at: now,
        actor,
        action: 'RESOLVED',
        from: current.status,
        to: 'RESOLVED',
        note: resolutionNote ? `${outcome}: ${resolutionNote}` : outcome,
      },
    );
  }

  async reassign(id: string, actor: string, assignee: string, note?: string | null, scope?: Scope): Promise<AlertEntity> {
    const to = assignee?.trim();
    if (!to || to.length > 200) throw new InputError([{ field: 'assignee', message: 'must be 1–200 characters' }]);
    const current = await this.mustGet(id, scope);
    if (current.status === 'RESOLVED') throw transitionError(current, 'reassigned', 'OPEN or ACKNOWLEDGED');
    if (current.assignee === to) throw new InputError([{ field: 'assignee', message: `alert is already assigned to ${to}` }]);
    const updated = await this.apply(
      current,
      [current.status],
      { assignee: to },
      { at: this.now(), actor, action: 'REASSIGNED', from: current.assignee, to, note: checkNote(note) },
    );
    // The reassignment stands even when its notification cannot be planned (database hiccup): logged, not failed.
    await this.deps.notifier
      ?.assigned(updated)
      .catch((err: Error) => this.deps.log.warn({ alertId: id, err: err.message }, 'could not plan the notification of a reassignment'));
    return updated;
  }

  /**
   * The SLA sweep: flags every open alert past due, once each, and emits `alert.sla_breached`. When
   * the alert's rule names `escalateTo`, the same write records ESCALATED, and that person or team
   * is notified (a sweep cut off before the notification is planned finishes it the next round).
   */
  async flagBreaches(): Promise<{ breached: number; escalated: number }> {
    const now = this.now();
    let breached = 0;
    let escalated = 0;
    // One read for the round: what to flag, and escalations a sweep cut off earlier left unplanned.
    const { breach: candidates, escalate: unplanned } = await this.deps.alerts.sweepWork(now);
    const rules = candidates.length ? new Map((await this.deps.rules.list()).map((r) => [r._id, r])) : new Map<string, RoutingRuleEntity>();
    for (const candidate of candidates) {
      const escalateTo = candidate.ruleId ? (rules.get(candidate.ruleId)?.escalateTo ?? null) : null;
      const flagged = await this.deps.alerts.flagBreach(
        candidate._id,
        now,
        {
          at: now,
          actor: SYSTEM,
          action: 'SLA_BREACHED',
          from: null,
          to: candidate.assignee,
          note: `not ${candidate.status === 'OPEN' ? 'acknowledged' : 'resolved'} within ${candidate.slaHours} h`,
        },
        escalateTo
          ? {
              at: now,
              actor: SYSTEM,
              action: 'ESCALATED',
              from: candidate.assignee,
              to: escalateTo,
              note: `SLA breached; escalated to ${escalateTo}`,
            }
          : undefined,
      );
      // Null: another worker flagged it, or it was resolved meanwhile.
      if (!flagged) continue;
      breached++;
      if (flagged.escalationPlanned === false) unplanned.push(flagged);
      await this.publish('alert.sla_breached', flagged);
    }
    if (this.deps.notifier) {
      for (const alert of unplanned) {
        await this.deps.notifier.escalated(alert);
        await this.deps.alerts.markEscalationPlanned(alert._id);
        escalated++;
      }
    }
    if (breached) this.deps.log.warn({ breached, escalated }, 'alerts past their SLA');
    return { breached, escalated };
  }

  private async mustGet(id: string, scope: Scope): Promise<AlertEntity> {
    const alert = await this.get(id, scope);
    if (!alert) throw notFound('alert', id);
    return alert;
  }

  private async apply(
    current: AlertEntity,
    from: AlertStatus[],
    set: Partial<AlertEntity>,
    entry: AlertHistoryEntry,
  ): Promise<AlertEntity> {
    const updated = await this.deps.alerts.transition(current._id, { fromStatuses: from }, set, entry);
    if (!updated) throw new AppError('CONFLICT', `alert ${current._id} changed meanwhile; reload it and try again`, { id: current._id });
    await this.publish('alert.updated', updated);
    return updated;
  }

  private async publish(type: 'alert.raised' | 'alert.updated' | 'alert.sla_breached', alert: AlertEntity): Promise<void> {
    if (!alert.channels.includes('WEBHOOK')) return;
    await this.deps.events.publish([alertEvent(type, alert, this.now())]);
  }
}

/** The alert given to the team member picked, the reason appended to its RAISED note. */
function assignedTo(alert: NewAlert, pick: TeamPick): NewAlert {
  const [raised, ...rest] = alert.history;
  alert.assignee = pick.assignee;
  alert.history = [{ ...raised, to: pick.assignee, note: `${raised.note}; ${pick.reason}` }, ...rest];
  return alert;
}

function transitionError(alert: AlertEntity, verb: string, allowed: string): InputError {
  return new InputError([{ field: 'id', message: `alert is ${alert.status}; only ${allowed} alerts can be ${verb}` }]);
}

function checkNote(note: string | null | undefined): string | null {
  const trimmed = note?.trim();
  if (!trimmed) return null;
  if (trimmed.length > MAX_NOTE) throw new InputError([{ field: 'note', message: `must be at most ${MAX_NOTE} characters` }]);
  return trimmed;
}

/** The keyset order of each AlertOrder, ending with the unique _id (an index of each is declared on the schema). */
const ALERT_ORDERS: Record<AlertOrder, SortField[]> = {
  RISK: [
    { field: 'riskScore', direction: -1 },
    { field: 'dueAt', direction: 1, date: true },
    { field: '_id', direction: 1 },
  ],
  DUE: [
    { field: 'dueAt', direction: 1, date: true },
    { field: 'riskScore', direction: -1 },
    { field: '_id', direction: 1 },
  ],
  NEWEST: [
    { field: 'raisedAt', direction: -1, date: true },
    { field: '_id', direction: 1 },
  ],
};
