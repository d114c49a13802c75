/**
 * A planner far over a team's capacity does not re-read the events it deferred: they wait, counted as
 * deferred, until their deferral can have ended — the next day (capacity), a capacity change, or the
 * customer's business hours opening. Real FerretDB; the planner's reads of due events are recorded.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../models/database.js';
import { WriteLockRepository } from '../../models/lock/write-lock.repository.js';
import { ProgrammeRepository, type DueKey } from '../../models/programme/programme.repository.js';
import { programmeModels } from '../../models/programme/programme.schema.js';
import { NO_EVENTS } from '../../src/services/events.js';
import { DispatchPlanner } from '../../src/services/programme/dispatch-planner.js';
import { ProgrammeService } from '../../src/services/programme/programme.service.js';
import { useTestDatabase } from '../helpers/database.js';

const NAME = 'planner-deferrals';

const database = useTestDatabase(NAME);

/** A planner over the real repository, on a clock the test moves; it records which due events the planner reads. */
function plannerOn(db: Database, batchSize: number, start: string) {
  let now = new Date(start);
  const clock = () => now;
  const log = createLogger('silent');
  const repo = new ProgrammeRepository(programmeModels(db.connection));
  const read: DueKey[] = [];
  const findDueEvents = repo.findDueEvents.bind(repo);
  repo.findDueEvents = (keys) => {
    read.push(...keys);
    return findDueEvents(keys);
  };
  const programme = new ProgrammeService({ repo, clock, log, maxPageSize: 100, maxImportRows: 100 });
  const planner = new DispatchPlanner(
    { repo, programme, events: NO_EVENTS, locks: new WriteLockRepository(db.connection), clock, log },
    { batchSize, tickMs: 60_000, expiryDays: 30, maxDeferDays: 7 },
  );
  const tick = async (iso: string) => {
    now = new Date(iso);
    read.length = 0;
    return planner.tick();
  };
  return { programme, tick, read, setNow: (iso: string) => (now = new Date(iso)) };
}

describe('deferred events', () => {
  it('are read again only when their deferral can have ended', async () => {
    const { programme, tick, read } = plannerOn(database(), 50, '2026-12-01T10:00:00Z'); // a Tuesday, inside the UTC business hours

    await programme.setTeamCapacity('care', 1);
    await programme.createRule({ touchpoint: 'visit', team: 'care' });
    await programme.createRule({ touchpoint: 'signup' });
    for (const n of [1, 2, 3, 4])
      await programme.recordEvent({
        externalId: `visit-${n}`,
        touchpoint: 'visit',
        customer: { externalId: `v${n}`, email: `v${n}@example.com` },
      });
    // 23:00 in Auckland: outside its business hours until 09:00 there (20:00 UTC).
    await programme.recordEvent({
      externalId: 'signup-1',
      touchpoint: 'signup',
      customer: { externalId: 'nz1', email: 'nz1@example.com', timeZone: 'Pacific/Auckland' },
    });

    expect(await tick('2026-12-01T10:00:00Z')).toMatchObject({ released: 1, deferred: { TEAM_CAPACITY: 3, OUTSIDE_BUSINESS_HOURS: 1 } });
    expect(read).toHaveLength(5);
    // The team's capacity is used up for the day and Auckland is still closed: nothing is read again.
    expect(await tick('2026-12-01T10:01:00Z')).toMatchObject({ released: 0, deferred: { TEAM_CAPACITY: 3, OUTSIDE_BUSINESS_HOURS: 1 } });
    expect(read).toHaveLength(0);

    // A capacity change: every deferral is decided again.
    await programme.setTeamCapacity('care', 2);
    expect(await tick('2026-12-01T10:02:00Z')).toMatchObject({ released: 1, deferred: { TEAM_CAPACITY: 2, OUTSIDE_BUSINESS_HOURS: 1 } });
    expect(read).toHaveLength(4);

    // Auckland opens at 20:00 UTC: only that event is read, and released.
    expect(await tick('2026-12-01T20:00:00Z')).toMatchObject({ released: 1, deferred: { TEAM_CAPACITY: 2 } });
    expect(read).toHaveLength(1);

    // The next day the team's capacity is back: the two left are read and released.
    expect(await tick('2026-12-02T10:00:00Z')).toMatchObject({ released: 2 });
    expect(read).toHaveLength(2);
  }, 60_000);

  it('leave their batch slots to the relationship cadence of a team with capacity left', async () => {
    const { programme, tick, setNow } = plannerOn(database(), 3, '2026-12-05T10:00:00Z');
    // Known since Saturday: due for a daily relationship survey on Monday.
    await programme.recordContacts(
      ['r1', 'r2', 'r3', 'r4'].map((id) => ({ customer: { externalId: id, email: `${id}@example.com` }, attributes: [] })),
    );
    setNow('2026-12-07T10:00:00Z');
    await programme.setTeamCapacity('desk', 1);
    await programme.createRule({ touchpoint: 'call', team: 'desk' });
    for (const n of [1, 2, 3, 4])
      await programme.recordEvent({
        externalId: `call-${n}`,
        touchpoint: 'call',
        customer: { externalId: `k${n}`, email: `k${n}@example.com` },
      });
    await programme.createRule({ touchpoint: 'relationship', kind: 'RELATIONSHIP', everyDays: 1 });
    // Four calls due fill the batch of 3: no relationship survey; one call goes, three wait for the desk.
    expect(await tick('2026-12-07T10:00:00Z')).toMatchObject({ relationship: 0, released: 1, deferred: { TEAM_CAPACITY: 3 } });
    // The three cannot go today: their slots go to the cadence (its rule has no team).
    expect(await tick('2026-12-07T10:01:00Z')).toMatchObject({ relationship: 3, deferred: { TEAM_CAPACITY: 3 } });
  }, 60_000);
});
