/**
 * The SLA sweep's work list: one small document per alert the sweep may still have to act on (open
 * and not flagged yet, or flagged with its escalation not planned yet), `{ _id: alertId, dueAt }`.
 *
 * Why: the sweep used to find its alerts with two filters on the alerts themselves (open, unflagged,
 * past due; escalation unplanned). The embedded FerretDB serves no filter but `_id` from an index,
 * so each round decoded every alert ever raised (docs/ferretdb.md) — 9 s a round at 10,000
 * responses, competing with the analysis for the database. This collection holds only the alerts
 * still in their SLA window, and its documents are tiny.
 *
 * An entry is written before its alert (a crash between leaves an entry without an alert, which
 * the sweep deletes once due and old, never an alert the sweep cannot see), and deleted when the sweep
 * finds its alert resolved, gone, or breached with nothing left to plan. The first sweep of each
 * process enters what the queue lacks (`enterMissingOnce`): the alerts of a data directory made
 * before the queue existed, and those raised by workers of an older version during a rolling
 * deploy (the last new process starts after the last old one stopped).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { chunks, duplicateKeyIndexes } from '../bulk.js';

interface AlertDueEntry {
  /** The alert's id. */
  _id: string;
  dueAt: Date;
  /** When the entry was written (by this process's clock): an entry without its alert is dropped only once it is old. */
  enteredAt: Date;
}

/** How long an entry may wait for its alert's insert (written right after it) before it counts as orphaned. */
const ORPHAN_AFTER_MS = 10 * 60_000;

const alertDueSchema = new Schema<AlertDueEntry>(
  { _id: String, dueAt: { type: Date, required: true }, enteredAt: { type: Date, required: true } },
  { collection: 'alert_due_queue', versionKey: false },
);
// The sweep's read (on MongoDB from this index; on the embedded FerretDB a scan of small documents).
alertDueSchema.index({ dueAt: 1 });

export type AlertDueModel = Model<AlertDueEntry>;

export function alertDueModel(connection: Connection): AlertDueModel {
  return (connection.models.AlertDue as AlertDueModel | undefined) ?? connection.model<AlertDueEntry>('AlertDue', alertDueSchema);
}

export class AlertDueQueue {
  /** Whether this process has entered what the queue lacked. */
  private checked = false;

  constructor(private readonly model: AlertDueModel) {}

  /** Enters alerts about to be inserted; entries already there (a re-run) stay as they are. */
  async enter(alerts: readonly { _id: string; dueAt: Date }[]): Promise<void> {
    const enteredAt = new Date();
    for (const part of chunks(alerts)) {
      try {
        await this.model.insertMany(
          part.map((a) => ({ _id: a._id, dueAt: a.dueAt, enteredAt })),
          { ordered: false },
        );
      } catch (err) {
        if (!duplicateKeyIndexes(err, part.length)) throw err;
      }
    }
  }

  /**
   * The entries due before `now`, oldest first (at most `limit`), each with whether it may be
   * dropped when its alert is missing (an alert is inserted right after its entry: a young entry
   * without one is an insert in flight, an old one the leftover of a crash).
   */
  async due(now: Date, limit: number): Promise<{ id: string; orphanable: boolean }[]> {
    const rows = await this.model
      .find({ dueAt: { $lt: now } }, { _id: 1, enteredAt: 1 })
      .sort({ dueAt: 1, _id: 1 })
      .limit(limit)
      .lean<{ _id: string; enteredAt?: Date }[]>()
      .exec();
    const cutoff = Date.now() - ORPHAN_AFTER_MS;
    return rows.map((r) => ({ id: r._id, orphanable: (r.enteredAt?.getTime() ?? 0) < cutoff }));
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids, 1000)) await this.model.deleteMany({ _id: { $in: part } }).exec();
  }

  /**
   * Enters, once per process, the alerts the sweep still has to act on: `pending` lists them (one
   * scan of the alerts). Entries already there stay; several processes doing it at once is harmless.
   */
  async enterMissingOnce(pending: () => Promise<{ _id: string; dueAt: Date }[]>): Promise<void> {
    if (this.checked) return;
    await this.enter(await pending());
    this.checked = true;
  }
}
