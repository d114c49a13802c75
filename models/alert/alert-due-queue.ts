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
 * finds its alert resolved, gone, or breached with nothing left to plan. Alerts of data directories
 * made before the queue existed are entered once, by the first sweep (`MIGRATED`).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { chunks, duplicateKeyIndexes } from '../bulk.js';

interface AlertDueEntry {
  /** The alert's id; `MIGRATED` for the record of the one-off migration. */
  _id: string;
  dueAt: Date;
  /** When the entry was written (by this process's clock): an entry without its alert is dropped only once it is old. */
  enteredAt: Date;
}

/** How long an entry may wait for its alert's insert (written right after it) before it counts as orphaned. */
const ORPHAN_AFTER_MS = 10 * 60_000;

/** Recorded once the alerts of an older data directory are in the queue (its dueAt is never reached). */
const MIGRATED = 'entered-existing-alerts';
const NEVER = new Date(8.64e15);

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
  /** Whether this process has seen the migration record (read once per process). */
  private migrated = false;

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
   * Enters the alerts an older version left for the sweep, once: `pending` lists them (a scan of
   * the alerts, run only while the migration record is missing). Several workers doing it at once
   * enter the same entries; duplicates are ignored.
   */
  async migrateOnce(pending: () => Promise<{ _id: string; dueAt: Date }[]>): Promise<void> {
    if (this.migrated) return;
    if (!(await this.model.exists({ _id: MIGRATED }).exec())) {
      await this.enter(await pending());
      await this.enter([{ _id: MIGRATED, dueAt: NEVER }]);
    }
    this.migrated = true;
  }
}
