/** Alerts: point reads and conditional writes by _id; inbox lists page in the database (keyset on an indexed sort). */
import type { FilterQuery, Types } from 'mongoose';
import { afterKey, sortDocument, type SortField } from '../keyset.js';
import { chunks, duplicateKeyIndexes } from '../bulk.js';
import type { AlertEntity, AlertHistoryEntry, AlertStatus, NewAlert } from './alert.entity.js';
import type { AlertModel } from './alert.schema.js';
import type { AlertDueQueue } from './alert-due-queue.js';

const OPEN_STATUSES: AlertStatus[] = ['OPEN', 'ACKNOWLEDGED'];
/** Most due alerts one SLA sweep round reads (the next round takes the rest). */
const DUE_READ_LIMIT = 5_000;

export interface AlertQuery {
  assignee?: string | null;
  statuses?: AlertStatus[] | null;
  customerExternalId?: string | null;
  /** Of any of these customers. */
  customerExternalIds?: string[] | null;
  /** Every `key=value` tag must be on the alert (scope of a MANAGER key, or a filter). */
  attributeTags?: string[] | null;
  minRiskScore?: number | null;
  overdueAt?: Date | null;
  raisedFrom?: Date | null;
  raisedTo?: Date | null;
  /** Only follow-ups of slipping promoters (previous answer ≥ 9, now ≤ 8). */
  slippingPromoter?: boolean | null;
  touchpoint?: string | null;
  respondedFrom?: Date | null;
  respondedTo?: Date | null;
}

export class AlertRepository {
  constructor(
    private readonly model: AlertModel,
    private readonly dueQueue: AlertDueQueue,
  ) {}

  /**
   * Inserts the alerts in chunked unordered inserts; returns the ids inserted (the others exist
   * already: raised by an earlier run). They enter the SLA sweep's queue first.
   */
  async insertManyIfAbsent(alerts: readonly NewAlert[]): Promise<Set<string>> {
    // HISTORICAL alerts (answers too old to page anyone) have no SLA.
    await this.dueQueue.enter(alerts.filter((a) => OPEN_STATUSES.includes(a.status)));
    const inserted = new Set<string>();
    for (const part of chunks(alerts)) {
      let refused = new Set<number>();
      try {
        await this.model.insertMany(part, { ordered: false });
      } catch (err) {
        const duplicates = duplicateKeyIndexes(err, part.length);
        if (!duplicates) throw err;
        refused = duplicates;
      }
      part.forEach((alert, i) => refused.has(i) || inserted.add(alert._id));
    }
    return inserted;
  }

  /** Every alert raised for these responses (any rule). */
  async findByResponses(responseIds: readonly Types.ObjectId[]): Promise<AlertEntity[]> {
    if (responseIds.length === 0) return [];
    return this.model
      .find({ responseId: { $in: [...responseIds] } })
      .lean<AlertEntity[]>()
      .exec();
  }

  async findByIds(ids: readonly string[]): Promise<AlertEntity[]> {
    if (ids.length === 0) return [];
    return this.model
      .find({ _id: { $in: [...ids] } })
      .lean<AlertEntity[]>()
      .exec();
  }

  async findById(id: string): Promise<AlertEntity | null> {
    return this.model.findById(id).lean<AlertEntity>().exec();
  }

  /** Every matching alert: for bounded sets (a period's metrics, a page's customers), not for lists. */
  async find(query: AlertQuery): Promise<AlertEntity[]> {
    return this.model.find(toFilter(query)).lean<AlertEntity[]>().exec();
  }

  /** Up to `limit` matching alerts after the sort key `after`, in `order` (an index of the same order serves it). */
  async page(
    query: AlertQuery,
    order: readonly SortField[],
    after: readonly (string | number)[] | null,
    limit: number,
  ): Promise<AlertEntity[]> {
    const filter = toFilter(query);
    const seek = after ? { $and: [filter, afterKey(order, after)] } : filter;
    return this.model.find(seek).sort(sortDocument(order)).limit(limit).lean<AlertEntity[]>().exec();
  }

  async count(query: AlertQuery): Promise<number> {
    return this.model.countDocuments(toFilter(query)).exec();
  }

  /**
   * Applies a change only if the alert is still in one of `fromStatuses` (and, with
   * `expectedAssignee`, still assigned to them): two concurrent actions cannot both win.
   */
  async transition(
    id: string,
    condition: { fromStatuses: AlertStatus[] },
    set: Partial<AlertEntity>,
    entry: AlertHistoryEntry,
  ): Promise<AlertEntity | null> {
    return this.model
      .findOneAndUpdate({ _id: id, status: { $in: condition.fromStatuses } }, { $set: set, $push: { history: entry } }, { new: true })
      .lean<AlertEntity>()
      .exec();
  }

  /** Open (OPEN or ACKNOWLEDGED) follow-ups of a team per assignee, for the given members only. */
  async openCountsOf(team: string, members: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.model
      .find({ team, status: { $in: ['OPEN', 'ACKNOWLEDGED'] }, assignee: { $in: members } }, { assignee: 1 })
      .lean<{ assignee: string }[]>()
      .exec();
    const counts = new Map<string, number>(members.map((m) => [m, 0]));
    for (const r of rows) counts.set(r.assignee, (counts.get(r.assignee) ?? 0) + 1);
    return counts;
  }

  /**
   * One SLA sweep round's work, from one read of the sweep's queue (alert-due-queue.ts): open or
   * acknowledged alerts past due that are not flagged yet (`breach`), and escalated alerts whose
   * notifications are not planned yet (`escalate`: the sweep stopped between the two writes). Queue
   * entries whose alert needs nothing more (resolved, gone, or flagged, with no escalation left to
   * plan) are dropped on the way.
   */
  async sweepWork(now: Date): Promise<{ breach: AlertEntity[]; escalate: AlertEntity[] }> {
    await this.dueQueue.enterMissingOnce(() =>
      this.model
        .find({ $or: [{ status: { $in: OPEN_STATUSES }, slaBreached: false }, { escalationPlanned: false }] }, { _id: 1, dueAt: 1 })
        .lean<{ _id: string; dueAt: Date }[]>()
        .exec(),
    );
    const entries = await this.dueQueue.due(now, DUE_READ_LIMIT);
    const alerts = await this.findByIds(entries.map((e) => e.id));
    const byId = new Map(alerts.map((a) => [a._id, a]));
    const settled = entries
      .filter(({ id, orphanable }) => {
        const alert = byId.get(id);
        if (!alert) return orphanable;
        // Done: resolved (or never open) or flagged, and no escalation left to plan.
        return alert.escalationPlanned !== false && (alert.slaBreached || !OPEN_STATUSES.includes(alert.status));
      })
      .map((e) => e.id);
    await this.dueQueue.remove(settled);
    const done = new Set(settled);
    const due = alerts.filter((a) => !done.has(a._id));
    return {
      breach: due.filter((a) => OPEN_STATUSES.includes(a.status) && !a.slaBreached && a.dueAt.getTime() < now.getTime()),
      escalate: due.filter((a) => a.escalationPlanned === false),
    };
  }

  /** Flags one breach; conditional on `slaBreached: false`, so each alert is flagged (and emitted) once. */
  async flagBreach(id: string, at: Date, entry: AlertHistoryEntry, escalation?: AlertHistoryEntry): Promise<AlertEntity | null> {
    // The escalation is recorded in the same write as the flag: both happen exactly once, together.
    const entries = escalation ? [entry, escalation] : [entry];
    const flagged = await this.model
      .findOneAndUpdate(
        { _id: id, slaBreached: false, status: { $in: OPEN_STATUSES } },
        {
          $set: { slaBreached: true, slaBreachedAt: at, ...(escalation ? { escalatedTo: escalation.to, escalationPlanned: false } : {}) },
          $push: { history: { $each: entries } },
        },
        { new: true },
      )
      .lean<AlertEntity>()
      .exec();
    // Nothing more for the sweep to do unless an escalation is still to be planned.
    if (flagged && !escalation) await this.dueQueue.remove([id]);
    return flagged;
  }

  async markEscalationPlanned(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { escalationPlanned: true } }).exec();
    await this.dueQueue.remove([id]);
  }
}

function toFilter(query: AlertQuery): FilterQuery<AlertEntity> {
  const filter: FilterQuery<AlertEntity> = {};
  if (query.assignee) filter.assignee = query.assignee;
  if (query.statuses?.length) filter.status = { $in: query.statuses };
  if (query.customerExternalId) filter.customerExternalId = query.customerExternalId;
  if (query.customerExternalIds) filter.customerExternalId = { $in: query.customerExternalIds };
  if (query.attributeTags?.length) filter.attributeTags = { $all: query.attributeTags };
  if (query.minRiskScore != null) filter.riskScore = { $gte: query.minRiskScore };
  if (query.overdueAt) filter.dueAt = { $lt: query.overdueAt };
  if (query.slippingPromoter) filter.slippingPromoter = true;
  if (query.touchpoint) filter.touchpoint = query.touchpoint;
  if (query.respondedFrom || query.respondedTo) {
    filter.respondedAt = {
      ...(query.respondedFrom ? { $gte: query.respondedFrom } : {}),
      ...(query.respondedTo ? { $lt: query.respondedTo } : {}),
    };
  }
  if (query.raisedFrom || query.raisedTo) {
    filter.raisedAt = { ...(query.raisedFrom ? { $gte: query.raisedFrom } : {}), ...(query.raisedTo ? { $lt: query.raisedTo } : {}) };
  }
  return filter;
}
