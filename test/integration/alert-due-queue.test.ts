/**
 * The SLA sweep reads its alerts from a small queue (models/alert/alert-due-queue.ts), not by
 * scanning every alert. Against the real database: alerts of an older version (no queue entries)
 * are entered by the first sweep of each process and still flagged; entries leave the queue once nothing is left to do for their
 * alert (flagged, escalation planned, resolved, HISTORICAL, or an old entry whose alert never
 * came); a young entry whose alert insert is in flight stays.
 */
import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../models/database.js';
import type { AlertHistoryEntry, NewAlert } from '../../models/alert/alert.entity.js';
import { alertDoc } from '../helpers/alerts.js';
import { useTestDatabase } from '../helpers/database.js';
import { testMongoUri } from '../helpers/services.js';

const HOUR = 3_600_000;
const now = new Date();
const database = useTestDatabase('alert-due-queue');
let db: Database;
beforeAll(() => {
  db = database();
});

/** An OPEN alert of a detractor, due an hour ago unless overridden. */
const alert = (overrides: Partial<NewAlert> = {}) => alertDoc({ dueAt: new Date(now.getTime() - HOUR), ...overrides });

const entry = (): AlertHistoryEntry => ({ at: now, actor: 'system', action: 'SLA_BREACHED', from: null, to: null, note: null });
const queue = () => db.connection.collection<{ _id: string; dueAt: Date; enteredAt: Date }>('alert_due_queue');
const queued = async () => (await queue().find({}).toArray()).map((d) => d._id).sort();

describe('the SLA sweep queue', () => {
  it('enters, on each process’s first sweep, the alerts an older version stored without entries, and flags them', async () => {
    const legacy = alert();
    const legacyEscalation = alert({ slaBreached: true, escalationPlanned: false, escalatedTo: 'lead@example.com' });
    const legacyDone = alert({ slaBreached: true });
    await db.connection.collection('alerts').insertMany([legacy, legacyEscalation, legacyDone] as never[]);

    const due = (await db.alerts.sweepWork(now)).breach;
    expect(due.map((a) => a._id)).toEqual([legacy._id]);
    expect((await db.alerts.sweepWork(now)).escalate.map((a) => a._id)).toEqual([legacyEscalation._id]);
    // An older worker still running (a rolling deploy) stores an alert without an entry: this
    // process scans only once, the next process to start enters it.
    const late = alert();
    await db.connection.collection('alerts').insertOne(late as never);
    expect((await db.alerts.sweepWork(now)).breach.map((a) => a._id)).toEqual([legacy._id]);
    const next = await connectDatabase({ uri: testMongoUri('alert-due-queue') });
    try {
      expect((await next.alerts.sweepWork(now)).breach.map((a) => a._id).sort()).toEqual([legacy._id, late._id].sort());
    } finally {
      await next.close();
    }

    for (const id of [legacy._id, late._id]) expect(await db.alerts.flagBreach(id, now, entry())).not.toBeNull();
    await db.alerts.markEscalationPlanned(legacyEscalation._id);
    expect((await db.alerts.sweepWork(now)).breach).toEqual([]);
    expect((await db.alerts.sweepWork(now)).escalate).toEqual([]);
    expect(await queued()).toEqual([]);
  });

  it('keeps an entry while its alert needs the sweep, and drops it once nothing is left to do', async () => {
    const overdue = alert();
    const escalated = alert();
    const resolved = alert();
    const future = alert({ dueAt: new Date(now.getTime() + 5 * HOUR) });
    const historical = alert({ status: 'HISTORICAL' });
    const inserted = await db.alerts.insertManyIfAbsent([overdue, escalated, resolved, future, historical]);
    expect(inserted.size).toBe(5);
    // HISTORICAL alerts have no SLA: never entered.
    expect(await queued()).toEqual([overdue._id, escalated._id, resolved._id, future._id].sort());

    await db.alerts.transition(resolved._id, { fromStatuses: ['OPEN'] }, { status: 'RESOLVED' }, { ...entry(), action: 'RESOLVED' });
    expect((await db.alerts.sweepWork(now)).breach.map((a) => a._id).sort()).toEqual([overdue._id, escalated._id].sort());
    expect(await queued()).toEqual([overdue._id, escalated._id, future._id].sort());

    await db.alerts.flagBreach(overdue._id, now, entry());
    await db.alerts.flagBreach(escalated._id, now, entry(), { ...entry(), action: 'ESCALATED', to: 'lead@example.com' });
    expect(await queued()).toEqual([escalated._id, future._id].sort());
    expect((await db.alerts.sweepWork(now)).escalate.map((a) => a._id)).toEqual([escalated._id]);
    await db.alerts.markEscalationPlanned(escalated._id);
    expect(await queued()).toEqual([future._id]);

    // Re-raised by a repeated run: the flagged alert's entry comes back and leaves again.
    await db.alerts.insertManyIfAbsent([overdue]);
    expect((await db.alerts.sweepWork(now)).breach).toEqual([]);
    expect(await queued()).toEqual([future._id]);
  });

  it('waits for an alert whose insert is in flight, and drops an old entry whose alert never came', async () => {
    const young = `${new Types.ObjectId().toHexString()}:default`;
    const old = `${new Types.ObjectId().toHexString()}:default`;
    const dueAt = new Date(now.getTime() - HOUR);
    await queue().insertMany([
      { _id: young, dueAt, enteredAt: new Date() },
      { _id: old, dueAt, enteredAt: new Date(Date.now() - 2 * HOUR) },
    ]);
    expect((await db.alerts.sweepWork(now)).breach).toEqual([]);
    const left = await queued();
    expect(left).toContain(young);
    expect(left).not.toContain(old);
  });
});
