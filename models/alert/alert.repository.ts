/** Alerts: point reads and conditional writes by _id; inbox lists page in the database (keyset on an indexed sort). */
import type { FilterQuery, Types } from 'mongoose';
import { afterKey, sortDocument, type SortField } from '../keyset.js';
import { chunks, duplicateKeyIndexes } from '../bulk.js';
import type { AlertEntity, AlertHistoryEntry, AlertStatus, NewAlert } from './alert.entity.js';
import type { AlertModel } from './alert.schema.js';

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
  constructor(private readonly model: AlertModel) {}

  /** Inserts the alerts in chunked unordered inserts; returns the ids inserted (the others exist already: raised by an earlier run). */
  async insertManyIfAbsent(alerts: readonly NewAlert[]): Promise<Set<string>> {
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

  /** Open or acknowledged alerts past due that are not flagged yet. */
  async findDueForBreach(now: Date): Promise<AlertEntity[]> {
    return this.model
      .find({ status: { $in: ['OPEN', 'ACKNOWLEDGED'] }, slaBreached: false, dueAt: { $lt: now } })
      .lean<AlertEntity[]>()
      .exec();
  }

  /** Flags one breach; conditional on `slaBreached: false`, so each alert is flagged (and emitted) once. */
  async flagBreach(id: string, at: Date, entry: AlertHistoryEntry, escalation?: AlertHistoryEntry): Promise<AlertEntity | null> {
    // The escalation is recorded in the same write as the flag: both happen exactly once, together.
    const entries = escalation ? [entry, escalation] : [entry];
    return this.model
      .findOneAndUpdate(
        { _id: id, slaBreached: false, status: { $in: ['OPEN', 'ACKNOWLEDGED'] } },
        {
          $set: { slaBreached: true, slaBreachedAt: at, ...(escalation ? { escalatedTo: escalation.to, escalationPlanned: false } : {}) },
          $push: { history: { $each: entries } },
        },
        { new: true },
      )
      .lean<AlertEntity>()
      .exec();
  }

  /** Escalated alerts whose notifications are not planned yet (the sweep stopped between the two writes). */
  async findUnplannedEscalations(): Promise<AlertEntity[]> {
    return this.model.find({ escalationPlanned: false }).limit(1000).lean<AlertEntity[]>().exec();
  }

  async markEscalationPlanned(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { escalationPlanned: true } }).exec();
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
