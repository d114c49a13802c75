/**
 * The account survey log of an older version's invitations is built at start without losing what a
 * planner of the new version released meanwhile (real FerretDB).
 */
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { ProgrammeRepository } from '../../models/programme/programme.repository.js';
import { programmeModels } from '../../models/programme/programme.schema.js';
import { useTestDatabase } from '../helpers/database.js';

const NAME = 'account-log-seed';

const database = useTestDatabase(NAME);

const invitation = (account: string | null, status: string, plannedAt: string) => ({
  _id: new Types.ObjectId(),
  eventId: new Types.ObjectId(),
  customerId: `c-${Math.random()}`,
  touchpoint: 'visit',
  account,
  status,
  plannedAt: new Date(plannedAt),
  dueAt: new Date(plannedAt),
  attributes: [],
});

describe('the account survey log migration', () => {
  it("adds every released invitation's time to its account's log and keeps entries written meanwhile", async () => {
    const db = database();
    const models = programmeModels(db.connection);
    await models.invitations.collection.insertMany([
      invitation('acme', 'QUEUED', '2026-11-02T10:00:00Z'),
      invitation('acme', 'SENT', '2026-11-03T10:00:00Z'),
      invitation('acme', 'SKIPPED', '2026-11-04T10:00:00Z'),
      invitation('globex', 'RESPONDED', '2026-11-05T10:00:00Z'),
      invitation(null, 'QUEUED', '2026-11-06T10:00:00Z'),
    ]);
    // A planner of the new version already released one survey to acme.
    await new ProgrammeRepository(models).addAccountSurveys(new Map([['acme', 1]]), new Date('2026-11-20T10:00:00Z'));

    expect(await new ProgrammeRepository(models).seedAccountSurveys()).toBe(2);
    const logs = await models.accountSurveys.find().sort({ _id: 1 }).lean();
    expect(logs.map((l) => [l._id, l.at.map((d) => d.toISOString()).sort()])).toEqual([
      ['acme', ['2026-11-02T10:00:00.000Z', '2026-11-03T10:00:00.000Z', '2026-11-20T10:00:00.000Z']],
      ['globex', ['2026-11-05T10:00:00.000Z']],
    ]);
  });
});
